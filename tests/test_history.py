"""The releases' manifests as a reader sees them, on small in-memory manifests of two releases (outputs cut
from the real ones): each kind of difference, the sentence said of it in both languages, the what-changed
page, the matrix and the timing charts. No build, no torch."""

from __future__ import annotations

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup

from mkdocs_memos.engine.evidence import differences, measurements, releases
from mkdocs_memos.engine.views import charts, history, render

pytestmark = pytest.mark.fast

ZERO_GRAD = (
    "Optimizer.zero_grad (self, set_to_none: bool = {v})\n"
    "Module.zero_grad    (self, set_to_none: bool = {v}) -> None\n"
    "after zero_grad():  grad is None = {v}\n"
)
JIT = "…/site-packages/torch/jit/_script.py:{n}: {cat}: `torch.jit.script` is deprecated. Please switch to `torch.compile`.\n  warnings.warn(\ndef forward(self, x):\n"
COPY = ("warning: UserWarning - To copy construct from a tensor, it is recommended to use sourceTensor.{a}() or "
        "sourceTensor.{a}().requires_grad_(True), rather than torch.tensor(sourceTensor).\n")
DROPOUT = "model.training: False\nF.dropout(x, 0.5)  zeros: {z}  unchanged: {u}\n"
COND = ("def forward(self, {x}):\n    sum_1 = torch.ops.aten.sum.default({x})\n"
        "    {c} = torch.ops.higher_order.cond(sum_1, t, f, {args});  sum_1 = None\n    return ({c},)\nexported: tensor([2., 4.])\n")
RAISED = ("Traceback (most recent call last):\n  File \"snippets/p/x.py\", line 4, in <module>\n    f()\n"
          "GuardOnDataDependentSymNode: Could not guard on data-dependent expression Eq(u0, 1).\n\n{extra}Caused by: (x)\n")


def entry(output: str, **fields) -> dict:
    streams = fields.pop("streams", None) or [["stdout", len(output)]]
    return {"status": "ok", "output": output, "streams": streams, "exception": None, "nondeterministic": False,
            "random_draws": False, "requires": None, "checks": [], "facts": {}, "measurements": [], "threads": 1,
            "stamp": {"machine": "Test CPU, 2 cores"}, "page": "p/", "anchor": "run-x"} | fields


def manifest(torch: str, snippets: dict, claims: dict | None = None) -> dict:
    return {"release": releases.name(torch), "torch": torch, "python": "3.11.7", "snippets": snippets,
            "claims": {c: {"value": v, "checks": 1} for c, v in (claims or {}).items()}}


def difference(old: dict, new: dict) -> releases.Difference | None:
    (step,) = releases.steps([manifest("2.13.0", {"p/x.py": old}), manifest("2.14.1", {"p/x.py": new})])
    return step.changes[0] if step.changes else None


def said(d: releases.Difference, lang: str = "en") -> str:
    """The sentences of a difference as a reader reads them."""
    html = " ".join(history.sentence(c, "2.14", lang) for c in d.changes)
    return unescape(re.sub(r"<[^>]+>", "", html))


