"""Bad input, tried and counted (the session summary says how many cases held).

Each case breaks a copy of a one-page project in one way and builds it. The build must either render the
input safely or stop naming the file and line; afterwards the cache holds only whole, valid entries, no
temporary file is left, a failed build leaves no page in the site, and the next good build is correct.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_memos.engine.running.protocol import Result
from mkdocs_memos.engine.running.server import SHOWN_BYTES
from scripts.docs import memos_options, mkdocs_yml
from tests.conftest import ENV, MKDOCS, ROOT, detached_sleeper, writes_to

ENTRY_KEYS = {f.name for f in dataclasses.fields(Result)} - {"cached"}
# What a snippet's environment may hold (engine/running/child.py), and how its run directory reads on the page.
ALLOWED_ENVIRONMENT = {"HOME": "~", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "TMPDIR": "/tmp",
                       "MPLBACKEND": "module://mkdocs_memos.engine.running.matplotlib_backend"}
GOOD = "a, b = 6, 7\nprint('good:', a * b)\n"
GOOD_OUTPUT = f"good: {6 * 7}"
PAGE = """# Case {{ #case }}

## First {{ #first }}

{{{{ run case/good.py }}}}
{extra}"""


def write_project(root: Path, cache: str = "../cache") -> None:
    """A project with one page in both languages, one good snippet, the real plugin (installed) and theme.
    Its cache: `cache`, relative to the project (by default beside it, so each copy of a work has its own)."""
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    config = mkdocs_yml()
    config["nav"] = ["index.md"]
    # mkdocs_yml() resolved `!ENV [MEMOS_CACHE, ...]` in this process: the path is set here instead.
    memos_options(config)["cache"] = cache
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    (root / "snippets" / "case").mkdir(parents=True)
    (root / "snippets" / "case" / "good.py").write_text(GOOD, "utf-8")
    for name in ("index.md", "index.en.md"):
        (root / "docs" / name).write_text(PAGE.format(extra=""), "utf-8")


def run_build(work: Path) -> subprocess.CompletedProcess:
    """Build `work`/project into `work`/site with its own cache and its own temporary directory."""
    env = dict(ENV, TMPDIR=str(work / "tmp"))
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


def placeholders_and_directives_as_text(p):
    # The engine's placeholder as it was before a per-process token, a directive and HTML: in the source (the
    # listing on the page) and in the output, each must reach the page as the text it is.
    text = "@@memo-output-0@@ <p>@@memo-output-1@@</p> {{ run case/good.py }} <b>bold</b>"
    add_snippet(p, f"# {text}\nprint({text!r})\n")

    def check(work):
        for lang in ("ko", "en"):
            soup = page(work, lang)
            assert soup.select_one("#run-bad pre").get_text() == text + "\n"
            assert any(text in listing.get_text() for listing in soup.select(".memo-source"))
            assert len(soup.select(".memo-output")) == 2 and not soup.select("article b")
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


def unique() -> str:
    """An argument for `sleep` that no other process on the machine has."""
    return f"{random.randrange(10**6)}.{os.getpid()}"


def alive(marker: str) -> list:
    return [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]


def memory_hog(p):
    add_snippet(p, "# memo: memory 1GiB\nimport torch\nblocks = []\nwhile True:\n"
                   "    blocks.append(torch.ones(64 * 2**20))\n")
    return r"snippets/case/bad\.py:[45]: used more than its memory limit of 1 GiB \(# memo: memory\)"


def _leaves_nothing_running(p, source, marker):
    add_snippet(p, source + "print('started')\n")

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "started\n"
        assert not alive(f"sleep {marker}"), "a process the snippet started outlived it"
    return check


def detached_process(p):
    marker = unique()
    return _leaves_nothing_running(p, detached_sleeper("new session", marker), marker)


def double_forked_daemon(p):
    marker = unique()
    return _leaves_nothing_running(p, detached_sleeper("double fork", marker), marker)


def prints_its_environment(p):
    add_snippet(p, "import os\nfor k, v in sorted(os.environ.items()):\n    print(f'{k}={v}')\n")

    def check(work):
        text = page(work).select_one("#run-bad pre").get_text()
        env = dict(line.split("=", 1) for line in text.splitlines())
        assert set(env) == set(ALLOWED_ENVIRONMENT) | {"PATH"}
        assert {k: env[k] for k in ALLOWED_ENVIRONMENT} == ALLOWED_ENVIRONMENT
        for private in (str(work), str(ROOT), "MEMOS_CACHE", os.environ.get("HOME", "~")):
            assert private not in text.replace("=~", "")
    return check


def project_on_sys_path(p):
    roots = [str(p.resolve()), str(ROOT)]
    add_snippet(p, f"import os, sys\nprint([x for x in sys.path if os.path.realpath(x or '.') in {roots!r}])\n")

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "[]\n"
    return check


def _tries_to_write(p, targets: list[Path]):
    add_snippet(p, writes_to(targets))

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "refused\n" * len(targets)
        return work
    return check


def writes_into_the_project(p):
    check = _tries_to_write(p, [p / "docs" / "pwned.md", p / "mkdocs.yml"])

    def held(work):
        check(work)
        assert not (p / "docs" / "pwned.md").exists() and "pwned" not in (p / "mkdocs.yml").read_text("utf-8")
        assert not list((work / "site").rglob("pwned*"))
    return held


def overwrites_the_cache(p):
    entries = sorted((p.parent / "cache").rglob("*.json"))
    before = [e.read_bytes() for e in entries]
    check = _tries_to_write(p, entries + [p.parent / "cache" / "pwned.json"])

    def held(work):
        check(work)
        assert [e.read_bytes() for e in entries] == before
    return held


def writes_into_the_site(p):
    return _tries_to_write(p, [p.parent / "site" / "index.html", p.parent / "site" / "pwned.html"])


def _rewrite_cache(p, change):
    for entry in (p.parent / "cache").rglob("*.json"):
        entry.write_text(json.dumps(change(json.loads(entry.read_text("utf-8")))), "utf-8")

    def check(work):
        for lang in ("ko", "en"):
            assert page(work, lang).select_one("#run-good pre").get_text() == GOOD_OUTPUT + "\n"
    return check


def forged_cache_entry(p):
    def forge(entry):  # another output, its stamp left as it was, the checksum not updated
        entry["result"]["output"] = "forged\n"
        return entry
    return _rewrite_cache(p, forge)


def cache_entry_of_an_older_engine(p):
    return _rewrite_cache(p, lambda entry: {k: v for k, v in entry["result"].items() if k != "checks"})


def output_flood(p):
    add_snippet(p, "n = 0\nwhile True:\n    print('x' * 1000)\n")
    return r"snippets/case/bad\.py:3: its output passed the limit of 256 MiB"


def ansi_colours(p):
    add_snippet(p, "print('\\x1b[31mred\\x1b[0m and \\x1b[1mbold\\x1b[0m <b>')\n")

    def check(work):
        block = page(work).select_one("#run-bad pre")
        assert block.select_one("span.ansi-red-fg").get_text() == "red"
        assert block.select_one("span.ansi-bold").get_text() == "bold"
        assert block.get_text() == "red and bold <b>\n" and not block.select("b")
        assert ".ansi-red-fg" in (work / "site" / "assets" / "memos.css").read_text("utf-8")
    return check


def progress_bar(p):
    add_snippet(p, "import sys, time\nfor i in range(0, 101, 25):\n"
                   "    sys.stdout.write(f'\\r{i:3d}% ' + '#' * (i // 10))\n    sys.stdout.flush()\nprint()\nprint('done')\n")

    def check(work):
        assert page(work).select_one("#run-bad pre").get_text() == "100% ##########\ndone\n"
    return check


def engine_error(p):
    # The snippet breaks what the engine needs after it (json writes the result): not blamed on a line of it.
    add_snippet(p, "import json\njson.dumps = None\n")
    return r"snippets/case/bad\.py: engine error, outside the snippet's code"


def check_that_exits(p):
    add_snippet(p, "# memo: check bye: exit(0)\nx = 1\n")
    return r"snippets/case/bad\.py:1: check 'exit\(0\)' failed: SystemExit: 0"


def figure_without_title(p):
    add_snippet(p, "import matplotlib.pyplot as plt\n\nplt.plot([1, 2])\n")
    return r"snippets/case/bad\.py: its figures cannot be shown: FigureError: figure 1 has no title"


def figure_titles_miscounted(p):
    add_snippet(p, "import matplotlib.pyplot as plt\n\nplt.title('one')\nplt.show()\nplt.title('two')\n"
                   "# memo: figure ko: 하나\n")
    return r"snippets/case/bad\.py:6: 1 '# memo: figure ko:' titles for 2 figures"


def _bad_directive(p, written, message):
    line = append(p, written + "\n")
    return rf"docs/index\.md:{line}: '{re.escape(written)}' {message}"


def misspelt_directive(p):
    return _bad_directive(p, "{{ runn case/good.py }}", r"is not a directive; the nearest is '\{\{ run <page>/<file>\.py \}\}'")


def capitalised_directive(p):
    return _bad_directive(p, "{{ Run case/good.py }}", r"is not a directive; the nearest is '\{\{ run <page>/<file>\.py \}\}'")


def directive_with_an_extra_word(p):
    return _bad_directive(p, "{{ run case/good.py extra }}", r"is not a valid directive: write '\{\{ run <page>/<file>\.py \}\}'")


def misspelt_claim(p):
    return _bad_directive(p, "{{ clam x }}", r"is not a directive; the nearest is '\{\{ claim <claim-id> \}\}'")



def unknown_fact(p):
    line = append(p, "{{ if no-such-fact }}\nbound prose\n{{ end }}\n")
    return rf"docs/index\.md:{line}: no snippet records the fact 'no-such-fact'"


def assertion_on_an_unknown_fact(p):
    line = append(p, "{{ assert no-such-fact }}\n")
    return rf"docs/index\.md:{line}: no snippet records the fact 'no-such-fact'"


CASES = [
    syntax_error, unexpected_exception, infinite_loop, segfault, abort, sys_exit, huge_output,
    html_and_javascript, placeholders_and_directives_as_text, non_utf8_output, non_utf8_source, missing_include, include_escaping_snippets,
    writes_files, duplicate_heading_ids, same_example_twice, translation_ids_differ, link_to_missing_page, broken_mkdocs_yml,
    memory_hog, detached_process, double_forked_daemon, prints_its_environment, project_on_sys_path,
    writes_into_the_project, overwrites_the_cache, writes_into_the_site, forged_cache_entry,
    cache_entry_of_an_older_engine, output_flood, ansi_colours, progress_bar, engine_error, check_that_exits,
    figure_without_title, figure_titles_miscounted,
    misspelt_directive, capitalised_directive, directive_with_an_extra_word, misspelt_claim,
    unknown_fact, assertion_on_an_unknown_fact,
]


def assert_cache_whole(cache: Path):
    for path in cache.rglob("*"):
        if path.is_dir():
            continue
        assert path.suffix == ".json" and re.fullmatch(r"[0-9a-f]{64}", path.stem), f"not a cache entry: {path}"
        assert path.parent.name == path.stem[:2], path
        entry = json.loads(path.read_text("utf-8"))
        assert set(entry) == {"key", "checksum", "result"} and entry["key"] == path.stem, path
        assert set(entry["result"]) == ENTRY_KEYS, path


def assert_no_temporary_files(work: Path):
    # The engine's run directories (memo-*, in memos-server-*); torch keeps its own compile cache beside them,
    # by design.
    assert not [p.name for p in (work / "tmp").iterdir() if p.name.startswith(("memo-", "memos-server-"))], \
        "temporary files left behind"


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


# Two snippets meet across builds: each runs a `sleep` that the test ends once it sees both at the same time
# (a snippet reaches nothing of another's, and nothing outside: the test is their go-between); run at different
# times, each sleeps until its timeout, and its build fails.
BARRIER = (
    "import subprocess\n"
    "done = subprocess.run(['sleep', '{token}'])\n"
    "print('met' if done.returncode < 0 else 'alone')\n"
)


@pytest.mark.bad_input
def test_two_builds_at_once_share_a_cache(tmp_path):
    """Both builds run the same new snippets and write the same entries at the same time: the barrier
    snippet, run by both, passes only if the two builds' snippets ran at the same time."""
    token = unique()
    snippets = {f"s{i}": f"print('snippet {i}:', {i} ** 2)\n" for i in range(4)}
    snippets["barrier"] = BARRIER.format(token=token)
    works = [tmp_path / "a", tmp_path / "b"]
    for work in works:
        write_project(work / "project", cache=str(tmp_path / "cache"))
        for name, source in snippets.items():
            (work / "project" / "snippets" / "case" / f"{name}.py").write_text(source, "utf-8")
            append(work / "project", f"{{{{ run case/{name}.py }}}}\n")
    env = dict(ENV, TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    builds = [
        subprocess.Popen([*MKDOCS, "build", "--strict", "--site-dir", str(w / "site")], cwd=w / "project",
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for w in works
    ]
    try:
        while len(sleeping := alive(f"sleep {token}")) < 2 and all(b.poll() is None for b in builds):
            time.sleep(0.1)
        for p in sleeping:
            p.kill()
        for build in builds:
            _, err = build.communicate(timeout=300)
            assert build.returncode == 0, err[-3000:]
    finally:
        for build in builds:
            if build.poll() is None:
                build.kill()
    for w in works:
        assert page(w).select_one("#run-barrier pre").get_text() == "met\n"
    assert_cache_whole(tmp_path / "cache")
    assert len(list((tmp_path / "cache").rglob("*.json"))) == len(snippets) + 1  # and good.py
    assert_no_temporary_files(tmp_path)


def interrupted_build(work: Path, interrupt) -> None:
    """Start a cold build of a quick snippet and an endless one that started a detached process; once the quick
    one's result is in and the endless one is running, `interrupt` the build. Checks that the build ends, leaves
    no process behind and keeps the quick result in the cache. How fast is not asserted (no timed tests): the
    limits below only tell an end from a hang."""
    marker = unique()
    project = work / "project"
    (project / "snippets" / "case" / "quick.py").write_text("print('quick')\n", "utf-8")
    (project / "snippets" / "case" / "endless.py").write_text(
        "# memo: timeout 300\nimport subprocess\n"
        f"sleeper = subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\nwhile True:\n    pass\n", "utf-8")
    append(project, "{{ run case/quick.py }}\n\n{{ run case/endless.py }}\n")
    shutil.rmtree(work / "cache")
    # PYTHONFAULTHANDLER: a build that does not end is sent SIGABRT, and prints where each of its threads is.
    env = dict(ENV, TMPDIR=str(work / "tmp"), PYTHONFAULTHANDLER="1")
    stderr = work / "build.stderr"
    # Started as a terminal starts a command, SIGINT not ignored. A shell's background job (`make test &`) ignores
    # it, and an ignored signal stays ignored across exec, where a handled one is reset to its default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with stderr.open("w") as err:
            build = subprocess.Popen([*MKDOCS, "build", "--strict", "--site-dir", str(work / "site")], cwd=project,
                                     env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        deadline = time.monotonic() + 120
        while not (len(list((work / "cache").rglob("*.json"))) == 2 and alive(f"sleep {marker}")):
            assert time.monotonic() < deadline and build.poll() is None, "the build never got to both snippets"
            time.sleep(0.1)
        started = [psutil.Process(build.pid), *psutil.Process(build.pid).children(recursive=True)]
        assert len(started) >= 3  # the build, the server and the endless snippet at least
        interrupt(build)
        try:
            build.wait(timeout=30)
        except subprocess.TimeoutExpired:
            left = [f"{d['pid']} {d['status']} {' '.join(d['cmdline'] or ())[:150]}"
                    for d in (p.as_dict(["pid", "status", "cmdline"]) for p in started) if d["status"]]
            build.send_signal(signal.SIGABRT)
            build.wait(timeout=10)
            pytest.fail("the build did not end 30 s after the interrupt; still running:\n" + "\n".join(left)
                        + "\nthe build's stderr:\n" + stderr.read_text("utf-8")[-6000:])
        deadline = time.monotonic() + 5  # the build ended: what it started may take a moment to be reaped
        while [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] or alive(f"sleep {marker}"):
            assert time.monotonic() < deadline, "processes left behind"
            time.sleep(0.05)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert_cache_whole(work / "cache")
    outputs = sorted(json.loads(e.read_text("utf-8"))["result"]["output"] for e in (work / "cache").rglob("*.json"))
    assert outputs == [GOOD_OUTPUT + "\n", "quick\n"]
    assert_no_temporary_files(work)


@pytest.mark.bad_input
def test_ctrl_c_stops_every_snippet_and_keeps_what_finished(work):
    interrupted_build(work, lambda build: os.killpg(build.pid, signal.SIGINT))  # what a terminal does


@pytest.mark.bad_input
def test_sigterm_to_the_build_stops_every_snippet(work):
    interrupted_build(work, lambda build: build.send_signal(signal.SIGTERM))  # to the build alone
