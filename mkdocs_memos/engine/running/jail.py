"""The snippet server's jail: bubblewrap (`bwrap`, Flatpak's sandbox; Debian's package `bubblewrap`).

The server runs in namespaces of its own (user, pid, network, IPC, UTS, cgroup) made by bwrap, a reviewed
and widely used program, rather than by code of ours: it sees no process of the build, nor its environment
(the server is started with the snippets' allowlist), nor the network; the file system is read-only, with
a /dev of a few devices, an empty /run (no sockets of the machine's daemons) and /tmp and /dev/shm in memory
that end with the jail; it has no terminal (a session of its own) and dies with the build. bwrap leaves the
server the capabilities, inside its user namespace only, that sandbox.py needs to give each snippet
namespaces of its own (bwrap cannot: it must exec, and a snippet is a fork of the server, which imported
torch once). Without bwrap, or where the kernel refuses it namespaces, the server runs as it is, and the
snippets get what a process can do alone (child.confine); the build's log says which.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# sandbox.enter: new pid, mount, network and IPC namespaces and mounts (SYS_ADMIN), lo up (NET_ADMIN), no user
# namespace below the jail (SYS_RESOURCE); child.confine: every capability dropped (SETPCAP).
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_RESOURCE", "CAP_SETPCAP")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
# Where the jail puts a tmpfs, hiding what the machine has there (a fresh clone of the project or its Python
# may live under one: bound back read-only, see `Jail.command`).
HIDDEN = ("/tmp", "/run", "/dev")
INSTALL = "apt-get install bubblewrap"
ROOT = Path(__file__).resolve().parents[3]  # where mkdocs_memos is imported from


@dataclass(frozen=True)
class Jail:
    bwrap: str | None  # None: no jail, for `why`
    why: str | None = None

    @classmethod
    def find(cls) -> Jail:
        """The jail if bwrap is installed and the kernel lets it make its namespaces (tried once, ~10 ms)."""
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            return cls(None, f"not installed ({INSTALL})")
        tried = subprocess.run([*cls(bwrap).command([]), "true"], stdin=subprocess.DEVNULL, capture_output=True,
                               text=True)
        if tried.returncode:
            return cls(None, tried.stderr.strip().removeprefix("bwrap: ") or f"exit status {tried.returncode}")
        return cls(bwrap)

    def command(self, needed: list[str]) -> list[str]:
        """bwrap's command line, up to the command it runs. `needed`: paths the server reads (the project, its
        Python) that would be under a hidden folder otherwise."""
        args = [self.bwrap, "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--hostname", "memo", "--die-with-parent", "--new-session",
                "--ro-bind", "/", "/", "--proc", "/proc", "--tmpfs", "/run", "--tmpfs", "/tmp", "--tmpfs", "/dev"]
        for device in DEVICES:  # not --dev: it nests a second user namespace, where setns() back is refused
            args += ["--dev-bind", f"/dev/{device}", f"/dev/{device}"]
        for fd, name in enumerate(("stdin", "stdout", "stderr")):
            args += ["--symlink", f"/proc/self/fd/{fd}", f"/dev/{name}"]
        args += ["--symlink", "/proc/self/fd", "/dev/fd", "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
        for path in dict.fromkeys(needed):
            if any(path == h or path.startswith(h + "/") for h in HIDDEN):
                args += ["--ro-bind", path, path]
        args += ["--cap-drop", "ALL"]  # root's bwrap would keep them all
        for cap in CAPABILITIES:
            args += ["--cap-add", cap]
        return [*args, "--chdir", "/tmp", "--"]


def needed(executable: str) -> list[str]:
    """What the server and its snippets read: this engine, and the Python `executable`'s environment and
    installation."""
    env = os.path.dirname(os.path.dirname(os.path.abspath(executable)))
    base = os.path.dirname(os.path.dirname(os.path.realpath(executable)))
    return [str(ROOT), env, base]
