"""The engine on its own: each snippet really runs, isolated, and every way of failing is reported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.views import render
from mkdocs_memos.engine.running.cache import Cache
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.runner import Runner
from tests.conftest import ROOT, detached_sleeper, writes_to

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def runners(tmp_path_factory):
    """One runner per number of jobs, each keeping its server (and torch, imported once) for the module."""
    made: dict[int, Runner] = {}
    yield lambda jobs: made.setdefault(jobs, Runner(tmp_path_factory.mktemp("cache"), jobs=jobs))
    for r in made.values():
        r.close()


@pytest.fixture
def run(runners, tmp_path):
    def run(tmp_path=tmp_path, jobs=2, **sources):
        """Run snippets given as name=source, with a cache of this test's own; returns their results by
        name, and the run's summary."""
        snippets = [snippet.parse(f"t/{n}.py", f"snippets/t/{n}.py", src) for n, src in sources.items()]
        runner = runners(jobs)
        runner.cache = Cache(tmp_path / "cache", Interpreter.current())
        results, summary = runner.run(snippets)
        return {n: results[f"t/{n}.py"] for n in sources}, summary

    return run


def test_stdout_stderr_and_warnings_keep_their_order(run, tmp_path):
    r, _ = run(tmp_path, a=(
        "import sys, warnings\n"
        "print('one')\n"
        "print('two', file=sys.stderr)\n"
        "warnings.warn('three')\n"
        "print('four', end='')\n"
    ))
    out = r["a"].output
    assert r["a"].status == "ok"
    assert out.index("one") < out.index("two") < out.index("UserWarning: three") < out.index("four")
    assert "snippets/t/a.py:4: UserWarning: three" in out


def test_library_deprecation_warnings_are_shown(run, tmp_path):
    r, _ = run(tmp_path, a="import warnings\nwarnings.warn('old', DeprecationWarning, stacklevel=1)\n")
    assert "DeprecationWarning: old" in r["a"].output


def test_no_state_leaks_from_one_snippet_to_the_next(run, tmp_path):
    leak = (
        "import builtins, torch\n"
        "torch.set_printoptions(precision=1)\n"
        "torch.manual_seed(123)\n"
        "torch.set_num_threads(2)\n"
        "builtins.LEAKED = True\n"
        "print(torch.tensor([1.23456]))\n"
    )
    probe = (
        "import builtins, torch\n"
        "print(torch.tensor([1.23456]))\n"
        "print('leaked:', hasattr(builtins, 'LEAKED'), 'threads:', torch.get_num_threads())\n"
        "print(torch.rand(2))\n"
    )
    # One job at a time, so `probe` runs right after `leak` in the same server.
    r, _ = run(tmp_path, jobs=1, leak=leak, probe=probe)
    assert "tensor([1.2])" in r["leak"].output
    assert "tensor([1.2346])" in r["probe"].output
    assert "leaked: False threads: 1" in r["probe"].output
    alone, _ = run(tmp_path / "again", probe=probe)
    assert alone["probe"].output == r["probe"].output  # seeded: the same random numbers every time


def test_hash_seed_is_fixed(run, tmp_path):
    src = "print(hash('pytorch memos'))\n"
    a, _ = run(tmp_path / "a", x=src)
    b, _ = run(tmp_path / "b", x=src)
    assert a["x"].output == b["x"].output


def test_timeout_kills_the_snippet(run, tmp_path):
    r, _ = run(tmp_path, loop="# memo: timeout 1\nwhile True:\n    pass\n")
    assert r["loop"].status == "error"
    assert "timed out after 1 s" in r["loop"].message


@pytest.mark.parametrize(
    "source, message",
    [
        ("import ctypes\nctypes.string_at(0)\n", "SIGSEGV"),
        ("import os\nos.abort()\n", "SIGABRT"),
        ("import os\nos._exit(4)\n", "exited with status 4"),
        ("import sys\nprint('bye')\nsys.exit(3)\n", "sys.exit(3)"),
    ],
)
def test_crashes_are_reported_not_fatal(run, tmp_path, source, message):
    r, _ = run(tmp_path, bad=source, good="print('still here')\n")
    assert r["bad"].status == "error"
    assert message in r["bad"].message
    assert r["good"].output == "still here\n"


def test_expected_exception_shows_the_trimmed_traceback(run, tmp_path):
    r, _ = run(tmp_path, v=(
        "# memo: raises RuntimeError\n"
        "import torch\n"
        "a = torch.zeros(3, 2).t()\n"
        "a.view(6)\n"
    ))
    out = r["v"].output
    assert r["v"].status == "ok"
    assert out.startswith("Traceback (most recent call last):\n")
    assert 'File "snippets/t/v.py", line 4, in <module>' in out
    assert "RuntimeError: view size is not compatible" in out
    assert "site-packages" not in out and "engine" not in out


