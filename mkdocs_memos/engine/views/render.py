"""What a reader sees: the source of a snippet, its output block, a claim with its verdict. Plain strings of
Markdown and HTML; every text that came from a run is escaped here."""

from __future__ import annotations

import base64
import re
from html import escape

from packaging.version import Version

from mkdocs_memos.engine.evidence.claims import FAILS, HOLDS, PARTLY, UNCHECKED, Verdict
from mkdocs_memos.engine.evidence import releases
from mkdocs_memos.engine.pages.anchors import H1, output_id, source_id
from mkdocs_memos.engine.running.protocol import Result
from mkdocs_memos.engine.running.snippet import LANGUAGE, OPTION, Snippet

LABELS = {
    "ko": {
        "output": "출력",
        "expected": "예상된 예외: {name}",
        "truncated": "출력이 너무 길어 앞의 {shown}만 보여 줍니다 (전체 {total}).",
        "skipped": "이 예제는 {requires}에서만 실행됩니다. 이 사이트는 torch {version}로 만들었습니다.",
        "cuda-build": "CUDA {cuda} 빌드, CPU에서 실행",
        "cpu-build": "CPU 빌드",
        "failed": "실행 실패",
        "claim": "메모의 주장",
        "page": "페이지",
        "verdict": "판정",
        "notebook": "노트북으로 보기",
        "back": "이 노트북의 페이지로",
        "download": "노트북 내려받기 (.ipynb)",
        "colab": "Colab에서 열기",
        "link-claim": "이 주장의 링크",
        "link-output": "이 출력의 링크",
        "link-source": "이 예제 코드의 링크",
        "output-of": "{file}의 출력",
        "by-release": "릴리스별 판정:",
        HOLDS: "성립함",
        FAILS: "성립하지 않음",
        PARTLY: "일부 경우에만 성립",
        UNCHECKED: "확인하지 못함",
        "missing": "이 릴리스에서는 판정하지 않습니다. 근거가 되는 예제가 실행되지 않았습니다: {reasons}",
        "cases": "성립하는 경우: {holds}. 성립하지 않는 경우: {fails}.",
        "unbound": "이 문단은 {snippets}의 실행 결과에 따라 달라지는데, 이 릴리스(torch {torch})에서는 그 예제가 실행되지 않았습니다 ({reasons}).",
        # A page shown in a language it is not written in, or translated from an older version of the original.
        "untranslated": ("info", "아직 번역되지 않음", "이 페이지는 아직 한국어 번역이 없어 원문을 보여 줍니다."),
        "outdated": ("warning", "번역이 오래됨", "이 번역을 쓴 뒤에 원문이 바뀌었습니다. 번역이 원문보다 뒤처져 있을 수 있습니다."),
    },
    "en": {
        "output": "Output",
        "expected": "expected exception: {name}",
        "truncated": "Output too long: only the first {shown} of {total} is shown.",
        "skipped": "This example runs only on {requires}; this site was built with torch {version}.",
        "cuda-build": "CUDA {cuda} build, run on the CPU",
        "cpu-build": "CPU build",
        "failed": "Run failed",
        "claim": "The memo's claim",
        "page": "Page",
        "verdict": "Verdict",
        "notebook": "View as a notebook",
        "back": "Back to the page",
        "download": "Download the notebook (.ipynb)",
        "colab": "Open in Colab",
        "link-claim": "Link to this claim",
        "link-output": "Link to this output",
        "link-source": "Link to this example's code",
        "output-of": "output of {file}",
        "by-release": "Verdict by release:",
        HOLDS: "holds",
        FAILS: "does not hold",
        PARTLY: "holds only in some cases",
        UNCHECKED: "not checked",
        "missing": "Not judged on this release: an example it rests on did not run: {reasons}",
        "cases": "Holds in: {holds}. Does not hold in: {fails}.",
        "unbound": "This passage depends on what {snippets} shows, which did not run on this release (torch {torch}): {reasons}.",
        "untranslated": ("info", "Not translated yet",
                         "This page has no English translation yet; the Korean original is shown."),
        "outdated": ("warning", "Outdated translation",
                     "The Korean page changed after this translation was written; the English text may be behind."),
    },
}
# Admonition types of Material, so a verdict reads at a glance.
VERDICT_STYLE = {HOLDS: "success", FAILS: "failure", PARTLY: "warning", UNCHECKED: "note"}


