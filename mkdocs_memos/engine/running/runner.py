"""Gives each snippet its output: from the cache, or by running it in the fork server.

The server is started only when something must run (a build with nothing changed imports no torch), and
is kept for the life of the process, so that `mkdocs serve` re-runs an edited snippet without importing
torch again. The snippets run in the background (`Runner.start`): the build renders its pages meanwhile,
while the server imports torch, and waits for the results only when it must put them in the pages.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.requirements import Requirement

from mkdocs_memos.engine.running.cache import Cache
from mkdocs_memos.engine.running.child import environment
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.protocol import OK, SKIPPED, Answer, Job, Result, read_hello
from mkdocs_memos.engine.running.snippet import Snippet

ROOT = Path(__file__).resolve().parents[3]  # where mkdocs_memos is imported from


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


class InterpreterMissing(Exception):
    """Snippets must run, and the Python recorded to run them is gone."""


class Server:
    """A running `python -m mkdocs_memos.engine.running.server`. Starting one returns at once: it says hello (after importing torch)
    while the caller goes on, and `stamp` waits for that hello."""

    def __init__(self, jobs: int, interpreter: Interpreter):
        # Not the build's environment: the snippets' own (see child.environment), plus where to import this
        # very engine from (the children take it off sys.path) and where to make the run directories.
        tmp = tempfile.gettempdir()
        env = dict(environment(tmp, tmp, interpreter.executable), PYTHONPATH=str(ROOT), TMPDIR=tmp)
        self.process = subprocess.Popen(
            [interpreter.executable, "-m", "mkdocs_memos.engine.running.server", "--jobs", str(jobs)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=tmp, env=env, text=True, bufsize=1,
        )
        self._stamp: dict | None = None
        self._lock = threading.Lock()  # one batch at a time reads the answers (`mkdocs serve` rebuilds)

    @property
    def stamp(self) -> dict:
        if self._stamp is None:
            self._stamp = read_hello(self._read())
        return self._stamp

    def _read(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise RuntimeError(f"the snippet server stopped (exit status {code}); its error is printed above")
        return line

    def run(self, jobs: list[Job], done) -> None:
        """Calls `done(job id, result)` for each job as soon as its answer arrives. The jobs are written by a thread
        of their own: the server answers while it reads them, and a batch larger than the pipe would
        otherwise block both sides."""
        with self._lock:
            stamp = self.stamp
            lines = "".join(job.line() for job in jobs)
            writer = threading.Thread(target=self._write, args=(lines,), daemon=True)
            writer.start()
            for _ in jobs:
                answer = Answer.read(json.loads(self._read()))
                answer.result.stamp = stamp
                done(answer.id, answer.result)
            writer.join()

    def _write(self, lines: str) -> None:
        self.process.stdin.write(lines)
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()


class Batch:
    """Snippets being run in the background, so that the caller (MkDocs rendering pages) goes on meanwhile."""

    def __init__(self, runner: Runner, snippets: list[Snippet]):
        self.runner = runner
        self.results, self.todo = runner.triage(snippets)
        if self.todo and runner.interpreter.missing():
            names = ", ".join(s.display_path for s in self.todo[:3]) + (
                f" and {len(self.todo) - 3} more" if len(self.todo) > 3 else "")
            raise InterpreterMissing(
                f"{names} must run on torch {runner.torch}, and the Python recorded to run snippets there is "
                f"missing: {runner.interpreter.executable} (`python -m scripts.versions venvs {runner.torch}` makes it)")
        cached = sum(r.cached for r in self.results.values())
        self.summary = Summary(total=len(self.results) + len(self.todo), cached=cached)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        if self.todo:
            self.start = time.monotonic()
            self.server = runner.server()  # started here, so torch imports while the caller works
            self._thread.start()

    def _run(self) -> None:
        try:
            self.server.run([Job.of(i, s) for i, s in enumerate(self.todo)], self._done)
            self.summary.ran = len(self.todo)
            self.summary.seconds = time.monotonic() - self.start
            self.summary.slowest = sorted(((self.results[s.name].seconds, s.name) for s in self.todo), reverse=True)[:3]
        except BaseException as e:  # noqa: BLE001 - raised again in the caller's thread by wait()
            self._error = e

    def _done(self, i: int, result: Result) -> None:
        """One result in: cached at once, so that an interrupted build keeps every result it got."""
        s = self.todo[i]
        if result.status == OK:
            self.runner.cache.put(s, {k: v for k, v in asdict(result).items() if k != "cached"})
        self.results[s.name] = result
        self.runner.progress(sum(t.name in self.results for t in self.todo), len(self.todo))

    def ready(self) -> bool:
        """Whether `wait` would return at once."""
        return not self._thread.is_alive()

    def wait(self) -> tuple[dict[str, Result], Summary]:
        if self.todo:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self.results, self.summary


class Runner:
    """Owns the fork server, kept for the runner's life: `mkdocs serve` re-runs an edited snippet without
    importing torch again. `close()` stops it."""

    def __init__(self, cache_dir: Path, jobs: int = 2, progress=None, interpreter: Interpreter | None = None):
        self.interpreter = interpreter or Interpreter.current()
        self.cache = Cache(cache_dir, self.interpreter)
        self.jobs = jobs
        self.progress = progress or (lambda done, total: None)
        self.torch = self.interpreter.torch
        self._server: Server | None = None

    def server(self) -> Server:
        """The running server, started when first needed (or again, if it stopped)."""
        if self._server is None or self._server.process.poll() is not None:
            self._server = Server(self.jobs, self.interpreter)
        return self._server

    def triage(self, snippets: list[Snippet]) -> tuple[dict[str, Result], list[Snippet]]:
        """What is known without running anything (skipped on this release, or cached), and what must run."""
        known: dict[str, Result] = {}
        todo: list[Snippet] = []
        for s in {s.name: s for s in snippets}.values():
            if s.requires and not Requirement(s.requires).specifier.contains(self.torch, prereleases=True):
                message = f"needs {s.requires}; this site uses torch {self.torch}"
                known[s.name] = Result(status=SKIPPED, message=message, stamp={"torch": self.torch})
            elif (result := _cached(self.cache, s)) is not None:
                known[s.name] = result
            else:
                todo.append(s)
        return known, todo

    def close(self) -> None:
        if self._server is not None:
            self._server.close()

    def start(self, snippets: list[Snippet]) -> Batch:
        """Results from the cache now; the rest start running, and `wait()` on the batch gives them all."""
        return Batch(self, snippets)

    def run(self, snippets: list[Snippet]) -> tuple[dict[str, Result], Summary]:
        return self.start(snippets).wait()


def terminal_progress(done: int, total: int) -> None:
    """How many snippets ran so far, on one line of the terminal (not in a log that is not one)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  memos: {done}/{total} snippets ran" + ("\n" if done == total else ""))


def _cached(cache: Cache, s: Snippet) -> Result | None:
    entry = cache.get(s)
    try:
        return None if entry is None else Result(**entry, cached=True)
    except TypeError:  # written by an engine whose results had another shape
        return None

