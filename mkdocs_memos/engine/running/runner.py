"""Gives each snippet its output: from the cache, or by running it in the fork server.

The server is started only when something must run (a build with nothing changed imports no torch), and
is kept for the life of the process, so that `mkdocs serve` re-runs an edited snippet without importing
torch again. The snippets run in the background (`Runner.start`): the build renders its pages meanwhile,
while the server imports torch, and waits for the results only when it must put them in the pages.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.requirements import Requirement

from mkdocs_memos.engine.running import sandbox
from mkdocs_memos.engine.running.cache import Cache
from mkdocs_memos.engine.running.child import environment
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.jail import ROOT, Jail, needed
from mkdocs_memos.engine.running.protocol import ERROR, OK, SKIPPED, Answer, Job, Result, read_hello
from mkdocs_memos.engine.running.snippet import Snippet


@dataclass
class Summary:
    total: int = 0
    cached: int = 0
    ran: int = 0
    seconds: float = 0.0
    slowest: list = field(default_factory=list)  # (seconds, snippet name)
    isolation: str = ""  # the log's line on how snippets are isolated, said once per server (sandbox.describe)

    def __str__(self) -> str:
        text = f"{self.total} snippets: {self.cached} from cache, {self.ran} ran"
        if self.ran:
            text += f" in {self.seconds:.1f} s; slowest: " + ", ".join(f"{n} {s:.2f} s" for s, n in self.slowest)
        return text


class InterpreterMissing(Exception):
    """Snippets must run, and the Python recorded to run them is gone."""


class ServerStopped(Exception):
    """The server ended before answering every job: `running` are the ids of the jobs it had started."""

    def __init__(self, how: str, running: set[int]):
        super().__init__(f"the snippet server stopped ({how})")
        self.how, self.running = how, running


class Server:
    """A running `python -m mkdocs_memos.engine.running.server`, in bubblewrap's jail if `jail` has one.
    Starting one returns at once: it says hello (after importing torch) while the caller goes on, and `stamp`
    waits for that hello."""

    def __init__(self, jobs: int, interpreter: Interpreter, jail: Jail):
        command = [interpreter.executable, "-m", "mkdocs_memos.engine.running.server", "--jobs", str(jobs)]
        self.jail = jail
        tmp = tempfile.gettempdir()
        if jail.bwrap:  # the jail's /tmp, in memory: it ends with the jail, whatever ends the server
            tmp = "/tmp"
            command = [*jail.command(needed(interpreter.executable)), *command, "--namespaces"]
        # Not the build's environment: the snippets' own (see child.environment), plus where to import this
        # very engine from (the children take it off sys.path) and where to make the run directories.
        env = dict(environment(tmp, tmp, interpreter.executable), PYTHONPATH=str(ROOT), TMPDIR=tmp)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=tmp,
                                        env=env, text=True, bufsize=1)
        self.tmp: str | None = None  # the folder of its run directories, on the machine's disk if not jailed
        self._stamp: dict | None = None
        self._isolation: str | None = None  # the log's line, until said
        self._lock = threading.Lock()  # one batch at a time reads the answers (`mkdocs serve` rebuilds)

    @property
    def stamp(self) -> dict:
        if self._stamp is None:
            hello = read_hello(self._read(set()))
            isolation = hello["isolation"]
            self._isolation = sandbox.describe(self.jail.why, isolation["namespaces"], isolation["landlock"])
            self.tmp = None if self.jail.bwrap else hello["tmp"]
            self._stamp = hello["hello"]
        return self._stamp

    def isolation(self) -> str:
        """The log's line on how snippets are isolated: once, then empty."""
        line, self._isolation = self._isolation or "", ""
        return line

    def _read(self, running: set[int]) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise ServerStopped(self._ended(), running)
        return line

    def _ended(self) -> str:
        """How the server ended, once it has; its run directories removed (it removes them itself unless
        killed)."""
        code = self.process.wait()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        # bwrap exits with 128 + the signal that killed what it ran, as a shell does.
        sig = -code if code < 0 else code - 128 if self.jail.bwrap and code > 128 else 0
        return f"killed by signal {sig} ({signal.Signals(sig).name})" if sig else f"exit status {code}"

    def run(self, jobs: list[Job], done) -> None:
        """Calls `done(job id, result)` for each job as soon as its answer arrives. The jobs are written by a thread
        of their own: the server answers while it reads them, and a batch larger than the pipe would
        otherwise block both sides. ServerStopped if the server ends first."""
        with self._lock:
            stamp = self.stamp
            lines = "".join(job.line() for job in jobs)
            writer = threading.Thread(target=self._write, args=(lines,), daemon=True)
            writer.start()
            running: set[int] = set()
            for _ in jobs:
                while "started" in (data := json.loads(self._read(running))):
                    running.add(data["started"])
                answer = Answer.read(data)
                running.discard(answer.id)
                answer.result.stamp = stamp
                done(answer.id, answer.result)
            writer.join()

    def _write(self, lines: str) -> None:
        try:
            self.process.stdin.write(lines)
            self.process.stdin.flush()
        except BrokenPipeError:  # the server ended: the reader says how
            pass

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
        self._ended()


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
            try:
                self.server.run([Job.of(i, s) for i, s in enumerate(self.todo)], self._done)
            except ServerStopped as e:  # each snippet it did not answer fails, named with its pages as any other
                self._unanswered(e)
            self.summary.isolation = self.server.isolation()
            self.summary.ran = sum(bool(self.results[s.name].stamp) for s in self.todo)  # what the server answered
            self.summary.seconds = time.monotonic() - self.start
            self.summary.slowest = sorted(((self.results[s.name].seconds, s.name) for s in self.todo), reverse=True)[:3]
        except BaseException as e:  # noqa: BLE001 - raised again in the caller's thread by wait()
            self._error = e

    def _unanswered(self, stopped: ServerStopped) -> None:
        for i, s in enumerate(self.todo):
            if s.name not in self.results:
                when = "while it ran" if i in stopped.running else "before it could run"
                self.results[s.name] = Result(ERROR, message=f"{stopped} {when}; its error, if any, is printed above")

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
        self._jail: Jail | None = None  # found when a server first starts

    def server(self) -> Server:
        """The running server, started when first needed (or again, if it stopped)."""
        if self._server is None or self._server.process.poll() is not None:
            if self._server is not None:
                self._server.close()
            if self._jail is None:
                self._jail = Jail.find()
            self._server = Server(self.jobs, self.interpreter, self._jail)
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

