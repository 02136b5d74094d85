"""Each shim of mkdocs_memos/shims.py, against the upstream behaviour it works around.

The first test of each pair drives the upstream plugin as pinned and shows the behaviour is still there: when
an upgrade fixes it, that test fails, and the shim is to be removed rather than carried. The second shows the
shim doing its job. No MkDocs build: the plugins' own event methods are called.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from mkdocs_memos import shims

pytestmark = pytest.mark.fast


def mkdocs_config(**values) -> MkDocsConfig:
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", **values})
    config.validate()
    return config


def mike_on_config(config, monkeypatch, release="2.14"):
    from mike.mkdocs_plugin import MikePlugin

    monkeypatch.setenv(shims.MIKE_RELEASE_VARIABLE, release)
    plugin = MikePlugin()
    plugin.load_config({})
    plugin.on_config(config)


def test_mike_appends_the_release_again_to_a_site_url_that_has_it(monkeypatch):
    config = mkdocs_config(site_url="https://example.github.io/memos/")
    mike_on_config(config, monkeypatch)
    assert config.site_url == "https://example.github.io/memos/2.14"
    config.site_url += "/"  # as static-i18n's next on_config pass sees it
    mike_on_config(config, monkeypatch)
    assert config.site_url == "https://example.github.io/memos/2.14/2.14"


def test_site_url_survives_every_on_config_pass(monkeypatch):
    config = mkdocs_config(site_url="https://example.github.io/memos/")
    for _ in range(3):  # the outer build, then static-i18n's pass for each language
        shims.site_url_before_mike(config, "2.14")
        mike_on_config(config, monkeypatch)
        shims.site_url_after_mike(config)
        assert config.site_url == "https://example.github.io/memos/2.14/"


def test_mike_release_is_read_from_mikes_variable(monkeypatch):
    monkeypatch.delenv(shims.MIKE_RELEASE_VARIABLE, raising=False)
    assert shims.mike_release() is None
    monkeypatch.setenv(shims.MIKE_RELEASE_VARIABLE, "2.13")
    assert shims.mike_release() == "2.13"


def test_version_selector_is_dropped_outside_mike():
    config = mkdocs_config(extra={"version": {"provider": "mike"}})
    shims.version_selector_only_under_mike(config, "2.14")
    assert "version" in config.extra
    shims.version_selector_only_under_mike(config, None)
    assert "version" not in config.extra


def jupyter_plugin(cache_dir):
    from mkdocs_jupyter.plugin import Plugin

    plugin = Plugin()
    plugin.load_config({"cache_dir": str(cache_dir)})
    return plugin


def test_mkdocs_jupyter_evicts_what_one_build_did_not_use(tmp_path):
    (tmp_path / "other-language.json").write_text("{}")
    plugin = jupyter_plugin(tmp_path)
    plugin._used_cache_paths = set()
    plugin.on_post_build(None)
    assert not (tmp_path / "other-language.json").exists()


def test_jupyter_cache_is_kept_per_language(tmp_path):
    plugin = jupyter_plugin(tmp_path / "shared")
    config = SimpleNamespace(plugins={"mkdocs-jupyter": plugin}, theme={"language": "en"})
    shims.jupyter_cache_per_language(config, tmp_path / "jupyter")
    assert plugin.config["cache_dir"] == str(tmp_path / "jupyter" / "en-styles-linked")


def test_quiet_jupyter_keeps_its_warnings():
    shims.quiet_jupyter()
    logger = logging.getLogger("mkdocs.plugins.mkdocs_jupyter")
    assert not logger.isEnabledFor(logging.INFO) and logger.isEnabledFor(logging.WARNING)


def redirects_plugin(maps):
    from mkdocs_redirects.plugin import RedirectPlugin

    plugin = RedirectPlugin()
    plugin.load_config({"redirect_maps": maps})
    return plugin


def english_files(tmp_path):
    """The English pass's files as static-i18n 1.3.1 leaves them: the translation served under en/."""
    (tmp_path / "new.en.md").write_text("# New\n")
    file = File("new.en.md", str(tmp_path), str(tmp_path / "site"), True)
    file.url, file.dest_uri = "en/new/", "en/new/index.html"
    return Files([file])


def test_redirects_record_their_targets_before_static_i18n_moves_them():
    from mkdocs_redirects.plugin import RedirectPlugin
    from mkdocs_static_i18n.plugin import I18n

    priority = getattr(RedirectPlugin.on_files, "mkdocs_priority", 0)
    assert priority > getattr(I18n.on_files, "mkdocs_priority", 0), "mkdocs-redirects now runs after static-i18n"


def test_redirects_are_written_by_their_own_language(tmp_path):
    plugin = redirects_plugin({"old.md": "new.md", "en/old.md": "new.en.md"})
    files = english_files(tmp_path)
    config = SimpleNamespace(plugins={"redirects": plugin}, theme={"language": "en"})
    shims.redirects_per_language(files, config)
    assert plugin.redirects == {"en/old.md": "new.en.md"}
    assert plugin.doc_pages == {"new.en.md": files.documentation_pages()[0]}