def source(snippet: Snippet) -> str:
    """A fenced block of the snippet's source (highlighted, with a copy button, by pymdownx), its lines numbered
    as in the file, so that a traceback's "line 7" is found. Its `# memo:` option lines are marked and hidden,
    from the copy button too (docs/assets/memos.css), as mdBook hides its `#` lines: they stay in the file,
    which runs as it is, and the claim boxes show each check. Their line numbers are missing from the count."""
    longest = max((len(m) for m in re.findall(r"`+", snippet.source)), default=0)
    fence = "`" * max(3, longest + 1)
    hidden = " ".join(map(str, option_lines(snippet.source)))
    attrs = (f'.python .memo-source #{source_id(snippet.name)} title="{snippet.display_path}" linenums="1"'
             + (f' hl_lines="{hidden}"' if hidden else ""))
    return f"{fence}{{{attrs}}}\n{snippet.source.rstrip()}\n{fence}"


def permalink(anchor: str, kind: str, lang: str) -> str:
    """The link to a claim box, output block or source block, shown on hover and focus as a heading's ¶ is
    (memos.css); memos.js adds a button beside it that copies the address pinned to this release."""
    label = escape(LABELS[lang][f"link-{kind}"])
    return (f'<a class="memo-permalink" href="#{escape(anchor)}" data-memo-link="{kind}" title="{label}" '
            f'aria-label="{label}">¶</a>')


# A source block as pymdownx.highlight 10.x writes it from `source`'s fence: its title bar is the place for its
# permalink, which the fence cannot hold (`with_source_permalinks`).
SOURCE_TITLE = re.compile(r'(<div id="(src-[^"]+)" class="memo-source highlight"><span class="filename">[^<]*)(</span>)')


def with_source_permalinks(html: str, lang: str) -> str:
    return SOURCE_TITLE.sub(lambda m: m[1] + permalink(m[2], "source", lang) + m[3], html)


# Pygments wraps every name and every run of whitespace of a highlighted block in a span (`n`, `w`) drawn in
# the code's own colour: by Material 9.8.1 (its --md-code-hl-name-color is --md-code-fg-color in both schemes)
# and by mkdocs-jupyter's notebook cells (no rule for `n`; `w` has the cell's --jp-mirror-editor-variable-color).
# tests/test_browser.py checks both. They are a quarter of a long page's elements, each one restyled whenever
# the page is; their text is kept, without the span.
PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')
CODE_BLOCK = "<pre><span></span><code>"  # a highlighted block's code, as pymdownx.highlight 10.x opens it


def with_light_code_blocks(html: str) -> str:
    """A page's highlighted code without the spans that change nothing drawn, each Markdown block focusable from
    the start: Material sets a block up once it scrolls into view (mkdocs.yml: content.lazy), and only then
    makes a block that scrolls sideways focusable, as one must be to be scrolled from the keyboard, and the
    others not."""
    return PLAIN_TOKEN.sub(r"\1", html).replace(CODE_BLOCK, CODE_BLOCK[:-1] + ' tabindex="0">')


def option_lines(source: str) -> list[int]:
    """The numbers of a snippet's `# memo:` lines, which a reader is not shown."""
    return [n for n, line in enumerate(source.splitlines(), 1) if OPTION.match(line)]


def output(snippet: Snippet, result: Result, lang: str, notes: str = "") -> str:
    """`notes`: HTML put under the output (history.changed_line: the releases where it changed)."""
    t = LABELS[lang]
    anchor_id = output_id(snippet.name)
    link = permalink(anchor_id, "output", lang)
    if result.status == "skipped":
        text = t["skipped"].format(requires=snippet.requires, version=releases.label(result.stamp["torch"]))
        return f'<div class="admonition info memo-skipped" id="{anchor_id}"><p>{escape(text)}{link}</p>{notes}</div>'
    label = t["output"]
    if snippet.raises:
        label += " · " + t["expected"].format(name=snippet.raises)
    stamp = f"torch {torch_build(result.stamp['torch'], lang)} · Python {result.stamp['python']} · {result.stamp['platform']}"
    note = ""
    shown = len(result.output.encode())
    if result.output_bytes > shown:
        note = t["truncated"].format(shown=_size(shown), total=_size(result.output_bytes))
        note = f'<p class="memo-output__note">{escape(note)}</p>'
    body = f"<pre><code>{terminal(result.output)}</code></pre>" if result.output or not result.figures else ""
    return (
        f'<div class="memo-output{" memo-output--raises" if snippet.raises else ""}" id="{anchor_id}">'
        f'<div class="memo-output__head"><span class="memo-output__label">{escape(label)}{link}</span>'
        f'<span class="memo-output__stamp">{escape(stamp)}</span></div>'
        f"{body}{note}{figures(snippet, result, lang)}{notes}</div>"
    )


