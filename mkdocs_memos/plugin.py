"""The MkDocs plugin `memos`: MkDocs' events, their order among the other plugins, and the glue with them.

What the site shows is decided by the MkDocs-free core, engine/build.py: one `Build` per build scans the pages
and starts their snippets in the background (on_pre_build), gives each page its Markdown with placeholders where
outputs and verdicts go (on_page_markdown), and fills them once the results are in (on_page_context). Failures
stop `mkdocs build` at on_env, outside any page; under `mkdocs serve` the page shows them instead. Each page with
snippets gets its notebook, added in on_files as a page that mkdocs-jupyter renders (written at on_pre_page);
on_post_build writes the outputs' manifest into the site. The plugin instance, and with it the snippet server,
lives across `mkdocs serve` rebuilds; static-i18n builds the English pages from within the Korean build's
on_post_build, and that nested build keeps the same `Build`.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from mkdocs_memos import conversions, incremental, shims
from mkdocs_memos.config import MemosConfig
from mkdocs_memos.engine.build import Build
from mkdocs_memos.engine.evidence import releases
from mkdocs_memos.engine.pages import publication
from mkdocs_memos.engine.pages.addresses import DEFAULT_LANGUAGE, nav_order, relative
from mkdocs_memos.engine.pages.sources import PageSource
from mkdocs_memos.engine.running import runner
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.views import notebook, render, stylesheet

log = logging.getLogger("mkdocs.plugins.memos")
# Before MkDocs imports mkdocs-jupyter's plugin, listed after this one: a build that converts no notebook does
# not import nbconvert.
shims.defer_notebook_converters()


@dataclass
class Language:
    """What one language's pass of the build carries from event to event."""

    notebooks: dict = field(default_factory=dict)  # notebook src -> (its page, lang): written once results are in
    links: dict = field(default_factory=dict)  # src of a page or notebook -> (label, url) under its title


