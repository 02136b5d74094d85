"""The releases' manifests as a reader sees them: the what-changed page (changes of behaviour, then of messages,
then the other differences release step by release step), the claim x release and example x release matrix, and
the line under an example or a claim saying since when it is what it is. Computed from the manifests
(engine/evidence/releases.py, differences.py), never typed; plain strings of Markdown and HTML, every text from
a run escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from mkdocs_memos.engine.evidence.differences import BEHAVIOUR, COSMETIC, GENERATED, MESSAGE, RANDOM, Change
from mkdocs_memos.engine.evidence.releases import (CHANGED, FIRST, NOT_RUN, RAN, RUNS, SAME, VARIES, Difference,
                                                   Step, label)
from mkdocs_memos.engine.views import render

LABELS = {
    "ko": {
        "changed-in": "출력이 바뀐 릴리스:",
        "since": "{release}부터 이 판정입니다.",
        "since-first": "비교한 모든 릴리스({release}부터)에서 이 판정입니다.",
        "compared": "torch {releases}의 출력을 비교했습니다.",
        "alone": "이 사이트는 다른 릴리스의 사이트 없이 한 릴리스로만 만들었으므로 비교할 출력이 없습니다. 비교는 사이트를 "
                 "릴리스마다 만들어 배포할 때 이루어집니다.",
        "oldest": "{release} 릴리스는 여기서 다루는 가장 오래된 릴리스라서 비교할 이전 릴리스가 없습니다.",
        "up-to": "이 페이지는 {release}까지의 릴리스만 비교합니다.",
        "latest": "배포된 모든 릴리스의 비교는 최신 릴리스의 페이지에 있습니다: [{title}]({link}).",
        "changes-title": "릴리스 사이의 변화 (최신 릴리스)",
        "matrix-title": "릴리스별 판정 (최신 릴리스)",
        BEHAVIOUR: "동작의 변화",
        MESSAGE: "메시지의 변화",
        "other": "그 밖의 차이, 릴리스별",
        "none": "이 비교에서 바뀐 것이 없습니다.",
        "step": "{old} → {new}",
        "step-none": "이 단계에서는 출력에 차이가 없습니다.",
        "step-no-other": "이 단계에는 그 밖의 차이가 없습니다.",
        "folded": "그 밖의 차이 ({count}개): {kinds}",
        "kinds": {RANDOM: "난수", GENERATED: "생성된 코드", COSMETIC: "표기"},
        "explained": {
            RANDOM: "난수: 이 예제들은 모든 릴리스에서 같은 시드로 뽑은 값을 출력하는데, 이 릴리스는 같은 시드에서 다른 "
                    "값을 뽑습니다. 검사와 사실은 그대로입니다.",
            GENERATED: "생성된 코드: torch가 출력하는 코드의 이름과 괄호만 다릅니다.",
            COSMETIC: "표기: 공백, 빈 줄, 반환 주석, 또는 torch 안에서 경고를 내는 위치만 다릅니다.",
        },
        "examples": "예제:",
        "diff": "출력 비교",
        "example": "예제",
        "claim": "메모의 주장",
        "cells": {RAN: "실행됨", FIRST: "여기서 처음 실행됨", SAME: "같음", CHANGED: "바뀜",
                  VARIES: "매번 다름 (비교 안 함)", NOT_RUN: "실행 안 됨"},
        "needs": "실행 조건: {requires}",
        "diff-link": "차이",
        "diff-label": "차이: {release}에서 바뀐 점, {snippet}",  # starts with the link's own word (WCAG 2.5.3)
        "legend": {
            RAN: "비교한 가장 오래된 릴리스에서 실행되었습니다.",
            FIRST: "이 예제가 처음 실행되는 릴리스입니다.",
            SAME: "앞 릴리스와 동작도 메시지도 같습니다. 난수, 생성된 코드, 표기의 차이는 있을 수 있습니다"
                    "(릴리스 사이의 변화 페이지에 있습니다).",
            CHANGED: "앞 릴리스와 동작이나 메시지가 다릅니다. ‘차이’가 그 내용으로 연결됩니다.",
            VARIES: "출력이 실행할 때마다 달라서(시간 측정 등) 비교하지 않습니다.",
            NOT_RUN: "이 예제는 다른 torch 릴리스가 필요합니다. 실행 조건은 예제 이름 아래에 있습니다.",
        },
        "none-verdict": "—",
        "default-subject": "이 예제",
    },
    "en": {
        "changed-in": "Output changed in",
        "since": "This verdict since {release}.",
        "since-first": "This verdict on every release compared (since {release}).",
        "compared": "Outputs of torch {releases} compared.",
        "alone": "This site was built for one release alone, without the other releases' sites, so there is nothing "
                 "to compare its outputs with; the comparison is made when the site is built and deployed once per "
                 "release.",
        "oldest": "{release} is the oldest release documented here: there is no older release to compare it with.",
        "up-to": "This page compares the releases up to {release} only.",
        "latest": "The comparison of every deployed release is on the newest release's page: [{title}]({link}).",
        "changes-title": "What changed between releases (newest release)",
        "matrix-title": "Verdicts by release (newest release)",
        BEHAVIOUR: "Changes in behaviour",
        MESSAGE: "Changes in messages",
        "other": "Other differences, release by release",
        "none": "Nothing changed in this comparison.",
        "step": "{old} → {new}",
        "step-none": "No output differs at this step.",
        "step-no-other": "No other difference at this step.",
        "folded": "Other differences ({count}): {kinds}",
        "kinds": {RANDOM: "random draws", GENERATED: "generated code", COSMETIC: "cosmetic"},
        "explained": {
            RANDOM: "Random draws: these examples print values drawn from generators seeded the same way on every "
                    "release, and this release draws other values from the same seed. Their checks and facts are "
                    "the same.",
            GENERATED: "Generated code: the code torch prints differs only in its names and brackets.",
            COSMETIC: "Cosmetic: only spacing, blank lines, return annotations or the place inside torch that "
                      "raises a warning differ.",
        },
        "examples": "Examples:",
        "diff": "the outputs compared",
        "example": "Example",
        "claim": "The memo's claim",
        "cells": {RAN: "runs", FIRST: "first runs here", SAME: "same", CHANGED: "changed",
                  VARIES: "varies (not compared)", NOT_RUN: "does not run"},
        "needs": "runs on {requires}",
        "diff-link": "diff",
        "diff-label": "diff: what changed in {release}, {snippet}",  # starts with the link's own word (WCAG 2.5.3)
        "legend": {
            RAN: "the oldest release compared, where the example ran.",
            FIRST: "the first release the example runs on.",
            SAME: "the same behaviour and messages as on the release before; random draws, generated code and "
                    "cosmetic differences may remain (the what-changed page lists them).",
            CHANGED: "its behaviour or a message differs from the release before; “diff” links to what changed.",
            VARIES: "its output varies from run to run (timings), so it is not compared.",
            NOT_RUN: "the example needs another torch release; what it needs is under its name.",
        },
        "none-verdict": "—",
        "default-subject": "The example",
    },
}

# One sentence per kind of change (differences.Change.what), in each language; a pair: (one subject, several).
SENTENCES = {
    "ko": {
        "warning-category": "{subject}의 경고 범주가 바뀌었습니다: {old} → {new}.",
        "exception-type": "{subject}에서 나는 예외의 종류가 바뀌었습니다: {old} → {new}.",
        "warning-new": "{subject}에서 새 경고가 나옵니다: {category} {new}.",
        "warning-gone": "{subject}에서 나던 경고가 더 이상 나오지 않습니다: {category} {old}.",
        "default": "{subject}의 {category} 기본값이 바뀌었습니다: {old} → {new}.",
        "value": "{subject}의 값이 바뀌었습니다: {old} → {new}.",
        "line-new": "출력에 새 줄이 생겼습니다: {new}.",
        "line-gone": "출력에서 줄 하나가 빠졌습니다: {old}.",
        "line": "출력의 {line}번째 줄이 바뀌었습니다: {old} → {new}.",
        "reworded": "{category} {subject}의 문구가 바뀌었습니다: {old} → {new}.",
        "reworded-added": "{category} {subject}에 문구가 더해졌습니다: {new}.",
        "reworded-removed": "{category} {subject}에서 문구가 빠졌습니다: {old}.",
        "draws-value": "같은 시드에서 뽑힌 값이 다릅니다: {subject} {old} → {new}.",
        "draws": "같은 시드에서 뽑힌 값이 다릅니다: 출력 {count}줄의 숫자가 바뀌었습니다.",
        "renamed": "torch가 출력하는 코드의 표기가 바뀌었습니다: {old} → {new}.",
        "annotation-added": "{subject} 뒤에 반환 주석이 붙었습니다: {new}.",
        "annotation-removed": "{subject} 뒤의 반환 주석이 빠졌습니다: {old}.",
        "spacing": "줄의 공백만 바뀌었습니다: {new}.",
        "blank": "빈 줄만 더해지거나 빠졌습니다.",
        "location": "경고를 내는 torch 내부의 위치만 바뀌었습니다.",
        "check": "주장 {subject}의 검사 결과가 바뀌었습니다: {old} → {new}.",
        "fact": "이 예제가 기록하는 사실 {subject}의 값이 바뀌었습니다: {old} → {new}.",
        "figure": "그림 {subject}에 그린 데이터가 바뀌었습니다.",
        "figures": "그리는 그림의 수가 바뀌었습니다: {old} → {new}.",
        "starts": "{release}부터 실행됩니다 (실행 조건: {new}).",
        "stops": "{release}부터는 실행되지 않습니다 (실행 조건: {new}).",
        "more": "바뀐 곳이 {count}개 더 있습니다(출력 비교 참고).",
    },
    "en": {
        "warning-category": ("{subject} warns with {new} instead of {old}.",
                             "{subject} warn with {new} instead of {old}."),
        "exception-type": ("{subject} raises {new} instead of {old}.", "{subject} raise {new} instead of {old}."),
        "warning-new": ("{subject} now warns with {category}: {new}.", "{subject} now warn with {category}: {new}."),
        "warning-gone": ("{subject} no longer warns with {category}: {old}.",
                         "{subject} no longer warn with {category}: {old}."),
        "default": "{subject}: {category} now defaults to {new} (was {old}).",
        "value": "{subject} is now {new} (was {old}).",
        "line-new": "The output has a new line: {new}.",
        "line-gone": "The output no longer has the line {old}.",
        "line": "Line {line} of the output changed: {old} became {new}.",
        "reworded": "The {category} {subject} is worded differently: {old} became {new}.",
        "reworded-added": "The {category} {subject} now also says {new}.",
        "reworded-removed": "The {category} {subject} no longer says {old}.",
        "draws-value": "With the same seed, {subject} is {new} here (was {old}).",
        "draws": ("With the same seed, one printed line holds other numbers.",
                  "With the same seed, {count} printed lines hold other numbers."),
        "renamed": "The code torch prints writes {new} where it wrote {old}.",
        "annotation-added": "The return annotation {new} was added after {subject}.",
        "annotation-removed": "The return annotation {old} after {subject} is gone.",
        "spacing": "Only the spacing of a line changed: {new}.",
        "blank": "Only blank lines were added or removed.",
        "location": "Only the place inside torch that raises a warning changed.",
        "check": "A check of the claim {subject} now gives {new} (was {old}).",
        "fact": "The fact {subject} this example records is now {new} (was {old}).",
        "figure": "The figure {subject} plots other data.",
        "figures": "It draws {new} figures (was {old}).",
        "starts": "It runs from {release} on (it needs {new}).",
        "stops": "It no longer runs from {release} on (it needs {new}).",
        "more": ("One more change is in the diff.", "{count} more changes are in the diff."),
    },
}
# A change's words from an output, as quoted in a sentence: long enough to recognise, short enough to scan.
QUOTED = 90
# Characters Python-Markdown or its extensions read as syntax, written as character references so that text
# from a run is shown as it is, wherever the sentence is put (a paragraph, an admonition).
MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]{}#+!|~^="}


@dataclass(frozen=True)
class Place:
    """Where this build stands among the releases: what its comparison pages say about the others."""

    release: str | None  # this build's release, or None for a build alone (no deployed releases beside it)
    latest: str = ""  # the link to this page on the newest release's site, "" when this is the newest


def change_anchor(release: str, snippet: str) -> str:
    """The id of a snippet's change at the step to `release` on the what-changed page."""
    name = re.sub(r"[^a-z0-9]+", "-", snippet.lower().removesuffix(".py")).strip("-")
    return f"changed-{release.replace('.', '-')}-{name}"