CASES = {
    # kind, old entry, new entry, what the reader reads (English), (Korean)
    "default": (differences.BEHAVIOUR, entry(ZERO_GRAD.format(v=False), facts={"sets-none": False}),
                entry(ZERO_GRAD.format(v=True), facts={"sets-none": True}),
                "Optimizer.zero_grad() and Module.zero_grad(): set_to_none now defaults to True (was False). "
                "“after zero_grad(): grad is None” is now True (was False).",
                "Optimizer.zero_grad(), Module.zero_grad()의 set_to_none 기본값이 바뀌었습니다: False → True. "
                "“after zero_grad(): grad is None”의 값이 바뀌었습니다: False → True."),
    "warning category": (differences.BEHAVIOUR, entry(JIT.format(n=1488, cat="DeprecationWarning")),
                         entry(JIT.format(n=1491, cat="FutureWarning")),
                         "torch.jit.script warns with FutureWarning instead of DeprecationWarning.",
                         "torch.jit.script의 경고 범주가 바뀌었습니다: DeprecationWarning → FutureWarning."),
    "new warning": (differences.BEHAVIOUR, entry("def forward(self, x):\n"),
                    entry(JIT.format(n=1480, cat="DeprecationWarning")),
                    "torch.jit.script now warns with DeprecationWarning: “torch.jit.script is deprecated. Please "
                    "switch to torch.compile.”",
                    "torch.jit.script에서 새 경고가 나옵니다: DeprecationWarning “torch.jit.script is deprecated. "
                    "Please switch to torch.compile.”"),
    "exception type": (differences.BEHAVIOUR, entry("batch 5: RuntimeError - Expected input to be 3, but got 5\n"),
                       entry("batch 5: AssertionError - Guard failed: x.size()[0] == 3\n"),
                       "“batch 5” raises AssertionError instead of RuntimeError.",
                       "“batch 5”에서 나는 예외의 종류가 바뀌었습니다: RuntimeError → AssertionError."),
    "message": (differences.MESSAGE, entry(COPY.format(a="clone().detach")), entry(COPY.format(a="detach().clone")),
                "The UserWarning “To copy construct from a tensor, it is …” is worded differently: "
                "“sourceTensor.clone().detach()” became “sourceTensor.detach().clone()”.",
                "UserWarning “To copy construct from a tensor, it is …”의 문구가 바뀌었습니다: "
                "“sourceTensor.clone().detach()” → “sourceTensor.detach().clone()”."),
    "raised message": (differences.MESSAGE,
                       entry(RAISED.format(extra=""), exception="GuardOnDataDependentSymNode",
                             streams=[["error", len(RAISED.format(extra=""))]]),
                       entry(RAISED.format(extra="consider using guard_or_false"), exception="GuardOnDataDependentSymNode",
                             streams=[["error", len(RAISED.format(extra="consider using guard_or_false"))]]),
                       "The GuardOnDataDependentSymNode “Could not guard on data-dependent expression Eq(u0, 1).” "
                       "now also says “consider using guard_or_false”.",
                       "GuardOnDataDependentSymNode “Could not guard on data-dependent expression Eq(u0, 1).”에 "
                       "문구가 더해졌습니다: “consider using guard_or_false”."),
    "random draws": (differences.RANDOM, entry(DROPOUT.format(z=500, u=False), random_draws=True),
                     entry(DROPOUT.format(z=525, u=False), random_draws=True),
                     "With the same seed, “F.dropout(x, 0.5) zeros” is 525 here (was 500).",
                     "같은 시드에서 뽑힌 값이 다릅니다: “F.dropout(x, 0.5) zeros” 500 → 525."),
    "generated code": (differences.GENERATED, entry(COND.format(x="arg0_1", c="conditional", args="[arg0_1]")),
                       entry(COND.format(x="x", c="cond", args="(x,)")),
                       "The code torch prints writes “x” where it wrote “arg0_1”.",
                       "torch가 출력하는 코드의 표기가 바뀌었습니다: “arg0_1” → “x”."),
    "annotation": (differences.COSMETIC, entry("Optimizer.zero_grad (self, set_to_none: bool = True)\n"),
                   entry("Optimizer.zero_grad (self, set_to_none: bool = True) -> None\n"),
                   "The return annotation “-> None” was added after “Optimizer.zero_grad (self, set_to_none: bool = True)”.",
                   "“Optimizer.zero_grad (self, set_to_none: bool = True)” 뒤에 반환 주석이 붙었습니다: “-> None”."),
    "spacing": (differences.COSMETIC, entry("def forward(self, x):\n     # File: snippets/p/x.py:13 in forward\n    return x\n"),
                entry("def forward(self, x):\n    # File: snippets/p/x.py:13 in forward\n    return x\n"),
                "Only the spacing of a line changed: “# File: snippets/p/x.py:13 in forward”.",
                "줄의 공백만 바뀌었습니다: “# File: snippets/p/x.py:13 in forward”."),
}


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_difference_and_its_sentences(case):
    kind, old, new, english, korean = CASES[case]
    d = difference(old, new)
    assert d.kind == kind
    assert said(d, "en") == english
    assert said(d, "ko") == korean


