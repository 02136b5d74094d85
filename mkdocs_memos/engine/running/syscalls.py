"""The Linux calls that give a snippet namespaces of its own and take its privileges away, which Python's `os`
module lacks (unshare, setns, mount, capset, ...): ctypes, each failure raised as an OSError judged by the
call's own return value (ctypes' saved errno outlives the call that set it, and is copied by fork)."""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IFREQ = "16sH22x"  # struct ifreq: the interface's name, then its flags

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)
_libc.prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
_libc.syscall.restype = ctypes.c_long


def check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def unshare(flags: int) -> None:
    check(_libc.unshare(flags), f"unshare({flags:#x})")


def setns(fd: int, nstype: int) -> None:
    check(_libc.setns(fd, nstype), "setns")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def encode(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)),
          f"mount {fstype or source or ''} on {target}")


def prctl(option: int, arg: int) -> None:
    check(_libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def syscall(number: int, *args) -> int:
    return _libc.syscall(number, *args)


def loopback_up() -> None:
    """lo is down in a new network namespace; once up, the kernel gives it 127.0.0.1/8 and ::1 itself."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack(IFREQ, fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, struct.pack(IFREQ, b"lo", 0)))[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack(IFREQ, b"lo", flags | IFF_UP))


def drop_privileges() -> None:
    """Every capability gone, for this process and whatever it execs, as bwrap leaves a sandboxed program: the
    bounding set (where this process may change it: without CAP_SETPCAP no_new_privs does the same for execs),
    the ambient set, then capset(0); and no_new_privs, under which no exec can give any of it back, not even
    to uid 0 or a setuid program (Landlock needs it too)."""
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as f:
        last = int(f.read())
    for cap in range(last + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0:
            break
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("Ii", _LINUX_CAPABILITY_VERSION_3, 0)  # this process
    check(_libc.capset(header, bytes(24)), "capset")  # effective, permitted, inheritable: 0, twice (64 bits)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
