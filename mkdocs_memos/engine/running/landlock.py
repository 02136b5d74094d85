"""Landlock, the kernel's unprivileged access control (Linux >= 5.13), by its three system calls.

A process restricted here, and all it starts, may write only beneath the paths it is allowed (reading is left
as it was); it may neither read the memory or environment of, nor trace, a process outside its own (Landlock
restricts ptrace from the start); and from Landlock ABI 6 (Linux 6.12) it may neither signal such a process
nor connect to an abstract unix socket one of them made. Not the `landlock` package: it takes any errno left
by an earlier ctypes call for a failure of its own, and so can silently leave a snippet unrestricted; nor
does it know scopes.
"""

from __future__ import annotations

import ctypes
import os

from mkdocs_memos.engine.running import syscalls

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1
# Access rights of include/uapi/linux/landlock.h that change the file system, and the ABI that brought them.
WRITE_FILE = 1 << 1
WRITES = {1: WRITE_FILE | sum(1 << bit for bit in range(4, 13)),  # remove and make every kind of file
          2: 1 << 13,  # REFER: move a file from one directory to another
          3: 1 << 14}  # TRUNCATE
FILE_WRITES = WRITE_FILE | 1 << 14  # the rights a rule on a file (not a directory) may hold
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
SCOPES_ABI = 6


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """The Landlock ABI this kernel offers; 0 without Landlock (or with Landlock disabled at boot)."""
    return max(0, syscalls.syscall(CREATE_RULESET, None, ctypes.c_size_t(0), CREATE_RULESET_VERSION))


def restrict(directories: list[str], files: list[str]) -> int:
    """Restrict this process (and all it starts) to writing beneath `directories` and into `files`, and scope
    it where the kernel can. Returns the ABI applied, 0 where there is no Landlock. Needs no_new_privs."""
    version = abi()
    if not version:
        return 0
    writes = sum(rights for v, rights in WRITES.items() if v <= version)
    attr = _RulesetAttr(writes, 0, SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET if version >= SCOPES_ABI else 0)
    ruleset = syscalls.check(
        syscalls.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), 0),
        "landlock_create_ruleset")
    try:
        for paths, rights in ((directories, writes), (files, writes & FILE_WRITES)):
            for path in paths:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                try:
                    rule = _PathBeneathAttr(rights, fd)
                    syscalls.check(syscalls.syscall(ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0),
                                   f"landlock_add_rule {path}")
                finally:
                    os.close(fd)
        syscalls.check(syscalls.syscall(RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return version
