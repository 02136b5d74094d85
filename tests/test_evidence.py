"""Prose bound to evidence and verdicts that need all of theirs: conditions, blocks, and claims judged only on
every check that bears on them. Small in-memory inputs, no MkDocs, no torch."""

from __future__ import annotations

import pytest

from mkdocs_memos.engine.pages import sources
from mkdocs_memos.engine.evidence import claims
from mkdocs_memos.engine.pages import conditions, directives
from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.running.protocol import Result

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("text, torch, facts, holds", [
    ("torch>=2.0", "2.13.0+cpu", {}, True),
    ("torch>=2.0", "1.13.1", {}, False),
    ("torch>=2.0,<2.14", "2.14.1", {}, False),
    ("not torch<2.0", "2.0.1", {}, True),
    ("warns", "2.13.0", {"warns": True}, True),
    ("not warns", "2.13.0", {"warns": True}, False),
    ('category == "FutureWarning"', "2.14.1", {"category": "FutureWarning"}, True),
    ('category != "FutureWarning"', "2.14.1", {"category": "DeprecationWarning"}, True),
    ("count == 3 and torch>=2.10", "2.10.0", {"count": 3}, True),
    ("count == 3 and torch>=2.10", "2.9.1", {"count": 3}, False),
    ("flag == false", "2.9.1", {"flag": False}, True),
    ("warns", "2.13.0", {"warns": "yes"}, False),  # a fact is true only when it is True itself
])
def test_conditions(text, torch, facts, holds):
    assert conditions.parse(text).holds(torch, facts) is holds


@pytest.mark.parametrize("text", ["torch >= banana", "Warns", "a = 1", "x == 'single quotes'", ""])
def test_conditions_that_cannot_be_read(text):
    with pytest.raises(ValueError):
        conditions.parse(text)


PAGE = """# P

{{ if torch>=2.0 }}
new
{{ else }}
old
{{ end }}

after
"""


def test_blocks_hide_the_branch_not_taken():
    found = list(directives.find(PAGE))
    [block], problems = conditions.blocks(found, PAGE)
    assert problems == []
    assert list(block.hidden(True)) == [6]
    assert list(block.hidden(False)) == [4]
    assert list(block.hidden(None)) == [4, 5, 6]


@pytest.mark.parametrize("text, message", [
    ("{{ if a }}\nx\n", "without its '{{ end }}'"),
    ("x\n{{ end }}\n", "'{{ end }}' without its '{{ if }}'"),
    ("{{ else }}\n", "'{{ else }}' without its '{{ if }}'"),
    ("{{ if a }}\n{{ if b }}\n{{ end }}\n", "inside the '{{ if }}' of line 1"),
    ("{{ if a }}\n## Heading { #h }\n{{ end }}\n", "a heading inside"),
    ("{{ if a b }}\n{{ end }}\n", "cannot read"),
])
def test_badly_formed_blocks_are_problems_at_their_line(text, message):
    _, problems = conditions.blocks(list(directives.find(text)), text)
    assert any(message in m for _, m in problems), problems


