"""The fork server: imports torch once, then forks one child per snippet (`python -m mkdocs_memos.engine.running.server`).

Protocol, one JSON object per line: the server says hello with the versions that will stamp every output,
then answers each job read from stdin with its result on stdout, in the order the jobs finish. At most
`--jobs` children run at once; each is killed with every process it started at its timeout or memory
limit, and when it ends. Ctrl-C, SIGTERM or the end of stdin (the build closed it, or died) ends them all,
and the server. With `--namespaces` (in bubblewrap's jail, see jail.py) each child gets namespaces of its
own (sandbox.py), where the kernel allows it.

Forking is what makes isolation cheap: a child starts with torch already imported (the import costs more than
most snippets) and with nothing another snippet did. The parent must never run a torch op itself: forking a
process whose thread pools have started makes children hang.
"""

from __future__ import annotations

import argparse
import importlib
import json
import mmap
import os
import platform
import re
import select
import shutil
import signal
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field

import psutil

from mkdocs_memos.engine.running import child, landlock, sandbox, syscalls
from mkdocs_memos.engine.running.protocol import ERROR, Answer, Job, Outcome, Result, hello, started

# Shown at most, in bytes, of one snippet's output; the rest is counted and cut with a visible note.
SHOWN_BYTES = 64 * 1024
# Not in every release the site is built for (torch 1.13 has none of them). torch._dynamo is pulled in by the
# first optimizer step, functorch.compile by torch.compile and torch.export (AOT autograd): imported once here,
# not in every child that needs them (not torch._inductor.compile_fx: importing it here costs more than the
# children that use it would save).
OPTIONAL_MODULES = ("torch._dynamo", "torch.func", "functorch.compile")
# Read from the end of the output for the stack that faulthandler prints last when a child crashes or hangs.
TAIL_BYTES = 16 * 1024
# How long a hanging child gets to print its stack (on SIGUSR1) before it is killed.
DUMP_GRACE = 0.3
# Seconds between two looks at the running snippets' memory: reading a process's memory is cheap, and a
# snippet cannot allocate far past its limit between two looks.
POLL = 0.1


def warm_up() -> dict:
    """Import what snippets load lazily on first use, so that no child pays for it again."""
    import numpy  # noqa: F401
    import torch
    import torch.jit  # noqa: F401
    import torch.nn.functional  # noqa: F401
    import torch.optim  # noqa: F401
    import torch.utils.benchmark  # noqa: F401
    import torch.utils.data  # noqa: F401

    for optional in OPTIONAL_MODULES:
        try:
            importlib.import_module(optional)
        except ModuleNotFoundError:
            pass

    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "machine": machine(),
    }


