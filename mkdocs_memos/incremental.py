"""What `mkdocs serve` keeps from one rebuild to the next, so that an edit costs what it changes.

MkDocs 1.6.1 rebuilds the whole site on every save, and static-i18n 1.3.1 builds it once per language: every
page's Markdown converted again, every theme template parsed and compiled again (each build makes a new
Jinja environment). The plugin instance lives across rebuilds (it has on_startup), and keeps a `Kept`, which
holds these:

- `Templates`: the compiled theme templates and nbconvert's, keyed by their source (Jinja's own bytecode
  cache), so that an unchanged template is not compiled again (nor in a build's second language);
- `Written`: the notebooks the plugin writes, written again only when what they are made from changed, so
  that mkdocs-jupyter finds the same file and its own cache (keyed by the file's content) renders nothing;
- `SearchEntries`: the search index's entries for each page, by the page's final HTML, so that the search
  plugin parses only the pages that changed;
- `Pages`: each page's HTML as the theme's template rendered it, keyed by everything the template reads of the
  page, the navigation and the configuration, so that only a page whose content (or title, or place) changed
  is rendered again: an edited snippet renders again the pages and notebooks showing its output. The theme's
  own pages (404.html, sitemap.xml) too, keyed by the pages they list;
- `Highlights`: Pygments' HTML for each code block, so that a page converted again highlights again only the
  blocks that changed;
- `Made`: what the plugin's own passes over a page's HTML made of it, by that HTML;
- `Renders`: each page's HTML as MkDocs' Markdown conversion made it, keyed by everything that conversion
  reads (the Markdown after every plugin's on_page_markdown, the page's place, the other pages' addresses,
  the Markdown extensions), so that only a page whose Markdown changed is converted again. The outputs of
  snippets are not in that Markdown (the plugin puts them in later, at on_page_context): an edited snippet
  re-converts only the pages showing its source.

All are kept in memory only: a `mkdocs build` starts empty and converts everything (`Made`, used by both,
holds one build's results there).
"""

from __future__ import annotations

import copy
import hashlib
import types
from dataclasses import dataclass
from pathlib import Path

import jinja2
from mkdocs.structure.pages import Page


class Templates(jinja2.BytecodeCache):
    """Compiled templates by name and source checksum (Jinja checks the checksum before using one). The key
    also names the environment's extensions, which change the compiled code (static-i18n adds one)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        key = f"{self.get_cache_key(name, filename)}:{','.join(sorted(environment.extensions))}"
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()

    def compile_notebook_templates_once(self) -> None:
        """nbconvert 7 makes a Jinja environment for each notebook it converts, and mkdocs-jupyter 0.26.3 a
        converter for each notebook: its templates are compiled again for every notebook it renders (twice each:
        to HTML, and to Markdown for its title), in a cold build as in every rebuild. Here they share one
        bytecode cache, wrapped once per process."""
        from nbconvert.exporters.templateexporter import TemplateExporter

        create = TemplateExporter._create_environment
        if getattr(create, "memos_templates", None) is not None:  # wrapped already: not twice
            return
        templates = self

        def _create_environment(self):
            env = create(self)
            env.bytecode_cache = templates
            return env

        _create_environment.memos_templates = templates
        TemplateExporter._create_environment = _create_environment


@dataclass
class Render:
    """What Page.render (MkDocs 1.6.1) sets on a page."""

    content: str
    toc: object
    title: str | None
    anchors: set
    links: dict | None  # src_uri of a linked page -> its links to anchors there


class Renders:
    """Each page's converted HTML, by what its conversion read."""

    def __init__(self):
        self.made: dict[str, Render] = {}  # key -> the render
        self.keys: dict[tuple, str] = {}  # (page src, url) -> its key when last converted
        self.converted: list[str] = []  # the urls of the pages converted since `done` was last called

    def reuse(self, page: Page, config, files) -> None:
        """Make `page.render` reuse the last conversion of the same Markdown. Called before MkDocs renders the
        page (on_pre_page), when `page.markdown` is not read yet: the key is taken when it renders."""
        convert = page.render
        renders = self

        def render(self: Page, config, files) -> None:
            key = renders._key(self, config, files)
            made = renders.made.get(key)
            if made is None:
                convert(config, files)
                made = Render(self.content, self.toc, self._title_from_render, self.present_anchor_ids,
                              {f.src_uri: links for f, links in (self.links_to_anchors or {}).items()})
                renders.made.pop(renders.keys.get((self.file.src_uri, self.url)), None)  # its previous state
                renders.made[key] = made
                renders.keys[self.file.src_uri, self.url] = key
                renders.converted.append(self.url)
                return
            self.content, self.toc, self._title_from_render = made.content, made.toc, made.title
            self.present_anchor_ids = made.anchors
            if made.links is not None:  # checked by MkDocs against this build's pages, as after a conversion
                self.links_to_anchors = {files.get_file_from_path(src): links for src, links in made.links.items()}

        page.render = types.MethodType(render, page)

    def done(self) -> list[str]:
        converted, self.converted = self.converted, []
        return converted

    @staticmethod
    def _key(page: Page, config, files) -> str:
        addresses = sorted((f.src_uri, f.url) for f in files.documentation_pages())
        return _digest(page.markdown, page.file.src_uri, page.url, repr(addresses),
                       repr(config["markdown_extensions"]), repr(config["mdx_configs"]))