def step_anchor(release: str) -> str:
    return f"step-{release.replace('.', '-')}"


def changed_line(releases: list[tuple[str, str]], lang: str) -> str:
    """The line under an example: the releases where its behaviour or a message changed, each a link to it."""
    if not releases:
        return ""
    links = ", ".join(f'<a href="{escape(link)}">{escape(r)}</a>' for r, link in releases)
    return f'<p class="memo-output__changed">{escape(LABELS[lang]["changed-in"])} {links}</p>'


def since(release: str, first: str, lang: str) -> str:
    """The line under a claim: since which release its verdict is what it is."""
    t = LABELS[lang]
    text = t["since-first" if release == first else "since"].format(release=release)
    return f'<p class="memo-claim__since">{escape(text)}</p>'


def sentence(change: Change, release: str, lang: str) -> str:
    """One change as a sentence in `lang`, as HTML safe to put in Markdown: words from an output quoted,
    `code` shown as code."""
    template = SENTENCES[lang][change.what]
    if isinstance(template, tuple):
        template = template[len(change.subjects) > 1 or change.count > 1]
    subjects = [_subject(s) for s in change.subjects] or [escape(LABELS[lang]["default-subject"])]
    if change.what in ("default", "fact", "check"):
        subjects = [_code(s) if not s.startswith("`") else _subject(s) for s in change.subjects]
    quoted = change.what in ("line-new", "line-gone", "line", "reworded", "reworded-added", "reworded-removed",
                             "warning-new", "warning-gone", "renamed", "annotation-added", "annotation-removed",
                             "spacing")
    values = {k: _quote(v) if quoted else _inline(v) for k, v in (("old", change.old), ("new", change.new))}
    if change.what in ("starts", "stops"):
        values = {"old": "", "new": _code(change.new)}
    text = template.format(subject=_join(subjects, lang), category=_code(change.category) if change.what == "default"
                           else _inline(change.category), count=change.count, line=change.line,
                           release=escape(release), **values)
    text = text.replace(".”.", ".”")  # a quote that ends with a full stop ends the sentence with it
    return text[0].upper() + text[1:] if lang == "en" and text[:1].isalpha() else text


