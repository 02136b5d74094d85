"""The built site, as a reader gets it: both languages, real outputs, stable heading ids, clear failures."""

from __future__ import annotations

import dataclasses
import platform
import random
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from packaging.version import Version

from mkdocs_memos.engine.running.interpreter import Interpreter
from tests.conftest import ROOT, build, title_text

PAGES = sorted(p.name.removesuffix(".md") for p in (ROOT / "docs").glob("*.md") if not p.name.endswith(".en.md"))


def html(site: Path, page: str, lang: str) -> BeautifulSoup:
    path = site / ("en" if lang == "en" else "") / ("" if page == "index" else page) / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def heading_ids(soup: BeautifulSoup) -> list[str]:
    return [h.get("id") for h in soup.select("article h2, article h3, article h4")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_both_languages(site, page):
    assert (ROOT / "docs" / f"{page}.en.md").exists(), f"docs/{page}.md has no English translation"
    ko, en = html(site, page, "ko"), html(site, page, "en")
    assert ko.html["lang"] == "ko" and en.html["lang"] == "en"


@pytest.mark.parametrize("page", PAGES)
def test_headings_have_explicit_ids_shared_by_both_languages(site, page):
    ko, en = heading_ids(html(site, page, "ko")), heading_ids(html(site, page, "en"))
    source = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    for line in re.findall(r"^#{2,4} .*$", source, re.M):
        assert re.search(r"\{ *#[a-z0-9-]+ *\}$", line), f"docs/{page}.md: heading without an explicit id: {line}"
    assert ko == en
    assert len(ko) == len(set(ko)), f"duplicate heading ids in {page}"


@pytest.mark.parametrize("page", PAGES)
def test_no_directive_is_left_unexpanded(site, page):
    for lang in ("ko", "en"):
        text = html(site, page, lang).select_one("article").get_text()
        assert "{{" not in text and "@@memo-" not in text


def test_outputs_are_stamped_with_the_torch_that_ran_them(site):
    """One name for the release on every box of a page (its public version); which build of it ran, once, in
    each output's stamp."""
    torch = Version(version("torch"))
    assert torch.local == "cpu"  # the CPU wheel that `make` installs
    machine = f"{platform.system()} {platform.machine()}"
    for lang, build in (("ko", "CPU 빌드"), ("en", "CPU build")):
        page = html(site, "view-vs-reshape", lang)
        stamps = {s.get_text() for s in page.select(".memo-output__stamp")}
        assert stamps == {f"torch {torch.public} ({build}) · Python {platform.python_version()} · {machine}"}
        titles = {title_text(t).rsplit(" · ", 1)[1] for t in page.select(".memo-claim .admonition-title")}
        assert titles == {f"torch {torch.public}"}


def test_view_vs_reshape_shows_real_outputs_and_the_correction(site):
    for lang in ("ko", "en"):
        page = html(site, "view-vs-reshape", lang)
        memo_example = page.select_one("#run-memo-reshape-example pre").get_text()
        assert "same memory address: True" in memo_example  # reshape of a contiguous tensor is a view
        raises = page.select_one("#run-view-non-contiguous-raises pre").get_text()
        assert "RuntimeError: view size is not compatible" in raises
        assert page.select_one("#reshape-may-copy") is not None
        assert page.select_one("#claim-reshape-copies")["data-verdict"] == "partly"
        assert page.select_one("#claim-view-shares-memory")["data-verdict"] == "holds"


def test_language_selector_points_at_the_same_page(site):
    links = {a["hreflang"]: a["href"] for a in html(site, "view-vs-reshape", "ko").select("a[hreflang]")}
    assert links["en"].rstrip("/").endswith("en/view-vs-reshape")


def test_an_edited_snippet_shows_its_new_output(project, tmp_path):
    """The proof that outputs are executed, not stored: a value nobody could have written down."""
    a, b = random.randrange(10**6), random.randrange(10**6)
    snippet = project / "snippets" / "view-vs-reshape" / "view-shares-memory.py"
    snippet.write_text(snippet.read_text() + f"print('edited:', {a} * {b})\n")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    for lang in ("ko", "en"):
        out = html(tmp_path / "site", "view-vs-reshape", lang).select_one("#run-view-shares-memory pre").get_text()
        assert f"edited: {a * b}" in out


def test_a_failing_snippet_stops_the_build_naming_file_line_and_page(project, tmp_path):
    snippet = project / "snippets" / "view-vs-reshape" / "view-shares-memory.py"
    lines = snippet.read_text().splitlines()
    snippet.write_text("\n".join(lines + ["raise ValueError('broken on purpose')"]) + "\n")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert f"snippets/view-vs-reshape/view-shares-memory.py:{len(lines) + 1}: raised ValueError: broken on purpose" in done.stderr
    assert re.search(r"included by .*docs/view-vs-reshape.md:\d+", done.stderr)


def test_a_missing_snippet_stops_the_build_naming_the_page_line(project, tmp_path):
    page = project / "docs" / "view-vs-reshape.md"
    text = page.read_text()
    page.write_text(text + "\n{{ run view-vs-reshape/no-such-file.py }}\n")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    line = len(text.splitlines()) + 2
    assert f"docs/view-vs-reshape.md:{line}: snippet 'view-vs-reshape/no-such-file.py' not found" in done.stderr


def test_search_index_holds_korean_words_and_api_names(site):
    import json

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] + " " + d["title"] for d in index["docs"])
    for word in ("메모리", "contiguous", "Tensor", "reshape"):
        assert word in text
    assert index["config"]["pipeline"] == ["stopWordFilter"]  # no trimmer: it would delete Hangul tokens