class PageTemplate(jinja2.Template):
    """The class of the theme's templates under `mkdocs serve` (`Pages.install`): rendering a page asks `Pages`."""

    def render(self, *args, **kwargs) -> str:
        context = dict(*args, **kwargs)
        pages = getattr(self.environment, "memos_pages", None)
        if pages is None or "nav" not in context:  # a template rendered outside MkDocs' build of the site
            return super().render(context)
        return pages.render(self, context)


class Pages:
    """The HTML the theme renders for each page, by what its template reads. A build's Jinja environment is
    new (MkDocs 1.6.1): `install` makes it load templates as PageTemplate."""

    def __init__(self):
        self.made: dict[tuple, tuple[str, str]] = {}  # (template, page src, url) -> (key, its HTML)
        self.rendered: list[str] = []  # the urls of the pages rendered since `done` was last called
        self.build: str = ""  # what every page of this build's language shares (`install`)
        self.navs: dict[int, str] = {}  # id of this build's navigation -> its digest

    def install(self, env: jinja2.Environment, config) -> None:
        env.template_class = PageTemplate
        env.memos_pages = self
        # The configuration as the templates see it (static-i18n changes `extra` for each page: read at render),
        # and the theme's own templates (custom_dir; the installed theme does not change under serve).
        custom = config.theme.custom_dir
        templates = sorted((str(f), f.read_bytes()) for f in Path(custom).rglob("*") if f.is_file()) if custom else []
        fields = {k: config[k] for k in ("site_name", "site_url", "site_description", "site_author", "repo_url",
                                         "repo_name", "edit_uri", "copyright", "extra_css", "extra_javascript")}
        self.build = _digest(repr(fields), repr(config.theme), repr(templates))
        self.navs = {}

    def render(self, template: PageTemplate, context: dict) -> str:
        page = context["page"]
        nav = context["nav"]
        if id(nav) not in self.navs:
            self.navs = {id(nav): _digest(repr(_nav_items(nav.items)), repr(nav.homepage and nav.homepage.url))}
        # Not the build's date, which Material's templates do not show and which would make every page new.
        extra = {k: v for k, v in context.items() if k not in ("page", "nav", "pages", "config", "build_date_utc")}
        shared = self.build, self.navs[id(nav)], repr(context["config"]["extra"]), repr(sorted(extra.items()))
        if page is None:  # the theme's own (404.html, sitemap.xml), which may list every page
            listed = [(f.src_uri, f.page and (f.page.canonical_url, f.page.abs_url, f.page.update_date,
                                              f.page.is_link)) for f in context["pages"]]
            key, where = _digest(*shared, repr(listed)), (template.name, None, None)
        else:
            key = _digest(*shared, page.content or "", str(page.title), str(page.toc), repr(page.meta), page.url,
                          repr(page.canonical_url), repr(page.edit_url))
            where = template.name, page.file.src_uri, page.url
        made = self.made.get(where)
        if made is None or made[0] != key:
            made = self.made[where] = key, jinja2.Template.render(template, context)
            if page is not None:
                self.rendered.append(page.url)
        return made[1]

    def done(self) -> list[str]:
        rendered, self.rendered = self.rendered, []
        return rendered


def _nav_items(items) -> list:
    """A navigation as its templates show it: each item's kind, title and address, sections with their items."""
    return [(type(i).__name__, str(i.title), getattr(i, "url", None), _nav_items(getattr(i, "children", None) or []))
            for i in items]


