"""The built site, as a reader gets it: both languages, real outputs, stable heading ids, clear failures."""

from __future__ import annotations

import platform
import random
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, build

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
        assert "{{" not in text and "@@memo-output" not in text


def test_outputs_are_stamped_with_the_torch_that_ran_them(site):
    stamps = {s.get_text() for s in html(site, "view-vs-reshape", "ko").select(".memo-output__stamp")}
    machine = f"{platform.system()} {platform.machine()}"
    assert stamps == {f"torch {version('torch')} · Python {platform.python_version()} · {machine}"}


def test_view_vs_reshape_shows_real_outputs_and_the_correction(site):
    for lang in ("ko", "en"):
        page = html(site, "view-vs-reshape", lang)
        memo_example = page.select_one("#run-memo-reshape-example pre").get_text()
        assert "same storage: True" in memo_example  # reshape of a contiguous tensor is a view
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
