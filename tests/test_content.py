"""The pages' content: claims whose verdicts come from execution, honest translations, no pasted output."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data

from mkdocs_memos.engine.running import snippet
from scripts.docs import outdated
from tests.conftest import ROOT, build

DOCS = ROOT / "docs"
KOREAN = sorted(p for p in DOCS.glob("*.md") if not p.name.endswith(".en.md"))


def claims_of(path) -> dict:
    return get_data(path.read_text(encoding="utf-8"))[1].get("claims") or {}


def all_checks() -> dict[str, list]:
    checks: dict[str, list] = {}
    for path in (ROOT / "snippets").rglob("*.py"):
        name = path.relative_to(ROOT / "snippets").as_posix()
        for c in snippet.load(ROOT / "snippets", name).checks:
            checks.setdefault(c.claim, []).append(name)
    return checks


@pytest.mark.parametrize("korean", KOREAN, ids=lambda p: p.stem)
def test_both_languages_list_the_same_claims(korean):
    english = korean.with_name(korean.stem + ".en.md")
    assert set(claims_of(korean)) == set(claims_of(english))


def test_every_claim_is_checked_by_a_snippet_and_every_check_names_a_claim():
    claimed = {c for page in KOREAN for c in claims_of(page)}
    checks = all_checks()
    assert claimed, "no claims at all"
    assert sorted(claimed - set(checks)) == [], "claims that no snippet checks"
    assert sorted(set(checks) - claimed) == [], "checks naming no claim"


def test_verdicts_on_the_fact_check_page_match_the_claims_on_their_pages(site):
    table = BeautifulSoup((site / "fact-check" / "index.html").read_text(), "html.parser")
    rows = table.select("table[data-memo-claims] tbody tr")
    assert len(rows) == sum(len(claims_of(p)) for p in KOREAN)
    for row in rows:
        href = row.a["href"]
        page, claim = href.split("#")
        target = BeautifulSoup((site / "fact-check" / page / "index.html").read_text(), "html.parser")
        assert target.select_one(f"#{claim}")["data-verdict"] == row["data-verdict"]


def test_a_verdict_follows_the_behaviour_of_the_code(project, tmp_path):
    """Make `view` copy in the snippet: the prose asserted on it stops the build, and, once that assertion is
    gone, the claims that view shares memory stop holding."""
    path = project / "snippets" / "view-vs-reshape" / "view-shares-memory.py"
    path.write_text(path.read_text().replace("b = a.view(2, 3)", "b = a.view(2, 3).clone()"))
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assertion = "{{ assert view-b-ones and view-same-address }}"
    korean = project / "docs" / "view-vs-reshape.md"
    line = korean.read_text().splitlines().index(assertion) + 1
    assert f"docs/view-vs-reshape.md:{line}: '{assertion}' does not hold" in done.stderr, done.stderr[-3000:]
    assert "view-b-ones = False, view-same-address = False" in done.stderr

    for page in (korean, project / "docs" / "view-vs-reshape.en.md"):
        page.write_text(page.read_text().replace(assertion + "\n", ""))
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    page = BeautifulSoup((tmp_path / "site" / "view-vs-reshape" / "index.html").read_text(), "html.parser")
    assert page.select_one("#claim-view-shares-memory")["data-verdict"] == "fails"
    assert page.select_one("#claim-view-follows-original")["data-verdict"] == "fails"


def outside_the_memo_section(text: str) -> str:
    """The page without its `{ #memo }` section, where the memo is quoted as written, its author's stated
    results (`=> b = ...`) included; those are the memo's words, compared with real outputs further down."""
    return re.sub(r"^## [^\n]*\{ #memo \}\n.*?(?=^## |\Z)", "", text, flags=re.M | re.S)


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_no_page_holds_a_hand_written_output(page):
    text = outside_the_memo_section(page.read_text(encoding="utf-8"))
    assert "<pre" not in text
    for info, body in re.findall(r"^ *(?:```|~~~)(.*)\n(.*?)^ *(?:```|~~~)", text, re.M | re.S):
        assert info.strip().startswith("python"), f"{page.name}: a non-Python block is an output pasted in"
        assert not re.search(r"^\s*(=>|>>>|tensor\(|Traceback)", body, re.M), f"{page.name}: pasted output"


def test_english_pages_are_current_translations():
    assert [p.name for p in outdated()] == []


def test_outdated_and_missing_translations_are_flagged(project, tmp_path):
    korean = project / "docs" / "matmul.md"
    korean.write_text(korean.read_text() + "\n새 문단.\n")
    (project / "docs" / "glossary.en.md").unlink()
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr

    def notice(page):
        soup = BeautifulSoup((tmp_path / "site" / "en" / page / "index.html").read_text(), "html.parser")
        return [t.get_text() for t in soup.select("article .admonition-title")]

    assert "Outdated translation" in notice("matmul")
    assert "Not translated yet" in notice("glossary")
    assert "Outdated translation" not in notice("view-vs-reshape")
    # Under the page's h1, which stays the page's title (MkDocs takes it from the first element only).
    matmul = BeautifulSoup((tmp_path / "site" / "en" / "matmul" / "index.html").read_text(), "html.parser")
    first, *_ = (c for c in matmul.select_one("article").children if c.name)
    assert first.name == "h1" and matmul.select_one("article > h1 ~ .admonition.warning")
    assert matmul.title.get_text() == "matmul - PyTorch Memos"  # the h1's, not the file name's "Matmul"
