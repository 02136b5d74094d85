"""The releases' manifests as a reader sees them, on small in-memory manifests: no build, no torch."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from mkdocs_memos.engine.evidence import releases
from mkdocs_memos.engine.views import history

pytestmark = pytest.mark.fast


def manifest(release: str, torch: str, outputs: dict, verdicts: dict) -> dict:
    return {
        "release": release, "torch": torch, "python": "3.11.7",
        "snippets": {n: {"status": "ok" if out is not None else "skipped", "output": out or "", "nondeterministic": False,
                         "requires": None if out is not None else "torch>=2.0", "page": "p/", "anchor": f"run-{n[:-3]}"}
                     for n, out in outputs.items()},
        "claims": {c: {"value": v, "checks": 1, "missing": []} for c, v in verdicts.items()},
    }


MANIFESTS = [
    manifest("1.13", "1.13.1", {"a.py": "x\n", "b.py": None}, {"c": "fails"}),
    manifest("2.0", "2.0.1", {"a.py": "y\n", "b.py": "b\n"}, {"c": "holds"}),
    manifest("2.1", "2.1.2", {"a.py": "y\n", "b.py": "b\n"}, {"c": "holds"}),
]


def test_changes_are_grouped_by_step_newest_first_each_with_its_line_and_diff():
    md = history.changes(releases.steps(MANIFESTS), {"a.py": "../p/#run-a"}, "https://example.org/", "en")
    assert md.index("2.0 → 2.1") < md.index("1.13 → 2.0")
    assert "No example's output changed at this step." in md
    assert '<span id="changed-2-0-a"></span>[`a.py`](../p/#run-a): x -&gt; y' in md
    assert '<span id="changed-2-0-b"></span>`b.py`: runs from 2.0 (needs torch&gt;=2.0)' in md
    assert "-x\n    +y" in md


def test_a_build_alone_says_where_the_comparison_is():
    assert "https://example.org/" in history.changes([], {}, "https://example.org/", "en")


def test_matrix_cells():
    links = {(r, n): f"#{r}-{n}" for n, rs in releases.changes_by_snippet(releases.steps(MANIFESTS)).items() for r in rs}
    html = history.matrix(MANIFESTS, releases.verdict_matrix(MANIFESTS), {"c": "words"}, {"c": "#claim-c"},
                          {"a.py": "#run-a"}, {m["release"]: f"/{m['release']}/" for m in MANIFESTS}, links, "en")
    soup = BeautifulSoup(html, "html.parser")
    claims, examples = soup.select("table")
    assert [th.get_text() for th in claims.select("th")] == ["The memo's claim", "1.13", "2.0", "2.1"]
    assert [td["data-verdict"] for td in claims.select("td[data-verdict]")] == ["fails", "holds", "holds"]
    rows = {tr.td.get_text(): [td["data-output"] for td in tr.select("td[data-output]")] for tr in examples.tbody.select("tr")}
    assert rows == {"a.py": ["same", "changed", "same"], "b.py": ["not-run", "changed", "same"]}
    assert examples.select_one('a[href="#2.0-a.py"]').get_text() == "changed"


def test_since_and_changed_in_lines():
    assert releases.verdict_since(MANIFESTS)["c"] == ("holds", "2.0")
    assert "since 2.0" in history.since("2.0", "1.13", "en")
    assert "every release compared" in history.since("1.13", "1.13", "en")
    line = history.changed_line([("2.0", "../what-changed/#changed-2-0-a")], "en")
    assert line == '<p class="memo-output__changed">Output changed in <a href="../what-changed/#changed-2-0-a">2.0</a></p>'