def machine() -> str:
    """The processor the snippets run on and the cores they may use: what a timing depends on (shown with the
    timings compared across releases, which may come from other machines)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        model = ""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model or platform.processor() or platform.machine()}, {cores} cores"


@dataclass
class Running:
    job: Job
    pid: int
    pidfd: int
    tmp: str
    marker: bytes
    init: int | None  # the pid 1 of its pid namespace, if it has one
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        return self.started + self.job.timeout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--namespaces", action="store_true", help="namespaces per snippet (in bubblewrap's jail)")
    args = parser.parse_args()
    jobs = args.jobs

    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # a stray print of the server itself must not corrupt the protocol
    refused = sandbox.probe() if args.namespaces else "not asked"  # before torch: it forks
    pids = sandbox.Pids() if refused is None else None
    # Orphans of the snippets (a daemon whose snippet's process died) come to the server, which kills them.
    syscalls.prctl(syscalls.PR_SET_CHILD_SUBREAPER, 1)
    # Ctrl-C reaches the whole process group (not the snippets, each in a session of its own), SIGTERM maybe
    # the server alone: both raise KeyboardInterrupt here, and main's `finally` ends every snippet.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stamp = warm_up()
    # The run directories' folder, removed when the server ends; the runner removes it if the server is killed.
    tempfile.tempdir = tempfile.mkdtemp(prefix="memos-server-")
    out.write(hello(stamp, {"namespaces": refused, "landlock": landlock.abi()}, tempfile.tempdir))
    scrub = _scrubber()

    queue: list[Job] = []
    running: dict[int, Running] = {}  # by pidfd
    buffer = b""
    try:
        while True:
            while queue and len(running) < jobs:
                r = _start(queue.pop(0), pids, out.fileno())
                running[r.pidfd] = r
                out.write(started(r.job.id))
            now = time.monotonic()
            timeout = min([r.deadline - now for r in running.values()] + [POLL])
            ready, _, _ = select.select([0, *running], [], [], max(timeout, 0))
            if 0 in ready:
                chunk = os.read(0, 1 << 16)
                if not chunk:  # the build closed it (nothing more to run), or died: end every snippet now
                    return
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                queue.extend(Job.read(line) for line in lines if line.strip())
            now = time.monotonic()
            for fd, r in list(running.items()):
                stop = None if fd in ready else _over_limit(r, now)
                if fd in ready or stop:
                    del running[fd]
                    answer = _finish(r, stop, scrub)
                    # Before the answer: whoever reads it may look for the snippet's leftovers at once.
                    _kill_orphans({p for r in running.values() for p in (r.pid, r.init) if p})
                    out.write(answer.line())
    finally:
        for r in running.values():
            _kill_tree(r.pid)
            os.waitpid(r.pid, 0)
            if r.init:
                sandbox.end(r.init)
        _kill_orphans(set())
        shutil.rmtree(tempfile.gettempdir(), ignore_errors=True)


def _over_limit(r: Running, now: float) -> str | None:
    """Why `r` must be stopped now, if it must: its timeout, or its memory limit."""
    if now >= r.deadline:
        return f"timed out after {r.job.timeout:g} s (# memo: timeout)"
    tmp = sandbox.tmp_used(r.pid) if r.init else 0  # its private /tmp and /dev/shm
    if sum(_anonymous(pid) for pid in _tree(r.pid)) + tmp > r.job.memory:
        return f"used more than its memory limit of {_size(r.job.memory)} (# memo: memory)"
    return None


def _start(job: Job, pids: sandbox.Pids | None, answers: int) -> Running:
    """Fork the child that runs `job`, in a pid namespace of its own if `pids`. Its run directory, removed when
    it ends: `output` and `result.json`, and `run/` (the only place the snippet may write: its working
    directory, HOME and TMPDIR). `answers`: the server's end of the pipe to the runner, which no process of
    the snippet keeps open (the runner sees the server's death as that pipe's end)."""
    tmp = tempfile.mkdtemp(prefix="memo-")
    os.mkdir(os.path.join(tmp, "run"))
    marker = b"\x1e" + os.urandom(8).hex().encode() + b" "  # starts each frame of stderr (child.Framed)
    pid, init = pids.fork() if pids else (os.fork(), None)
    if pid == 0:
        os.close(answers)
        # A session of its own: no controlling terminal, which it could open and feed keystrokes (TIOCSTI).
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as in `python snippet.py`: the server's are its own
        child.run(job, tmp, marker, namespaces=pids is not None)
    return Running(job=job, pid=pid, pidfd=os.pidfd_open(pid), tmp=tmp, marker=marker, init=init)


def _finish(r: Running, stopped: str | None, scrub) -> Answer:
    if stopped:
        _dump_stack(r.pid)
    _kill_tree(r.pid)  # DataLoader workers, daemons and other leftovers of the snippet
    _, status = os.waitpid(r.pid, 0)
    os.close(r.pidfd)
    if r.init:
        sandbox.end(r.init)
    seconds = time.monotonic() - r.started
    try:
        full = os.path.getsize(os.path.join(r.tmp, "output"))
        chunks, size, tail = _read_output(os.path.join(r.tmp, "output"), r.marker)
        outcome = _read_outcome(os.path.join(r.tmp, "result.json"))
    finally:
        shutil.rmtree(r.tmp, ignore_errors=True)
    if stopped:
        outcome = Outcome(ERROR, stopped)
    elif full >= child.OUTPUT_LIMIT:
        outcome = Outcome(ERROR, f"its output passed the limit of {_size(child.OUTPUT_LIMIT)}",
                          outcome.line if outcome else None)
    elif outcome is None:
        outcome = Outcome(ERROR, _death(status))
    elif outcome.engine is not None:  # not the snippet's fault: say so, with the engine's traceback
        outcome.message = f"engine error, outside the snippet's code: {outcome.engine.strip().splitlines()[-1]}"
        chunks.append(("stderr", f"\n{outcome.engine}"))
    if outcome.status == ERROR and outcome.line is None:
        outcome.line = _dumped_line(tail, r.job.display_path)
    chunks = [(stream, scrub(text, r.tmp)) for stream, text in chunks]
    text = "".join(t for _, t in chunks)
    return Answer(r.job.id, Result(
        outcome.status, text, outcome.message, outcome.line,
        # Scrubbing shortens paths: an output shown whole counts what is shown, so that it reads as whole
        # and its size does not depend on where the environment lives.
        output_bytes=len(text.encode()) if size <= SHOWN_BYTES else size,
        seconds=round(seconds, 3), checks=outcome.checks, facts=outcome.facts,
        streams=[[stream, len(t)] for stream, t in chunks], exception=outcome.exception,
        figures=outcome.figures,
    ))


def _read_output(path: str, marker: bytes) -> tuple[list[tuple[str, str]], int, str]:
    """The output's head (what is shown) as (stream, text) chunks, its size, and its tail."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return [], 0, ""
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:  # up to OUTPUT_LIMIT: not read whole
            chunks, size = [], 0
            for stream, start, end in _streams(data, marker):
                shown = data[start : min(end, start + max(0, SHOWN_BYTES - size))]
                size += end - start
                if not shown:
                    continue
                # Not UTF-8, or cut in the middle of a character: shown with U+FFFD, never a crash.
                text = shown.decode("utf-8", errors="replace")
                if chunks and chunks[-1][0] == stream:  # a print to stderr is two frames: text, then "\n"
                    text = chunks.pop()[1] + text
                chunks.append((stream, text))
            tail = data[-TAIL_BYTES:]  # where faulthandler's stack is: frame heads do not hide it
    return chunks, size, tail.decode("utf-8", errors="replace")