def changes(steps: list[Step], examples: dict[str, str], place: Place, lang: str) -> str:
    """The what-changed page's body (Markdown): what this build's place among the releases means for it, then the
    changes of behaviour and of messages (newest step first), then the other differences, a section per release
    step, folded. `examples`: snippet -> link to its example on this release's pages."""
    t = LABELS[lang]
    note = _place_note(place, bool(steps), "changes-title", lang)
    if not steps:
        return note
    compared = [label(m["torch"]) for m in [steps[-1].older] + [s.newer for s in reversed(steps)]]
    parts = ([note] if note else []) + [t["compared"].format(releases=", ".join(compared))]
    for kind in (BEHAVIOUR, MESSAGE):
        parts.append(f"### {t[kind]} {{ #{kind}-changes }}")
        found = [(step, group) for step in steps for group in _groups([d for d in step.changes if d.kind == kind])]
        if not found:
            parts.append(t["none"])
        for step, group in found:
            parts.append(_group(step, group, examples, lang, with_release=True))
    parts.append(f"### {t['other']} {{ #other-differences }}")
    for step in steps:
        old, new = step.older["release"], step.newer["release"]
        parts.append(f"#### {t['step'].format(old=old, new=new)} {{ #{step_anchor(new)} }}")
        runs = [d for d in step.changes if d.kind == RUNS]
        folded = [d for d in step.changes if d.kind in (RANDOM, GENERATED, COSMETIC)]
        if not (runs or folded):
            parts.append(t["step-no-other" if step.changes else "step-none"])
        parts += [_group(step, [d], examples, lang) for d in runs]
        if folded:
            parts.append(_folded(step, folded, examples, lang))
    return "\n\n".join(parts)


