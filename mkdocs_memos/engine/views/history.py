"""The releases' manifests as a reader sees them: the what-changed page (a section per release step, newest
first), the claim x release and example x release matrix, and the line under an example or a claim saying
since when it is what it is. Computed from the manifests (engine/evidence/releases.py), never typed; plain strings of
Markdown and HTML, every text from a run escaped here.
"""

from __future__ import annotations

import re
from html import escape

from mkdocs_memos.engine.evidence.releases import Step, label
from mkdocs_memos.engine.views import render

LABELS = {
    "ko": {
        "changed-in": "출력이 바뀐 릴리스:",
        "since": "{release}부터 이 판정입니다.",
        "since-first": "비교한 모든 릴리스({release}부터)에서 이 판정입니다.",
        "step": "{old} → {new}",
        "step-none": "이 단계에서 출력이 바뀐 예제가 없습니다.",
        "compared": "torch {releases}의 출력을 비교했습니다. 실행할 때마다 달라진다고 밝힌 예제(시간 측정 등)는 빠집니다.",
        "alone": "이 페이지는 릴리스마다 만든 사이트들의 출력을 서로 비교합니다. 이 빌드 곁에는 비교할 다른 릴리스가 없어, "
                 "모든 릴리스를 비교한 내용은 배포된 사이트의 이 페이지에 있습니다: {site}",
        "alone-unpublished": "이 페이지는 릴리스마다 만든 사이트들의 출력을 서로 비교합니다. 이 빌드 곁에는 비교할 다른 릴리스가 없습니다.",
        "diff": "출력 비교",
        "example": "예제",
        "claim": "메모의 주장",
        "same": "같음",
        "changed": "바뀜",
        "not-run": "실행 안 됨",
        "runs": "실행됨",
        "first": "처음",
    },
    "en": {
        "changed-in": "Output changed in",
        "since": "This verdict since {release}.",
        "since-first": "This verdict on every release compared (since {release}).",
        "step": "{old} → {new}",
        "step-none": "No example's output changed at this step.",
        "compared": "Outputs of torch {releases} compared. Examples declared to vary from run to run (timings) are left out.",
        "alone": "This page compares the outputs of the sites built for each release. This build has no other release "
                 "beside it to compare with; the comparison of every release is on this page of the deployed site: {site}",
        "alone-unpublished": "This page compares the outputs of the sites built for each release. This build has no other "
                             "release beside it to compare with.",
        "diff": "the outputs compared",
        "example": "Example",
        "claim": "The memo's claim",
        "same": "same",
        "changed": "changed",
        "not-run": "does not run",
        "runs": "runs",
        "first": "first",
    },
}


def change_anchor(release: str, snippet: str) -> str:
    """The id of a snippet's change at the step to `release` on the what-changed page."""
    return f"changed-{release.replace('.', '-')}-" + re.sub(r"[^a-z0-9]+", "-", snippet.lower().removesuffix(".py")).strip("-")


def step_anchor(release: str) -> str:
    return f"step-{release.replace('.', '-')}"


def changed_line(releases: list[tuple[str, str]], lang: str) -> str:
    """The line under an example: the releases where its output changed, each a link to its diff."""
    if not releases:
        return ""
    links = ", ".join(f'<a href="{escape(link)}">{escape(r)}</a>' for r, link in releases)
    return f'<p class="memo-output__changed">{escape(LABELS[lang]["changed-in"])} {links}</p>'


def since(release: str, first: str, lang: str) -> str:
    """The line under a claim: since which release its verdict is what it is."""
    t = LABELS[lang]
    text = t["since-first" if release == first else "since"].format(release=release)
    return f'<p class="memo-claim__since">{escape(text)}</p>'


def changes(steps: list[Step], examples: dict[str, str], site_url: str, lang: str) -> str:
    """The what-changed page's body (Markdown): a section per release step, newest first, each change with a
    line a reader can scan and its diff. `examples`: snippet -> link to its example on this release's pages."""
    t = LABELS[lang]
    if not steps:
        return t["alone"].format(site=site_url) if site_url else t["alone-unpublished"]
    compared = [label(m["torch"]) for m in [steps[-1].older] + [s.newer for s in reversed(steps)]]
    parts = [t["compared"].format(releases=", ".join(compared))]
    for step in steps:
        old, new = step.older["release"], step.newer["release"]
        parts.append(f"### {t['step'].format(old=old, new=new)} {{ #{step_anchor(new)} }}")
        if not step.changes:
            parts.append(t["step-none"])
        for d in step.changes:
            link = examples.get(d.snippet)
            name = f"[`{d.snippet}`]({link})" if link else f"`{d.snippet}`"
            item = f'<span id="{change_anchor(new, d.snippet)}"></span>{name}: {_inline(d.summary)}'
            if d.diff:
                longest = max((len(m) for m in re.findall(r"`+", d.diff)), default=0)
                fence = "`" * max(3, longest + 1)
                body = "\n".join("    " + line for line in f"{fence}diff\n{d.diff}\n{fence}".splitlines())
                item += f'\n\n??? note "{t["diff"]}"\n{body}'
            parts.append(item)
    return "\n\n".join(parts)


def matrix(manifests: list[dict], verdicts: dict, words: dict[str, str], claim_links: dict[str, str],
           example_links: dict[str, str], release_links: dict[str, str], diff_links: dict, lang: str) -> str:
    """Two tables, a release per column (oldest first, each header a link to that release's site): every claim
    (in the order of `words`) with its verdict on each release, and every example with what its output did there.
    `diff_links`: (release, snippet) -> the link to that change on the what-changed page."""
    t = LABELS[lang]
    releases = [m["release"] for m in manifests]
    head = "".join(f'<th><a href="{escape(release_links[r])}">{escape(r)}</a></th>' for r in releases)
    rows = "".join(
        f'<tr><td><a href="{escape(claim_links[c])}">«{escape(words[c])}»</a></td>'
        + "".join(f'<td data-verdict="{v or "none"}">{escape(render.LABELS[lang][v] if v else "—")}</td>'
                  for v in (verdicts.get(c) or {}).values())
        + "</tr>"
        for c in words
    )
    claims = f'<table class="memo-matrix" data-memo-matrix="claims"><thead><tr><th>{escape(t["claim"])}</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    rows = ""
    for name in sorted({n for m in manifests for n in m["snippets"]}):
        cells, before = "", None
        for m in manifests:
            entry = m["snippets"].get(name)
            ran = entry is not None and entry["status"] == "ok"
            link = diff_links.get((m["release"], name))
            if not ran:
                cell = f'<td data-output="not-run">{escape(t["not-run"])}</td>'
            elif link:
                cell = f'<td data-output="changed"><a href="{escape(link)}">{escape(t["changed"])}</a></td>'
            else:
                cell = f'<td data-output="same">{escape(t["same"] if before else t["runs"])}</td>'
            cells += cell
            before = ran
        label = f'<a href="{escape(example_links[name])}"><code>{escape(name)}</code></a>' if name in example_links else f"<code>{escape(name)}</code>"
        rows += f"<tr><td>{label}</td>{cells}</tr>"
    examples = f'<table class="memo-matrix" data-memo-matrix="examples"><thead><tr><th>{escape(t["example"])}</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return claims + "\n\n" + examples


def _inline(text: str) -> str:
    """A summary line as Markdown text: code spans kept, anything else escaped."""
    return escape(text).replace("&#x27;", "'").replace("&quot;", '"')
