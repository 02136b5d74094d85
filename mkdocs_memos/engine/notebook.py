"""A page as a Jupyter notebook: its snippets in page order, each after a short Markdown cell taken from the
page, with the outputs of the run that made the page. Nothing runs here: the results are the page's own.

The first cell installs the torch release that ran the snippets, and a setup cell makes every later cell
start as each snippet started in the engine (seeded, one torch thread, default print options, every
warning shown as `python -W default` shows it: see engine/child.py), so that
running the notebook (in Colab, say) prints what the page shows.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mkdocs_memos.engine import directives
from mkdocs_memos.engine.runner import Result
from mkdocs_memos.engine.snippet import Snippet

HEADING = re.compile(r"^(#{1,4}) +(.+?)(?:\s*\{[^}]*\})?\s*$")  # an ATX heading, without its { #id }
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

INTRO = {
    "ko": (
        "이 노트북에는 이 쪽의 예제가 쪽에 나온 순서대로 들어 있고, 각 예제 밑의 출력은 사이트를 만들 때 "
        "그 예제를 실행해서 얻은 것입니다. 위 셀은 그때 쓴 torch {torch}을 설치합니다. 아래 셀은 사이트에서 "
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


def build(title: str, markdown: str, lang: str, torch: str, snippets: dict[str, Snippet],
          results: dict[str, Result]) -> nbformat.NotebookNode:
    """The notebook of a page. `markdown` is the page without its front matter; `torch` the release to
    install (no local tag such as +cpu: PyPI does not have it); `snippets` and `results` by snippet name."""
    cells = [
        new_code_cell(f"%pip install torch=={torch}"),
        new_markdown_cell(f"# {title}\n\n" + INTRO[lang].format(torch=torch)),
        new_code_cell(SETUP.rstrip()),
    ]
    for run, intro in _introductions(markdown):
        if run.arg not in results:  # a snippet that could not be loaded (`mkdocs serve` shows the error)
            continue
        snippet, result = snippets[run.arg], results[run.arg]
        if result.status == "skipped":
            intro.append(result.message)
        cells.append(new_markdown_cell("\n\n".join([*intro, f"`{snippet.display_path}`"])))
        cell = new_code_cell(snippet.source.rstrip())
        if result.status == "ok":
            # One stream, as on the page: the engine captures stdout and stderr together, in their order.
            cell.outputs = [new_output("stream", name="stdout", text=result.output)] if result.output else []
        if snippet.raises:
            # The convention of nbconvert and Jupyter Book for a cell that is meant to raise.
            cell.metadata["tags"] = ["raises-exception"]
        cells.append(cell)
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # not nbformat's random ids: the same page makes the same .ipynb
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def _introductions(markdown: str):
    """Each run directive of a page, with what introduces it there: the paragraph right above it (claims in
    between skipped) and, unless the snippet before it was already under it, the nearest heading above it."""
    found = {d.line: d for d in directives.find(markdown)}
    heading = shown = fence = None
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
            intro = [heading] if heading and heading != shown else []
            yield found[number], intro + (["\n".join(paragraph)] if paragraph else [])
            shown, paragraph = heading, []
        elif h := HEADING.match(line):
            heading, paragraph = f"{h[1]} {h[2]}", []
        elif line.strip():
            block.append(line)
