"""Every page's notebook: valid, made of the page's own snippets and outputs, rendered in both languages, and
linked (download, Colab) inside the release it belongs to; replayed by nbval and run top to bottom by nbclient
in a real kernel on the torch of this environment, the one it names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest
from bs4 import BeautifulSoup
from packaging.version import Version

from mkdocs_memos import shims
from mkdocs_memos.engine.pages import anchors, directives
from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.views import notebook
from mkdocs_memos.engine.running.protocol import Result
from tests.conftest import PUBLISHED, ROOT, build

TORCH = Version(version("torch"))
PAGES = sorted(
    p.name.removesuffix(".md")
    for p in (ROOT / "docs").glob("*.md")
    if not p.name.endswith(".en.md") and "{{ run " in p.read_text(encoding="utf-8")
)
LANGS = ("ko", "en")
DEPLOYED = "https://memos-fork.github.io/pytorch-memos/9.9/"  # where mike would put one release of the site


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


def printed(cell) -> str:
    """What a cell's outputs print, in order: as the page shows its snippet's output (its figures apart)."""
    return "".join(o.text if o.output_type == "stream" else "\n".join(o.traceback) + "\n"
                   for o in cell.outputs if o.output_type != "display_data")


def page_snippets(page: str, lang: str) -> list[snippet.Snippet]:
    source = (ROOT / "docs" / f"{page}{'.en' if lang == 'en' else ''}.md").read_text(encoding="utf-8")
    return [snippet.load(ROOT / "snippets", d.arg) for d in directives.find(source) if d.kind == "run"]


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
    snippets = page_snippets(page, lang)
    cells = snippet_cells(nb)
    assert [c.source for c in cells] == [notebook.shown_source(s.source) for s in snippets]
    assert not any(snippet.OPTION.match(line) for c in cells for line in c.source.splitlines())
    shown = [pre.get_text() for pre in soup(site, page_path(page, lang)).select("article .memo-output pre")]
    assert [printed(c) for c in cells] == shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_notebook_is_stored_as_a_kernel_would_have_run_it(site, page, lang):
    _, nb = downloaded(site, page, lang)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    snippets = page_snippets(page, lang)
    # Only the install cell and the snippets declared nondeterministic are left uncompared, and only the
    # snippets declared to raise are expected to.
    tags = [c.metadata.get("tags", []) for c in code]
    assert tags[:2] == [["nbval-ignore-output"], []]
    for s, cell, cell_tags in zip(snippets, code[2:], tags[2:], strict=True):
        assert ("nbval-ignore-output" in cell_tags) == s.nondeterministic, s.name
        assert ("raises-exception" in cell_tags) == bool(s.raises), s.name
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert len(errors) == bool(s.raises), s.name
        if errors:
            assert cell.outputs[-1] is errors[0]
            assert errors[0].ename and errors[0].ename in "\n".join(errors[0].traceback), s.name
        streams = [o.name for o in cell.outputs if o.output_type == "stream"]
        assert all(a != b for a, b in zip(streams, streams[1:])), f"{s.name}: consecutive outputs of one stream"


def test_warnings_are_stored_as_stderr(site):
    """A snippet that prints, warns and raises: stdout, the warning as stderr, then the error, in the order
    written, as a kernel stores them."""
    _, nb = downloaded(site, "tracing-vs-scripting", "en")
    cell = next(c for c in snippet_cells(nb) if "torch.jit.script(SafeLog())" in c.source)
    assert [o.get("name", o.output_type) for o in cell.outputs] == ["stdout", "stderr", "error"]
    assert "DeprecationWarning" in cell.outputs[1].text
    assert not any("DeprecationWarning" in o.text for o in cell.outputs if o.get("name") == "stdout")


def copied_notebooks(site: Path, dest: Path, lang: str) -> list[Path]:
    """The notebooks of one language, copied where running them may write files (an example saves
    `scale.pt2` next to itself, as it would for a reader), so that the built site the other tests read stays
    as built."""
    copies = []
    for page in PAGES:
        path = site / downloaded(site, page, lang)[0]
        copy = dest / path.relative_to(site)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copies.append(Path(shutil.copy(path, copy)))
    return copies


def code_cells(nb: nbformat.NotebookNode) -> list[tuple]:
    """The code cells, their tags and outputs, without the figures' alt text: prose, in the notebook's language."""
    def untranslated(output):
        return {**output, "metadata": {mime: {k: v for k, v in m.items() if k != "alt"}
                                       for mime, m in output.get("metadata", {}).items()}}
    return [(c.source, c.metadata.get("tags"), json.dumps([untranslated(o) for o in c.outputs], sort_keys=True))
            for c in nb.cells if c.cell_type == "code"]


def test_both_languages_notebooks_hold_the_same_code_and_outputs(site):
    """Only the prose is translated: a page's two notebooks run the same cells with the same outputs. So
    one language is replayed by nbval and the other run by nbclient, and together they cover both."""
    for page in PAGES:
        ko, en = (code_cells(downloaded(site, page, lang)[1]) for lang in LANGS)
        assert ko == en, page


def test_every_notebook_replays_under_nbval(site, tmp_path):
    """nbval re-executes each notebook in a kernel on this environment's torch and compares every cell's
    outputs with the stored ones (warnings' locations sanitized: see the .cfg). The Korean ones: the English
    ones hold the same cells (above) and nbclient runs those."""
    notebooks = copied_notebooks(site, tmp_path, "ko")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", "--nbval-cell-timeout=300",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval-sanitize.cfg"), *map(str, notebooks)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    cells = sum(len(nbformat.read(n, as_version=4).cells) for n in notebooks)
    code = sum(c.cell_type == "code" for n in notebooks for c in nbformat.read(n, as_version=4).cells)
    passed = int(re.search(r"(\d+) passed", done.stdout)[1])
    assert passed == code, done.stdout[-3000:]  # nbval checks every code cell
    print(f"nbval: {len(notebooks)} notebooks, {cells} cells, {passed} code cells replayed and compared")


def test_run_all_completes_in_a_fresh_kernel(site, tmp_path):
    """As "Run all" does: nbclient runs every English notebook top to bottom and stops at any error not
    expected (the Korean ones hold the same cells, and nbval replays those)."""
    from nbclient import NotebookClient

    for path in copied_notebooks(site, tmp_path, "en"):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        ran = snippet_cells(nb)
        assert all(c.execution_count for c in ran), path
        raised = [c for c in ran if any(o.output_type == "error" for o in c.outputs)]
        assert all("raises-exception" in c.metadata.get("tags", []) for c in raised), path


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
    outputs = [o.text if o.output_type == "stream" else o.evalue
               for c in snippet_cells(nb) for o in c.outputs if o.output_type != "display_data"]
    assert outputs and all(o.strip() in text for o in outputs)
    assert link(site, path, "back") + "index.html" == page_path(page, lang)
    assert link(site, path, "download") == link(site, page_path(page, lang), "download")
    # The language selector leads to the same notebook in the other language.
    other = {"ko": "en", "en": "ko"}[lang]
    href = rendered.select_one(f"a[hreflang={other}]")["href"]
    assert urljoin(DEPLOYED + path, href) == DEPLOYED + notebook_page_path(page, other).removesuffix("index.html")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_notebook_page_links_the_notebook_styles_instead_of_holding_them(site, page, lang):
    path = notebook_page_path(page, lang)
    rendered = soup(site, path)
    linked = [urljoin(path, link["href"]) for link in rendered.select('link[rel="stylesheet"]')]
    assert shims.NOTEBOOK_STYLESHEET in linked
    stylesheet = (site / shims.NOTEBOOK_STYLESHEET).read_text(encoding="utf-8")
    # JupyterLab's stylesheet cut down to what notebook pages use; test_browser.py: nothing drawn changes.
    assert 0 < len(stylesheet) < len(shims.notebook_stylesheet(""))
    assert not any(style.string.strip() in stylesheet for style in rendered.select("style") if style.string.strip())
    # A page without a notebook cell does not load them.
    ordinary = soup(site, page_path(page, lang)).select('link[rel="stylesheet"]')
    assert not any(link["href"].endswith(shims.NOTEBOOK_STYLESHEET) for link in ordinary)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_colab_opens_the_notebook_of_this_release(site, page, lang):
    release = os.environ.get("MIKE_DOCS_VERSION") or f"{TORCH.major}.{TORCH.minor}"
    path, _ = downloaded(site, page, lang)
    expected = f"https://colab.research.google.com/github/{PUBLISHED}/blob/gh-pages/{release}/{path}"
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
    results = {n: Result(status="ok", output=f"{n}\n", streams=[["stdout", len(n) + 1]]) for n in names}
    nb = notebook.build("Title", page, "en", "2.0.0", snippets, results)
    intros = [c.source for c in nb.cells[3:] if c.cell_type == "markdown"]
    assert intros == [
        '## First <a id="first"></a>\n\nAbout a.\n\n`snippets/t/a.py`',
        "About b,\non two lines.\n\n`snippets/t/b.py`",  # the heading is not repeated; claims are skipped
        "`snippets/t/c.py`",  # nothing of its own between it and the previous snippet
        "`snippets/t/d.py`",  # neither a fenced `#` line nor an admonition is taken
    ]
    assert [c.outputs[0].text for c in snippet_cells(nb)] == [f"{n}\n" for n in names]
    assert nb == notebook.build("Title", page, "en", "2.0.0", snippets, results)  # no random cell ids


def test_notebook_headings_descend_level_by_level_as_the_page_does():
    """A snippet under an h3 whose h2 introduced no snippet brings that h2 along: a notebook going from its
    title (h1) straight to an h3 skips a level, which screen readers announce as a gap (Lighthouse: heading-order)."""
    page = "# T\n\n## Outer { #outer }\n\nProse.\n\n### Inner { #inner }\n\nAbout a.\n\n{{ run t/a.py }}\n\n{{ run t/b.py }}\n"
    snippets = {n: snippet.parse(n, f"snippets/{n}", "print(1)\n") for n in ("t/a.py", "t/b.py")}
    results = {n: Result(status="ok", output="1\n", streams=[["stdout", 2]]) for n in snippets}
    nb = notebook.build("T", page, "en", "2.0.0", snippets, results)
    intros = [c.source for c in nb.cells[3:] if c.cell_type == "markdown"]
    assert intros == ['## Outer <a id="outer"></a>\n\n### Inner <a id="inner"></a>\n\nAbout a.\n\n`snippets/t/a.py`',
                      "`snippets/t/b.py`"]


def test_raising_snippet_cell_holds_its_streams_and_error_apart_without_its_options():
    source = "# memo: raises ValueError\nimport sys\nprint('a')\n# memo: check c: raised is not None\nraise ValueError('v')\n"
    s = snippet.parse("t/r.py", "snippets/t/r.py", source)
    traceback = 'Traceback (most recent call last):\n  File "snippets/t/r.py", line 5, in <module>\nValueError: v\n'
    output = "a\nwarned\n" + traceback
    result = Result(status="ok", output=output, streams=[["stdout", 2], ["stderr", 7], ["error", len(traceback)]],
                    exception={"ename": "ValueError", "evalue": "v"})
    nb = notebook.build("T", "{{ run t/r.py }}\n", "en", "2.0.0", {"t/r.py": s}, {"t/r.py": result})
    cell = snippet_cells(nb)[0]
    assert cell.source == "import sys\nprint('a')\nraise ValueError('v')"
    assert [(o.output_type, o.get("name")) for o in cell.outputs] == [("stream", "stdout"), ("stream", "stderr"), ("error", None)]
    assert (cell.outputs[2].ename, cell.outputs[2].evalue) == ("ValueError", "v")
    assert printed(cell) == output
    assert cell.metadata.tags == ["raises-exception"]
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]


def test_a_snippet_for_another_release_is_shown_not_run():
    s = snippet.parse("t/new.py", "snippets/t/new.py", "# memo: requires torch>=9\nprint(1)\n")
    result = Result(status="skipped", message="needs torch>=9; this site uses torch 2.0.0")
    nb = notebook.build("T", "{{ run t/new.py }}\n", "en", "2.0.0", {"t/new.py": s}, {"t/new.py": result})
    assert snippet_cells(nb) == []  # "Run all" would fail on it
    assert "needs torch&gt;=9" in nb.cells[-1].source  # the message as Markdown text, escaped and "```python\nprint(1)\n```" in nb.cells[-1].source


def test_notebook_page_headings_carry_the_page_ids(tmp_path):
    """Through mkdocs-jupyter's own conversion: the Korean and English notebooks' headings get the ids of
    their page's headings, not ids slugged from their text."""
    from mkdocs_jupyter.convert import nb2html

    ids = {}
    for lang, (title, head) in {"ko": ("제목", "## 뷰와 reshape { #view }"), "en": ("Title", "## view and reshape { #view }")}.items():
        s = snippet.parse("t/a.py", "snippets/t/a.py", "print(1)\n")
        result = Result(status="ok", output="1\n", streams=[["stdout", 2]])
        nb = notebook.build(title, f"# {title}\n\n{head}\n\nAbout a.\n\n{{{{ run t/a.py }}}}\n", lang, "2.0.0",
                            {"t/a.py": s}, {"t/a.py": result}, page_id="page")
        nbformat.write(nb, tmp_path / f"{lang}.ipynb")
        html, renamed = notebook.with_heading_ids(nb2html(str(tmp_path / f"{lang}.ipynb")))
        ids[lang] = [i for tag, i in anchors.ids(html) if tag in anchors.HEADINGS]
        assert sorted(renamed.values()) == ["page", "view"] and all(s not in ids[lang] for s in renamed)
        assert '<a id="' not in re.sub(r'<a id="__codelineno[^"]*"', "", html)  # the anchors moved onto the headings
        assert 'href="#page"' in html and 'href="#view"' in html  # the headings' own links follow
    assert ids["ko"] == ids["en"] == ["page", "view"]


def test_h1_id_is_declared_or_the_page_name():
    assert anchors.h1_id("# 사실 확인 { #fact-check }\n\ntext", "fact-check") == "fact-check"
    assert anchors.h1_id("# 링크\n\n## 메모 { #memo }", "links") == "links"
    assert anchors.with_h1_id("# 링크\n\n## 메모 { #memo }\n", "links") == "# 링크 { #links }\n\n## 메모 { #memo }\n"
    assert anchors.with_h1_id("# 사실 확인 { #fact-check }\n", "x") == "# 사실 확인 { #fact-check }\n"
