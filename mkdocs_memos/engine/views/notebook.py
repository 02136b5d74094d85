"""A page as a Jupyter notebook: its snippets in page order, each after a short Markdown cell taken from the
page, with the outputs of the run that made the page. Nothing runs here: the results are the page's own.

The first cell installs the torch release that ran the snippets, and a setup cell makes every later cell
start as each snippet started in the engine (seeded, one torch thread, default print options, every
warning shown as `python -W default` shows it: see engine/running/child.py), so that
running the notebook (in Colab, say) prints what the page shows.

It is stored as a kernel would have left it, so that `pytest --nbval` replays it and compares: execution
counts in order, stdout and stderr as separate streams, an expected exception as an `error` output in a cell
tagged `raises-exception` (which also lets "Run all" go on past it), and the output that varies (timings, the
install) tagged `nbval-ignore-output`. A snippet's `# memo:` lines are left out, as on the page.
"""

from __future__ import annotations

import inspect
import re
from html import escape
from typing import TYPE_CHECKING

from mkdocs_memos.engine.pages import directives
from mkdocs_memos.engine.running import figures
from mkdocs_memos.engine.running.protocol import Result
from mkdocs_memos.engine.running.snippet import Snippet
from mkdocs_memos.engine.views import render

if TYPE_CHECKING:
    from nbformat import NotebookNode

# An ATX heading, its text without its `{ #id }`, and that id.
HEADING = re.compile(r"^(#{1,4}) +(.+?)(?:\s*\{[^}]*?#([\w-]+)[^}]*\})?\s*$")
# A heading nbconvert rendered from a Markdown cell (mkdocs-jupyter), with the id it slugged, and the page's id
# that the cell carries as an anchor (`build`).
RENDERED_HEADING = re.compile(r'<(h[1-6]) id="([^"]*)"(.*?)</\1>', re.S)
HEADING_ANCHOR = re.compile(r'\s*<a id="([^"]+)"></a>')
# An image nbconvert rendered from an output, with the alt text it gives an image that has none, and its data.
RENDERED_IMAGE = re.compile(r'<img(?: alt="[^"]*")? (src="data:image/(?:png|svg\+xml);base64,([^"]+)")')
IGNORE_OUTPUT = "nbval-ignore-output"  # nbval runs the cell but does not compare what it prints
RAISES = "raises-exception"  # nbval expects the error; nbclient and JupyterLab's "Run all" go on past it
# Admonitions and other indented blocks do not read as Markdown in Jupyter: not taken as an introduction.
NOT_A_PARAGRAPH = re.compile(r"^(?:[ \t]|!!!|\?\?\?)")

SETUP = """\
import random
import warnings

import numpy
import torch


def fresh_start(info):
    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.set_printoptions(profile="default")
    warnings.resetwarnings()
    warnings.simplefilter("default")


get_ipython().events.register("pre_run_cell", fresh_start)
"""

# Added to the setup cell of a notebook with figures. Figures are shown by the engine's own `render` (its
# source follows), through IPython's formatters, instead of the inline backend's PNG: the kernel then stores
# each figure as the page shows it, and nbval compares it. `%matplotlib inline` first: the inline backend,
# loaded later, would set its own formatters over these.
FIGURES = """\
%matplotlib inline
from matplotlib.figure import Figure


{render}

def shown_as(mime):
    def formatter(fig):
        shown, data, width, height = render(fig)
        return (data, {{"width": width, "height": height}}) if shown == mime else None
    return formatter


for mime in ("image/svg+xml", "image/png"):
    get_ipython().display_formatter.formatters[mime].for_type(Figure, shown_as(mime))
"""