class Written:
    """Files made from known inputs, to write again only when those inputs changed (or the file is gone)."""

    def __init__(self):
        self.keys: dict[Path, str] = {}
        self.written: list[Path] = []  # since `done` was last called

    def done(self) -> list[Path]:
        written, self.written = self.written, []
        return written

    def changed(self, path: Path, inputs) -> bool:
        key = _digest(repr(inputs))
        if self.keys.get(path) == key and path.exists():
            return False
        self.keys[path] = key
        self.written.append(path)
        return True


class SearchEntries:
    """The entries Material's search plugin (9.8.1) makes of each page, by everything it reads from the page.
    Its index is made anew at each build's on_config; `install` wraps the method that parses a page."""

    def __init__(self):
        self.made: dict[tuple, tuple[str, list[dict]]] = {}  # (page src, url) -> (key, its entries)

    def install(self, search) -> None:
        if search is None:
            return
        index = search.search_index
        parse = index.add_entry_from_context

        def add_entry_from_context(page):
            key = _digest(page.content, page.url, str(page.title), repr(page.meta), str(page.toc))
            where = page.file.src_uri, page.url
            made = self.made.get(where)
            if made is None or made[0] != key:
                before = len(index.entries)
                parse(page)
                made = self.made[where] = key, copy.deepcopy(index.entries[before:])
            else:
                index.entries.extend(copy.deepcopy(made[1]))

        index.add_entry_from_context = add_entry_from_context


class Highlights:
    """Pygments' HTML for each code block, by the block's code and every option of its lexer and formatter:
    pymdownx.highlight (10.x) highlights every block of a page it converts, and an edited page is converted
    whole (`Renders`), although most of its blocks did not change. `install` wraps the function it calls."""

    def __init__(self):
        self.made: dict[tuple, str] = {}  # used by the last build
        self.used: dict[tuple, str] = {}  # by this one, so far

    def install(self) -> None:
        import pymdownx.highlight as module

        highlight = module.highlight
        if getattr(highlight, "memos_highlights", None) is not None:  # wrapped already: not twice
            return

        def kept(code, lexer, formatter, outfile=None):
            if outfile is not None:
                return highlight(code, lexer, formatter, outfile)
            key = (code, type(lexer), repr(sorted(lexer.options.items())), type(formatter),
                   repr(sorted(formatter.options.items())))
            html = self.used.get(key) or self.made.get(key) or highlight(code, lexer, formatter)
            self.used[key] = html
            return html

        kept.memos_highlights = self
        module.highlight = kept

    def done(self) -> None:
        self.made, self.used = self.used, {}


class Made:
    """What a function made of a page's HTML, by the function and its arguments: on most pages the HTML that
    plugins and the theme get is the same from one rebuild to the next. Only functions of their arguments."""

    def __init__(self):
        self.last: dict[tuple, object] = {}  # made in the last build
        self.now: dict[tuple, object] = {}  # in this one, so far

    def __call__(self, function, *args):
        key = function, *args
        if key not in self.now:
            self.now[key] = self.last[key] if key in self.last else function(*args)
        return self.now[key]

    def done(self) -> None:
        self.last, self.now = self.now, {}


class Kept:
    """Everything the plugin keeps from one build to the next."""

    def __init__(self):
        self.templates = Templates()
        self.renders = Renders()
        self.pages = Pages()
        self.written = Written()
        self.search_entries = SearchEntries()
        self.highlights = Highlights()  # installed by `mkdocs serve` once, for every build
        self.made = Made()

    def install(self, env: jinja2.Environment, config) -> None:
        """Under `mkdocs serve`, once this build's Jinja environment and search index are made (on_env)."""
        self.search_entries.install(config.plugins.get("material/search"))
        self.pages.install(env, config)

    def report(self, notebook_dir: Path) -> str:
        """What this rebuild made again, for the contributor watching it (and tests)."""
        pages, notebooks, rendered = self.renders.done(), self.written.done(), self.pages.done()
        self.highlights.done()
        self.made.done()
        return (f"memos: converted {len(pages)} pages ({', '.join(pages)}) and wrote {len(notebooks)} notebooks "
                f"({', '.join(str(p.relative_to(notebook_dir)) for p in notebooks)}); rendered "
                f"{len(rendered)} pages ({', '.join(rendered)})")


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()
