"""What runs inside the forked child: one snippet, as `python snippet.py` would run it, then `os._exit`.

The child never returns to the server's loop. It writes everything the snippet prints to one file (fd 1 and
fd 2 share it, so stdout and stderr stay in the order they were written, including output of C code and of
DataLoader worker processes) and its verdict as JSON to a file opened before the snippet runs: a child that
dies before writing it (segfault, abort, `os._exit`, timeout) leaves it empty, which the server reports as a
crash. An error of the engine itself (outside the snippet's code) is reported as such, with its traceback.
What goes through `sys.stderr` (warnings, `print(file=sys.stderr)`) and the traceback are framed in that
file (`Framed`), so that a notebook can store them as a kernel does: stderr, and an error apart from both.

Before the snippet runs, the child confines it (see `confine`): namespaces of its own where the server can
make them, an allowlisted environment, no capabilities, writes allowed only under its own run directory, and
it becomes the reaper of every process the snippet starts.
"""

from __future__ import annotations

import builtins
import ctypes
import faulthandler
import io
import linecache
import os
import random
import resource
import signal
import sys
import tempfile
import traceback
import types
import warnings

from mkdocs_memos.engine.running import figures, landlock, sandbox, syscalls
from mkdocs_memos.engine.running.protocol import ERROR, OK, Job, Outcome

# The largest output file a snippet may write; past it a write fails (Python ignores SIGXFSZ), and the server
# reports the limit.
OUTPUT_LIMIT = 256 * 1024 * 1024
# The child's exit status when the engine failed and could not even write its result (a full disk).
ENGINE_FAILED = 70


def run(job: Job, tmp: str, marker: bytes, namespaces: bool) -> None:
    """Run `job` in the run directory `tmp` (see server._start for its layout), in namespaces of its own if
    `namespaces` (the server forked it into its pid namespace). `marker`: random bytes that start each frame
    (see `Framed`), which no output can contain by chance."""
    status = ENGINE_FAILED
    try:
        result_fd = os.open(os.path.join(tmp, "result.json"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        _redirect(os.path.join(tmp, "output"), marker)
        try:
            outcome = _run(job, tmp, marker, namespaces)
        except BaseException:  # noqa: BLE001 - the snippet's own exceptions are caught in _run: this is ours
            outcome = Outcome(ERROR, engine=traceback.format_exc())
        os.write(result_fd, outcome.json().encode())
        status = 0
    except BaseException:  # noqa: BLE001 - no result could be written: the traceback goes to the output
        os.write(2, traceback.format_exc().encode(errors="backslashreplace"))
    finally:
        ctypes.CDLL(None).fflush(None)  # C stdio buffers of torch's C++ code
        os._exit(status)


def _run(job: Job, tmp: str, marker: bytes, namespaces: bool) -> Outcome:
    # A crash (SIGSEGV, SIGABRT) or the server's SIGUSR1 at the timeout prints the Python stack into the
    # output, so that the error can name the snippet's line the child was on.
    faulthandler.enable(file=sys.stderr, all_threads=False)
    faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=False)
    workdir, outside = confine(os.path.join(tmp, "run"), job.memory if namespaces else None)
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    _deterministic(job.threads)

    name = job.display_path
    source = job.source
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    module = types.ModuleType("__main__")
    module.__file__ = name
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    sys.argv = [name]

    raised: BaseException | None = None
    try:
        exec(compile(source, name, "exec"), module.__dict__)
    except SystemExit as e:
        code = e.code
        if code not in (None, 0):
            if not isinstance(code, int):
                _write(sys.stderr, f"{code}\n")
            return _error(f"exited with sys.exit({e.code!r})", _snippet_line(e, name))
    except BaseException as e:  # noqa: BLE001 - the snippet's own exception is the output
        raised = e

    expected = job.raises
    if raised is not None:
        _write(Framed(2, marker, "error"), _trimmed_traceback(raised, name).encode("utf-8", "backslashreplace"))
        if not (expected and _is_a(raised, expected)):
            what = "".join(traceback.format_exception_only(raised)).strip().splitlines()[-1]
            return _error(f"raised {what}", _snippet_line(raised, name))
    elif expected:
        return _error(f"was declared to raise {expected} (# memo: raises), but raised nothing", None)
    try:
        drawn = figures.collected()
    except Exception as e:  # noqa: BLE001 - a figure of the snippet's that cannot be drawn is its failure
        return _error(f"its figures cannot be shown: {type(e).__name__}: {e}", None)

    evaluated = {"checks": [], "facts": []}
    for kind, items in (("checks", job.checks), ("facts", job.facts)):
        for item in items:
            try:
                value = eval(item["expr"], dict(module.__dict__, raised=raised))  # noqa: S307 - our own snippets
            except BaseException as e:  # noqa: BLE001 - one that exits or is interrupted is still the check's
                _write(Framed(2, marker, "error"), traceback.format_exc().encode("utf-8", "backslashreplace"))
                return _error(f"{kind[:-1]} '{item['expr']}' failed: {type(e).__name__}: {e}", item["line"])
            # A check is true or false; a fact is any value prose may compare with (JSON's kinds, else its repr).
            value = bool(value) if kind == "checks" else value if isinstance(value, (bool, int, float, str)) else repr(value)
            evaluated[kind].append({**item, "value": value})
    if outside:
        return _error(f"changed {outside[0]}, outside its run directory (no Landlock here to prevent it)", None)
    # As a Jupyter kernel names an exception in its `error` output.
    exception = {"ename": type(raised).__name__, "evalue": str(raised)} if raised is not None else None
    return Outcome(OK, **evaluated, exception=exception, figures=drawn)


def confine(run_dir: str, memory: int | None = None) -> tuple[str, list[str]]:
    """Confine the rest of this process and all it starts. Returns the snippet's working directory, and the
    list in which the paths it writes outside `run_dir` are recorded where they cannot be refused.

    - Namespaces, given `memory` (in the pid namespace the server forked it into): sandbox.enter, run_dir
      made again in a private /tmp of that size.
    - Privileges: none (syscalls.drop_privileges), for it and for any program it runs.
    - Writes: Landlock (unprivileged, Linux >= 5.13) lets this process tree write only under `run_dir` and
      /dev/shm (DataLoader's shared memory); the project, the cache and the site are read-only to it. It
      also keeps the snippet from the memory and environment of other processes, and from Linux 6.12 from
      signalling them. Where the kernel lacks Landlock, an audit hook records what this process writes
      elsewhere (Python's own file operations, not those of programs it starts), and the run fails naming
      the first such file.
    - Environment: only `ENVIRONMENT` and a HOME and TMPDIR of its own, so nothing of the build's environment
      (paths, tokens, the machine's names) can reach a page.
    - Processes: this process becomes the subreaper of all it starts (a daemon that detached by double fork
      stays below it, where the server finds and kills it), and dies with the server.
    - sys.path: the working directory first, as `python snippet.py` would have it, without the project.
    """
    if memory is not None:
        sandbox.enter(run_dir, memory)
    workdir, home, tmpdir = (os.path.join(run_dir, d) for d in ("cwd", "home", "tmp"))
    for d in (workdir, home, tmpdir):
        os.mkdir(d)
    syscalls.prctl(syscalls.PR_SET_CHILD_SUBREAPER, 1)
    syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)
    os.environ.clear()
    os.environ.update(environment(home, tmpdir))
    tempfile.tempdir = None  # the server's, cached: read TMPDIR again
    syscalls.drop_privileges()
    outside: list[str] = []
    writable = [run_dir] + ["/dev/shm"] * os.path.isdir("/dev/shm")
    if not landlock.restrict(writable, [os.devnull]):
        sys.addaudithook(_write_recorder(run_dir, outside))
    os.chdir(workdir)
    sys.path[:] = [workdir] + [p for p in sys.path[1:] if not os.path.isdir(os.path.join(p or ".", "mkdocs_memos"))]
    return workdir, outside