INTRO = {
    "ko": (
        "이 노트북에는 이 페이지의 예제가 페이지에 나온 순서대로 들어 있고, 각 예제 밑의 출력은 사이트를 만들 때 "
        "그 예제를 실행해서 얻은 것입니다. 위 셀은 그때 쓴 torch {torch} 버전을 설치합니다. 아래 셀은 사이트에서 "
        "예제마다 그랬듯이 셀마다 난수 시드 0, torch 스레드 하나, 기본 출력 설정, 라이브러리의 경고까지 보이는 "
        "경고 설정으로 시작하게 합니다."
    ),
    "en": (
        "This notebook holds the examples of this page in page order; the output under each is what running it "
        "printed when the site was built. The cell above installs the torch it ran with, {torch}. The cell "
        "below starts every cell as each example started on the site: random seed 0, one torch thread, "
        "default print options, and warnings shown even when they come from a library."
    ),
}
INTRO_FIGURES = {
    "ko": " 그림은 사이트에서처럼 작으면 SVG로, 크면 PNG로 보입니다.",
    "en": " Figures show as on the site: as SVG when small, else as PNG.",
}


def build(title: str, markdown: str, lang: str, torch: str, snippets: dict[str, Snippet],
          results: dict[str, Result], page_id: str | None = None) -> NotebookNode:
    """The notebook of a page. `markdown` is the page without its front matter; `torch` the release to install
    (no local tag such as +cpu: PyPI does not have it); `snippets` and `results` by snippet name; `page_id` the
    id of the page's h1 (anchors.h1_id). Each heading ends with an anchor holding the page's id for it (the
    page's `{ #id }`), which links inside the notebook in Jupyter too, and which `with_heading_ids` reads."""
    # Imported here: nbformat loads jsonschema, which a build's start-up need not wait for.
    import nbformat

    drawn = any(r.figures for r in results.values())
    setup = SETUP + FIGURES.format(render=inspect.getsource(figures.render)) if drawn else SETUP
    cells = [
        new_code_cell(f"%pip install torch=={torch}", metadata={"tags": [IGNORE_OUTPUT]}),
        new_markdown_cell(f"# {title}{_anchor(page_id)}\n\n" + INTRO[lang].format(torch=torch)
                          + (INTRO_FIGURES[lang] if drawn else "")),
        new_code_cell(setup.rstrip()),
    ]
    for run, intro in _introductions(markdown):
        if run.arg not in results:  # a snippet that could not be loaded (`mkdocs serve` shows the error)
            continue
        snippet, result = snippets[run.arg], results[run.arg]
        code = shown_source(snippet.source)
        if result.status == "skipped":
            # Not a code cell: it would fail under this torch, and stop "Run all".
            fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", code)), default=0))
            cells.append(new_markdown_cell("\n\n".join(
                [*intro, escape(result.message), f"`{snippet.display_path}`", f"{fence}python\n{code}\n{fence}"])))
            continue
        cells.append(new_markdown_cell("\n\n".join([*intro, f"`{snippet.display_path}`"])))
        tags = [RAISES] * bool(snippet.raises) + [IGNORE_OUTPUT] * snippet.nondeterministic
        cells.append(new_code_cell(code, metadata={"tags": tags} if tags else None,
                                   outputs=_outputs(snippet, result, lang) if result.status == "ok" else None))
    counts = (n for n in range(1, len(cells) + 1))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # the same page makes the same .ipynb
        if cell["cell_type"] == "code":
            cell["execution_count"] = next(counts)  # as a kernel numbers them, run top to bottom
    nb = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }})
    nbformat.validate(nb)  # the whole notebook once: nbformat's new_* functions would validate each cell too
    return nb


def new_markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def new_code_cell(source: str, metadata: dict | None = None, outputs: list | None = None) -> dict:
    return {"cell_type": "code", "metadata": metadata or {}, "source": source, "execution_count": None,
            "outputs": outputs or []}


def shown_source(source: str) -> str:
    """A snippet's source without its `# memo:` lines (render.option_lines), as the page shows it."""
    hidden = set(render.option_lines(source))
    return "\n".join(line for n, line in enumerate(source.splitlines(), 1) if n not in hidden).strip("\n")


def _anchor(heading_id: str | None) -> str:
    return f' <a id="{heading_id}"></a>' if heading_id else ""


def write(nb: NotebookNode, path) -> None:
    import nbformat

    nbformat.write(nb, path)


