"""The snippets' sandbox (jail.py, sandbox.py), tried as a hostile contributor would: bad-input cases, counted
with the rest of the suite's (tests/test_bad_input.py).

Each case is a snippet that tries one thing, built in each of these modes, and checked against what the
build's log says holds in that mode:
- `namespaces`: as the suite runs (bubblewrap's jail, namespaces of each snippet's own);
- `refused`: where the kernel refuses new user namespaces, as some CI hosts do (scripts.project's
  WITHOUT_NAMESPACES: no privilege needed, nothing on the machine changed): the fallback;
- `unprivileged`: as `nobody`, when the suite runs as root (with its Python reachable: see `as_nobody`).
Most cases share one build per mode, run under a terminal of its own; those that end the build have their own.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from mkdocs_memos.engine.running.jail import Jail
from scripts.project import WITHOUT_NAMESPACES
from tests.conftest import ENV, MKDOCS, ROOT, writes_to
from tests.test_bad_input import alive, append, assert_cache_whole, page, unique, write_project

JAIL = Jail.find()
SANDBOXED = "memos: snippets run sandboxed (bubblewrap, namespaces of their own)"
FALLBACK = "memos: snippets run WITHOUT namespaces of their own"
CANARY = f"canary-{unique()}"  # in the build's environment: no page may show it


@dataclass
class Mode:
    name: str
    namespaces: bool  # what the build's log must say

    def skip(self) -> str | None:
        if self.name != "refused" and JAIL.why:
            return f"bubblewrap cannot jail the server here ({JAIL.why}): the suite's builds run the fallback"
        if self.name == "unprivileged" and os.geteuid() != 0:
            return "the suite itself runs unprivileged"
        if self.name == "unprivileged" and "nobody" not in {u.pw_name for u in pwd.getpwall()}:
            return "this machine has no user `nobody`"
        return None

    def work(self, tmp_path: Path) -> Path:
        """A folder this mode's build can write."""
        if self.name != "unprivileged":
            return tmp_path
        work = Path(tempfile.mkdtemp(prefix="memos-nobody-"))  # pytest's own folders are root's alone
        os.chmod(work, 0o755)
        return work

    def command(self, work: Path) -> list[str]:
        build = [*MKDOCS, "build", "--strict", "--site-dir", str(work / "site")]
        if self.name == "refused":
            return [*WITHOUT_NAMESPACES, *build] if JAIL.bwrap else build  # where bwrap fails already: as it is
        if self.name == "unprivileged":
            subprocess.run(["chown", "-R", "nobody:", str(work)], check=True)
            return as_nobody(build)
        return build


MODES = [Mode("namespaces", True), Mode("refused", False), Mode("unprivileged", True)]