def test_expected_exception_that_does_not_happen_fails(run, tmp_path):
    r, _ = run(tmp_path, v="# memo: raises ValueError\nprint('fine')\n")
    assert r["v"].status == "error"
    assert "raised nothing" in r["v"].message


def test_unexpected_exception_names_the_line(run, tmp_path):
    r, _ = run(tmp_path, e="x = 1\n\ndef f():\n    return 1 / 0\n\nf()\n")
    assert r["e"].status == "error"
    assert r["e"].line == 4
    assert "ZeroDivisionError" in r["e"].message


def test_syntax_error_names_the_line(run, tmp_path):
    r, _ = run(tmp_path, s="print('a')\ndef f(:\n    pass\n")
    assert r["s"].status == "error"
    assert r["s"].line == 2
    assert "SyntaxError" in r["s"].message


def test_checks_are_computed_from_the_run(run, tmp_path):
    r, _ = run(tmp_path, c=(
        "# memo: check two-is-two: x == 2\n"
        "# memo: check raised-nothing: raised is None\n"
        "x = 1 + 1\n"
    ))
    assert {c["claim"]: c["value"] for c in r["c"].checks} == {"two-is-two": True, "raised-nothing": True}


def test_second_run_comes_from_the_cache(run, tmp_path):
    src = "import random\nprint(random.random())\n"
    first, s1 = run(tmp_path, a=src)
    second, s2 = run(tmp_path, a=src)
    assert (s1.ran, s2.ran, s2.cached) == (1, 0, 1)
    assert second["a"].cached and second["a"].output == first["a"].output
    changed, s3 = run(tmp_path, a=src + "print('changed')\n")
    assert s3.ran == 1 and changed["a"].output.endswith("changed\n")


def test_failures_leave_no_cache_entry(run, tmp_path):
    src = "print('half')\nimport os\nos.abort()\n"
    run(tmp_path, a=src)
    s = snippet.parse("t/a.py", "snippets/t/a.py", src)
    assert Cache(tmp_path / "cache", Interpreter.current()).get(s) is None
    entries = list((tmp_path / "cache").rglob("*"))
    assert not [e for e in entries if e.is_file()], entries


def test_cache_entries_are_complete_json(run, tmp_path):
    run(tmp_path, a="print('x')\n")
    (entry,) = [e for e in (tmp_path / "cache").rglob("*.json")]
    assert json.loads(entry.read_text())["result"]["output"] == "x\n"


@pytest.mark.parametrize("tamper", ["edited", "copied", "cut", "old shape"])
def test_an_entry_the_runner_did_not_write_is_a_miss(run, tmp_path, tamper):
    first, _ = run(tmp_path, a="print('real')\n", b="print('other')\n")
    s = snippet.parse("t/a.py", "snippets/t/a.py", "print('real')\n")
    cache = Cache(tmp_path / "cache", Interpreter.current())
    path = cache._path(cache._key(s))
    entry = json.loads(path.read_text())
    if tamper == "edited":  # a forged output, the stamp left as it was
        entry["result"]["output"] = "forged\n"
        path.write_text(json.dumps(entry))
    elif tamper == "copied":  # another snippet's entry, whole and valid, in this one's place
        other = cache._path(cache._key(snippet.parse("t/b.py", "snippets/t/b.py", "print('other')\n")))
        path.write_text(other.read_text())
    elif tamper == "cut":
        path.write_text(path.read_text()[:40])
    else:  # the result alone, as the previous engine wrote it
        path.write_text(json.dumps(entry["result"]))
    again, summary = run(tmp_path, a="print('real')\n", b="print('other')\n")
    assert summary.ran == 1 and again["a"].output == "real\n" and not again["a"].cached


def test_a_result_of_another_shape_is_a_miss_not_a_crash(run, tmp_path):
    run(tmp_path, a="print('x')\n")
    s = snippet.parse("t/a.py", "snippets/t/a.py", "print('x')\n")
    cache = Cache(tmp_path / "cache", Interpreter.current())
    cache.put(s, {"status": "ok", "output": "x\n", "a_field_of_the_future": 1})
    again, summary = run(tmp_path, a="print('x')\n")
    assert summary.ran == 1 and again["a"].output == "x\n"