def torch_build(torch: str, lang: str) -> str:
    """The release that ran an output and which build of it: "2.14.1 (CUDA 13.0 build, run on the CPU)". The
    snippets ask for no GPU, so a CUDA build runs them on the CPU as a CPU build would."""
    local = Version(torch).local or ""
    cuda = re.fullmatch(r"cu(\d+)(\d)", local)
    if cuda:
        return f"{releases.label(torch)} ({LABELS[lang]['cuda-build'].format(cuda=f'{cuda[1]}.{cuda[2]}')})"
    return f"{releases.label(torch)} ({LABELS[lang]['cpu-build']})" if local == "cpu" else releases.label(torch)


def figures(snippet: Snippet, result: Result, lang: str) -> str:
    """The figures the snippet drew, under its text output, in order, each with its title as alt text."""
    images = ""
    for f, (text, alt_lang) in zip(result.figures, alt_texts(snippet, result, lang)):
        other = f' lang="{alt_lang}"' if alt_lang != lang else ""
        images += (f'<img class="memo-figure" src="data:{f["mime"]};base64,{_base64(f)}" alt="{escape(text)}"{other} '
                   f'width="{f["width"]}" height="{f["height"]}">')
    return f'<div class="memo-output__figures">{images}</div>' if images else ""


def alt_texts(snippet: Snippet, result: Result, lang: str) -> list[tuple[str, str]]:
    """Each figure's alt text in `lang`, with the language it is in: its title in `lang` (`# memo: figure`),
    else the title it draws, in the snippets' language."""
    given = [t.text for t in snippet.titles if t.lang == lang]
    if len(given) != len(result.figures):  # none given, or a mismatch that Build reports
        return [(f["title"], LANGUAGE) for f in result.figures]
    return [(text, lang) for text in given]


def _base64(figure: dict) -> str:
    return figure["data"] if figure["mime"] == "image/png" else base64.b64encode(figure["data"].encode()).decode()


def error(message: str, output: str, lang: str) -> str:
    """A failure shown on the page (under `mkdocs serve`; a build stops on it instead)."""
    text = f"{message}\n\n{output}" if output else message
    return (
        f'<div class="admonition failure memo-error"><p class="admonition-title">{escape(LABELS[lang]["failed"])}</p>'
        f"<pre><code>{terminal(text)}</code></pre></div>"
    )


def note(text: str) -> str:
    """A note without a title in the page's Markdown, in HTML (as Material's `!!! note ""` renders) rather than
    Markdown: `text` may hold a snippet's messages, and nothing of those is read as Markdown or HTML."""
    return f'<div class="admonition note">\n<p>{escape(text)}</p>\n</div>'


def notice(kind: str, lang: str) -> str:
    """An admonition above a page's text about its translation ("untranslated", "outdated"), in Markdown."""
    style, title, text = LABELS[lang][kind]
    return f'!!! {style} "{title}"\n    {text}\n\n'


def under_title(markdown: str, notices: str) -> str:
    """`notices` under the page's h1 when the page opens with one: MkDocs takes a page's title from its first
    element only if that is an h1, and a notice above it would take the page's title away."""
    h1 = H1.search(markdown)
    if not notices or not h1 or markdown[:h1.start()].strip():
        return notices + markdown
    rest = markdown[h1.end():].lstrip("\n")
    return f"{markdown[:h1.end()]}\n\n{notices}{rest}"


def terminal(text: str) -> str:
    """Output as a terminal leaves it, in HTML: each line in its last state after carriage returns (progress
    bars), ANSI colours as coloured spans (nbconvert's converter, the one notebooks use; its classes are styled
    in memos.css). Escaped either way."""
    lines = []
    for line in text.split("\n"):
        shown = ""
        for part in line.split("\r"):  # each part overwrites the start of the line, as on a terminal
            shown = part + shown[len(part):]
        lines.append(shown)
    text = "\n".join(lines)
    if "\x1b[" not in text:
        return escape(text)
    from nbconvert.filters.ansi import ansi2html  # imported only by a build that has colours to show

    return ansi2html(text)


def location(snippet: Snippet, result: Result) -> str:
    return f"{snippet.display_path}:{result.line}" if result.line else snippet.display_path


def claim(claim_id: str, words: str, verdict: Verdict | None, lang: str, torch: str, since: str = "",
          cases: dict[str, tuple[str, str]] | None = None, on_releases: str = "") -> str:
    """`torch`: the release the verdict is for; `since`: HTML saying since which release the verdict is what
    it is (history.since); `cases`: for each snippet checking it (display path), the link to its output and the
    words naming its case (`Build.cases`); `on_releases`: HTML of its verdict on each release (`by_release`)."""
    t = LABELS[lang]
    verdict = verdict or Verdict(claim_id)
    cases = cases or {}
    items = "".join(
        f"<li><code>{escape(e.expr)}</code> → <code>{escape(str(e.value))}</code> ({_output_link(e.snippet, cases, lang)})</li>"
        for e in verdict.evidence
    )
    why = why_not_plain(verdict, lang, cases)
    return (
        f'<div class="admonition {VERDICT_STYLE[verdict.value]} memo-claim" id="claim-{claim_id}" '
        f'data-verdict="{verdict.value}">'
        f'<p class="admonition-title">{escape(t["claim"])}: {escape(t[verdict.value])} · torch {escape(torch)}'
        f'{permalink(f"claim-{claim_id}", "claim", lang)}</p>'
        f"<p>«{escape(words)}»</p>"
        + (f'<p class="memo-claim__why">{why}</p>' if why else "")
        + f"<ul>{items}</ul>{since}{on_releases}</div>"
    )


