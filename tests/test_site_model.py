"""The site model on small in-memory pages: no MkDocs build, no torch, milliseconds each."""

from __future__ import annotations

import pytest

from mkdocs_memos.engine.pages import addresses, anchors, sources
from mkdocs_memos.engine.pages import directives

pytestmark = pytest.mark.fast

KOREAN = """---
claims:
  view-shares: "view: 같은 메모리"
---

# 보기 { #view }

## 첫 절 { #first }

{{ run page/a.py }}

{{ claim view-shares }}
"""

ENGLISH = """---
claims:
  view-shares: "view: the same memory"
---

# View { #view }

## First section { #first }

{{ run page/a.py }}

{{ claim view-shares }}
"""


@pytest.fixture
def snippets(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "a.py").write_text("# memo: check view-shares: True\nprint(1)\n")
    return tmp_path


@pytest.fixture
def model(snippets) -> sources.Sources:
    s = sources.Sources()
    s.add("page.md", KOREAN, snippets)
    s.add("page.en.md", ENGLISH, snippets)
    return s


def test_languages_stems_and_urls():
    assert [addresses.language(s) for s in ("a.md", "a.en.md", "index.en.md")] == ["ko", "en", "en"]
    assert [addresses.stem(s) for s in ("index.md", "index.en.md", "sub/a.en.md")] == ["", "", "sub/a"]
    assert addresses.url("view-vs-reshape", "en") == "en/view-vs-reshape/"
    assert addresses.url("", "ko") == "" and addresses.url("", "en") == "en/"


@pytest.mark.parametrize("target, here, link", [
    ("what-changed/#x", "en/view/", "../../what-changed/#x"),
    ("en/", "", "en/"),
    ("", "en/", "../"),
    ("", "", "./"),
    ("../1.13/en/view/#run-a", "en/view/", "../../../1.13/en/view/#run-a"),
    ("notebooks/view/view.ipynb", "view/", "../notebooks/view/view.ipynb"),
    ("view/", "view/", "./"),
])
def test_one_way_to_link_between_pages(target, here, link):
    assert addresses.relative(target, here) == link


def test_front_matter_is_split_as_mkdocs_reads_it():
    meta, body, offset = sources.split_front_matter(KOREAN)
    assert meta["claims"]["view-shares"] == "view: 같은 메모리"
    assert body.startswith("# 보기")
    assert KOREAN.splitlines()[offset] == body.splitlines()[0]
    assert sources.split_front_matter("# no front matter\n") == ({}, "# no front matter\n", 0)


def test_includes_name_the_file_line(model):
    assert model.includes["page/a.py"] == [sources.Include("page.md", 10), sources.Include("page.en.md", 10)]
    assert str(model.includes["page/a.py"][0]) == "docs/page.md:10"
    assert KOREAN.splitlines()[9] == "{{ run page/a.py }}"


def test_directives_are_parsed_once_and_expanded_from_the_scan(model):
    page = model.pages["page.md"]
    assert [d.kind for d in page.directives] == ["run", "claim"]
    out = directives.expand(page.body, page.directives, lambda d: f"<{d.kind}>")
    assert "<run>" in out and "<claim>" in out and "{{" not in out
    with pytest.raises(ValueError, match="no longer holds its directive"):
        directives.expand(page.body.replace("{{ run page/a.py }}", "changed"), page.directives, str)


def test_bad_directives_and_missing_snippets_are_problems_at_their_line(snippets):
    s = sources.Sources()
    s.add("p.md", "# P\n\n{{ run page/missing.py }}\n\n{{ runn page/a.py }}\n\n{{ claim nowhere }}\n", snippets)
    problems = {str(where): message for where, message in s.problems.items()}
    assert "snippet 'page/missing.py' not found" in problems["docs/p.md:3"]
    assert "docs/p.md:5" in problems
    assert "claim 'nowhere' is not in this page's front matter" in problems["docs/p.md:7"]


def test_claims_words_and_rows(model):
    assert model.claims() == {"view-shares": "page.md"}
    assert model.words("view-shares", "en") == "view: the same memory"
    assert model.words("view-shares", "ko") == "view: 같은 메모리"
    rows = list(model.claim_rows(["index.md", "page.md"], "en", "en/fact-check/"))
    assert rows == [("view-shares", "view: the same memory", "../page/", "View")]


def test_a_missing_translation_falls_back_to_korean(snippets):
    s = sources.Sources()
    s.add("page.md", KOREAN, snippets)
    assert s.page("page", "en").src == "page.md"
    assert s.words("view-shares", "en") == "view: 같은 메모리"


def test_example_is_on_the_korean_page(model):
    assert model.example("page/a.py") == ("page/", "run-a")


def test_nav_order_flattens_sections():
    assert addresses.nav_order([{"홈": "index.md"}, {"메모": ["a.md", {"b": "b.md"}]}, "c.md"]) == ["index.md", "a.md", "b.md", "c.md"]


HTML = '<h1 id="view">V</h1><h2 id="first">F</h2><h2 id="{}">S</h2>'


@pytest.mark.parametrize("order", [("ko", "en"), ("en", "ko")])
def test_ids_differing_between_languages_are_caught_in_either_order(model, order):
    check = sources.IdCheck()
    html = {"ko": HTML.format("second"), "en": HTML.format("zweite")}
    src = {"ko": "page.md", "en": "page.en.md"}
    found = [p for lang in order for p in check.problems(model.pages[src[lang]], html[lang], lang)]
    assert any("heading id 'zweite' is not on the Korean page docs/page.md" in p for p in found)
    assert any("heading id 'second' is missing from docs/page.en.md" in p for p in found)


def test_a_fallback_page_is_not_compared_with_itself(model):
    check = sources.IdCheck()
    assert check.problems(model.pages["page.md"], HTML.format("second"), "ko") == []
    assert check.problems(model.pages["page.md"], HTML.format("other"), "en") == []


def test_an_id_used_twice_names_its_second_line(model):
    problems = sources.IdCheck().problems(model.pages["page.md"], '<h2 id="first"></h2><div id="first"></div>', "ko")
    assert problems == ["docs/page.md:8: id 'first' is used twice"]


def test_ids_are_those_of_elements_not_of_text():
    html = ('<h2 id="a">x</h2><div class="memo-output" data-x="1"\n id=\'run-b\'><pre><code>print(id="c") &lt;p'
            ' id="d"&gt;</code></pre></div><span title="t" id="e&amp;f"></span>')
    assert anchors.ids(html) == [("h2", "a"), ("div", "run-b"), ("span", "e&f")]
