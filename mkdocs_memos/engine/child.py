"""What runs inside the forked child: one snippet, as `python snippet.py` would run it, then `os._exit`.

The child never returns to the server's loop. It writes everything the snippet prints to one file (fd 1 and
fd 2 share it, so stdout and stderr stay in the order they were written, including output of C code and of
DataLoader worker processes) and its verdict to a JSON file written atomically: a child that dies before
writing it (segfault, abort, `os._exit`, timeout) leaves no result, which the server reports as a crash.
What goes through `sys.stderr` (warnings, `print(file=sys.stderr)`) and the traceback are framed in that
file (`Framed`), so that a notebook can store them as a kernel does: stderr, and an error apart from both.
"""

from __future__ import annotations

import builtins
import ctypes
import faulthandler
import io
import json
import linecache
import os
import random
import resource
import signal
import sys
import traceback
import types
import warnings

# The largest output file a snippet may write; past it the kernel stops the child (SIGXFSZ).
OUTPUT_LIMIT = 256 * 1024 * 1024


def run(job: dict, workdir: str, output_path: str, result_path: str, marker: bytes) -> None:
    """`marker`: random bytes that start each frame (see `Framed`), which no output can contain by chance."""
    try:
        result = _run(job, workdir, output_path, marker)
        _write_json(result_path, result)
    finally:
        ctypes.CDLL(None).fflush(None)  # C stdio buffers of torch's C++ code
        os._exit(0)


def _run(job: dict, workdir: str, output_path: str, marker: bytes) -> dict:
    _redirect(output_path, marker)
    # A crash (SIGSEGV, SIGABRT) or the server's SIGUSR1 at the timeout prints the Python stack into the
    # output, so that the error can name the snippet's line the child was on.
    faulthandler.enable(file=sys.stderr, all_threads=False)
    faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=False)
    os.chdir(workdir)
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    _deterministic(job["threads"])

    name = job["display_path"]
    source = job["source"]
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    module = types.ModuleType("__main__")
    module.__file__ = name
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.argv = [name]
    sys.path[0] = workdir

    raised: BaseException | None = None
    try:
        exec(compile(source, name, "exec"), module.__dict__)
    except SystemExit as e:
        code = e.code
        if code not in (None, 0):
            if not isinstance(code, int):
                print(code, file=sys.stderr)
            return _error(f"exited with sys.exit({e.code!r})", _snippet_line(e, name))
    except BaseException as e:  # noqa: BLE001 - the snippet's own exception is the output
        raised = e

    expected = job["raises"]
    if raised is not None:
        Framed(2, marker, "error").write(_trimmed_traceback(raised, name).encode("utf-8", "backslashreplace"))
        if not (expected and _is_a(raised, expected)):
            what = "".join(traceback.format_exception_only(raised)).strip().splitlines()[-1]
            return _error(f"raised {what}", _snippet_line(raised, name))
    elif expected:
        return _error(f"was declared to raise {expected} (# memo: raises), but raised nothing", None)

    evaluated = {"checks": [], "facts": []}
    for kind, items in (("checks", job["checks"]), ("facts", job["facts"])):
        for item in items:
            try:
                value = eval(item["expr"], dict(module.__dict__, raised=raised))  # noqa: S307 - our own snippets
            except Exception as e:  # noqa: BLE001
                return _error(f"{kind[:-1]} '{item['expr']}' failed: {type(e).__name__}: {e}", item["line"])
            # A check is true or false; a fact is any value prose may compare with (JSON's kinds, else its repr).
            value = bool(value) if kind == "checks" else value if isinstance(value, (bool, int, float, str)) else repr(value)
            evaluated[kind].append({**item, "value": value})
    # As a Jupyter kernel names an exception in its `error` output.
    exception = {"ename": type(raised).__name__, "evalue": str(raised)} if raised is not None else None
    return {"status": "ok", **evaluated, "exception": exception}


class Framed(io.RawIOBase):
    """Writes each chunk to `fd` as one frame, `<marker><stream> <size>\\n<bytes>`, in a single write(2): the
    file is opened O_APPEND, so the frames of the snippet and of its forked workers never interleave with
    other output, and the server tells them from the unframed stdout around them (server._streams)."""

    def __init__(self, fd: int, marker: bytes, stream: str):
        super().__init__()
        self.fd, self.head = fd, marker + stream.encode()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, b) -> int:
        frame = memoryview(self.head + b" %d\n" % len(b) + bytes(b))
        while frame:  # a regular file takes it whole, except at the size limit, where the child is killed
            frame = frame[os.write(self.fd, frame):]
        return len(b)


def _redirect(output_path: str, marker: bytes) -> None:
    out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.close(null)

    def stream(raw: io.RawIOBase) -> io.TextIOWrapper:
        # Unbuffered text, so that prints and warnings keep the order in which they were written.
        return io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", write_through=True)

    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the child
    sys.stdout, sys.stderr = stream(io.FileIO(1, "w", closefd=False)), stream(Framed(2, marker, "stderr"))
    sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr


def _deterministic(threads: int) -> None:
    import numpy
    import torch

    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    # As `python -W default`: every warning once per place, DeprecationWarnings from libraries included.
    warnings.resetwarnings()
    warnings.simplefilter("default")


def _trimmed_traceback(exc: BaseException, name: str) -> str:
    """The traceback as Python prints it, keeping only the frames of the snippet itself."""
    if isinstance(exc, SyntaxError):  # its location is in the message, not in a frame
        return "".join(traceback.format_exception_only(exc))
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    text = "Traceback (most recent call last):\n"
    text += "".join(traceback.StackSummary.from_list(frames).format())
    return text + "".join(traceback.format_exception_only(exc))


def _snippet_line(exc: BaseException, name: str) -> int | None:
    if isinstance(exc, SyntaxError) and exc.filename == name:
        return exc.lineno
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    return lines[-1] if lines else None


def _is_a(exc: BaseException, expected: str) -> bool:
    return any(expected in (c.__name__, f"{c.__module__}.{c.__qualname__}") for c in type(exc).__mro__)


def _error(message: str, line: int | None) -> dict:
    return {"status": "error", "message": message, "line": line, "checks": [], "facts": []}


def _write_json(path: str, data: dict) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(path + ".tmp", path)
