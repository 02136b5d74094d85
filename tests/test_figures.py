"""A snippet's figures as outputs: collected by the engine in order, shown as SVG or PNG by size, reproducible
to the byte, with alt text in each language, on both languages' pages and in the notebooks; compared across
releases by what they plot; and matplotlib never imported by a snippet that does not draw."""

from __future__ import annotations

import base64
import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from mkdocs_memos.engine.evidence import releases
from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.protocol import Result
from mkdocs_memos.engine.running.runner import Runner
from mkdocs_memos.engine.views import history, notebook, render
from tests.conftest import ROOT

DRAWS = """\
import matplotlib.pyplot as plt

print("printed first")
plt.plot([0, 1, 2], [2, 0, 1])
plt.title("shown")
plt.show()
fig, ax = plt.subplots()
ax.imshow([[0, 1], [1, 0]])
ax.set_title("left open")
"""
BIG = """\
import matplotlib.pyplot as plt
import numpy as np

points = np.random.rand(20000, 2)
plt.scatter(points[:, 0], points[:, 1], s=1)
plt.title("twenty thousand points")
"""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(tmp_path, jobs: int = 2, **sources) -> dict[str, Result]:
    """Run snippets given as name=source in a server of their own, with a cache of their own."""
    snippets = [snippet.parse(f"t/{n}.py", f"snippets/t/{n}.py", src) for n, src in sources.items()]
    runner = Runner(tmp_path / "cache", jobs=jobs)
    try:
        results, _ = runner.run(snippets)
    finally:
        runner.close()
    return {n: results[f"t/{n}.py"] for n in sources}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    return run(tmp_path_factory.mktemp("figures"), draws=DRAWS, big=BIG,
               plain="import sys\nprint(1)\n# memo: fact drew: 'matplotlib' in sys.modules\n",
               untitled="import matplotlib.pyplot as plt\nplt.plot([1, 2])\n",
               fonts="import matplotlib\nfrom matplotlib import font_manager\n"
                     "# memo: fact bundled: font_manager.findfont('DejaVu Sans').startswith(matplotlib.get_data_path())\n")


@pytest.mark.fast
def test_figures_shown_then_left_open_follow_the_text_output_in_order(drawn):
    r = drawn["draws"]
    assert (r.status, r.output) == ("ok", "printed first\n")
    assert [f["title"] for f in r.figures] == ["shown", "left open"]
    assert [f["mime"] for f in r.figures] == ["image/svg+xml"] * 2
    assert [f["text"] for f in r.figures] == ["<Figure size 640x480 with 1 Axes>"] * 2  # as a kernel shows it


@pytest.mark.fast
def test_a_small_figure_is_svg_and_a_large_one_png_at_twice_its_size(drawn):
    svg = drawn["draws"].figures[0]
    assert svg["data"].startswith("<?xml") and len(svg["data"]) <= 64 * 1024
    points = float(re.search(r'<svg [^>]*?width="([\d.]+)pt"', svg["data"])[1])
    assert svg["width"] == round(points * 4 / 3)  # CSS pixels, as a browser sizes the SVG
    (png,) = drawn["big"].figures
    assert png["mime"] == "image/png"
    data = base64.b64decode(png["data"])
    assert data.startswith(PNG_SIGNATURE)
    pixels = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert pixels[0] >= 2 * png["width"] and pixels[1] >= 2 * png["height"]  # sharp on high-density screens


@pytest.mark.fast
def test_figures_are_the_same_bytes_on_every_run(drawn, tmp_path):
    again = run(tmp_path, draws=DRAWS, big=BIG)
    assert again["draws"].figures == drawn["draws"].figures
    assert again["big"].figures == drawn["big"].figures
    assert "<dc:date>" not in drawn["draws"].figures[0]["data"]  # matplotlib dates an SVG unless told not to


@pytest.mark.fast
def test_a_snippet_that_does_not_draw_does_not_import_matplotlib(drawn, tmp_path):
    assert drawn["plain"].facts[0]["value"] is False and drawn["plain"].figures == []
    drew = run(tmp_path, d=DRAWS + "# memo: fact drew: 'matplotlib' in sys.modules\nimport sys\n")["d"]
    assert drew.facts[0]["value"] is True  # the fact can tell


@pytest.mark.fast
def test_text_is_drawn_with_matplotlibs_own_fonts_whatever_the_machine_has(drawn):
    assert drawn["fonts"].facts[0]["value"] is True


@pytest.mark.fast
def test_a_figure_without_a_title_has_no_alt_text_and_fails(drawn):
    r = drawn["untitled"]
    assert r.status == "error" and "figure 1 has no title" in r.message


@pytest.mark.fast
def test_the_cache_key_names_what_draws_the_figures():
    described = Interpreter.current().describe()
    assert re.search(r"matplotlib \d+\.\d+", described) and re.search(r"pillow \d+\.\d+", described)


def figure(title: str, mime: str = "image/svg+xml") -> dict:
    data = "<svg/>" if mime == "image/svg+xml" else base64.b64encode(PNG_SIGNATURE).decode()
    return {"mime": mime, "data": data, "width": 400, "height": 300, "title": title,
            "text": "<Figure size 400x300 with 1 Axes>", "plotted": "0" * 64}


def result(*figures) -> Result:
    return Result(status="ok", output="text\n", streams=[["stdout", 5]], figures=list(figures),
                  stamp={"torch": "2.0.0", "python": "3.11.7", "platform": "Linux x86_64"})