def test_random_draws_are_behaviour_when_a_check_or_a_word_changes():
    old = entry(DROPOUT.format(z=500, u=False), random_draws=True, checks=[["c", 9, True]])
    assert difference(old, old | {"output": DROPOUT.format(z=525, u=False)}).kind == differences.RANDOM
    checked = difference(old, old | {"output": DROPOUT.format(z=525, u=False), "checks": [["c", 9, False]]})
    assert checked.kind == differences.BEHAVIOUR  # a check changed: behaviour, whatever the numbers
    assert said(checked) == "A check of the claim c now gives False (was True)."
    words = difference(old, old | {"output": DROPOUT.format(z=500, u=True)})
    assert words.kind == differences.BEHAVIOUR  # not only numbers: dropout no longer drops
    undeclared = entry(DROPOUT.format(z=500, u=False))
    assert difference(undeclared, undeclared | {"output": DROPOUT.format(z=525, u=False)}).kind == differences.BEHAVIOUR


def test_noise_is_no_difference_and_nondeterministic_examples_are_not_compared():
    assert difference(entry(JIT.format(n=1488, cat="FutureWarning")), entry(JIT.format(n=1491, cat="FutureWarning"))) is None
    timing = entry("step 12.5 ms\n", nondeterministic=True)
    assert difference(timing, timing | {"output": "step 9.1 ms\nother\n"}) is None
    # the environment listing: which wheel was installed (a CUDA version, CPU only) is no change of PyTorch's
    listing = "torch   {v}\nCUDA    {build}, GPU available: False\n"
    assert difference(entry(listing.format(v="2.12.1+cu130", build="torch built for CUDA 13.0")),
                      entry(listing.format(v="2.13.0+cpu", build="a CPU-only build of torch"))) is None
    gpu = difference(entry(listing.format(v="2.13.0+cpu", build="a CPU-only build of torch")),
                     entry(listing.format(v="2.14.1", build="a CPU-only build of torch").replace("False", "True")))
    assert gpu.kind == differences.BEHAVIOUR  # whether a GPU was there still counts


def test_an_example_that_starts_running_says_since_when_and_why():
    d = difference(entry("", status="skipped", requires="torch>=2.14"), entry("x\n"))
    assert d.kind == releases.RUNS
    assert said(d) == "It runs from 2.14 on (it needs torch>=2.14)."
    assert said(d, "ko") == "2.14부터 실행됩니다 (실행 조건: torch>=2.14)."


def test_a_line_with_no_sentence_of_its_own_is_named_by_its_number():
    d = difference(entry("a\nshape (2, 3) of x\n"), entry("a\nshape (3, 2) of y, and more\n"))
    assert said(d) == "Line 2 of the output changed: “shape (2, 3) of x” became “shape (3, 2) of y, and more”."


def test_no_sentence_is_a_fragment():
    """Every sentence, in every case and language, is a whole sentence: it starts with a word or a quote and
    ends with a full stop, and every quote and code span is closed."""
    for kind, old, new, *_ in CASES.values():
        for lang in ("en", "ko"):
            text = said(difference(old, new), lang)
            assert text.endswith((".", ".”")) and text.count("“") == text.count("”"), (lang, text)
            assert not re.search(r"->\s*\[|^\W*\d", text), text  # no "[1 -> [0" left


def test_text_from_a_run_cannot_become_markdown():
    d = difference(entry("a: *args[0] _x_ `b\n"), entry("a: **kw[1] _y_ `c\n"))
    html = " ".join(history.sentence(c, "2.14", "en") for c in d.changes)
    assert not re.search(r"[*_`\[\]]", re.sub(r"<[^>]+>", "", html))  # every one a character reference