def _groups(differences: list[Difference]) -> list[list[Difference]]:
    """Differences that say the same changes, together (the same warning in three examples is one item)."""
    found: dict[tuple, list[Difference]] = {}
    for d in differences:
        found.setdefault(tuple(d.changes), []).append(d)
    return list(found.values())


def _group(step: Step, group: list[Difference], examples: dict[str, str], lang: str, with_release: bool = False,
           indent: str = "") -> str:
    """One item: what changed, in sentences, the examples it changed in (each carrying the id the line under
    an example links to), and each one's diff, folded."""
    t = LABELS[lang]
    new = step.newer["release"]
    said = " ".join(sentence(c, new, lang) for c in group[0].changes)
    names = ", ".join(_example(d.snippet, new, examples) for d in group)
    release = f"<strong>{escape(new)}</strong>: " if with_release else ""
    if len(group) == 1:
        item = f'<p class="memo-change">{release}{names}: {said}</p>'
    else:
        item = f'<p class="memo-change">{release}{said}<br>{escape(t["examples"])} {names}</p>'
    diffs = [d for d in group if d.diff]
    if not diffs:
        return indent + item
    body = []
    for d in diffs:
        longest = max((len(m) for m in re.findall(r"`+", d.diff)), default=0)
        fence = "`" * max(3, longest + 1)
        named = [f"<p><code>{_text(d.snippet)}</code></p>", ""] if len(diffs) > 1 else []
        body += [*named, f"{fence}diff", *d.diff.splitlines(), fence, ""]
    folded = "\n".join(f"{indent}    {line}" if line else "" for line in body).rstrip()
    return f'{indent}{item}\n\n{indent}??? note "{t["diff"]}"\n{folded}'



