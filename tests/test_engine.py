"""The engine on its own: each snippet really runs, isolated, and every way of failing is reported."""

from __future__ import annotations

import json

import pytest

from mkdocs_memos.engine import render, snippet
from mkdocs_memos.engine.cache import Cache
from mkdocs_memos.engine.runner import Runner

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
        runner.cache = Cache(tmp_path / "cache")
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
    assert Cache(tmp_path / "cache").get(s) is None
    entries = list((tmp_path / "cache").rglob("*"))
    assert not [e for e in entries if e.is_file()], entries


def test_cache_entries_are_complete_json(run, tmp_path):
    run(tmp_path, a="print('x')\n")
    (entry,) = [e for e in (tmp_path / "cache").rglob("*.json")]
    assert json.loads(entry.read_text())["output"] == "x\n"


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
    from tests.conftest import ROOT

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