TWO = [manifest("2.13.0", {"p/zero.py": entry(ZERO_GRAD.format(v=False)),
                           "p/copy.py": entry(COPY.format(a="clone().detach")),
                           "p/drop.py": entry(DROPOUT.format(z=500, u=False), random_draws=True),
                           "p/new.py": entry("", status="skipped", requires="torch>=2.14"),
                           "p/time.py": entry("step 12.5 ms\n", nondeterministic=True,
                                              measurements=measurements.measure("step 12.5 ms\n"))},
                {"zero-none": "fails"}),
       manifest("2.14.1", {"p/zero.py": entry(ZERO_GRAD.format(v=True)),
                           "p/copy.py": entry(COPY.format(a="detach().clone")),
                           "p/drop.py": entry(DROPOUT.format(z=525, u=False), random_draws=True),
                           "p/new.py": entry("x\n"),
                           "p/time.py": entry("step 9.1 ms\n", nondeterministic=True,
                                              measurements=measurements.measure("step 9.1 ms\n"))},
                {"zero-none": "holds"})]


def test_the_page_leads_with_behaviour_then_messages_then_the_rest_folded():
    for lang in ("en", "ko"):
        md = history.changes(releases.steps(TWO), {"p/zero.py": "../p/#run-zero"}, history.Place("2.14"), lang)
        t = history.LABELS[lang]
        order = [md.index(x) for x in (f"### {t['behaviour']}", "p/zero.py", f"### {t['message']}", "p/copy.py",
                                       f"### {t['other']}", "p/new.py", "p/drop.py")]
        assert order == sorted(order), md
        assert '<a id="changed-2-14-p-zero" href="../p/#run-zero">' in md  # what "output changed in" links to
        title = t["folded"].format(count=1, kinds=f"{t['kinds'][differences.RANDOM]} 1")
        assert f'??? note "{title}"\n\n    {t["explained"][differences.RANDOM]}' in md
    assert releases.changes_by_snippet(releases.steps(TWO)) == {"p/copy.py": ["2.14"], "p/zero.py": ["2.14"]}


def test_where_a_release_stands_among_the_others():
    alone = history.changes([], {}, history.Place(None), "en")
    assert "one release alone" in alone and "http" not in alone
    oldest = history.changes([], {}, history.Place("1.13", "../../../latest/en/what-changed/"), "en")
    assert oldest.startswith("1.13 is the oldest release documented here")
    assert "[What changed between releases (newest release)](../../../latest/en/what-changed/)" in oldest
    only = history.changes([], {}, history.Place("2.14"), "en")  # the newest, and the only one deployed
    assert "oldest" in only and "latest" not in only
    older = history.changes(releases.steps(TWO), {}, history.Place("2.14", "../../latest/what-changed/"), "ko")
    assert older.startswith("이 페이지는 2.14까지의 릴리스만 비교합니다.")
    newest = history.changes(releases.steps(TWO), {}, history.Place("2.14"), "en")
    assert newest.startswith("Outputs of torch 2.13.0, 2.14.1 compared.")


def matrix_html(lang: str = "en") -> BeautifulSoup:
    stepped = releases.steps(TWO)
    links = {"2.13": "../../2.13/en/", "2.14": "../"}
    diff_links = {(r, n): f"../what-changed/#{history.change_anchor(r, n)}"
                  for n, rs in releases.changes_by_snippet(stepped).items() for r in rs}
    html = history.matrix(TWO, releases.verdict_matrix(TWO), releases.example_cells(TWO, stepped),
                          {"zero-none": "zero_grad sets None"}, {"zero-none": "faster-training/"}, links, diff_links,
                          history.Place("2.14"), lang)
    return BeautifulSoup(html, "html.parser")


def test_matrix_says_only_what_it_measured_and_links_every_cell():
    soup = matrix_html()
    claims, examples = soup.select("table")
    assert [th.get_text() for th in claims.select("thead th")] == ["The memo's claim", "2.13", "2.14"]
    verdicts = claims.select("td[data-verdict]")
    assert [td.get_text() for td in verdicts] == [render.LABELS["en"]["fails"], render.LABELS["en"]["holds"]]
    assert [td.a["href"] for td in verdicts] == ["../../2.13/en/faster-training/#claim-zero-none",
                                                 "../faster-training/#claim-zero-none"]
    rows = {tr.th.code.get_text(): tr for tr in examples.tbody.select("tr")}
    cells = {n: [td["data-output"] for td in tr.select("td")] for n, tr in rows.items()}
    assert cells == {"p/copy.py": ["runs", "changed"], "p/drop.py": ["runs", "same"], "p/new.py": ["not-run", "first"],
                     "p/time.py": ["varies", "varies"], "p/zero.py": ["runs", "changed"]}
    assert [a["href"] for a in rows["p/zero.py"].select("td a")] == [
        "../../2.13/en/p/#run-x", "../p/#run-x", "../what-changed/#changed-2-14-p-zero"]
    assert rows["p/time.py"].select("td")[0].get_text() == "varies (not compared)"
    assert rows["p/new.py"].select("td")[1].get_text() == "first runs here"
    not_run = rows["p/new.py"].select("td")[0]
    assert not_run.get_text() == "does not run" and not_run["title"] == "runs on torch>=2.14"
    assert rows["p/new.py"].th.small.get_text() == "runs on torch>=2.14"  # seen without hovering
    legend = [li.strong.get_text() for li in soup.select(".memo-matrix__legend li")]
    assert legend == list(history.LABELS["en"]["cells"].values())


