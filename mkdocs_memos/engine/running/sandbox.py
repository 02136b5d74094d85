"""Namespaces of its own for every snippet, made by the fork server inside its bubblewrap jail (jail.py).

bwrap cannot make them: it sets up namespaces and then execs, and a snippet's process must be a fork of the
server, which has imported torch once for all of them. bwrap leaves the server the capabilities this needs,
in the user namespace it made, and the server uses them per snippet:

- the server (`Pids.fork`): unshare(CLONE_NEWPID) moves only its next children into a new pid namespace, so
  it spawns `sleep infinity` there as pid 1 (an exec, not a copy of torch), forks the snippet's process
  (pid 2), and setns()es back to its own. Killing that pid 1 when the snippet ends kills, in the kernel,
  every process the snippet left, however it detached.
- the snippet's process (`enter`), once its output files are open: its own mount, network and IPC
  namespaces; a tmpfs sized to its memory limit on /tmp, holding its run directory and what it sees as
  /dev/shm, gone with its last process (the server adds what is used there to the memory it counts); a /proc
  of its own pid namespace; lo up, and no other interface; no user namespace below the jail.

Then child.confine drops every capability and applies Landlock, as it does without namespaces.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile

from mkdocs_memos.engine.running import jail, syscalls
from mkdocs_memos.engine.running.landlock import SCOPES_ABI
from mkdocs_memos.engine.running.syscalls import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID

MOUNT_FLAGS = syscalls.MS_NOSUID | syscalls.MS_NODEV
# Each inode costs kernel memory that a size limit does not count: far more files than an example makes.
INODES = 65536


class Pids:
    """The server's side: a pid namespace per snippet."""

    def __init__(self):
        self.own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        self.sleep = shutil.which("sleep")

    def fork(self) -> tuple[int, int]:
        """(0, 0) in the snippet's process; (its pid, the pid of its namespace's pid 1) in the server."""
        syscalls.unshare(CLONE_NEWPID)
        try:
            quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
            init = os.posix_spawn(self.sleep, ["sleep", "infinity"], {}, file_actions=quiet)
            try:
                pid = os.fork()
            except BaseException:
                end(init)
                raise
            if pid == 0:
                return 0, 0
        except BaseException:
            syscalls.setns(self.own, CLONE_NEWPID)
            raise
        syscalls.setns(self.own, CLONE_NEWPID)  # this process's next children are its own again
        return pid, init


def end(init: int) -> None:
    """Kill the pid 1 of a snippet's namespace, and with it every process left there."""
    os.kill(init, signal.SIGKILL)
    os.waitpid(init, 0)


