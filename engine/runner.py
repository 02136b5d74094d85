"""Gives each snippet its output: from the cache, or by running it in the fork server.

The server is started only when something must run (a build with nothing changed imports no torch), and
is kept for the life of the process, so that `mkdocs serve` re-runs an edited snippet without importing
torch again.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

from engine.cache import Cache
from engine.snippet import Snippet

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    status: str  # "ok", "error" (the snippet failed) or "skipped" (needs another torch release)
    output: str = ""
    message: str = ""
    line: int | None = None
    output_bytes: int = 0
    seconds: float = 0.0
    checks: list = field(default_factory=list)
    stamp: dict = field(default_factory=dict)
    cached: bool = False


@dataclass
class Summary:
    total: int = 0
    cached: int = 0
    ran: int = 0
    seconds: float = 0.0
    slowest: list = field(default_factory=list)  # (seconds, snippet name)

    def __str__(self) -> str:
        text = f"{self.total} snippets: {self.cached} from cache, {self.ran} ran"
        if self.ran:
            text += f" in {self.seconds:.1f} s; slowest: " + ", ".join(f"{n} {s:.2f} s" for s, n in self.slowest)
        return text


class Server:
    """A running `python -m engine.server`."""

    def __init__(self, jobs: int):
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.server", "--jobs", str(jobs)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env, text=True, bufsize=1,
        )
        self.stamp = self._read()["hello"]

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise RuntimeError(f"the snippet server stopped (exit status {code}); its error is printed above")
        return json.loads(line)

    def run(self, jobs: list[dict], progress) -> list[dict]:
        for job in jobs:
            self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        results = []
        for _ in jobs:
            results.append(self._read())
            progress(len(results), len(jobs))
        return results

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()


_server: Server | None = None


def _shared_server(jobs: int) -> Server:
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = Server(jobs)
        atexit.register(_server.close)
    return _server


def prestart(jobs: int) -> None:
    """Start the server ahead of need (for `mkdocs serve`: the first edit then imports nothing)."""
    _shared_server(jobs)


class Runner:
    def __init__(self, cache_dir: Path, jobs: int = 2, progress=None):
        self.cache = Cache(cache_dir)
        self.jobs = jobs
        self.progress = progress or (lambda done, total: None)
        self.torch = version("torch")

    def run(self, snippets: list[Snippet]) -> tuple[dict[str, Result], Summary]:
        results: dict[str, Result] = {}
        todo: list[Snippet] = []
        for s in {s.name: s for s in snippets}.values():
            if s.requires and not Requirement(s.requires).specifier.contains(self.torch, prereleases=True):
                results[s.name] = Result(
                    status="skipped", message=f"needs {s.requires}; this site uses torch {self.torch}",
                    stamp={"torch": self.torch},
                )
            elif (entry := self.cache.get(s)) is not None:
                results[s.name] = Result(**entry, cached=True)
            else:
                todo.append(s)

        summary = Summary(total=len(results) + len(todo), cached=sum(r.cached for r in results.values()))
        if todo:
            start = time.monotonic()
            server = _shared_server(self.jobs)
            answers = server.run([_job(i, s) for i, s in enumerate(todo)], self.progress)
            for answer in answers:
                s = todo[answer.pop("id")]
                result = Result(**answer, stamp=server.stamp)
                if result.status == "ok":
                    self.cache.put(s, {k: v for k, v in asdict(result).items() if k != "cached"})
                results[s.name] = result
            summary.ran = len(todo)
            summary.seconds = time.monotonic() - start
            summary.slowest = sorted(((results[s.name].seconds, s.name) for s in todo), reverse=True)[:3]
        return results, summary


def _job(i: int, s: Snippet) -> dict:
    return {
        "id": i,
        "display_path": s.display_path,
        "source": s.source,
        "raises": s.raises,
        "timeout": s.timeout,
        "threads": s.threads,
        "checks": [{"claim": c.claim, "expr": c.expr, "line": c.line} for c in s.checks],
    }