def environment(home: str, tmpdir: str, python: str = sys.executable) -> dict:
    """What a snippet sees in os.environ: what Python, numpy and torch need, nothing of the machine's. `python`
    runs the snippets: its folder comes first on PATH. matplotlib draws with the engine's backend (figures.py)."""
    path = os.pathsep.join(dict.fromkeys([os.path.dirname(python), "/usr/local/bin", "/usr/bin", "/bin"]))
    return {"PATH": path, "HOME": home, "TMPDIR": tmpdir, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
            "MPLBACKEND": f"module://{figures.BACKEND}"}


# Audit events of Python's file operations that change the file system, and the arguments naming paths changed.
WRITES = {"os.remove": (0,), "os.rename": (0, 1), "os.rmdir": (0,), "os.mkdir": (0,), "os.truncate": (0,),
          "os.symlink": (1,), "os.link": (1,), "os.chmod": (0,), "os.utime": (0,), "shutil.rmtree": (0,)}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _write_recorder(run_dir: str, outside: list[str]):
    allowed = (os.path.realpath(run_dir) + os.sep, "/dev/")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            paths = [path] if set(mode or "") & set("wax+") or (flags or 0) & WRITE_FLAGS else []
        else:
            paths = [args[i] for i in WRITES.get(event, ())]
        for path in paths:
            if isinstance(path, (str, bytes, os.PathLike)):
                path = os.path.realpath(os.fsdecode(path))
                if not path.startswith(allowed):
                    outside.append(path)

    return hook


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
        while frame:  # a regular file takes it whole; past OUTPUT_LIMIT, os.write raises (EFBIG)
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


def _error(message: str, line: int | None) -> Outcome:
    return Outcome(ERROR, message, line)


def _write(stream, text) -> None:
    """Write to the output, unless it is full (past OUTPUT_LIMIT): the server then reports the limit."""
    try:
        stream.write(text)
    except OSError:
        pass