def _output_link(display_path: str, cases: dict[str, tuple[str, str]], lang: str) -> str:
    text = escape(LABELS[lang]["output-of"].format(file=display_path.rsplit("/", 1)[-1]))
    href = cases[display_path][0] if display_path in cases else None
    return f'<a href="{escape(href)}">{text}</a>' if href else text


def why_not_plain(verdict: Verdict, lang: str, cases: dict[str, tuple[str, str]] | None = None) -> str:
    """HTML of one line for a verdict that is neither "holds" nor "does not hold": in words, which cases hold
    and which do not, each a link to the output that shows it (`cases`, as `claim` takes them); or why the claim
    was not judged on this release."""
    t = LABELS[lang]
    cases = cases or {}
    if verdict.value == UNCHECKED and verdict.missing:
        return escape(t["missing"].format(reasons="; ".join(verdict.missing)))
    if verdict.value == PARTLY:
        def named(value: bool) -> str:
            shown = []
            for path in dict.fromkeys(e.snippet for e in verdict.evidence if e.value is value):
                href, words = cases.get(path, (None, None))
                text = escape(words or path.rsplit("/", 1)[-1])
                shown.append(f'<a href="{escape(href)}">{text}</a>' if href else text)
            return ", ".join(shown)
        return escape(t["cases"]).format(holds=named(True), fails=named(False))
    return ""


def by_release(verdicts: list[tuple[str, str, str]], lang: str) -> str:
    """The line under a claim giving its verdict on each release, oldest first; verdicts: (release, verdict,
    the link to the claim on that release's site). Releases in a row with one verdict share its words."""
    t = LABELS[lang]
    runs: list[tuple[str, list[str]]] = []
    for release, value, link in verdicts:
        anchor = f'<a href="{escape(link)}">{escape(release)}</a>'
        if runs and runs[-1][0] == value:
            runs[-1][1].append(anchor)
        else:
            runs.append((value, [anchor]))
    parts = " · ".join(f'{escape(t[value])}: {" ".join(anchors)}' for value, anchors in runs)
    return f'<p class="memo-claim__releases">{escape(t["by-release"])} {parts}</p>'


def claims_table(rows, torch: str, lang: str) -> str:
    """rows: (claim id, words, page url, page title, verdict or None, its cases as `claim` takes them); `torch`
    the release that ran the checks."""
    t = LABELS[lang]
    body = ""
    counts = dict.fromkeys((HOLDS, FAILS, PARTLY, UNCHECKED), 0)
    for claim_id, words, url, title, verdict, cases in rows:
        value = verdict.value if verdict else UNCHECKED
        counts[value] += 1
        body += (
            f'<tr data-verdict="{value}"><td><a href="{escape(url)}#claim-{claim_id}">{escape(title)}</a></td>'
            f"<td>«{escape(words)}»</td><td><strong>{escape(t[value])}</strong>"
            + (f'<br><small class="memo-claim__why">{why}</small>' if verdict and (why := why_not_plain(verdict, lang, cases)) else "")
            + "</td></tr>"
        )
    summary = ", ".join(f"{t[v]} {n}" for v, n in counts.items() if n)
    return (
        f'<p class="memo-claims__summary">torch {escape(torch)}: {escape(summary)}</p>'
        f'<table data-memo-claims><thead><tr><th>{escape(t["page"])}</th><th>{escape(t["claim"])}</th>'
        f"<th>{escape(t['verdict'])}</th></tr></thead><tbody>{body}</tbody></table>"
    )


def notebook_links(links, lang: str) -> str:
    """links: (label key, url): the row under a page's title linking it to its notebook, or back."""
    items = " · ".join(
        f'<a class="memo-notebook__{key}" href="{escape(url)}"{" download" if key == "download" else ""}>'
        f"{escape(LABELS[lang][key])}</a>"
        for key, url in links
    )
    return f'<p class="memo-notebook">{items}</p>'


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.1f} KiB" if n < 1024**2 else f"{n / 1024**2:.1f} MiB"