def as_nobody(command: list[str]) -> list[str]:
    """`command` run as `nobody`, without privileges. Where the build's Python or the project lies under a folder
    others may not enter (/root, where pyenv puts Python here), that folder is covered, for this command only,
    by an empty one they may, with what the build needs bound back into it."""
    covered: dict[Path, Path] = {}  # what to bind back -> the folder it is in, covered
    for path in map(Path, map(os.path.realpath, (sys.base_prefix, sys.prefix, str(ROOT)))):
        closed = next((p for p in [*reversed(path.parents), path] if not os.stat(p).st_mode & 0o001), None)
        if closed is not None and closed != path:
            covered[closed / path.relative_to(closed).parts[0]] = closed
    script = []
    for fd, (inside, closed) in enumerate(covered.items(), 3):  # each opened before any folder is covered
        script.append(f"exec {fd}< {inside}")
    for fd, (inside, closed) in enumerate(covered.items(), 3):
        script += [f"mountpoint -q {closed} || mount -t tmpfs -o mode=755 memos {closed}", f"mkdir -p {inside}",
                   f"mount --no-canonicalize --bind /proc/self/fd/{fd} {inside}"]
    user = pwd.getpwnam("nobody")
    script.append(f'exec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} --clear-groups --inh-caps=-all '
                  f'--bounding-set=-all -- "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-ec", "\n".join(script), "sh", *command]


def build(mode: Mode, work: Path, terminal: bool = False) -> tuple[subprocess.CompletedProcess, str]:
    """Build `work`/project; with `terminal`, as a shell runs it, with a terminal of its own (what reached the
    terminal is returned too)."""
    (work / "tmp").mkdir(exist_ok=True)
    env = dict(ENV, TMPDIR=str(work / "tmp"), HOME=str(work), MEMOS_CANARY=CANARY)
    command = mode.command(work)
    if not terminal:
        return subprocess.run(command, cwd=work / "project", env=env, capture_output=True, text=True, timeout=600), ""
    leader, follower = os.openpty()
    done = subprocess.run(command, cwd=work / "project", env=env, stdin=follower, capture_output=True, text=True,
                          timeout=600, start_new_session=True,
                          preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # its controlling terminal
    os.set_blocking(leader, False)  # the follower still open here: what reached the terminal is still to read
    try:
        typed = os.read(leader, 1 << 16).decode(errors="replace")
    except BlockingIOError:
        typed = ""
    os.close(follower)
    os.close(leader)
    return done, typed


def said(done: subprocess.CompletedProcess, mode: Mode) -> None:
    """The build's log says once which isolation is in force, and it is the mode's."""
    lines = [line for line in done.stderr.splitlines() if "memos: snippets run " in line]
    assert len(lines) == 1, done.stderr[-3000:]
    assert (SANDBOXED if mode.namespaces else FALLBACK) in lines[0], lines[0]


def nothing_left(work: Path) -> None:
    assert_cache_whole(work / "cache")
    assert not [p.name for p in (work / "tmp").iterdir() if p.name.startswith(("memo-", "memos-server-"))], \
        "run directories left behind"


# The snippets of the shared build: each tries one thing, and prints what came of it.
ENVIRON = """\
import os

def parent(pid):
    with open(f'/proc/{pid}/stat') as f:
        return int(f.read().rsplit(')', 1)[1].split()[1])

pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
print('visible:', pids if len(pids) < 5 else 'every process of the machine')
server = os.getppid()
for name, pid in (('server', server), ('build', server and parent(server))):
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            print(name, 'environment read:', len(f.read()), 'bytes')
    except OSError as e:
        print(name, 'environment:', 'not visible' if not pid else e.strerror)
found = []
for pid in pids:
    for name in ('environ', 'cmdline'):
        try:
            with open(f'/proc/{pid}/{name}', 'rb') as f:
                found += [v for v in f.read().split(b'\\0') if b'MEMOS_CANARY' in v]
        except OSError:
            pass
print('canary found:', found)
"""
SIGNALS = """\
import os, signal

def parent(pid):
    with open(f'/proc/{pid}/stat') as f:
        return int(f.read().rsplit(')', 1)[1].split()[1])

server = os.getppid()
for name, pid in (('server', server), ('build', server and parent(server))):
    if not pid:
        print(name, 'not visible')
        continue
    try:
        os.kill(pid, signal.SIGKILL)
        print(name, 'killed')
    except OSError as e:
        print(name, 'refused:', e.strerror)
"""
NETWORK = """\
import socket

print('interfaces:', sorted(name for _, name in socket.if_nameindex()))
for name, address in {addresses!r}:
    try:
        socket.create_connection(address, timeout=5).close()
        print(name, 'reached')
    except OSError as e:
        print(name, 'not reached:', e.strerror)
server = socket.create_server(('127.0.0.1', 0))
with socket.create_connection(server.getsockname()) as c, server.accept()[0] as s:
    c.sendall(b'ping')
    print('its own loopback:', s.recv(4).decode())
"""
CAPABILITIES = """\
import ctypes, os, subprocess

def caps(status):
    return [line.split(':')[1].strip() for line in status.splitlines()
            if line.startswith(('CapPrm', 'CapEff', 'CapAmb'))]

print('uid:', os.getuid())
with open('/proc/self/status') as f:
    print('capabilities:', caps(f.read()))
status = subprocess.run(['cat', '/proc/self/status'], capture_output=True, text=True).stdout
print('of a program it runs:', caps(status))
libc = ctypes.CDLL(None, use_errno=True)
print('a user namespace:', 'made' if libc.unshare(0x10000000) == 0 else os.strerror(ctypes.get_errno()))
"""
TERMINAL = """\
import fcntl, os, termios

try:
    fd = os.open('/dev/tty', os.O_RDONLY)
except OSError as e:
    print('no terminal:', e.strerror)
else:
    for c in b'echo INJECTED\\n':
        fcntl.ioctl(fd, termios.TIOCSTI, bytes([c]))
    print('typed into the terminal')
"""


def writes_outside(folder: Path) -> str:
    """A snippet trying to change a file anyone may write, and to make one, in `folder`, which is not under /tmp:
    it is there for the snippet too, and only the sandbox refuses the writes."""
    (folder / "file.txt").write_text("mine")
    os.chmod(folder, 0o777)
    os.chmod(folder / "file.txt", 0o666)
    return writes_to([folder / "file.txt", folder / "new.txt"])


@dataclass
class Built:
    mode: Mode
    work: Path
    done: subprocess.CompletedProcess
    typed: str  # what reached the build's terminal
    outside: Path  # a folder the `writes` snippet tried to write in

    def output(self, name: str, lang: str = "ko") -> str:
        assert self.done.returncode == 0, self.done.stderr[-3000:]
        return page(self.work, lang).select_one(f"#run-{name} pre").get_text()


def listening() -> tuple[list[tuple[str, tuple[str, int]]], list[socket.socket]]:
    """Addresses of the machine that accept connections, by name, and their servers (to close once the build is
    done): on its loopback, and on its own address on the network, if it has one."""
    found = [("the machine's loopback", "127.0.0.1")]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the address of the route out
            found.append(("the machine's address", s.getsockname()[0]))
        except OSError:
            pass
    servers = [socket.create_server((host, 0)) for _, host in found]
    return [(name, s.getsockname()) for (name, _), s in zip(found, servers)], servers


@pytest.fixture(scope="module", params=MODES, ids=[m.name for m in MODES])
def built(request, tmp_path_factory) -> Built:
    """One build per mode of a page with every snippet above, under a terminal of its own."""
    mode = request.param
    if why := mode.skip():
        pytest.skip(why)
    work = mode.work(tmp_path_factory.mktemp(mode.name))
    write_project(work / "project")
    addresses, servers = listening()
    outside = Path(tempfile.mkdtemp(prefix="memos-", dir="/var/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(outside))
    sources = {"environ": ENVIRON, "signals": SIGNALS, "network": NETWORK.format(addresses=addresses),
               "capabilities": CAPABILITIES, "terminal": TERMINAL, "writes": writes_outside(outside)}
    for name, source in sources.items():
        (work / "project" / "snippets" / "case" / f"{name}.py").write_text(source, "utf-8")
        append(work / "project", f"{{{{ run case/{name}.py }}}}\n")
    try:
        done, typed = build(mode, work, terminal=True)
    finally:
        for s in servers:
            s.close()
    yield Built(mode, work, done, typed, outside)
    if mode.name == "unprivileged":
        shutil.rmtree(work)


@pytest.mark.bad_input
def test_isolation_is_said_once(built):
    assert built.done.returncode == 0, built.done.stderr[-3000:]
    said(built.done, built.mode)
    nothing_left(built.work)


@pytest.mark.bad_input
def test_the_builds_environment_cannot_be_read(built):
    text = built.output("environ")
    assert "canary found: []" in text
    for lang in ("ko", "en"):
        assert CANARY not in (built.work / "site" / ("en" if lang == "en" else "") / "index.html").read_text("utf-8")
    if built.mode.namespaces:
        assert text.startswith("visible: [1, 2]\nserver environment: not visible\nbuild environment: not visible\n")
    else:  # Landlock keeps other processes' memory and environment from it
        assert "server environment: Permission denied\nbuild environment: Permission denied\n" in text


@pytest.mark.bad_input
def test_the_server_and_the_build_cannot_be_killed(built):
    text = built.output("signals")
    if built.mode.namespaces:
        assert text == "server not visible\nbuild not visible\n"
    else:
        assert text == "server refused: Operation not permitted\nbuild refused: Operation not permitted\n"


@pytest.mark.bad_input
def test_no_writes_outside_its_run_directory(built):
    assert built.output("writes") == "refused\nrefused\n"
    assert (built.outside / "file.txt").read_text() == "mine" and not (built.outside / "new.txt").exists()


@pytest.mark.bad_input
def test_no_network_but_its_own_loopback(built):
    text = built.output("network")
    assert text.endswith("its own loopback: ping\n")
    if built.mode.namespaces:
        assert text.startswith("interfaces: ['lo']\n") and " reached\n" not in text
    else:
        assert "network isolation" in built.done.stderr  # missing, as the log says


@pytest.mark.bad_input
def test_no_capabilities(built):
    text = built.output("capabilities")
    zero = "['0000000000000000', '0000000000000000', '0000000000000000']"
    uid = pwd.getpwnam("nobody").pw_uid if built.mode.name == "unprivileged" else os.getuid()
    assert text.startswith(f"uid: {uid}\ncapabilities: {zero}\nof a program it runs: {zero}\n")
    if built.mode.namespaces:
        assert text.endswith("a user namespace: No space left on device\n")


@pytest.mark.bad_input
def test_the_terminal_cannot_be_typed_into(built):
    assert built.output("terminal") == "no terminal: No such device or address\n"
    assert "INJECTED" not in built.typed


@pytest.fixture
def own(tmp_path):
    """For a case that ends its build: `own(mode, source)` makes a project of its own for `mode`, with `source` as
    snippets/case/bad.py, and returns its folder."""
    made = []

    def own(mode: Mode, source: str) -> Path:
        if why := mode.skip():
            pytest.skip(why)
        work = mode.work(tmp_path)
        made.append(work)
        write_project(work / "project")
        (work / "project" / "snippets" / "case" / "bad.py").write_text(source, "utf-8")
        append(work / "project", "{{ run case/bad.py }}\n")
        return work

    yield own
    for work in made:
        if work != tmp_path:
            shutil.rmtree(work)


@pytest.mark.bad_input
@pytest.mark.parametrize("mode", [m for m in MODES if m.namespaces], ids=lambda m: m.name)
def test_dev_shm_is_counted_and_left_empty(mode, own):
    marker = f"memos-{unique()}"
    work = own(mode, (
        "# memo: memory 1GiB\n"
        "chunk = b'x' * (1 << 20)\n"
        "for i in range(30):  # 6 GB in files of 200 MB, as the issue's snippet wrote\n"
        f"    with open(f'/dev/shm/{marker}-{{i}}', 'wb') as f:\n"
        "        for _ in range(200):\n"
        "            f.write(chunk)\n"
        "    print((i + 1) * 200, 'MB written', flush=True)\n"))
    before = shutil.disk_usage("/dev/shm").used
    done, _ = build(mode, work)
    assert done.returncode != 0
    assert re.search(r"snippets/case/bad\.py:\d+: (used more than its memory limit of 1 GiB|raised OSError: "
                     r"\[Errno 28\] No space left on device)", done.stderr), done.stderr[-3000:]
    said(done, mode)
    nothing_left(work)
    assert not [p for p in os.listdir("/dev/shm") if p.startswith(marker)]
    # Other work on the machine may use /dev/shm meanwhile: far less than the GB the snippet wrote, though.
    assert shutil.disk_usage("/dev/shm").used - before < 256 * 2**20, "/dev/shm holds what the snippet wrote"


# What a test kills from outside while a snippet runs (a snippet cannot: see the cases above), and how the
# build must then report the snippet: the server, in every mode; the pid 1 of the snippet's own namespace.
KILLED = {"server": r"the snippet server stopped \(killed by signal 9 \(SIGKILL\)\) while it ran",
          "pid 1": r"crashed: killed by signal 9 \(SIGKILL\)"}


@pytest.mark.bad_input
@pytest.mark.parametrize(("mode", "victim"), [(MODES[0], "server"), (MODES[1], "server"), (MODES[0], "pid 1")],
                         ids=["namespaces-server", "refused-server", "namespaces-pid 1"])
def test_a_kill_from_outside_is_reported_with_the_snippet_it_stopped(mode, victim, own):
    """The build names the snippet that was running and its pages, and leaves no run directory; with
    namespaces, nothing the snippet started runs on."""
    marker = unique()
    work = own(mode, f"import subprocess\nsubprocess.run(['sleep', '{marker}'])\n")
    (work / "tmp").mkdir()
    env = dict(ENV, TMPDIR=str(work / "tmp"), HOME=str(work))
    build = subprocess.Popen(mode.command(work), cwd=work / "project", env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not alive(f"sleep {marker}"):
            assert time.monotonic() < deadline and build.poll() is None, "the snippet never ran"
            time.sleep(0.1)
        servers = [p for p in psutil.Process(build.pid).children(recursive=True)
                   if p.cmdline()[1:3] == ["-m", "mkdocs_memos.engine.running.server"]]  # not bwrap's
        # A snippet's process is a fork of the server, with its command line: the server is the one above them.
        [server] = [p for p in servers if p.parent() not in servers]
        if victim == "server":
            server.kill()
        else:
            [init] = [p for p in server.children() if p.cmdline() == ["sleep", "infinity"]]
            init.kill()
        _, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
        left = alive(f"sleep {marker}")
        for p in left:
            p.kill()
    assert build.returncode != 0
    assert re.search(rf"snippets/case/bad\.py: {KILLED[victim]}.*\(included by docs/index(\.en)?\.md:\d+, "
                     r"docs/index(\.en)?\.md:\d+\)", err), err[-3000:]
    said(subprocess.CompletedProcess([], build.returncode, "", err), mode)
    nothing_left(work)
    if mode.namespaces:
        assert not left, "a process the snippet started outlived it"