def test_conditions_must_name_recorded_facts(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.py").write_text("# memo: fact warns: True\n")
    (tmp_path / "p" / "b.py").write_text("# memo: fact twice: 1\n")
    (tmp_path / "p" / "c.py").write_text("# memo: fact twice: 2\n")
    s = sources.Sources()
    s.add("p.md", "{{ run p/a.py }}\n{{ run p/b.py }}\n{{ run p/c.py }}\n\n"
                  "{{ if warns }}\nx\n{{ end }}\n{{ assert nothing }}\n{{ assert twice == 1 }}\n", tmp_path)
    s.check_facts()
    problems = {str(k): v for k, v in s.problems.items()}
    assert set(problems) == {"docs/p.md:8", "docs/p.md:9"}
    assert "no snippet records the fact 'nothing'" in problems["docs/p.md:8"]
    assert "recorded by p/b.py and p/c.py" in problems["docs/p.md:9"]


def test_a_fact_named_twice_in_one_snippet_is_refused():
    with pytest.raises(snippet.SnippetError, match="fact 'x' is named twice"):
        snippet.parse("p/a.py", "snippets/p/a.py", "# memo: fact x: 1\n# memo: fact x: 2\n")


def two_snippets():
    """A claim with a check in a snippet for every release and one in a snippet that needs torch>=2.0."""
    old = snippet.parse("p/any.py", "snippets/p/any.py", "# memo: check c: True\n")
    new = snippet.parse("p/new.py", "snippets/p/new.py", "# memo: requires torch>=2.0\n# memo: check c: False\n")
    return {"p/any.py": old, "p/new.py": new}


def ran(expr: str, value: bool, line: int) -> Result:
    return Result("ok", checks=[{"claim": "c", "expr": expr, "line": line, "value": value}])


def test_a_claim_is_not_judged_on_the_checks_that_happened_to_run():
    """On 1.13 only one of the two snippets runs: the claim is not checked there, never "holds"."""
    snippets = two_snippets()
    skipped = Result("skipped", message="needs torch>=2.0; this site uses torch 1.13.1")
    verdict = claims.judge(snippets, {"p/any.py": ran("True", True, 1), "p/new.py": skipped})["c"]
    assert verdict.value == claims.UNCHECKED
    assert verdict.missing == ["snippets/p/new.py: needs torch>=2.0; this site uses torch 1.13.1"]
    both = claims.judge(snippets, {"p/any.py": ran("True", True, 1), "p/new.py": ran("False", False, 2)})["c"]
    assert both.value == claims.PARTLY and both.missing == []


def test_partly_says_which_cases_hold():
    from mkdocs_memos.engine.views import render

    snippets = two_snippets()
    verdict = claims.judge(snippets, {"p/any.py": ran("True", True, 1), "p/new.py": ran("False", False, 2)})["c"]
    cases = {"snippets/p/any.py": ("#run-any", "a list"), "snippets/p/new.py": ("#run-new", None)}
    assert render.why_not_plain(verdict, "en", cases) == (
        'Holds in: <a href="#run-any">a list</a>. Does not hold in: <a href="#run-new">new.py</a>.')
    box = render.claim("c", "words", verdict, "en", "2.14.1", cases=cases)
    assert '<a href="#run-any">output of any.py</a>' in box and '<a href="#run-new">output of new.py</a>' in box
    assert '<a class="memo-permalink" href="#claim-c"' in box


def test_a_claim_judged_on_several_examples_names_each_case(tmp_path):
    (tmp_path / "p").mkdir()
    for name in ("a", "b"):
        (tmp_path / "p" / f"{name}.py").write_text("# memo: check c: True\n")
    page = "---\nclaims: {c: words}\n%s---\n\n{{ run p/a.py }}\n{{ run p/b.py }}\n\n{{ claim c }}\n"
    s = sources.Sources()
    s.add("p.md", page % "cases: {p/a.py: a list}\n", tmp_path)
    s.add("q.md", "---\ncases: {p/zzz.py: nothing}\n---\n\n{{ run p/a.py }}\n", tmp_path)
    s.check_cases()
    problems = {str(k): v for k, v in s.problems.items()}
    assert set(problems) == {"docs/p.md:9", "docs/q.md:1"}
    assert "claim 'c' is judged on 2 examples" in problems["docs/p.md:9"] and "missing: p/b.py" in problems["docs/p.md:9"]
    assert "names snippets this page does not run: p/zzz.py" in problems["docs/q.md:1"]
    named = sources.Sources()
    named.add("p.md", page % "cases: {p/a.py: a list, p/b.py: an array}\n", tmp_path)
    named.check_cases()
    assert named.problems == {}
    assert named.case("p/b.py", "ko") == "an array" and named.case("p/b.py", "en") is None


def test_a_claim_gives_its_verdict_on_each_release_each_a_link():
    from mkdocs_memos.engine.views import render

    line = render.by_release([("2.0", "holds", "../2.0/p/#claim-c"), ("2.1", "holds", "../2.1/p/#claim-c"),
                              ("2.2", "partly", "#claim-c")], "en")
    assert line == ('<p class="memo-claim__releases">Verdict by release: holds: <a href="../2.0/p/#claim-c">2.0</a> '
                    '<a href="../2.1/p/#claim-c">2.1</a> · holds only in some cases: <a href="#claim-c">2.2</a></p>')


@pytest.mark.parametrize("torch, ko, en", [
    ("2.14.1+cu130", "2.14.1 (CUDA 13.0 빌드, CPU에서 실행)", "2.14.1 (CUDA 13.0 build, run on the CPU)"),
    ("1.13.1+cu117", "1.13.1 (CUDA 11.7 빌드, CPU에서 실행)", "1.13.1 (CUDA 11.7 build, run on the CPU)"),
    ("2.13.0+cpu", "2.13.0 (CPU 빌드)", "2.13.0 (CPU build)"),
    ("2.14.1", "2.14.1", "2.14.1"),
])
def test_an_output_names_its_release_and_the_build_that_ran_it(torch, ko, en):
    from mkdocs_memos.engine.evidence.releases import label
    from mkdocs_memos.engine.views import render

    assert (render.torch_build(torch, "ko"), render.torch_build(torch, "en")) == (ko, en)
    assert label(torch) == torch.split("+")[0]  # how every other box and sentence names the release


def test_an_example_skipped_on_a_release_names_it_as_every_box_does():
    from mkdocs_memos.engine.views import render

    needs = snippet.parse("p/new.py", "snippets/p/new.py", "# memo: requires torch>=2.0\nprint(1)\n")
    skipped = Result("skipped", message="needs torch>=2.0", stamp={"torch": "1.13.1+cu117"})
    assert "this site was built with torch 1.13.1." in render.output(needs, skipped, "en")
    assert "torch 1.13.1로 만들었습니다" in render.output(needs, skipped, "ko")