@pytest.mark.fast
def test_alt_text_is_the_title_in_each_language():
    s = snippet.parse("t/a.py", "snippets/t/a.py", "print('text')\n# memo: figure ko: 첫째\n# memo: figure ko: 둘째\n")
    r = result(figure("first"), figure("second", "image/png"))
    for lang, alts in {"ko": ["첫째", "둘째"], "en": ["first", "second"]}.items():
        html = BeautifulSoup(render.output(s, r, lang), "html.parser")
        images = html.select(".memo-output pre ~ .memo-output__figures img")  # under the text output
        assert [i["alt"] for i in images] == alts
        assert [i.get("lang") for i in images] == [None, None]
        assert [i["src"].split(";")[0] for i in images] == ["data:image/svg+xml", "data:image/png"]
        assert [(i["width"], i["height"]) for i in images] == [("400", "300")] * 2
    untranslated = snippet.parse("t/b.py", "snippets/t/b.py", "print('text')\n")
    (image,) = BeautifulSoup(render.output(untranslated, result(figure("first")), "ko"), "html.parser").select("img")
    assert (image["alt"], image["lang"]) == ("first", "en")  # said as English, in which it is written


@pytest.mark.fast
def test_a_figure_title_in_english_is_the_one_it_draws():
    with pytest.raises(snippet.SnippetError, match="the one it draws"):
        snippet.parse("t/a.py", "snippets/t/a.py", "# memo: figure en: drawn\n")


@pytest.mark.fast
def test_notebook_holds_each_figure_as_a_kernel_displays_it(tmp_path):
    from mkdocs_jupyter.convert import nb2html

    s = snippet.parse("t/a.py", "snippets/t/a.py", "print('text')\n# memo: figure ko: 첫째\n")
    r = result(figure("first"))
    nb = notebook.build("T", "{{ run t/a.py }}\n", "ko", "2.0.0", {"t/a.py": s}, {"t/a.py": r})
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert [o.output_type for o in cell.outputs] == ["stream", "display_data"]
    shown = cell.outputs[1]
    assert shown.data == {"text/plain": "<Figure size 400x300 with 1 Axes>", "image/svg+xml": "<svg/>"}
    assert shown.metadata["image/svg+xml"]["alt"] == "첫째"
    setup = [c for c in nb.cells if c.cell_type == "code"][1].source
    assert "%matplotlib inline" in setup and "def render(fig):" in setup  # the engine's own render, replayed
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    html = notebook.with_figure_alts(nb2html(str(path)), path)
    assert [i["alt"] for i in BeautifulSoup(html, "html.parser").select(".jp-OutputArea img")] == ["첫째"]
    plain = notebook.build("T", "{{ run t/a.py }}\n", "ko", "2.0.0", {"t/a.py": s}, {"t/a.py": result()})
    assert "matplotlib" not in plain.cells[2].source  # a notebook without figures does not import it


def manifest(torch: str, plotted: str, data: str) -> dict:
    fig = {"title": "mask", "sha256": data, "plotted": plotted}
    return {"release": releases.name(torch), "torch": torch, "python": "3.11.7", "claims": {},
            "snippets": {"p/x.py": {"status": "ok", "output": "same\n", "figures": [fig], "nondeterministic": False,
                                    "requires": None, "page": "p/", "anchor": "run-x"}}}


@pytest.mark.fast
def test_a_release_comparison_compares_what_figures_plot():
    (step,) = releases.steps([manifest("2.13.0", "a" * 64, "1"), manifest("2.14.1", "a" * 64, "2")])
    assert step.changes == []  # drawn differently, the same data
    (step,) = releases.steps([manifest("2.13.0", "a" * 64, "1"), manifest("2.14.1", "b" * 64, "2")])
    (d,) = step.changes
    assert d.kind == "behaviour" and "-figure 1: mask (plotted data aaaaaaaaaaaa)" in d.diff
    assert [c.what for c in d.changes] == ["figure"]
    assert history.sentence(d.changes[0], "2.13", "en") == "The figure “mask” plots other data."


SITE_PAGE = "rnn-dropout-mask"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_masks_are_figures_on_the_page_and_in_its_notebook(site, lang):
    """Built site: each RNN snippet's figure under its output, titled in the page's language, and the same
    figures, in the same order, in the page's notebook and on the notebook's page."""
    folder = "en/" if lang == "en" else ""
    page = BeautifulSoup((site / folder / SITE_PAGE / "index.html").read_text("utf-8"), "html.parser")
    images = page.select("article .memo-output .memo-output__figures img")
    names = ["lstm-mask-per-step", "gru-mask-per-step", "locked-dropout"]
    assert [i.find_parent(class_="memo-output")["id"] for i in images] == [f"run-{n}" for n in names]
    sources = [snippet.load(ROOT / "snippets", f"{SITE_PAGE}/{n}.py") for n in names]
    expected = [t.text for s in sources for t in s.titles] if lang == "ko" else [
        re.search(r'plt\.title\("([^"]+)"\)', s.source)[1] for s in sources]
    assert [i["alt"] for i in images] == expected and not any(i.get("lang") for i in images)
    nb = nbformat.read(site / folder / "notebooks" / SITE_PAGE / f"{SITE_PAGE}.ipynb", as_version=4)
    displayed = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "display_data"]
    assert [i["src"] for i in images] == [_data_uri(o) for o in displayed]
    rendered = BeautifulSoup((site / folder / "notebooks" / SITE_PAGE / "index.html").read_text("utf-8"),
                             "html.parser").select("article .jp-OutputArea img")
    assert [(i["alt"], i["src"]) for i in rendered] == [(i["alt"], i["src"]) for i in images]


def _data_uri(output) -> str:
    mime = next(m for m in output.data if m.startswith("image/"))
    data = output.data[mime]
    return f"data:{mime};base64," + (data if mime == "image/png" else base64.b64encode(data.encode()).decode())