def enter(run_dir: str, memory: int) -> None:
    """In the snippet's process, with its output files open: namespaces of its own, and `run_dir` (under the
    server's /tmp) made again in a private /tmp of `memory` bytes, beside what it sees as /dev/shm."""
    syscalls.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC)
    syscalls.mount(None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)  # nothing mounted here goes out
    # Its Python and this engine, where they live under /tmp (a fresh clone of the project), it sees again there.
    kept = [(path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for path in jail.needed(sys.executable)
            if path.startswith("/tmp/")]
    syscalls.mount("memo", "/tmp", "tmpfs", MOUNT_FLAGS, f"size={memory},nr_inodes={INODES},mode=1777")
    for path, fd in kept:
        os.makedirs(path, exist_ok=True)
        syscalls.mount(f"/proc/self/fd/{fd}", path, None, syscalls.MS_BIND | syscalls.MS_REC)
        syscalls.mount(None, path, None, syscalls.MS_BIND | syscalls.MS_REMOUNT | syscalls.MS_RDONLY)
        os.close(fd)
    shm = os.path.join(os.path.dirname(run_dir), "shm")
    os.makedirs(run_dir)
    os.mkdir(shm, 0o1777)
    os.chmod(shm, 0o1777)  # not masked by the umask
    syscalls.mount(shm, "/dev/shm", None, syscalls.MS_BIND)
    syscalls.mount("proc", "/proc", "proc", MOUNT_FLAGS | syscalls.MS_NOEXEC)
    syscalls.loopback_up()
    with open("/proc/sys/user/max_user_namespaces", "w", encoding="ascii") as f:  # needs CAP_SYS_RESOURCE
        f.write("0")  # of the jail's user namespace: no namespace, nor capability in one, below it


def tmp_used(pid: int) -> int:
    """Bytes written in the private /tmp of the snippet whose process is `pid` (0 once it has ended)."""
    try:
        st = os.statvfs(f"/proc/{pid}/root/tmp")
    except OSError:
        return 0
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def probe() -> str | None:
    """Why namespaces cannot be made per snippet here (None: they can), found by making them: every step of
    `Pids.fork` and `enter`, and dropping the privileges, in throwaway processes. Before torch is imported:
    a fork of this process is cheap then."""
    read, write = os.pipe()
    tmp = tempfile.mkdtemp(prefix="memo-probe-")
    pid = os.fork()
    if pid == 0:  # as the server
        os.close(read)
        try:
            child, init = Pids().fork()
            if child == 0:  # as a snippet's process
                try:
                    enter(os.path.join(tmp, "run"), 1 << 20)
                    syscalls.drop_privileges()
                except BaseException as e:  # noqa: BLE001 - any failure is the answer
                    os.write(write, str(e).encode())
                os._exit(0)
            os.waitpid(child, 0)
            end(init)
        except BaseException as e:  # noqa: BLE001
            os.write(write, str(e).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        why = f.read().decode(errors="replace")
    os.waitpid(pid, 0)
    os.rmdir(tmp)
    return why or None


def describe(jail: str | None, namespaces: str | None, landlock: int) -> str:
    """The build log's line on the isolation in force: `jail` and `namespaces` say why bwrap's jail of the
    server, or the snippets' own namespaces in it, could not be made (None: they were); `landlock` is the
    Landlock ABI applied (0: none)."""
    writes = f"Landlock ABI {landlock}" if landlock else ""
    holds, missing = ["has no capabilities and no terminal"], []
    if not landlock:
        missing.append("Landlock (a write elsewhere fails the run only if Python itself made it; other processes' "
                       "memory and environment are readable)")
    if jail is None and namespaces is None:
        holds += ["sees and signals only its own processes", "has its own /tmp and /dev/shm, in memory, counted in "
                  "its memory limit and gone when it ends", "has no network but its own loopback",
                  f"writes only in its run directory (a read-only file system{', ' + writes if writes else ''})",
                  "reaches no process that holds the build's environment"]
        return ("memos: snippets run sandboxed (bubblewrap, namespaces of their own). Each snippet "
                + "; ".join(holds) + _missing(missing))
    if landlock:
        holds.append(f"writes only in its run directory and reads no other process's memory or environment ({writes})")
    if landlock >= SCOPES_ABI:
        holds.append(f"signals only its own processes ({writes})")
    else:
        missing.append(f"signals only its own processes (Landlock ABI {SCOPES_ABI}, Linux 6.12)")
    if jail is None:  # in bwrap's jail, but without namespaces of its own
        holds += ["sees the snippet server and the snippets beside it, not the build",
                  "has no network but a loopback it shares with the snippets beside it",
                  "has a read-only file system, and the /tmp and /dev/shm of the server's jail, gone when it ends"]
        missing += ["a pid namespace of its own", "its own /tmp and /dev/shm, counted in its memory limit"]
        why = f"the snippet server, in bubblewrap's jail: {namespaces}"
    else:
        missing += ["a pid namespace of its own (it sees every process of the machine and their command lines)",
                    "its own /tmp and /dev/shm (what it leaves there stays, not counted in its memory limit)",
                    "network isolation", "a read-only file system"]
        why = f"bubblewrap: {jail}"
    return (f"memos: snippets run WITHOUT namespaces of their own ({why}). Each snippet {'; '.join(holds)}"
            + _missing(missing))


def _missing(missing: list[str]) -> str:
    return f". Missing: {'; '.join(missing)}." if missing else "."