def _folded(step: Step, folded: list[Difference], examples: dict[str, str], lang: str) -> str:
    """The differences of a step that are no change, folded under a count by kind, each kind with a sentence
    saying what it is."""
    t = LABELS[lang]
    kinds = [k for k in (RANDOM, GENERATED, COSMETIC) if any(d.kind == k for d in folded)]
    counts = ", ".join(f"{t['kinds'][k]} {sum(d.kind == k for d in folded)}" for k in kinds)
    parts = [f'??? note "{t["folded"].format(count=len(folded), kinds=counts)}"']
    for k in kinds:
        parts.append(f"    {t['explained'][k]}")
        parts += [_group(step, [d], examples, lang, indent="    ") for d in folded if d.kind == k]
    return "\n\n".join(parts)


def _example(snippet: str, release: str, examples: dict[str, str]) -> str:
    ident = change_anchor(release, snippet)
    name = f"<code>{_text(snippet)}</code>"
    link = examples.get(snippet)
    return f'<a id="{ident}" href="{escape(link)}">{name}</a>' if link else f'<span id="{ident}">{name}</span>'


def _place_note(place: Place, compared: bool, title: str, lang: str) -> str:
    """What a comparison page says of the releases it does not show: none beside a build alone, none older than
    the oldest, none newer than this one (the newest release's page has them all)."""
    t = LABELS[lang]
    if place.release is None:
        return t["alone"]
    said = t["up-to" if compared else "oldest"].format(release=place.release)
    if place.latest:
        said += " " + t["latest"].format(title=t[title], link=place.latest)
    return said if (place.latest or not compared) else ""