def test_the_language_selector_reads_the_alternates_given_to_notebook_pages(tmp_path):
    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    i18n = SimpleNamespace(default_language="ko", build_languages=["ko", "en"])
    file = File("en/notebooks/a.ipynb", str(tmp_path), str(tmp_path / "site"), True)
    file.url = "en/notebooks/a/"  # as mkdocs-jupyter makes it a page
    shims.notebook_alternates(file, i18n, "en")
    selector = SimpleNamespace(extra_alternate=[{"lang": "ko", "link": "/"}, {"lang": "en", "link": "/en/"}])
    config = SimpleNamespace(extra=SimpleNamespace())
    page = SimpleNamespace(url=file.url, file=file)
    ExtendedPlugin.reconfigure_page_context(selector, {}, page, config, None)
    assert [a["link"] for a in config.extra.alternate] == ["notebooks/a/", "en/notebooks/a/"]


HTML = ('<head><link rel="alternate" href="/memos/en/" hreflang="en"></head>'
        '<a href="/memos/en/" hreflang="en">English</a><a href="/memos/" hreflang="ko">한국어</a>')


def test_language_links_are_made_relative_and_head_alternates_dropped():
    out = shims.relative_language_links(HTML, "en/", "https://example.github.io/memos/")
    assert 'rel="alternate"' not in out
    assert '<a href="./" hreflang="en">' in out and '<a href="../" hreflang="ko">' in out


@pytest.mark.parametrize("html,scanned", [
    ('<h1 id="t">T</h1><p data-search-exclude="x">cell</p>', True),
    ('<h1 id="t">T</h1><p class="data-search">cell</p>', False),
])
def test_search_indexes_and_strips_its_attributes_as_before_but_scans_only_pages_that_have_them(html, scanned):
    from material.plugins.search.plugin import SearchPlugin

    shims.search_scans_only_pages_with_its_attributes()

    def searched(on_page_context):
        search = SearchPlugin()
        search.load_config({})
        search.on_config(mkdocs_config(theme={"name": "material"}))
        page = SimpleNamespace(content=html, meta={}, title="T", url="t/", toc=[], file=SimpleNamespace(src_uri="t.md"))
        with mock.patch("material.plugins.search.plugin.re.sub", side_effect=re.sub) as sub:
            on_page_context(search, {}, page=page, config=None, nav=None)
        return page.content, search.search_index.entries, sub.called

    before = searched(SearchPlugin.on_page_context.memos_original)
    after = searched(SearchPlugin.on_page_context)
    assert after[:2] == before[:2] and after[1]
    assert after[2] == scanned


def imported_after(code: str) -> dict:
    """Which of the notebook converters' modules a fresh interpreter holds after running `code` (a stand-in,
    the module, or nothing), and what it printed."""
    probe = code + "\nimport sys, json\nprint(json.dumps({m: type(sys.modules.get(m)).__name__ for m in " \
                   "('nbconvert', 'jupytext', 'mkdocs_jupyter.convert')}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    *printed, found = done.stdout.splitlines()
    return {**json.loads(found), "printed": printed}


def test_importing_mkdocs_jupyters_plugin_imports_nbconvert_and_jupytext():
    found = imported_after("import mkdocs_jupyter.plugin")
    assert found == {"nbconvert": "module", "jupytext": "module", "mkdocs_jupyter.convert": "module", "printed": []}


def test_notebook_converters_are_imported_when_first_used(tmp_path):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}],
                                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    loaded = "import mkdocs_memos.plugin, mkdocs_jupyter.plugin\n"
    assert imported_after(loaded) == {"nbconvert": "NoneType", "jupytext": "Deferred",
                                      "mkdocs_jupyter.convert": "Deferred", "printed": []}
    # Converting a notebook imports its converter (not jupytext, which it does not use), and what waited for it
    # (the compiled templates' cache) is called before the conversion.
    used = loaded + (
        "from mkdocs_memos import shims\n"
        "shims.when_imported('mkdocs_jupyter.convert', lambda: print('then'))\n"
        f"html = mkdocs_jupyter.plugin.convert.nb2html({str(notebook)!r})\n"
        "print('converted' if 'Title' in html else html)\n"
    )
    assert imported_after(used) == {"nbconvert": "module", "jupytext": "Deferred", "mkdocs_jupyter.convert": "module",
                                    "printed": ["then", "converted"]}


def styles_inlined(tmp_path, before: str = "") -> list[str]:
    """The stylesheets inlined into a notebook (an empty one) as mkdocs-jupyter converts it, `before` run first."""
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    convert = before + f"import mkdocs_jupyter.convert\nprint(mkdocs_jupyter.convert.nb2html({str(notebook)!r}))"
    html = subprocess.run([sys.executable, "-c", convert], capture_output=True, text=True, check=True).stdout
    return re.findall(r'<style type="text/css">\n(.*?)</style>', html, re.DOTALL)


def test_mkdocs_jupyter_inlines_its_stylesheets_into_every_notebook(tmp_path):
    assets = importlib.resources.files("mkdocs_jupyter") / "templates" / shims.NOTEBOOK_ASSETS
    inlined = styles_inlined(tmp_path)
    assert all((assets / name).read_text(encoding="utf-8") in inlined for name in ("index.css", "theme-light.css"))