def _streams(data, marker: bytes):
    """(stream, start, end) of each part of the output, in the order written: stdout, except the frames that
    child.Framed wrote around it."""
    at = 0
    while (start := data.find(marker, at)) >= 0:
        head_end = data.find(b"\n", start)
        if head_end < 0:  # a frame cut short at the size limit
            break
        if start > at:
            yield "stdout", at, start
        stream, size = data[start + len(marker) : head_end].decode().split()
        at = min(head_end + 1 + int(size), len(data))
        yield stream, head_end + 1, at
    if at < len(data):
        yield "stdout", at, len(data)


def _dump_stack(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        return
    time.sleep(DUMP_GRACE)


def _dumped_line(tail: str, display_path: str) -> int | None:
    """The snippet's innermost line in the stack faulthandler printed (most recent call first)."""
    _, dumped, stack = tail.rpartition("most recent call first")
    frames = re.findall(rf'File "{re.escape(display_path)}", line (\d+)', stack) if dumped else []
    return int(frames[0]) if frames else None


def _read_outcome(path: str) -> Outcome | None:
    """What the child decided; None when it died before writing it (the file is empty or cut)."""
    try:
        with open(path, encoding="utf-8") as f:
            return Outcome(**json.load(f))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXFSZ:
            return "crashed: its output passed the size limit"
        return f"crashed: killed by signal {sig} ({signal.Signals(sig).name})"
    if os.WEXITSTATUS(status) == child.ENGINE_FAILED:
        return "engine error, outside the snippet's code: no result could be written (its traceback ends the output)"
    return f"crashed: the process exited with status {os.WEXITSTATUS(status)} before finishing"


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it. Each snippet's child is a subreaper, so while it lives this is
    everything the snippet started, however it detached."""
    found, i = [pid], 0
    while i < len(found):
        found += _children(found[i])
        i += 1
    return found


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(c) for c in f.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass  # it ended meanwhile
    return found


def _anonymous(pid: int) -> int:
    """The memory a process allocated itself (RssAnon: resident, not mapped from a file), in bytes."""
    try:
        info = psutil.Process(pid).memory_info()
    except psutil.Error:
        return 0
    return info.rss - info.shared


def _kill_tree(pid: int) -> None:
    for p in reversed(_tree(pid)):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_orphans(running: set[int]) -> None:
    """Kill and reap what the snippets that ended left behind: as their children were subreapers until they
    ended, every child of the server that is not a running snippet's is such a leftover."""
    while orphans := set(_children(os.getpid())) - running:
        for pid in orphans:
            _kill_tree(pid)
        for pid in orphans:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _size(n: int) -> str:
    return f"{n / 1024**3:g} GiB" if n >= 1024**3 else f"{n / 1024**2:g} MiB"


def _scrubber():
    """Replace what is specific to this machine (install paths, the run directory) in outputs."""
    paths = sysconfig.get_paths()
    names = {paths["purelib"]: "…/site-packages", paths["platlib"]: "…/site-packages", paths["stdlib"]: "…/lib"}
    if sys.prefix != sys.base_prefix:  # a virtual environment (its bin/ is on the snippets' PATH)
        names[sys.prefix] = "…/venv"
    pairs = sorted(names.items(), key=lambda p: -len(p[0]))

    def scrub(text: str, tmp: str) -> str:
        run = os.path.join(tmp, "run")
        text = text.replace(os.path.join(run, "cwd"), ".").replace(os.path.join(run, "home"), "~")
        text = text.replace(os.path.join(run, "tmp"), "/tmp")
        for path, short in pairs:
            text = text.replace(path, short)
        return text

    return scrub


if __name__ == "__main__":
    try:
        main()
        status = 0
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM, every snippet already ended by main's finally
        status = 130
    # Without tearing torch down: that takes seconds on a busy machine, and nothing is left to save.
    os._exit(status)