def test_matrix_uses_the_claim_boxes_words_in_korean_too():
    verdicts = matrix_html("ko").select("td[data-verdict]")
    assert [td.get_text() for td in verdicts] == [render.LABELS["ko"]["fails"], render.LABELS["ko"]["holds"]]


def test_timings_are_kept_per_release_and_drawn_the_same_every_time():
    found = measurements.timings(TWO)
    assert list(found) == ["p/time.py"]
    timing = found["p/time.py"]
    assert timing.names == ["step …"]
    assert [(x.release, x.seconds["step …"], x.machine) for x in timing.releases] == [
        ("2.13", 0.0125, "Test CPU, 2 cores"), ("2.14", 0.0091, "Test CPU, 2 cores")]
    html = charts.figure(timing, "../p/#run-x", "en")
    assert html == charts.figure(measurements.timings(TWO)["p/time.py"], "../p/#run-x", "en")
    soup = BeautifulSoup(html, "html.parser")
    svg = soup.select_one("svg")
    assert svg["role"] == "img" and soup.find(id=svg["aria-labelledby"]).get_text() == "step … (ms), by release"
    assert soup.find(id=svg["aria-describedby"]).get_text().startswith("One bar per release, torch 2.13 to 2.14")
    assert [t.get_text() for t in svg.select("rect title")] == ["2.13: 12.5 ms", "2.14: 9.10 ms"]
    rows = [[c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in soup.select("tbody tr")]
    assert rows == [["2.13 (torch 2.13.0)", "12.5"], ["2.14 (torch 2.14.1)", "9.10"]]
    caption = soup.figcaption.get_text(" ", strip=True)
    assert "Measured on Test CPU, 2 cores, 1 torch thread(s)." in caption and "indicative" in caption


def test_since_and_changed_in_lines():
    assert releases.verdict_since(TWO)["zero-none"] == ("holds", "2.14")
    assert "since 2.0" in history.since("2.0", "1.13", "en")
    assert "every release compared" in history.since("1.13", "1.13", "en")
    line = history.changed_line([("2.0", "../what-changed/#changed-2-0-a")], "en")
    assert line == '<p class="memo-output__changed">Output changed in <a href="../what-changed/#changed-2-0-a">2.0</a></p>'


def test_figures_are_compared_by_what_they_plot():
    """A figure drawing the same data in other bytes (another matplotlib or numpy) is no difference; other data is
    behaviour, or random draws in an example declared to print them; an older manifest without figures compares
    its text only."""
    def drawn(plotted: str, sha: str = "a", **fields) -> dict:
        return entry("same mask at every step: False\n",
                     figures=[{"title": "Dropout masks", "sha256": sha, "plotted": plotted}], **fields)

    assert difference(drawn("p1", sha="a"), drawn("p1", sha="b")) is None
    d = difference(drawn("p1"), drawn("p2"))
    assert d.kind == differences.BEHAVIOUR and said(d) == "The figure “Dropout masks” plots other data."
    assert said(d, "ko") == "그림 “Dropout masks”에 그린 데이터가 바뀌었습니다."
    d = difference(drawn("p1", random_draws=True), drawn("p2", random_draws=True))
    assert d.kind == differences.RANDOM
    assert difference(entry("same mask at every step: False\n"), drawn("p2")) is None