def test_notebook_styles_are_left_out_and_are_the_linked_stylesheet(tmp_path):
    inlined = styles_inlined(tmp_path)
    kept = styles_inlined(tmp_path, "from mkdocs_memos import shims\nshims.notebook_styles_linked()\n")
    left_out = [css for css in inlined if css not in kept]
    assert "\n".join(left_out) == shims.notebook_stylesheet("")
    assert kept  # nbconvert's own (its code highlighting) stay in the page


def theme_files(config) -> list[str]:
    """The theme's files MkDocs 1.6.1 copies into the site, as its build collects them."""
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted(f.src_uri for f in files)


def test_mkdocs_lists_materials_icons_only_to_drop_them():
    config = mkdocs_config(theme={"name": "material"})
    assert sum(name.startswith(".icons/") for name in config.theme.get_env().list_templates()) > 10_000
    assert not any(".icons" in name for name in theme_files(config))


def test_theme_files_are_the_same_without_listing_dot_folders():
    config = mkdocs_config(theme={"name": "material"})
    before = theme_files(config)
    for _ in range(2):  # each language's pass of on_config
        shims.theme_files_without_dot_folders(config.theme)
    env = config.theme.get_env()
    assert not any(name.startswith(".") for name in env.list_templates())
    assert before and theme_files(config) == before
    assert "<svg" in env.get_template(".icons/material/weather-night.svg").render()  # templates still include them


def live_reload_server(root):
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))


def test_mkdocs_serve_polls_for_changes_every_half_second(tmp_path):
    from watchdog.observers.polling import PollingObserver

    server = live_reload_server(tmp_path)
    assert isinstance(server.observer, PollingObserver) and server.observer.timeout == 0.5
    assert server.build_delay == 0.1  # and waits this long after a change for the next one
    server.server_close()


def test_serve_polls_more_often_and_still_sees_every_watched_folder(tmp_path):
    server = live_reload_server(tmp_path)
    folders = [tmp_path / "docs", tmp_path / "snippets"]
    for folder in folders:
        folder.mkdir()
        server.watch(str(folder))
    server.watch(str(folders[0]))  # asked twice: unwatched once, it stays watched
    shims.serve_polling_interval(server, 0.05)
    assert server.observer.timeout == 0.05
    assert 0.05 < server.build_delay < 0.1  # waits for one more look, not longer
    server.unwatch(str(folders[0]))
    server.observer.start()
    try:
        for folder in folders:
            with server._rebuild_cond:
                server._want_rebuild = False
            (folder / "edited.md").write_text("new\n")
            with server._rebuild_cond:
                assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=30), folder
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()


def test_static_i18n_merges_every_languages_search_entries_and_material_fetches_one_address():
    import inspect

    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    merge = inspect.getsource(ExtendedPlugin.reconfigure_search_index)
    assert "search_index_entries.extend(self.search_entries)" in merge and "plugin.on_post_build" in merge
    assets = importlib.resources.files("material") / "templates" / "assets" / "javascripts"
    (bundle,) = [p for p in assets.iterdir() if p.name.startswith("bundle.") and p.name.endswith(".min.js")]
    text = bundle.read_text(encoding="utf-8")
    assert 'new URL("search/search_index.json",' in text and 'o.open("GET",`${e}`)' in text


def test_each_language_keeps_its_own_search_index(tmp_path):
    index = tmp_path / shims.SEARCH_INDEX
    index.parent.mkdir()
    kept = {}
    for lang in ("ko", "en"):  # each language's build writes its index, then the merged one overwrites it
        index.write_text(f'{{"docs": ["{lang}"]}}')
        shims.search_index_kept(str(tmp_path), lang, kept)
    index.write_text('{"docs": ["ko", "en"]}')
    i18n = SimpleNamespace(default_language="ko")
    shims.search_index_per_language(SimpleNamespace(site_dir=str(tmp_path), plugins={"i18n": i18n}), kept)
    assert json.loads(index.read_text()) == {"docs": ["ko"]}
    assert json.loads((tmp_path / "en" / shims.SEARCH_INDEX).read_text()) == {"docs": ["en"]}


def test_mike_looks_up_each_themes_selector_once_and_still_finds_none_for_material():
    import mike.mkdocs_plugin as mike

    shims.mike_theme_looked_up_once()
    shims.mike_theme_looked_up_once()  # a second call wraps nothing more
    assert mike.get_theme_dir.memos_lookup is not None and not hasattr(mike.get_theme_dir.memos_lookup, "memos_lookup")
    with mock.patch("mike.mkdocs_plugin.metadata.entry_points", wraps=mike.metadata.entry_points) as scans:
        for _ in range(2):
            with pytest.raises(ValueError, match="unsupported"):  # as for Material
                mike.get_theme_dir("not-a-mike-theme")
    assert scans.call_count == 1
    assert Path(mike.get_theme_dir("mkdocs")).is_dir()  # a theme mike has files for
