"""Bad input, tried and counted (the session summary says how many cases held).

Each case breaks a copy of a one-page project in one way and builds it. The build must either render the
input safely or stop naming the file and line; afterwards the cache holds only whole, valid entries, no
temporary file is left, a failed build leaves no page in the site, and the next good build is correct.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_memos.engine.runner import Result
from mkdocs_memos.engine.server import SHOWN_BYTES
from scripts.docs import mkdocs_yml
from tests.conftest import ENV, MKDOCS, ROOT

ENTRY_KEYS = {f.name for f in dataclasses.fields(Result)} - {"cached"}
GOOD = "a, b = 6, 7\nprint('good:', a * b)\n"
GOOD_OUTPUT = f"good: {6 * 7}"
PAGE = """# Case {{ #case }}

## First {{ #first }}

{{{{ run case/good.py }}}}
{extra}"""


def write_project(root: Path) -> None:
    """A project with one page in both languages, one good snippet, the real plugin (installed) and theme."""
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    config = mkdocs_yml()
    config["nav"] = ["index.md"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    (root / "snippets" / "case").mkdir(parents=True)
    (root / "snippets" / "case" / "good.py").write_text(GOOD, "utf-8")
    for name in ("index.md", "index.en.md"):
        (root / "docs" / name).write_text(PAGE.format(extra=""), "utf-8")


def run_build(work: Path) -> subprocess.CompletedProcess:
    """Build `work`/project into `work`/site with its own cache and its own temporary directory."""
    env = dict(ENV, MEMOS_CACHE=str(work / "cache"), TMPDIR=str(work / "tmp"))
    (work / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(work / "site")],
        cwd=work / "project", env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="session")
def baseline(tmp_path_factory) -> Path:
    """The one-page project, built once with a good snippet: each case starts from a copy of it."""
    work = tmp_path_factory.mktemp("baseline")
    write_project(work / "project")
    done = run_build(work)
    assert done.returncode == 0, done.stderr
    return work


@pytest.fixture
def work(baseline, tmp_path) -> Path:
    shutil.copytree(baseline, tmp_path / "work", symlinks=True)
    return tmp_path / "work"


def add_snippet(project: Path, source: str | bytes) -> int:
    """Include snippets/case/bad.py from both pages; returns the line of the include."""
    path = project / "snippets" / "case" / "bad.py"
    path.write_bytes(source if isinstance(source, bytes) else source.encode())
    return append(project, "{{ run case/bad.py }}\n")


def append(project: Path, text: str, pages=("index.md", "index.en.md")) -> int:
    """Append `text` to pages; returns the line where it starts."""
    for name in pages:
        page = project / "docs" / name
        before = page.read_text("utf-8")
        page.write_text(before + "\n" + text, "utf-8")
    return len(before.splitlines()) + 2


def page(work: Path, lang: str = "ko") -> BeautifulSoup:
    path = work / "site" / ("en" if lang == "en" else "") / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# Each case: (break the project, return what must hold: a regex the failed build's error must match, or a
# check of the rendered page).
def syntax_error(p):
    line = add_snippet(p, "print('a')\ndef f(:\n    pass\n")
    return rf"snippets/case/bad.py:2: raised SyntaxError.*included by docs/index(\.en)?\.md:{line}"


def unexpected_exception(p):
    add_snippet(p, "x = 1\n\n\nraise ValueError('broken on purpose')\n")
    return r"snippets/case/bad.py:4: raised ValueError: broken on purpose"


def infinite_loop(p):
    add_snippet(p, "# memo: timeout 2\nn = 0\nwhile True:\n    n += 1\n")
    return r"snippets/case/bad.py:[34]: timed out after 2 s"


def segfault(p):
    add_snippet(p, "import ctypes\n\nctypes.string_at(0)\n")
    return r"snippets/case/bad.py:3: crashed: killed by signal \d+ \(SIGSEGV\)"


def abort(p):
    add_snippet(p, "import os\n\nos.abort()\n")
    return r"snippets/case/bad.py:3: crashed: killed by signal \d+ \(SIGABRT\)"


def sys_exit(p):
    add_snippet(p, "import sys\n\nsys.exit(3)\n")
    return r"snippets/case/bad.py:3: exited with sys\.exit\(3\)"


def huge_output(p):
    megabytes = 50
    add_snippet(p, f"import sys\nfor _ in range({megabytes}):\n    sys.stdout.write('x' * (1 << 20))\n")

    def check(work):
        block = page(work).select_one("#run-bad")
        assert len(block.select_one("pre").get_text()) <= SHOWN_BYTES
        assert f"{megabytes}.0 MiB" in block.select_one(".memo-output__note").get_text()
        assert (work / "site" / "index.html").stat().st_size < 4 * SHOWN_BYTES
    return check


def html_and_javascript(p):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    add_snippet(p, f"print({payload!r})\n")

    def check(work):
        for lang in ("ko", "en"):
            soup = page(work, lang)
            assert soup.select_one("#run-bad pre").get_text().strip() == payload
            assert not [s for s in soup.find_all("script") if "alert" in s.get_text()]
            assert not soup.select("img[onerror]")
    return check


def non_utf8_output(p):
    add_snippet(p, "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe end\\n')\n")

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "ok \ufffd\ufffd end\n"
    return check


def non_utf8_source(p):
    add_snippet(p, b"print('a')\n# caf\xe9\n")
    return r"snippets/case/bad.py:2: source is not valid UTF-8"


def missing_include(p):
    line = append(p, "{{ run case/no-such-file.py }}\n")
    return rf"docs/index\.md:{line}: snippet 'case/no-such-file\.py' not found"


def include_escaping_snippets(p):
    line = append(p, "{{ run ../../etc/passwd }}\n")
    return rf"docs/index\.md:{line}: snippet path '\.\./\.\./etc/passwd' leaves snippets/"


def writes_files(p):
    add_snippet(p, "import os\nos.makedirs('out', exist_ok=True)\nwith open('out/written.txt', 'w') as f:\n"
                   "    f.write('x')\nprint(sorted(os.listdir('out')))\n")

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "['written.txt']\n"
        assert not list(work.rglob("written.txt")) and not (ROOT / "out").exists()
    return check


def duplicate_heading_ids(p):
    line = append(p, "## First again { #first }\n")
    return rf"docs/index\.md:{line}: id 'first' is used twice"


def same_example_twice(p):
    add_snippet(p, "print('twice')\n")
    line = append(p, "{{ run case/bad.py }}\n")
    return rf"docs/index\.md:{line}: id 'run-bad' is used twice"


def translation_ids_differ(p):
    page_en = p / "docs" / "index.en.md"
    text = page_en.read_text("utf-8")
    page_en.write_text(text.replace("{ #first }", "{ #first-en }"), "utf-8")
    line = text.splitlines().index("## First { #first }") + 1
    return rf"docs/index\.en\.md:{line}: heading id 'first-en' is not on the Korean page"


def link_to_missing_page(p):
    append(p, "[a page that does not exist](no-such-page.md)\n")
    return r"Doc file 'index\.md' contains a link 'no-such-page\.md', but the target is not found"


def broken_mkdocs_yml(p):
    config = p / "mkdocs.yml"
    lines = config.read_text("utf-8").splitlines()
    config.write_text("\n".join(lines + ["nav: [index.md", "theme: {"]) + "\n", "utf-8")
    return rf'mkdocs\.yml", line {len(lines) + 2}'


CASES = [
    syntax_error, unexpected_exception, infinite_loop, segfault, abort, sys_exit, huge_output,
    html_and_javascript, non_utf8_output, non_utf8_source, missing_include, include_escaping_snippets,
    writes_files, duplicate_heading_ids, same_example_twice, translation_ids_differ, link_to_missing_page, broken_mkdocs_yml,
]


def assert_cache_whole(cache: Path):
    for path in cache.rglob("*"):
        if path.is_dir():
            continue
        assert path.suffix == ".json" and re.fullmatch(r"[0-9a-f]{64}", path.stem), f"not a cache entry: {path}"
        assert path.parent.name == path.stem[:2], path
        assert set(json.loads(path.read_text("utf-8"))) == ENTRY_KEYS, path


def assert_no_temporary_files(work: Path):
    # The engine's run directories (memo-*); torch keeps its own compile cache beside them, by design.
    assert not list((work / "tmp").glob("memo-*")), "temporary files left behind"


@pytest.mark.bad_input
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input(work, case):
    expected = case(work / "project")
    done = run_build(work)
    if isinstance(expected, str):
        assert done.returncode != 0, "the build should have stopped"
        assert re.search(expected, done.stderr), done.stderr[-3000:]
        if case is broken_mkdocs_yml:  # MkDocs stops before it loads the plugin: site/ is as it was
            assert page(work).select_one("#run-good")
        else:
            assert not list((work / "site").rglob("*.html")), "a failed build left pages behind"
    else:
        assert done.returncode == 0, done.stderr[-3000:]
        expected(work)
    assert_cache_whole(work / "cache")
    assert_no_temporary_files(work)

    shutil.rmtree(work / "project")
    write_project(work / "project")
    again = run_build(work)
    assert again.returncode == 0, again.stderr[-3000:]
    for lang in ("ko", "en"):
        assert GOOD_OUTPUT in page(work, lang).select_one("#run-good pre").get_text()
        assert page(work, lang).select_one("#run-bad") is None
    assert_cache_whole(work / "cache")
    assert_no_temporary_files(work)


@pytest.mark.bad_input
def test_two_builds_at_once_share_a_cache(tmp_path):
    """Both builds run the same new snippets and write the same entries at the same time."""
    snippets = {f"s{i}": f"print('snippet {i}:', {i} ** 2)\n" for i in range(4)}
    works = [tmp_path / "a", tmp_path / "b"]
    for work in works:
        write_project(work / "project")
        for name, source in snippets.items():
            (work / "project" / "snippets" / "case" / f"{name}.py").write_text(source, "utf-8")
            append(work / "project", f"{{{{ run case/{name}.py }}}}\n")
    env = dict(ENV, MEMOS_CACHE=str(tmp_path / "cache"), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    builds = [
        subprocess.Popen([*MKDOCS, "build", "--strict", "--site-dir", str(w / "site")], cwd=w / "project",
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for w in works
    ]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err[-3000:]
    assert_cache_whole(tmp_path / "cache")
    assert len(list((tmp_path / "cache").rglob("*.json"))) == len(snippets) + 1  # and good.py
    assert not list((tmp_path / "tmp").glob("memo-*"))