class MemosPlugin(BasePlugin[MemosConfig]):
    def __init__(self):
        self.serving = False
        self.runner: runner.Runner | None = None
        self.notebook_dir: tempfile.TemporaryDirectory | None = None
        self.build: Build | None = None
        self.language = Language()
        self.converted_ahead = False  # this build's changed notebooks are written and handed to the worker
        self.site_dir: str | None = None
        self.kept = incremental.Kept()  # across `mkdocs serve` rebuilds: what an edit leaves unchanged is not made again
        self.conversions = conversions.Conversions()  # started by on_serve
        self.jupyter_cache: Path | None = None  # mkdocs-jupyter's cache, a folder per language in it
        self.publication: publication.Publication | None = None  # where the site is published (on_config)
        self.published = False  # whether on_config has looked for it
        self.search_indexes: dict = {}  # lang -> its search index, as each language's build ends (shims)
        self.notebook_html: list[str] = []  # this build's notebook pages, of every language: what their styles keep
        self.notebook_styles: stylesheet.Stylesheet | None = None  # mkdocs-jupyter's, parsed at the first build

    def on_startup(self, command, dirty):
        self.serving = command == "serve"
        shims.when_imported("mkdocs_jupyter.convert", self.kept.templates.compile_notebook_templates_once)
        shims.when_imported("mkdocs_jupyter.convert", shims.notebook_styles_linked)
        shims.quiet_jupyter()
        shims.search_scans_only_pages_with_its_attributes()
        shims.mike_theme_looked_up_once()

    def on_shutdown(self):
        self.conversions.close()
        if self.runner is not None:
            self.runner.close()
        if self.notebook_dir is not None:
            self.notebook_dir.cleanup()

    @event_priority(100)  # before mike's plugin, which appends the release to site_url
    def _before_mike(self, config):
        self._publish(config)
        shims.site_url_before_mike(config, shims.mike_release())
        return config

    def _publish(self, config) -> None:
        """The site's address and repository, from engine/pages/publication.py: mkdocs.yml names neither (a
        site_url it sets, e.g. a custom domain, or the address `mkdocs serve` sets, is kept)."""
        if not self.published:
            self.published = True
            try:
                self.publication, why = publication.find(Path(config.config_file_path).parent)
            except ValueError as e:
                raise PluginError(str(e)) from None
            if self.publication is None:
                log.info(f"memos: {why}: built without the site's address or repository (no canonical addresses, "
                         f"no Colab or repository links); {publication.VARIABLE}=owner/repository names them")
        if self.publication is None:
            return
        config.site_url = config.site_url or self.publication.site_url
        if not config.repo_url:
            config.repo_url, config.repo_name = self.publication.repo_url, self.publication.repository

    @event_priority(-100)  # after mike's plugin
    def _after_mike(self, config):
        shims.site_url_after_mike(config)
        return config

    @event_priority(-110)  # after static-i18n's, which sets the language
    def _configure(self, config):
        if self.runner is None:
            jobs = self.config.jobs or os.cpu_count() or 2
            chosen = self.config.interpreter
            try:
                interpreter = Interpreter.recorded(Path(chosen)) if chosen else Interpreter.current()
            except ValueError as e:  # a record that is not one: say which file
                raise PluginError(str(e)) from None
            self.runner = runner.Runner(Path(self.config.cache), jobs, runner.terminal_progress, interpreter)
        # One folder per release too: each release's build would evict the renderings of the one before.
        self.jupyter_cache = Path(config.config_file_path).parent / ".cache" / "mkdocs-jupyter" / self._release()
        shims.jupyter_cache_per_language(config, self.jupyter_cache)
        shims.version_selector_only_under_mike(config, shims.mike_release())
        shims.theme_files_without_dot_folders(config.theme)
        self.site_dir = config.site_dir
        if self.notebook_dir is None:
            # mkdocs-jupyter reads and copies notebooks as files on disk; they are not written into docs/,
            # where `mkdocs serve` would see them change and rebuild again.
            self.notebook_dir = tempfile.TemporaryDirectory(prefix="memos-notebooks-")
        return config

    on_config = CombinedEvent(_before_mike, _after_mike, _configure)

    def on_serve(self, server, config, builder):
        server.watch(self.config.snippets)  # not under docs/: an edited snippet rebuilds its pages too
        shims.serve_polling_interval(server, 0.05)
        self.kept.highlights.install()
        self.runner.server()  # import torch now, not at the first edit
        self.conversions.start()  # and the worker that converts notebooks (it imports nbconvert now)
        return server

    def on_pre_build(self, config):
        if getattr(config.plugins.get("i18n"), "building", False):  # static-i18n's nested build: same Build
            return
        self.notebook_html = []
        try:
            self.build = Build.start(Path(config.docs_dir), Path(self.config.snippets), self.runner, log,
                                     self.config.compare_with, (self.config.releases or "").split())
        except runner.InterpreterMissing as e:
            raise PluginError(str(e)) from None
        self.converted_ahead = False

    @event_priority(-110)  # after static-i18n's on_files (-100), which gives this language's pages their URLs
    def _notebook_pages(self, files, config):
        """Add the notebook of each page of the language being built, as a page that mkdocs-jupyter renders.

        static-i18n remakes every file of docs/ as a plain File of the language it builds: a notebook added
        earlier would be copied as raw JSON. Here the notebook is made from the page static-i18n chose (the
        translation, or the Korean page it falls back to), in that language's folder, and handed to
        mkdocs-jupyter as it hands docs/ files."""
        self.language = Language()
        if "mkdocs-jupyter" not in config.plugins:  # a site configured without notebooks
            return files
        i18n = config.plugins["i18n"]
        lang = i18n.current_language
        made, pages = Files([]), {}
        for file in files.documentation_pages():
            page = self.build.sources.pages.get(file.src_uri)
            if page is None or not page.runs:
                continue
            src = shims.notebook_src(i18n, lang, page.stem)
            Path(self.notebook_dir.name, src).parent.mkdir(parents=True, exist_ok=True)
            self.language.notebooks[src] = (page, lang)
            made.append(File(src, self.notebook_dir.name, config.site_dir, config.use_directory_urls))
            pages[src] = file

        for file in config.plugins["mkdocs-jupyter"].on_files(made, config=config):
            files.append(file)
            shims.notebook_alternates(file, i18n, lang)
            # include_source puts the .ipynb next to the notebook's page: its download, and Colab's path (mike's
            # folder of this release on the deploy branch), when the site has a repository.
            download = file.url + posixpath.basename(file.src_uri)
            colab = [("colab", self.publication.colab("gh-pages", f"{self._release()}/{download}"))] if self.publication else []
            page = pages[file.src_uri]
            self.language.links[page.src_uri] = [("notebook", file.url), ("download", download), *colab]
            self.language.links[file.src_uri] = [("back", page.url), ("download", download), *colab]
        return files

    @event_priority(-150)  # after static-i18n's on_files too
    def _redirects(self, files, config):
        shims.redirects_per_language(files, config)
        return files

    on_files = CombinedEvent(_notebook_pages, _redirects)

    @event_priority(50)  # before mkdocs-jupyter's, which reads the notebook
    def on_pre_page(self, page, config, files):
        if self.serving:
            self._convert_ahead(config)
        if page.file.src_uri in self.language.notebooks:
            source, lang = self.language.notebooks[page.file.src_uri]
            path = Path(self.notebook_dir.name, page.file.src_uri)
            self.conversions.wait(path)  # its conversion in mkdocs-jupyter's cache, the file no longer read
            self._write_notebook(path, source, lang)  # if unchanged, mkdocs-jupyter's cache has its HTML
        elif self.serving:
            self.kept.renders.reuse(page, config, files)
        return page

    def _write_notebook(self, path: Path, source: PageSource, lang: str) -> bool:
        """Write the notebook of `source` in `lang` at `path`, unless it holds that notebook already."""
        inputs = self.build.notebook(source, lang)
        if not self.kept.written.changed(path, inputs):
            return False
        notebook.write(notebook.build(**inputs), path)
        return True

    def _convert_ahead(self, config) -> None:
        """Once the snippets' results are in (checked at each page, not waited for): write the notebooks they
        changed, of every language, and hand them to the worker (conversions.py), which converts them while
        this build goes on. The notebooks are those `_notebook_pages` adds; one it adds otherwise is simply
        written and converted when its page is rendered."""
        if self.converted_ahead or not self.build.ready() or "mkdocs-jupyter" not in config.plugins:
            return
        self.converted_ahead = True
        i18n = config.plugins["i18n"]
        options = dict(config.plugins["mkdocs-jupyter"].config)
        sources = self.build.sources
        for korean in [p for p in sources.pages.values() if p.lang == DEFAULT_LANGUAGE]:
            for lang in i18n.build_languages:
                source = sources.page(korean.stem, lang)
                if not source.runs:
                    continue
                path = Path(self.notebook_dir.name, shims.notebook_src(i18n, lang, korean.stem))
                path.parent.mkdir(parents=True, exist_ok=True)
                if self._write_notebook(path, source, lang):
                    cache = shims.jupyter_cache_dir(self.jupyter_cache, lang)
                    self.conversions.submit(path, {**options, "cache_dir": str(cache)})

    def on_page_markdown(self, markdown, page, config, files):
        src = page.file.src_uri
        if src.endswith(".ipynb"):
            # mkdocs-jupyter renders it from the notebook, not from Markdown. It repeats its page: left out of
            # search, which would otherwise find every example twice; its description is its page's.
            page.meta["search"] = {"exclude": True}
            page.meta.setdefault("description", self.language.notebooks[src][0].meta.get("description"))
            return markdown
        source = self.build.sources.pages[src]
        return self.build.markdown(source, config.theme["language"], page.url, nav_order(config.nav))

    def on_env(self, env, config, files):
        env.bytecode_cache = self.kept.templates
        if self.serving:
            self.kept.install(env, config)
        new = self.build.unreported_failures()
        if new and not self.serving:
            raise PluginError("snippets failed:\n" + "\n".join(f"  {f}" for f in new))
        for f in new:
            log.error(f)
        return env

    @event_priority(100)  # before the search plugin indexes page.content: outputs and verdicts are searchable
    def _page_context(self, context, page, config, nav):
        context["memos_release"] = shims.mike_release()  # copy-link buttons pin addresses to it (overrides/main.html)
        i18n = config.plugins.get("i18n")
        folder = shims.i18n_folder(i18n, config.theme["language"]) if i18n else ""
        context["search_index"] = folder + shims.SEARCH_INDEX if folder else None  # its language's (main.html)
        if page.file.src_uri.endswith(".ipynb"):  # linked in the page's head (overrides/main.html)
            context["notebook_stylesheet"] = shims.NOTEBOOK_STYLESHEET
        source = self.build.sources.pages.get(page.file.src_uri)
        if source is not None:  # checked complete: outputs and claims carry ids too
            lang = config.theme["language"]
            page.content = self.build.fill(source, lang, page.content)
            problems = self.build.id_problems(source, page.content, lang)
            if problems and not self.serving:
                raise PluginError("links to sections would break:\n" + "\n".join(f"  {p}" for p in problems))
            for p in problems:
                log.error(p)
        return context

    on_page_context = _page_context

    def on_page_content(self, html, page, config, files):
        html = self.kept.made(render.with_light_code_blocks, html)
        if page.file.src_uri.endswith(".ipynb"):
            # The page's ids, not nbconvert's slugs of each language.
            html, renamed = self.kept.made(notebook.with_heading_ids, html)
            shims.toc_ids_renamed(page.toc, renamed)
            html = notebook.with_figure_alts(html, page.file.abs_src_path)
            self.notebook_html.append(html)
        links = self.language.links.get(page.file.src_uri)
        if not links:
            return html
        # Relative links: under mike every release lives in its own folder, and they must stay inside it.
        row = render.notebook_links(
            [(label, u if "://" in u else relative(u, page.url)) for label, u in links], config.theme["language"]
        )
        if page.file.src_uri.endswith(".ipynb"):
            return row + html  # a notebook's title comes after its install cell: the row goes on top
        title, h1, rest = html.partition("</h1>")
        return title + h1 + row + rest

    def on_post_page(self, output, page, config):
        return shims.relative_language_links(output, page.url, config.site_url)

    @event_priority(-50)  # after the search plugin's, which writes this language's index; before static-i18n's
    def _search_index(self, config):
        if "material/search" in config.plugins:
            shims.search_index_kept(config.site_dir, config.theme["language"], self.search_indexes)

    @event_priority(-110)  # after static-i18n's, which builds the other languages and merges their indexes
    def _post_build(self, config):
        if getattr(config.plugins.get("i18n"), "building", False):  # the nested build of another language
            return
        shims.search_index_per_language(config, self.search_indexes)
        self.search_indexes = {}
        if self.serving:
            log.info(self.kept.report(Path(self.notebook_dir.name)))
        if self.notebook_html:
            self._write_notebook_stylesheet(config)
        with open(Path(config.site_dir) / releases.MANIFEST, "w", encoding="utf-8") as f:
            json.dump(self.build.manifest, f, ensure_ascii=False, indent=1)

    on_post_build = CombinedEvent(_search_index, _post_build)

    def _write_notebook_stylesheet(self, config) -> None:
        """The notebooks' styles, which their pages link instead of holding (shims.notebook_styles_linked): the
        rules of JupyterLab's whole stylesheet that the notebook pages of every language can use. Written once
        static-i18n's nested builds have rendered theirs; all languages link this one file."""
        if self.notebook_styles is None:
            css = shims.notebook_stylesheet(config.plugins["mkdocs-jupyter"].config["theme"])
            self.notebook_styles = stylesheet.Stylesheet(css)
        path = Path(config.site_dir, shims.NOTEBOOK_STYLESHEET)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.notebook_styles.for_pages(self.notebook_html), encoding="utf-8")

    def on_build_error(self, error):
        # A build that stopped half-way would leave some pages new and some from the last build, all looking
        # current: empty the site instead, so that nothing is served or deployed from a failed build.
        d = self.site_dir
        entries = list(os.scandir(d)) if d and not self.serving and os.path.isdir(d) else []
        for entry in entries:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
        if entries:  # static-i18n's nested build reports the same error again, to an already empty site
            log.error(f"memos: the build failed, so {d} was emptied")

    def _release(self) -> str:
        """The folder of this release on the gh-pages branch (mike's layout), which Colab links name: the release
        mike deploys, else `major.minor` of the torch that runs the snippets (what scripts/versions.py deploys)."""
        return shims.mike_release() or releases.name(self.runner.torch)