def test_the_cache_key_covers_numpy_platform_and_every_engine_module(tmp_path):
    import platform
    from importlib.metadata import version

    from mkdocs_memos.engine.running import cache

    salt = cache.Cache(tmp_path, Interpreter.current()).salt
    assert f"numpy {version('numpy')}" in salt and f"{platform.system()} {platform.machine()}" in salt
    assert {"child.py", "server.py", "runner.py", "snippet.py", "cache.py"} <= set(cache.ENGINE_FILES)


def test_a_recorded_interpreter_keys_the_cache_as_its_own_python_would(tmp_path):
    """scripts/versions.py builds a release from the record of its environment: the same keys as a build run
    by that environment's Python, without starting it."""
    from mkdocs_memos.engine.running import cache

    subprocess.run([sys.executable, "-m", "mkdocs_memos.engine.running.interpreter", tmp_path / "record.json"], check=True)
    recorded = Interpreter.recorded(tmp_path / "record.json")
    assert recorded == Interpreter.current()
    assert cache.Cache(tmp_path, recorded).salt == cache.Cache(tmp_path, Interpreter.current()).salt
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="bad.json: not a record"):
        Interpreter.recorded(tmp_path / "bad.json")


def test_output_is_escaped(run, tmp_path):
    r, _ = run(tmp_path, h="print('<script>alert(1)</script> & <b>')\n")
    s = snippet.parse("t/h.py", "snippets/t/h.py", "")
    html = render.output(s, r["h"], "en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_long_output_is_truncated_with_a_note(run, tmp_path):
    r, _ = run(tmp_path, big="print('x' * 2_000_000)\n")
    s = snippet.parse("t/big.py", "snippets/t/big.py", "")
    assert r["big"].output_bytes == 2_000_001
    assert len(r["big"].output) < 100_000
    assert "only the first 64.0 KiB of 1.9 MiB" in render.output(s, r["big"], "en")


def test_scrubbed_paths_do_not_read_as_truncated(run, tmp_path):
    r, _ = run(tmp_path, p="import torch\nprint(torch.__file__)\n")
    s = snippet.parse("t/p.py", "snippets/t/p.py", "")
    assert r["p"].output == "…/site-packages/torch/__init__.py\n"
    assert "memo-output__note" not in render.output(s, r["p"], "en")


def test_bytes_that_are_not_utf8_do_not_crash(run, tmp_path):
    r, _ = run(tmp_path, b="import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe end\\n')\n")
    assert r["b"].status == "ok"
    assert r["b"].output == "ok \ufffd\ufffd end\n"


def test_files_written_land_in_a_temporary_directory(run, tmp_path):
    r, _ = run(tmp_path, w=(
        "import os\n"
        "with open('written.txt', 'w') as f:\n"
        "    f.write('x')\n"
        "print(os.path.exists('written.txt'))\n"
    ))
    assert r["w"].output == "True\n"
    assert not (ROOT / "written.txt").exists()


def test_output_of_child_processes_is_captured(run, tmp_path):
    r, _ = run(tmp_path, p="import os\nos.system('echo from a child process')\n")
    assert r["p"].output == "from a child process\n"


def test_bad_option_names_the_file_and_line():
    with pytest.raises(snippet.SnippetError, match=r"snippets/t/o.py:2: bad '# memo: timeout' option"):
        snippet.parse("t/o.py", "snippets/t/o.py", "x = 1\n# memo: timeout soon\n")


def test_paths_outside_snippets_are_refused(tmp_path):
    (tmp_path / "snippets").mkdir()
    with pytest.raises(ValueError, match="leaves snippets/"):
        snippet.resolve(tmp_path / "snippets", "../../etc/passwd")
    with pytest.raises(ValueError, match="may hold only letters"):  # its listing's title: no markup in it
        snippet.resolve(tmp_path / "snippets", 'a/b"onclick="x.py')


def test_memory_limit_stops_the_snippet_and_nothing_else(run, tmp_path):
    hog = (
        "# memo: memory 1GiB\n"
        "import torch\n"
        "blocks = []\n"
        "while True:\n"
        "    blocks.append(torch.ones(64 * 2**20))  # 256 MiB at a time, touched\n"
    )
    r, _ = run(tmp_path, hog=hog, good="print('still here')\n")
    assert r["hog"].status == "error"
    assert r["hog"].message == "used more than its memory limit of 1 GiB (# memo: memory)"
    assert r["hog"].line in (4, 5)
    assert r["good"].output == "still here\n"


def test_memory_option_is_parsed():
    assert snippet.parse("t/m.py", "snippets/t/m.py", "# memo: memory 8GiB\n").memory == 8 * 1024**3
    assert snippet.parse("t/m.py", "snippets/t/m.py", "").memory == snippet.DEFAULT_MEMORY
    with pytest.raises(snippet.SnippetError, match=r"snippets/t/m.py:1: bad '# memo: memory' option"):
        snippet.parse("t/m.py", "snippets/t/m.py", "# memo: memory lots\n")


def test_random_draws_option_is_parsed():
    assert snippet.parse("t/r.py", "snippets/t/r.py", "print(1)\n# memo: random-draws\n").random_draws is True
    assert snippet.parse("t/r.py", "snippets/t/r.py", "print(1)\n").random_draws is False


def test_the_stamp_names_the_machine_that_ran_it(run, tmp_path):
    """Timings compared across releases say where they were measured, even when they come from the cache."""
    r, _ = run(tmp_path, m="print(1)\n")
    assert re.fullmatch(r".+, \d+ cores", r["m"].stamp["machine"]), r["m"].stamp


def _alive(marker: str) -> list:
    import psutil

    return [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]


@pytest.mark.parametrize("how", ["new session", "double fork"])
def test_processes_a_snippet_starts_end_with_it(run, tmp_path, how):
    marker = f"{time.time() % 1000:.6f}"  # a sleep nobody else runs
    source = detached_sleeper(how, marker)
    r, _ = run(tmp_path, d=source + "print('started')\n")
    assert r["d"].output == "started\n"
    assert not _alive(f"sleep {marker}")


def test_snippets_see_an_allowlisted_environment(run, tmp_path, monkeypatch):
    monkeypatch.setenv("MEMOS_SECRET_TOKEN", "do-not-publish")
    r, _ = run(tmp_path, e="import os\nfor k, v in sorted(os.environ.items()):\n    print(k, v)\n")
    env = dict(line.split(" ", 1) for line in r["e"].output.splitlines())
    assert set(env) == {"HOME", "LANG", "MPLBACKEND", "PATH", "PYTHONHASHSEED", "TMPDIR"}
    assert env["HOME"] == "~" and env["TMPDIR"] == "/tmp"
    assert "do-not-publish" not in r["e"].output and str(ROOT) not in r["e"].output


def test_the_project_is_not_on_sys_path(run, tmp_path):
    r, _ = run(tmp_path, p=f"import os, sys\nprint([p for p in sys.path if os.path.realpath(p) == {str(ROOT)!r}])\n")
    assert r["p"].output == "[]\n"


def test_a_snippet_cannot_write_outside_its_run_directory(run, tmp_path):
    target = tmp_path / "project-file.txt"
    target.write_text("mine")
    r, _ = run(tmp_path, w=writes_to([target, tmp_path / "new.md"]) + (
        "with open('here.txt', 'w') as f:\n"
        "    f.write('fine')\n"
        "print(os.listdir('.'))\n"
    ))
    assert r["w"].output == "refused\nrefused\n['here.txt']\n"
    assert target.read_text() == "mine" and not (tmp_path / "new.md").exists()


def test_an_output_flood_is_reported_as_the_output_limit(run, tmp_path):
    r, _ = run(tmp_path, f="n = 0\nwhile True:\n    print('x' * 1000)\n")
    assert r["f"].status == "error"
    assert r["f"].message == "its output passed the limit of 256 MiB"
    assert r["f"].line == 3


def test_an_error_of_the_engine_is_not_blamed_on_the_snippet(run, tmp_path):
    # The snippet breaks what the engine needs after it: json, which writes the result.
    r, _ = run(tmp_path, j="import json\njson.dumps = None\nprint('done')\n")
    assert r["j"].status == "error"
    assert r["j"].message.startswith("engine error, outside the snippet's code")
    assert r["j"].line is None
    assert "Traceback" in r["j"].output and "child.py" in r["j"].output


def test_a_check_that_exits_is_reported_with_its_line(run, tmp_path):
    r, _ = run(tmp_path, c="# memo: check bye: exit(0)\nx = 1\n")
    assert r["c"].status == "error"
    assert r["c"].message == "check 'exit(0)' failed: SystemExit: 0" and r["c"].line == 1


def test_without_landlock_writes_outside_the_run_directory_are_recorded(tmp_path):
    """Where the kernel has no Landlock, the child records what the snippet writes elsewhere (checked here in a
    process of its own, as that hook cannot be removed once added)."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    code = (
        "import os, shutil, sys\n"
        "from mkdocs_memos.engine.running import child\n"
        "outside = []\n"
        f"sys.addaudithook(child._write_recorder({str(run_dir)!r}, outside))\n"
        f"open({str(run_dir / 'inside.txt')!r}, 'w').close()\n"
        f"open({str(tmp_path / 'read.txt')!r}, 'a').close()\n"
        f"open({str(tmp_path / 'read.txt')!r}).close()\n"
        f"os.rename({str(tmp_path / 'read.txt')!r}, {str(run_dir / 'moved.txt')!r})\n"
        "open(os.devnull, 'w').close()\n"
        "print(outside)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout == f"{[str(tmp_path / 'read.txt'), str(tmp_path / 'read.txt')]}\n"


def test_directive_look_alikes_are_problems_with_the_nearest_directive():
    from mkdocs_memos.engine.pages import directives

    page = (
        "# Page\n"
        "{{ run a/b.py }}\n"
        "{{ runn x.py }}\n"
        "{{ Run x.py }}\n"
        "{{ run x.py extra }}\n"
        "{{ clam x }}\n"
        "Inline {{ claim y }} in a sentence.\n"
        "`{{ in a code span }}` and {{ claims }}\n"
        "```\n"
        "{{ in a fence }}\n"
        "```\n"
        "{{ changes }}\n"
    )
    assert [(d.kind, d.line) for d in directives.find(page)] == [("run", 2), ("changes", 12)]
    assert directives.problems(page) == [
        (3, "'{{ runn x.py }}' is not a directive; the nearest is '{{ run <page>/<file>.py }}'"),
        (4, "'{{ Run x.py }}' is not a directive; the nearest is '{{ run <page>/<file>.py }}'"),
        (5, "'{{ run x.py extra }}' is not a valid directive: write '{{ run <page>/<file>.py }}'"),
        (6, "'{{ clam x }}' is not a directive; the nearest is '{{ claim <claim-id> }}'"),
        (7, "'{{ claim y }}' must stand on a line of its own"),
        (8, "'{{ claims }}' must stand on a line of its own"),
    ]


def test_terminal_output_keeps_the_last_state_of_each_line_and_colours():
    assert render.terminal("  0%\r 50%\r100%\ndone\r\n") == "100%\ndone\n"
    assert render.terminal("abcdef\rXY") == "XYcdef"
    html = render.terminal("\x1b[32mok\x1b[0m <i>")
    assert html == '<span class="ansi-green-fg">ok</span> &lt;i&gt;'


def test_landlock_restricts_whatever_errno_an_earlier_call_left(tmp_path):
    """The `landlock` package took the errno an earlier ctypes call had left for a failure of its own, and let
    snippets write anywhere; each call is judged by what it returned now."""
    from mkdocs_memos.engine.running import landlock

    if not landlock.abi():
        pytest.skip("this kernel has no Landlock")
    (tmp_path / "in").mkdir()
    code = (
        "import ctypes, os\n"
        "from mkdocs_memos.engine.running import landlock, syscalls\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.unshare(-1) == -1 and ctypes.get_errno()  # a failure, its errno left in ctypes\n"
        "syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)\n"
        f"print(landlock.restrict([{str(tmp_path / 'in')!r}], [os.devnull]) == landlock.abi())\n"
        f"for path in ({str(tmp_path / 'in' / 'a')!r}, {str(tmp_path / 'b')!r}, os.devnull):\n"
        "    try:\n"
        "        open(path, 'w').close()\n"
        "        print('wrote')\n"
        "    except PermissionError:\n"
        "        print('refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout == "True\nwrote\nrefused\nwrote\n"


def test_without_bubblewrap_the_log_says_what_is_missing(monkeypatch):
    from mkdocs_memos.engine.running import jail, sandbox

    monkeypatch.setattr(jail.shutil, "which", lambda name: None)
    found = jail.Jail.find()
    assert found.bwrap is None and found.why == "not installed (apt-get install bubblewrap)"
    line = sandbox.describe(found.why, "not asked", 7)
    assert line.startswith("memos: snippets run WITHOUT namespaces of their own (bubblewrap: not installed")
    for missing in ("a pid namespace of its own", "its own /tmp and /dev/shm", "network isolation"):
        assert missing in line.split("Missing: ")[1]
    assert "signals only its own processes (Landlock ABI 7)" in line.split("Missing: ")[0]
    without_scopes = sandbox.describe(found.why, "not asked", 5)
    assert "signals only its own processes (Landlock ABI 6, Linux 6.12)" in without_scopes.split("Missing: ")[1]
    sandboxed = sandbox.describe(None, None, 7)
    assert sandboxed.startswith("memos: snippets run sandboxed") and "Missing" not in sandboxed


def test_a_note_made_of_a_runs_messages_is_text():
    assert render.note("<b>x</b> & {{ run a/b.py }}") == (
        '<div class="admonition note">\n<p>&lt;b&gt;x&lt;/b&gt; &amp; {{ run a/b.py }}</p>\n</div>')
