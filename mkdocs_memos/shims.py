"""Where the plugins this site builds with do not fit together, and how each is worked around.

Each shim names the release it was written against (requirements.txt pins them) and the behaviour it works
around; tests/test_shims.py drives that upstream behaviour directly and fails when it changes, so that a shim
no longer needed is removed instead of carried.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import logging
import os
import re
import sys
import types
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import jinja2
import markupsafe

from mkdocs_memos.engine.pages.addresses import language, relative

# mike 2.2.0 tells the build which release it deploys through this variable, and reads it in its on_config.
MIKE_RELEASE_VARIABLE = "MIKE_DOCS_VERSION"

# mkdocs-jupyter 0.26.3's plugin module imports jupytext, and nbconvert through its `convert` module, when MkDocs
# loads the plugin: the largest part of a build's start-up (nbconvert's command-line class instantiates every
# exporter to list them in its help), although a build that finds every notebook in mkdocs-jupyter's cache
# converts none. They stand in sys.modules until the plugin first uses them (`defer_notebook_converters`).
NOTEBOOK_CONVERTERS = ("jupytext", "mkdocs_jupyter.convert")
# Where mkdocs-jupyter 0.26.3 keeps the stylesheets its template inlines, and where the site serves them instead
# (`notebook_styles_linked`).
NOTEBOOK_ASSETS = "mkdocs_html/assets/"
NOTEBOOK_STYLESHEET = "assets/notebook.css"
# static-i18n 1.3.1 makes each page's `<link rel="alternate" hreflang>` point at that page in the other
# language, and Material fetches `sitemap.xml` next to each of them: a 404 on every page view. The sitemap
# already carries the same hreflang alternates for search engines, and memos.js does the language switching.
HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
# static-i18n 1.3.1 writes the home pages' language links root-relative (`/pytorch-memos/en/`): they break
# wherever the site is served under another path (a local server, mike's release folders).
LANGUAGE_LINK = re.compile(r'(<a href=")(/[^"]*)(" hreflang=)')


class Deferred(types.ModuleType):
    """Stands in sys.modules for a module that is not imported yet, and imports it when one of its attributes is
    first read (LazyLoader cannot: Python 3.11's `import` statement reads `__spec__`, which loads a lazy module).
    Its own attributes are prefixed so as not to hide the module's."""

    def __init__(self, name: str):
        super().__init__(name)
        self._memos_then: list = []  # called once the module is imported (`when_imported`)

    def __getattr__(self, attr: str):  # only for what the stand-in lacks: every attribute of the module
        return getattr(self._memos_import(), attr)

    def _memos_import(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        module = importlib.import_module(self.__name__)
        then, self._memos_then = self._memos_then, []
        for call in then:
            call()
        return module


def defer_notebook_converters() -> None:
    """Put a stand-in for each of NOTEBOOK_CONVERTERS not imported yet. Called as the memos plugin's module is
    imported, which must come before mkdocs-jupyter's: mkdocs.yml lists memos before it."""
    for name in NOTEBOOK_CONVERTERS:
        if name not in sys.modules:
            sys.modules[name] = Deferred(name)


def when_imported(name: str, then) -> None:
    """Call `then` once the module `name` is imported: now, or when its stand-in imports it."""
    module = sys.modules.get(name)
    if isinstance(module, Deferred):
        module._memos_then.append(then)
    else:
        then()


def serve_polling_interval(server, seconds: float) -> None:
    """MkDocs 1.6.1's `serve` looks for changed files every 0.5 s (LiveReloadServer's `polling_interval`, which
    `mkdocs serve` does not let one set), so a save waits for the next look before its rebuild begins. Looking
    at the watched folders (docs/, snippets/) is cheap, so it is done more often: the folders watched so far are
    watched again by an observer with the shorter interval. After a change, the server waits until nothing more
    changes for `build_delay` (0.1 s) before it rebuilds, so that an editor's save in several writes makes one
    rebuild: one look and a little more is enough to see the next of those writes."""
    server.build_delay = seconds * 1.2
    watched = dict(server._watched_paths)  # path -> how many asked for it
    for path, times in watched.items():
        for _ in range(times):
            server.unwatch(path)
    server.observer = type(server.observer)(timeout=seconds)
    for path, times in watched.items():
        for _ in range(times):
            server.watch(path)


class ThemeLoader(jinja2.FileSystemLoader):
    """Lists a theme's files without descending into folders whose names start with a dot."""

    def list_templates(self) -> list[str]:
        found = set()
        for root in self.searchpath:
            for folder, subfolders, names in os.walk(root, followlinks=self.followlinks):
                subfolders[:] = [d for d in subfolders if not d.startswith(".")]
                found.update(Path(folder, name).relative_to(root).as_posix() for name in names)
        return sorted(found)


def theme_files_without_dot_folders(theme) -> None:
    """MkDocs 1.6.1 lists every file of the theme to find the static files it copies, then drops by name those
    under a folder starting with a dot (`.*`, `*/.*`): Material 9.8.1's icons (.icons/, most of the theme's
    files), walked and matched against its patterns by each language's build. Not listed at all, they are
    dropped just the same; templates still load them (`{% include ".icons/..." %}`)."""
    if getattr(theme.get_env, "dotless", False):  # static-i18n runs on_config again for each language
        return
    get_env = theme.get_env

    def env() -> jinja2.Environment:
        made = get_env()
        made.loader = ThemeLoader(theme.dirs)  # before any template is loaded through the one it replaces
        return made

    env.dotless = True
    theme.get_env = env


def mike_release() -> str | None:
    """The release `mike deploy` is building (e.g. "2.14"); None in a plain build."""
    return os.environ.get(MIKE_RELEASE_VARIABLE)


def site_url_before_mike(config, release: str | None) -> None:
    """mike 2.2.0 appends the release to site_url with urljoin(site_url, "2.14"), which gives the same result
    twice only while site_url has no trailing slash; static-i18n 1.3.1 runs on_config again for each language."""
    if release and (config.site_url or "").endswith(f"/{release}/"):
        config.site_url = config.site_url.rstrip("/")


def site_url_after_mike(config) -> None:
    """Without the trailing slash static-i18n 1.3.1 writes ".../2.14en/" into the sitemap, where Material's
    version selector and search engines look pages up."""
    if config.site_url and not config.site_url.endswith("/"):
        config.site_url += "/"


def version_selector_only_under_mike(config, release: str | None) -> None:
    """Material 9.8's version selector reads versions.json next to the release folders that mike deploys; a
    plain build has neither, and would show a selector that fails to load."""
    if not release:
        config.extra.pop("version", None)


def jupyter_cache_per_language(config, cache_root: Path) -> None:
    """mkdocs-jupyter 0.26.3 evicts, after each build, the cached renderings that build did not use;
    static-i18n builds each language separately, so with one folder each language evicted the other's."""
    if "mkdocs-jupyter" in config.plugins:
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["cache_dir"] = str(jupyter_cache_dir(cache_root, config.theme["language"]))


def jupyter_cache_dir(cache_root: Path, lang: str) -> Path:
    # Renderings made before `notebook_styles_linked` hold the stylesheets inline: the folder's name says
    # which kind it holds, so that none of those is reused.
    return cache_root / f"{lang}-styles-linked"


def notebook_styles_linked() -> None:
    """mkdocs-jupyter 0.26.3's template inlines its stylesheets (`resources.include_css`) into every notebook it
    renders: JupyterLab's whole stylesheet, most of each notebook page, parsed again by nbconvert's HTML pass in
    every conversion and downloaded again with every notebook page. Here they are left out of the rendering:
    the plugin writes that CSS (`notebook_stylesheet`), cut down to what the notebook pages use, as one file,
    which the theme links on notebook pages (overrides/main.html). Called once nbconvert is imported
    (`when_imported`)."""
    from nbconvert.exporters.html import HTMLExporter

    init = HTMLExporter._init_resources
    if getattr(init, "styles_linked", False):
        return

    def _init_resources(self, resources):
        resources = init(self, resources)
        include_css = resources["include_css"]
        resources["include_css"] = lambda name: (
            markupsafe.Markup("") if name.startswith(NOTEBOOK_ASSETS) else include_css(name)
        )
        return resources

    _init_resources.styles_linked = True
    HTMLExporter._init_resources = _init_resources


def notebook_stylesheet(theme: str) -> str:
    """The CSS mkdocs-jupyter 0.26.3's template inlines for `theme` (its `theme` option: light unless "dark")."""
    assets = importlib.resources.files("mkdocs_jupyter") / "templates" / NOTEBOOK_ASSETS
    names = ("index.css", "theme-dark.css" if theme == "dark" else "theme-light.css")
    return "\n".join((assets / name).read_text(encoding="utf-8") for name in names)


def quiet_jupyter() -> None:
    """mkdocs-jupyter 0.26.3 logs up to three INFO lines per notebook and build; its warnings still show."""
    for name in ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter"):
        logging.getLogger(name).setLevel(logging.WARNING)


def redirects_per_language(files, config) -> None:
    """mkdocs-redirects 1.2.2 looks its targets up before static-i18n 1.3.1 has moved the English pages under
    en/, so an English target resolved to `new-page.en/`. Each language's build writes the redirects to its
    own pages (`en/old-page.md: new-page.en.md` for English) and leaves the other language's to its build."""
    redirects = config.plugins.get("redirects")
    if redirects is None:
        return
    lang = config.theme["language"]
    redirects.doc_pages = {f.src_uri: f for f in files.documentation_pages()}
    redirects.redirects = {
        old: new for old, new in redirects.config["redirect_maps"].items()
        if language(new.partition("#")[0]) == lang
    }


# Where Material 9.8.1's search plugin writes its index, in the site's folder, and where its JavaScript fetches
# it: `new URL("search/search_index.json", base)` through XMLHttpRequest, the same address on every page.
SEARCH_INDEX = "search/search_index.json"


def search_index_kept(site_dir: str, lang: str, kept: dict) -> None:
    """static-i18n 1.3.1 merges every language's search entries into one index, which it writes last
    (reconfigure_search_index): a Korean page would find English entries, and count them among its results.
    Each language's own build writes the index of its own pages first: it is kept here, as each language's
    build ends, and written into that language's folder once the merged one is written (`search_index_per_language`).
    """
    kept[lang] = Path(site_dir, SEARCH_INDEX).read_bytes()


def search_index_per_language(config, kept: dict) -> None:
    """Each language's index into its own folder (`i18n_folder`): the default language's in place of the merged
    one. A page of another language asks for it instead of the shared address (overrides/main.html)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return
    for lang, index in kept.items():
        path = Path(config.site_dir, i18n_folder(i18n, lang), SEARCH_INDEX)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(index)


def i18n_folder(i18n, lang: str) -> str:
    """Where static-i18n 1.3.1 puts a language's pages."""
    return "" if lang == i18n.default_language else f"{lang}/"


def notebook_src(i18n, lang: str, stem: str) -> str:
    """Where the notebook of the page `stem` goes among the files of `lang` (static-i18n's folder for it)."""
    return i18n_folder(i18n, lang) + f"notebooks/{stem or 'index'}.ipynb"


def toc_ids_renamed(toc, renamed: dict[str, str]) -> None:
    """mkdocs-jupyter 0.26.3 makes a notebook page's table of contents (and Material's "skip to content" link)
    from nbconvert's slugs of its headings: the same ids as the headings, once those are renamed."""
    for item in toc:
        item.id = renamed.get(item.id, item.id)
        toc_ids_renamed(item.children, renamed)


def notebook_alternates(file, i18n, lang: str) -> None:
    """What static-i18n 1.3.1's language selector reads on a page's file, for a file it did not make itself:
    the same notebook in each language."""
    here = file.url.removeprefix(i18n_folder(i18n, lang))
    file.locale = file.locale_alternate_of = lang
    file.alternates = {other: SimpleNamespace(url=i18n_folder(i18n, other) + here) for other in i18n.build_languages}


def relative_language_links(output: str, page_url: str, site_url: str | None) -> str:
    """The page's HTML without static-i18n's head alternates, and its language links made relative."""
    prefix = urlsplit(site_url or "").path or "/"

    def made_relative(m: re.Match) -> str:
        if not m[2].startswith(prefix):
            return m[0]
        return m[1] + relative(m[2][len(prefix):], page_url) + m[3]

    head, end, body = output.partition("</head>")  # not the whole page: a notebook's is megabytes
    return LANGUAGE_LINK.sub(made_relative, HEAD_ALTERNATE.sub("", head) + end + body)


def mike_theme_looked_up_once() -> None:
    """mike 2.2.0's plugin looks for its own version selector's files for the site's theme at every build, among
    the entry points of every installed package (`get_theme_dir`), a sizeable part of a rebuild; for Material it
    finds none (Material draws its own selector, and shows it only while mike's `version_selector` is on). The
    installed packages do not change while MkDocs runs: each theme is looked up once, its answer kept."""
    import mike.mkdocs_plugin as mike

    lookup = mike.get_theme_dir
    if hasattr(lookup, "memos_lookup"):  # installed already
        return

    @functools.cache
    def answer(theme_name: str):
        try:
            return lookup(theme_name)
        except ValueError as e:
            return e

    def get_theme_dir(theme_name: str) -> str:
        found = answer(theme_name)
        if isinstance(found, ValueError):
            raise found
        return found

    get_theme_dir.memos_lookup = lookup
    mike.get_theme_dir = get_theme_dir


def search_scans_only_pages_with_its_attributes() -> None:
    """Material 9.8.1's search plugin, after indexing a page, strips its `data-search-*` attributes with a
    regular expression that starts with an optional space, so it is tried at every character of every page,
    the large notebook pages too (which search leaves out): a sizeable part of a rebuild. Here a page without
    `data-search-` in it is left as it is, which is what that expression makes of it."""
    from material.plugins.search.plugin import SearchPlugin

    on_page_context = SearchPlugin.on_page_context
    if hasattr(on_page_context, "memos_original"):  # installed already
        return

    def scans_only(self, context, *, page, config, nav):
        if "data-search-" in page.content:
            return on_page_context(self, context, page=page, config=config, nav=nav)
        if self.config.enabled:
            self.search_index.add_entry_from_context(page)

    scans_only.memos_original = on_page_context
    SearchPlugin.on_page_context = scans_only
