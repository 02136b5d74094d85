"""The fork server: imports torch once, then forks one child per snippet (`python -m mkdocs_memos.engine.server`).

Protocol, one JSON object per line: the server says hello with the versions that will stamp every output,
then answers each job read from stdin with its result on stdout, in the order the jobs finish. At most
`--jobs` children run at once; each is killed with its whole process group at its timeout.

Forking is what makes isolation cheap: a child starts with torch already imported (about 1.4 s saved per
snippet) and with nothing another snippet did. The parent must never run a torch op itself: forking a
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

from mkdocs_memos.engine import child

# Shown at most, in bytes, of one snippet's output; the rest is counted and cut with a visible note.
SHOWN_BYTES = 64 * 1024
# Not in every release the site is built for (torch 1.13 has none of them). torch._dynamo is pulled in by the
# first optimizer step (~0.75 s); functorch.compile by torch.compile and torch.export (AOT autograd): 0.17 s
# once here saves ~0.3 s in each child that compiles or exports (not torch._inductor.compile_fx: it costs more
# here than it saves there).
OPTIONAL_MODULES = ("torch._dynamo", "torch.func", "functorch.compile")
# Read from the end of the output for the stack that faulthandler prints last when a child crashes or hangs.
TAIL_BYTES = 16 * 1024
# How long a hanging child gets to print its stack (on SIGUSR1) before it is killed.
DUMP_GRACE = 0.3


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
    }


@dataclass
class Running:
    job: dict
    pid: int
    pidfd: int
    tmp: str
    marker: bytes
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        return self.started + self.job["timeout"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    jobs = parser.parse_args().jobs

    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # a stray print of the server itself must not corrupt the protocol
    out.write(json.dumps({"hello": warm_up()}) + "\n")
    scrub = _scrubber()

    queue: list[dict] = []
    running: dict[int, Running] = {}  # by pidfd
    buffer = b""
    stdin_open = True
    while stdin_open or queue or running:
        while queue and len(running) < jobs:
            r = _start(queue.pop(0))
            running[r.pidfd] = r
        now = time.monotonic()
        timeout = min((r.deadline for r in running.values()), default=now + 3600) - now
        readers = ([0] if stdin_open else []) + list(running)
        ready, _, _ = select.select(readers, [], [], max(timeout, 0))
        if 0 in ready:
            chunk = os.read(0, 1 << 16)
            stdin_open = bool(chunk)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            queue.extend(json.loads(line) for line in lines if line.strip())
        now = time.monotonic()
        for fd, r in list(running.items()):
            timed_out = fd not in ready and now >= r.deadline
            if fd in ready or timed_out:
                del running[fd]
                out.write(json.dumps(_finish(r, timed_out, scrub)) + "\n")


def _start(job: dict) -> Running:
    tmp = tempfile.mkdtemp(prefix="memo-")
    workdir = os.path.join(tmp, "cwd")
    os.mkdir(workdir)
    marker = b"\x1e" + os.urandom(8).hex().encode() + b" "  # starts each frame of stderr (child.Framed)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        child.run(job, workdir, os.path.join(tmp, "output"), os.path.join(tmp, "result.json"), marker)
    os.setpgid(pid, pid)  # also here, so a kill right after fork reaches the group
    return Running(job=job, pid=pid, pidfd=os.pidfd_open(pid), tmp=tmp, marker=marker)


def _finish(r: Running, timed_out: bool, scrub) -> dict:
    if timed_out:
        _dump_stack(r.pid)
        _kill_group(r.pid)
    _, status = os.waitpid(r.pid, 0)
    _kill_group(r.pid)  # DataLoader workers and other leftovers of the snippet
    os.close(r.pidfd)
    seconds = time.monotonic() - r.started
    try:
        chunks, size, tail = _read_output(os.path.join(r.tmp, "output"), r.marker)
        result = _read_result(os.path.join(r.tmp, "result.json"))
    finally:
        shutil.rmtree(r.tmp, ignore_errors=True)
    if timed_out:
        result = {"status": "error", "message": f"timed out after {r.job['timeout']:g} s (# memo: timeout)"}
    elif result is None:
        result = {"status": "error", "message": _death(status)}
    if result["status"] == "error" and result.get("line") is None:
        result["line"] = _dumped_line(tail, r.job["display_path"])
    chunks = [(stream, scrub(text, r.tmp)) for stream, text in chunks]
    text = "".join(t for _, t in chunks)
    return {
        "id": r.job["id"],
        "line": None,
        "checks": [],
        "facts": [],
        **result,
        "output": text,
        "streams": [[stream, len(t)] for stream, t in chunks],
        # Scrubbing shortens paths: an output shown whole counts what is shown, so that it reads as whole
        # and its size does not depend on where the environment lives.
        "output_bytes": len(text.encode()) if size <= SHOWN_BYTES else size,
        "seconds": round(seconds, 3),
    }


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


def _read_result(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXFSZ:
            return "crashed: its output passed the size limit"
        return f"crashed: killed by signal {sig} ({signal.Signals(sig).name})"
    return f"crashed: the process exited with status {os.WEXITSTATUS(status)} before finishing"


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _scrubber():
    """Replace what is specific to this machine (install paths, the temporary directory) in outputs."""
    paths = sysconfig.get_paths()
    names = {paths["purelib"]: "…/site-packages", paths["platlib"]: "…/site-packages", paths["stdlib"]: "…/lib"}
    pairs = sorted(names.items(), key=lambda p: -len(p[0]))

    def scrub(text: str, tmp: str) -> str:
        text = text.replace(os.path.join(tmp, "cwd"), ".")
        for path, short in pairs:
            text = text.replace(path, short)
        return text

    return scrub


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