def matrix(manifests: list[dict], verdicts: dict, cells: dict, words: dict[str, str], claim_pages: dict[str, str],
           release_links: dict[str, str], diff_links: dict, place: Place, lang: str) -> str:
    """Two tables, a release per column (oldest first, each header a link to that release's site): every claim
    (in the order of `words`) with its verdict on each release, and every example with what its output did there
    (`cells`: releases.example_cells), then what each cell says. Every cell links to that claim or output on
    that release's pages: `release_links` release -> the link to its site's root in this language,
    `claim_pages` claim -> its page's address from a root; `diff_links` (release, snippet) -> its change on the
    what-changed page."""
    t = LABELS[lang]
    releases = [m["release"] for m in manifests]
    head = "".join(f'<th scope="col"><a href="{escape(release_links[x])}">{escape(x)}</a></th>' for x in releases)
    rows = ""
    for c in words:
        row = ""
        for x, v in (verdicts.get(c) or {}).items():
            label = escape(render.LABELS[lang][v]) if v else escape(t["none-verdict"])
            link = f"{release_links[x]}{claim_pages[c]}#claim-{c}" if v and c in claim_pages else ""
            shown = f'<a href="{escape(link)}">{label}</a>' if link else label
            row += f'<td data-verdict="{v or "none"}">{shown}</td>'
        rows += f'<tr><th scope="row">«{escape(words[c])}»</th>{row}</tr>'
    claims = _scrolled(f'<table class="memo-matrix" data-memo-matrix="claims"><thead><tr>'
                       f'<th scope="col">{escape(t["claim"])}</th>{head}</tr></thead><tbody>{rows}</tbody></table>',
                       t["claim"])
    rows = ""
    entries = {m["release"]: m["snippets"] for m in manifests}
    for name, row in cells.items():
        needs = sorted({why for _, why in row.values() if why})
        label = f"<code>{_text(name)}</code>" + "".join(
            f'<br><small class="memo-matrix__needs">{escape(t["needs"].format(requires=n))}</small>' for n in needs)
        tds = ""
        for x, (state, why) in row.items():
            entry = entries[x].get(name)
            text = escape(t["cells"][state])
            title = f' title="{escape(t["needs"].format(requires=why))}"' if why else ""
            if entry:
                text = f'<a href="{escape(release_links[x] + entry["page"] + "#" + entry["anchor"])}">{text}</a>'
            if (x, name) in diff_links:
                label_diff = t["diff-label"].format(release=x, snippet=name)
                text += (f' <a class="memo-matrix__diff" href="{escape(diff_links[x, name])}" '
                         f'aria-label="{escape(label_diff)}">{escape(t["diff-link"])}</a>')
            tds += f'<td data-output="{state}"{title}>{text}</td>'
        rows += f'<tr><th scope="row">{label}</th>{tds}</tr>'
    examples = _scrolled(f'<table class="memo-matrix" data-memo-matrix="examples"><thead><tr>'
                         f'<th scope="col">{escape(t["example"])}</th>{head}</tr></thead><tbody>{rows}</tbody></table>',
                         t["example"])
    legend = "".join(f'<li><strong>{escape(t["cells"][s])}</strong>: {escape(t["legend"][s])}</li>' for s in t["cells"])
    note = _place_note(place, len(manifests) > 1, "matrix-title", lang)
    note = f"<p>{_links(note)}</p>" if note else ""
    return f'{note}{claims}\n\n{examples}\n\n<ul class="memo-matrix__legend">{legend}</ul>'


def _scrolled(table: str, name: str) -> str:
    """A table wider than the page, in a region that scrolls sideways, reachable with the keyboard."""
    return f'<div class="memo-matrix__scroll" tabindex="0" role="region" aria-label="{escape(name)}">{table}</div>'


def _subject(s: str) -> str:
    """What a change is about: a `code` term as code, a label printed by the example in quotes."""
    return _code(s[1:-1]) if s.startswith("`") and s.endswith("`") and s.count("`") == 2 else _quote(s)


def _join(items: list[str], lang: str) -> str:
    if lang == "ko" or len(items) < 2:
        return ", ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _quote(text: str) -> str:
    """Words from an output, quoted, clipped at a word to QUOTED characters, `code` in them shown as code."""
    text = " ".join(text.split())
    if len(text) > QUOTED:
        text = text[:QUOTED].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return f"“{_inline(text)}”"


def _inline(text: str) -> str:
    """Text with its `code` spans as code; a backtick left alone (a span cut short) is shown as it is."""
    parts = re.split(r"`([^`]+)`", text)
    return "".join(_code(p) if i % 2 else _text(p) for i, p in enumerate(parts))


def _code(text: str) -> str:
    return f"<code>{_text(text)}</code>" if text else ""


def _text(text: str) -> str:
    return escape(text, quote=False).translate(str.maketrans(MARKDOWN))


def _links(markdown_link: str) -> str:
    """A note holding one Markdown link `[title](link)`, as HTML (a table's note is HTML)."""
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", lambda m: f'<a href="{escape(m[2])}">{escape(m[1])}</a>',
                  escape(markdown_link, quote=False))