def test_a_failing_snippet_is_reported_first_as_itself_not_as_a_page_being_read(project, tmp_path):
    snippet = project / "snippets" / "matmul" / "bmm.py"
    snippet.write_text(snippet.read_text() + "raise ValueError('broken on purpose')\n")
    done = build(project, tmp_path / "site")
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert "Error reading page" not in done.stderr and "Error building page" not in done.stderr
    assert errors and "snippets failed" in errors[0], done.stderr


BOUND = """---
claims:
  two-ranges: "memo words"
cases:
  view-vs-reshape/bound-any.py: "any release"
  view-vs-reshape/bound-old.py: "an old release"
---

# Bound {{ #bound }}

{{{{ run view-vs-reshape/bound-any.py }}}}

{{{{ run view-vs-reshape/bound-old.py }}}}

{{{{ claim two-ranges }}}}

{{{{ if torch>={torch} }}}}
SAYS-NEW-RELEASE
{{{{ else }}}}
{{{{ assert value == 41 }}}}
SAYS-OLD-RELEASE
{{{{ end }}}}

{{{{ if value == 42 }}}}
SAYS-FACT-X
{{{{ end }}}}

{{{{ if old-fact }}}}
SAYS-OLD-FACT
{{{{ end }}}}

{assertion}
"""


def bound_project(project: Path, assertion: str) -> None:
    """A page whose prose depends on this release and on facts, and a claim with a check in a snippet that runs
    here and one in a snippet that needs a release older than any this test runs on. The branch this release
    does not take holds an assertion that would not hold: it is not checked here."""
    snippets = project / "snippets" / "view-vs-reshape"
    (snippets / "bound-any.py").write_text("# memo: check two-ranges: True\n# memo: fact value: 6 * 7\nprint(6 * 7)\n")
    (snippets / "bound-old.py").write_text(
        "# memo: requires torch<1.0\n# memo: check two-ranges: False\n# memo: fact old-fact: True\n")
    torch = version("torch").split("+")[0]
    for name in ("bound.md", "bound.en.md"):
        (project / "docs" / name).write_text(BOUND.format(torch=torch, assertion=assertion))


def test_prose_follows_the_release_and_its_facts(project, tmp_path):
    bound_project(project, '{{ assert value == 42 and torch>=1.0 }}')
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    for lang in ("ko", "en"):
        page = html(tmp_path / "site", "bound", lang)
        text = page.select_one("article").get_text()
        assert "SAYS-NEW-RELEASE" in text and "SAYS-OLD-RELEASE" not in text
        assert "SAYS-FACT-X" in text
        # The fact's snippet does not run on this release: the passage says so instead of choosing a branch.
        assert "SAYS-OLD-FACT" not in text and "snippets/view-vs-reshape/bound-old.py" in text
        claim = page.select_one("#claim-two-ranges")
        assert claim["data-verdict"] == "unchecked", claim
        assert "snippets/view-vs-reshape/bound-old.py: needs torch<1.0" in claim.get_text()


def test_an_assertion_false_on_this_release_stops_the_build_with_page_line_and_release(project, tmp_path):
    bound_project(project, '{{ assert value == 41 }}')
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    line = BOUND.count("\n", 0, BOUND.index("{assertion}")) + 1
    torch = Version(version("torch")).public  # as every page names the release
    assert f"docs/bound.md:{line}: '{{{{ assert value == 41 }}}}' does not hold on torch {torch} (torch {torch}; value = 42)" in done.stderr


def test_a_build_whose_outputs_are_all_cached_needs_no_python_to_run_them(project, tmp_path):
    """What scripts/versions.py relies on to build a release without starting its environment: the record of
    that environment's versions keys the cache; its Python is needed only when a snippet must run."""
    assert build(project, tmp_path / "first").returncode == 0  # every output in the cache
    gone = tmp_path / "no-such-venv" / "bin" / "python"
    record = tmp_path / "record.json"
    Interpreter(**{**dataclasses.asdict(Interpreter.current()), "executable": str(gone)}).record(record)
    done = build(project, tmp_path / "second", MEMOS_INTERPRETER=str(record))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "second" / "matmul" / "index.html").read_text() == (tmp_path / "first" / "matmul" / "index.html").read_text()

    edited = project / "snippets" / "matmul" / "matmul-broadcasting.py"
    edited.write_text(edited.read_text() + "print('edited')\n")
    done = build(project, tmp_path / "third", MEMOS_INTERPRETER=str(record))
    assert done.returncode != 0
    assert (f"snippets/matmul/matmul-broadcasting.py must run on torch {version('torch')}, and the Python recorded "
            f"to run snippets there is missing: {gone}") in done.stderr, done.stderr[-2000:]


def ids_of(site: Path, path: str) -> list[str]:
    page = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
    return [h.get("id") for h in page.select("article h1, article h2, article h3, article h4")]


@pytest.mark.parametrize("page", PAGES)
def test_h1_and_notebook_headings_carry_the_pages_ids_in_both_languages(site, page):
    """A link or a language switch keeps its anchor on every page and on its notebook page."""
    stem = "" if page == "index" else page
    assert ids_of(site, stem) == ids_of(site, f"en/{stem}".rstrip("/")) and ids_of(site, stem)[0]
    notebook = site / "notebooks" / page
    if notebook.exists():
        ko, en = ids_of(site, f"notebooks/{page}"), ids_of(site, f"en/notebooks/{page}")
        assert ko == en
        assert set(ko) <= set(ids_of(site, stem)), "a notebook heading id the page does not have"
