"""What mkdocs_memos/incremental.py relies on in MkDocs, Material and nbconvert as pinned: each test drives the
upstream code directly, so that an upgrade that moves one of these internals fails here, not in `mkdocs serve`."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_memos import incremental

pytestmark = pytest.mark.fast


def mkdocs_config(tmp_path, **values) -> MkDocsConfig:
    config = MkDocsConfig()
    (tmp_path / "docs").mkdir(exist_ok=True)
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path / "docs"), **values})
    config.validate()
    return config


def test_nbconvert_makes_a_template_environment_for_each_exporter_which_is_wrapped_once():
    from nbconvert.exporters import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    create = TemplateExporter._create_environment
    assert HTMLExporter().environment is not HTMLExporter().environment  # compiled again for each, upstream
    templates = incremental.Templates()
    try:
        templates.compile_notebook_templates_once()
        wrapped = TemplateExporter._create_environment
        incremental.Templates().compile_notebook_templates_once()  # a second call wraps nothing more
        assert TemplateExporter._create_environment is wrapped
        assert HTMLExporter().environment.bytecode_cache is templates
    finally:
        TemplateExporter._create_environment = create


def test_a_page_render_sets_what_renders_keeps(tmp_path):
    """incremental.Render holds every attribute MkDocs' Page.render sets; a reused render sets them back."""
    config = mkdocs_config(tmp_path)
    (tmp_path / "docs" / "a.md").write_text("# Title\n\n## Part\n\n[b](b.md#x)\n")
    (tmp_path / "docs" / "b.md").write_text("# B\n")
    files = Files([File(n, config.docs_dir, str(tmp_path / "site"), True) for n in ("a.md", "b.md")])
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.read_source(config)
    page.render(config, files)
    made = vars(page)
    for attribute in ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"):
        assert attribute in made, attribute
    assert page.present_anchor_ids == {"title", "part"} and page.title == "Title"

    renders = incremental.Renders()
    again = Page(None, files.get_file_from_path("a.md"), config)
    again.read_source(config)
    renders.reuse(again, config, files)
    again.render(config, files)
    reused = Page(None, files.get_file_from_path("a.md"), config)
    reused.read_source(config)
    renders.reuse(reused, config, files)
    reused.render(config, files)
    assert renders.done() == [again.url]  # converted once, reused once
    assert (reused.content, str(reused.toc), reused.title) == (page.content, str(page.toc), page.title)


def test_material_search_parses_each_page_through_one_method_into_its_entries(tmp_path):
    from material.plugins.search.plugin import SearchPlugin

    search = SearchPlugin()
    search.load_config({})
    search.on_config(mkdocs_config(tmp_path, theme={"name": "material"}))
    index = search.search_index
    assert callable(index.add_entry_from_context) and index.entries == []
    page = SimpleNamespace(content='<h1 id="t">T</h1><p>text</p>', meta={}, url="a/", title="T", toc=[],
                           file=SimpleNamespace(src_uri="a.md"))
    entries = incremental.SearchEntries()
    entries.install(search)
    index.add_entry_from_context(page)
    first = list(index.entries)
    assert first and all(e["location"].startswith("a/") for e in first)
    index.add_entry_from_context(page)  # the same page again: its entries reused, not parsed
    assert index.entries == first + first


def test_mkdocs_renders_pages_through_the_environments_template_class(tmp_path):
    config = mkdocs_config(tmp_path, theme={"name": "mkdocs"})
    env = config.theme.get_env()
    assert env is not config.theme.get_env()  # a new environment for every build
    pages = incremental.Pages()
    pages.install(env, config)
    assert isinstance(env.get_template("main.html"), incremental.PageTemplate)
    assert issubclass(incremental.PageTemplate, jinja2.Template)


def test_pymdownx_highlights_each_block_through_pygments_and_once_wrapped_only_new_blocks_are_highlighted(monkeypatch):
    import markdown
    import pymdownx.highlight

    def converted(*blocks: str) -> str:
        md = markdown.Markdown(extensions=["pymdownx.highlight", "pymdownx.superfences"])
        return md.convert("\n\n".join(f"```python\n{b}\n```" for b in blocks))

    pygments = pymdownx.highlight.highlight
    expected = converted("x = 1", "y = [2]"), converted("x = 1", "z = {3}")
    highlighted = []
    monkeypatch.setattr(pymdownx.highlight, "highlight", lambda code, *a: highlighted.append(code) or pygments(code, *a))
    highlights = incremental.Highlights()
    highlights.install()
    highlights.install()  # a second call wraps nothing more
    assert converted("x = 1", "y = [2]") == expected[0]
    highlights.done()  # the next build
    assert converted("x = 1", "z = {3}") == expected[1]
    assert highlighted == ["x = 1", "y = [2]", "z = {3}"]


def test_made_gives_the_last_builds_result_for_the_same_arguments_and_forgets_what_a_build_did_not_use():
    made, calls = incremental.Made(), []

    def light(html: str) -> str:
        calls.append(html)
        return html.upper()

    assert made(light, "<p>a</p>") == made(light, "<p>a</p>") == "<P>A</P>"
    assert made(light, "<p>b</p>") == "<P>B</P>"
    made.done()  # the next build uses only the first page
    assert made(light, "<p>a</p>") == "<P>A</P>"
    made.done()
    assert made(light, "<p>b</p>") == "<P>B</P>"  # made again: the build before did not use it
    assert calls == ["<p>a</p>", "<p>b</p>", "<p>b</p>"]