def _outputs(snippet: Snippet, result: Result, lang: str) -> list:
    """The outputs of a run as a kernel stores them: each stream apart, in order, the exception as an error,
    and each figure as the image it displayed (its alt text in `lang` beside its size, which nbconvert reads
    and with_figure_alts puts on the page)."""
    outputs, at = [], 0
    for stream, length in result.streams:
        text, at = result.output[at : at + length], at + length
        if stream == "error":
            outputs.append({"output_type": "error", "ename": result.exception["ename"],
                            "evalue": result.exception["evalue"], "traceback": text.removesuffix("\n").split("\n")})
        else:
            outputs.append({"output_type": "stream", "name": stream, "text": text})
    for f, (alt, _) in zip(result.figures, render.alt_texts(snippet, result, lang)):
        outputs.append({"output_type": "display_data", "data": {"text/plain": f["text"], f["mime"]: f["data"]},
                        "metadata": {f["mime"]: {"width": f["width"], "height": f["height"], "alt": alt}}})
    return outputs


def with_heading_ids(html: str) -> tuple[str, dict[str, str]]:
    """The HTML nbconvert made of a notebook (mkdocs-jupyter), its headings carrying the page's ids, and the
    ids it renamed (nbconvert's slug -> the page's id), for the page's table of contents. nbconvert gives each
    heading an id slugged from its text, which differs between languages; the notebook holds the page's own id
    as an anchor at the end of each heading (`build`), which this moves onto the heading."""
    renamed = {}

    def move(m: re.Match) -> str:
        tag, slug, inner = m[1], m[2], m[3]
        anchor = HEADING_ANCHOR.search(inner)
        if not anchor:
            return m[0]
        renamed[slug] = anchor[1]
        inner = (inner[: anchor.start()] + inner[anchor.end() :]).replace(f'href="#{slug}"', f'href="#{anchor[1]}"')
        return f'<{tag} id="{anchor[1]}"{inner}</{tag}>'

    return RENDERED_HEADING.sub(move, html), renamed


def with_figure_alts(html: str, path) -> str:
    """The HTML nbconvert made of the notebook at `path` (mkdocs-jupyter), each figure's image carrying its alt
    text. The notebook holds it beside the image (`_outputs`); nbconvert's template (lab) leaves it out, and
    nbconvert gives every image without one the same placeholder."""
    import base64
    import json

    if not RENDERED_IMAGE.search(html):
        return html
    alts = {}
    with open(path, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    for out in (out for cell in cells for out in cell.get("outputs", [])):
        for mime, data in out.get("data", {}).items():
            if alt := out.get("metadata", {}).get(mime, {}).get("alt"):
                data = "".join(data)  # stored as a list of lines, as nbformat writes text
                alts[data if mime == "image/png" else base64.b64encode(data.encode()).decode()] = alt
    return RENDERED_IMAGE.sub(lambda m: f'<img alt="{escape(alts[m[2]])}" {m[1]}' if m[2] in alts else m[0], html)


def _introductions(markdown: str):
    """Each run directive of a page, with what introduces it there: the paragraph right above it (claims in
    between skipped) and the headings it is under (with their `{ #id }` as anchors) that no snippet before it
    was under, outermost first, so that the notebook's headings descend level by level as the page's do. The
    page's h1 is the notebook's title cell."""
    found = {d.line: d for d in directives.find(markdown)}
    fence = None
    under: list[tuple[int, str]] = []  # (level, heading) of each heading the current line is under
    shown: set[str] = set()
    paragraph: list[str] = []
    block: list[str] = []
    for number, line in enumerate(markdown.splitlines(), 1):
        if (m := directives.FENCE.match(line)) and (fence is None or m[1].startswith(fence)):
            fence = m[1] if fence is None else None
            continue
        if fence is not None or (number in found and found[number].kind != "run"):
            continue
        if block and (not line.strip() or number in found):
            paragraph = [] if NOT_A_PARAGRAPH.match(block[0]) else block
            block = []
        if number in found:
            intro = [heading for level, heading in under if level > 1 and heading not in shown]
            shown.update(intro)
            yield found[number], intro + (["\n".join(paragraph)] if paragraph else [])
            paragraph = []
        elif h := HEADING.match(line):
            level = len(h[1])
            under = [u for u in under if u[0] < level] + [(level, f"{h[1]} {h[2]}{_anchor(h[3])}")]
            paragraph = []
        elif line.strip():
            block.append(line)
