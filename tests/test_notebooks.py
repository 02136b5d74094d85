"""Every page's notebook: valid, made of the page's own snippets and outputs, rendered in both languages, and
linked (download, Colab) inside the release it belongs to."""

from __future__ import annotations

import json
import os
import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest
from bs4 import BeautifulSoup
from packaging.version import Version

from mkdocs_memos.engine import directives, notebook, snippet
from mkdocs_memos.engine.runner import Result
from tests.conftest import ROOT, build

TORCH = Version(version("torch"))
REPO = re.search(r"^repo_url: https://github\.com/(\S+?)/?$", (ROOT / "mkdocs.yml").read_text(), re.M)[1]
PAGES = sorted(
    p.name.removesuffix(".md")
    for p in (ROOT / "docs").glob("*.md")
    if not p.name.endswith(".en.md") and "{{ run " in p.read_text(encoding="utf-8")
)
LANGS = ("ko", "en")
DEPLOYED = "https://example.github.io/pytorch-memos/9.9/"  # where mike would put one release of the site


def folder(lang: str) -> str:
    return "en/" if lang == "en" else ""


def page_path(page: str, lang: str) -> str:
    return folder(lang) + ("" if page == "index" else f"{page}/") + "index.html"


def notebook_page_path(page: str, lang: str) -> str:
    return folder(lang) + ("notebooks/" if page == "index" else f"notebooks/{page}/") + "index.html"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def link(site: Path, path: str, kind: str) -> str:
    """The site path a link of the notebook row of the page at `path` leads to, checking that it stays
    inside the release's folder when the site is deployed as one release among others (mike's layout)."""
    href = soup(site, path).select_one(f".memo-notebook__{kind}")["href"]
    resolved = urljoin(DEPLOYED + path, href)
    assert resolved.startswith(DEPLOYED), f"{path}: {kind} link leaves the release's folder: {href}"
    return resolved.removeprefix(DEPLOYED)


def downloaded(site: Path, page: str, lang: str) -> tuple[str, nbformat.NotebookNode]:
    path = link(site, page_path(page, lang), "download")
    return path, nbformat.read(site / path, as_version=4)


def snippet_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"][2:]  # after the install and setup cells


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_notebook_is_valid_and_installs_the_torch_of_the_site(site, page, lang):
    _, nb = downloaded(site, page, lang)
    nbformat.validate(nb)
    assert nb.cells[0].source == f"%pip install torch=={TORCH.public}"
    assert "+" not in nb.cells[0].source  # a local tag such as +cpu is not on PyPI, so Colab could not install it
    intro = nb.cells[1].source
    assert bool(re.search("[가-힣]", intro)) == (lang == "ko"), f"{page}: notebook intro not in {lang}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_notebook_holds_the_page_snippets_and_outputs(site, page, lang):
    _, nb = downloaded(site, page, lang)
    source = (ROOT / "docs" / f"{page}{'.en' if lang == 'en' else ''}.md").read_text(encoding="utf-8")
    names = [d.arg for d in directives.find(source) if d.kind == "run"]
    cells = snippet_cells(nb)
    assert [c.source for c in cells] == [(ROOT / "snippets" / n).read_text(encoding="utf-8").rstrip() for n in names]
    shown = [pre.get_text() for pre in soup(site, page_path(page, lang)).select("article .memo-output pre")]
    stream = ["".join(o.text for o in c.outputs if o.output_type == "stream") for c in cells]
    assert stream == shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_notebook_page_is_rendered_in_both_languages_and_linked_both_ways(site, page, lang):
    path = link(site, page_path(page, lang), "notebook") + "index.html"
    assert path == notebook_page_path(page, lang)
    rendered = soup(site, path)
    assert rendered.html["lang"] == lang
    text = rendered.select_one("article").get_text()
    assert '"nbformat"' not in text and '"cell_type"' not in text  # rendered, not the raw JSON
    _, nb = downloaded(site, page, lang)
    outputs = [o.text for c in snippet_cells(nb) for o in c.outputs]
    assert outputs and all(o.strip() in text for o in outputs)
    assert link(site, path, "back") + "index.html" == page_path(page, lang)
    assert link(site, path, "download") == link(site, page_path(page, lang), "download")
    # The language selector leads to the same notebook in the other language.
    other = {"ko": "en", "en": "ko"}[lang]
    href = rendered.select_one(f"a[hreflang={other}]")["href"]
    assert urljoin(DEPLOYED + path, href) == DEPLOYED + notebook_page_path(page, other).removesuffix("index.html")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_colab_opens_the_notebook_of_this_release(site, page, lang):
    release = os.environ.get("MIKE_DOCS_VERSION") or f"{TORCH.major}.{TORCH.minor}"
    path, _ = downloaded(site, page, lang)
    expected = f"https://colab.research.google.com/github/{REPO}/blob/gh-pages/{release}/{path}"
    for where in (page_path(page, lang), notebook_page_path(page, lang)):
        assert soup(site, where).select_one(".memo-notebook__colab")["href"] == expected


def test_search_finds_each_example_once(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert [d["location"] for d in index["docs"] if "notebooks/" in d["location"]] == []


def test_the_deploy_can_name_the_release(project, tmp_path):
    done = build(project, tmp_path / "site", MIKE_DOCS_VERSION="dev")
    assert done.returncode == 0, done.stderr
    colab = soup(tmp_path / "site", "en/view-vs-reshape/index.html").select_one(".memo-notebook__colab")["href"]
    assert colab.endswith("/blob/gh-pages/dev/en/notebooks/view-vs-reshape/view-vs-reshape.ipynb")


def test_markdown_cells_introduce_each_snippet_from_the_page():
    page = (
        "# Title\n\nIntro.\n\n## First { #first }\n\nAbout a.\n\n{{ run t/a.py }}\n\n{{ claim c }}\n\n"
        "About b,\non two lines.\n\n{{ claim c }}\n\n{{ run t/b.py }}\n{{ run t/c.py }}\n\n"
        "```\n# not a heading\n```\n\n!!! note\n    An admonition.\n\n{{ run t/d.py }}\n"
    )
    names = ["t/a.py", "t/b.py", "t/c.py", "t/d.py"]
    snippets = {n: snippet.parse(n, f"snippets/{n}", f"print('{n}')\n") for n in names}
    results = {n: Result(status="ok", output=f"{n}\n") for n in names}
    nb = notebook.build("Title", page, "en", "2.0.0", snippets, results)
    intros = [c.source for c in nb.cells[3:] if c.cell_type == "markdown"]
    assert intros == [
        "## First\n\nAbout a.\n\n`snippets/t/a.py`",
        "About b,\non two lines.\n\n`snippets/t/b.py`",  # the heading is not repeated; claims are skipped
        "`snippets/t/c.py`",  # nothing of its own between it and the previous snippet
        "`snippets/t/d.py`",  # neither a fenced `#` line nor an admonition is taken
    ]
    assert [c.outputs[0].text for c in snippet_cells(nb)] == [f"{n}\n" for n in names]
    assert nb == notebook.build("Title", page, "en", "2.0.0", snippets, results)  # no random cell ids
