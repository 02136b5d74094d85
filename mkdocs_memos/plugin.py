"""The MkDocs plugin `memos`: every example on a page is executed at build time and its output put under it.

Before the pages are rendered, the site model (mkdocs_memos.site) scans every page for its directives and every
snippet that is not cached starts running, in one batch in the background. The pages are converted meanwhile,
with a placeholder where an output or a verdict goes, filled in at on_page_context; a failure stops
`mkdocs build` with the snippet's file and line and the page lines that include it (raised at on_env, outside
any page), while under `mkdocs serve` the page shows it instead.

Each page with snippets also gets its notebook (engine/notebook.py, from the same results), added in on_files
as a page that mkdocs-jupyter renders. Each build writes a manifest of its outputs into the site
(engine/releases.py) and, given `compare_with`, compares them with the older releases deployed there.

The events, in the order MkDocs calls them: on_startup (once: the plugin instance is kept across `mkdocs
serve` rebuilds, and with it the snippet server); on_serve (once: the notebook worker, conversions.py); on_config;
on_pre_build (scan, start the batch); on_files (notebook pages, redirects); for each page on_pre_page (its
notebook; under serve, once the results are in, the changed notebooks to the worker), on_page_markdown (placeholders),
on_page_content (notebook links); on_env (wait for the results; failures stop the build here); for each page
on_page_context (fill the placeholders, check the ids) and on_post_page (relative language links);
on_post_build (the manifest); on_build_error (empty the site); on_shutdown.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import posixpath
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from packaging.version import Version

from mkdocs_memos import conversions, incremental, shims, site
from mkdocs_memos.engine import anchors, claims, directives, history, notebook, releases, render, runner, translations
from mkdocs_memos.engine.interpreter import Interpreter

log = logging.getLogger("mkdocs.plugins.memos")
# Before MkDocs imports mkdocs-jupyter's plugin, listed after this one: a build that converts no notebook does
# not import nbconvert.
shims.defer_notebook_converters()
# Not `(?:<p>)?@@…`: a pattern that may start anywhere is tried at every character of every page (5x slower).
PLACEHOLDER = re.compile(r"<p>@@memo-output-(\d+)@@</p>|@@memo-output-(\d+)@@")


class MemosConfig(base.Config):
    # The snippets pages include with `{{ run <page>/<file>.py }}`; `mkdocs serve` watches them (on_serve).
    snippets = c.Dir(exists=True, default="snippets")
    # Outputs of successful runs, keyed by content: copies of the project may share one.
    cache = c.Dir(exists=False, default=".cache/outputs")
    # Snippets running at once; each child uses one torch thread unless it asks for more. 0: one per core.
    jobs = c.Type(int, default=0)
    # A git ref holding the deployed releases (mike's branch) to compare this build's outputs with.
    compare_with = c.Optional(c.Type(str))
    # The record of the Python that runs the snippets (engine/interpreter.py), when it is not the build's own:
    # scripts/versions.py names a release's, whose environment is then needed only if a snippet must run.
    interpreter = c.Optional(c.File(exists=True))


@dataclass
class Build:
    """One build's state. static-i18n builds the other language from within the first build's on_post_build:
    that nested build keeps this state (same pages, same snippets, same results)."""

    site: site.Site
    batch: runner.Batch | None  # until its results are in
    results: dict = field(default_factory=dict)  # snippet name -> runner.Result
    verdicts: dict = field(default_factory=dict)  # claim -> claims.Verdict
    failures: list[str] = field(default_factory=list)
    reported: int = 0  # failures already raised or logged
    facts: dict = field(default_factory=dict)  # fact name -> the value this release's run recorded
    unrun: dict = field(default_factory=dict)  # fact name -> why its snippet did not run on this release
    manifest: dict = field(default_factory=dict)  # this build's outputs, see engine/releases.py
    older: list = field(default_factory=list)  # manifests of older deployed releases, newest first
    manifests: list = field(default_factory=list)  # the older ones and this build's, oldest first
    # Computed once from `manifests`: every page's output blocks and the matrix read them.
    steps: list = field(default_factory=list)  # releases.Step, what changed at each release step, newest first
    changed: dict = field(default_factory=dict)  # snippet -> the releases where its output changed
    since: dict = field(default_factory=dict)  # claim -> (its verdict now, since which release)
    ids: site.IdCheck = field(default_factory=site.IdCheck)
    converted_ahead: bool = False  # the notebooks the results changed are written and handed to the worker


@dataclass
class Language:
    """What one language's pass of the build carries from event to event."""

    blocks: dict = field(default_factory=dict)  # page src -> functions giving the HTML of each PLACEHOLDER
    notebooks: dict = field(default_factory=dict)  # notebook src -> (its page, lang), written once results are in
    links: dict = field(default_factory=dict)  # src of a page or notebook -> (label, url) under its title


class MemosPlugin(BasePlugin[MemosConfig]):
    def __init__(self):
        self.serving = False
        self.runner: runner.Runner | None = None
        self.notebook_dir: tempfile.TemporaryDirectory | None = None
        self.build: Build | None = None
        self.language = Language()
        self.site_dir: str | None = None
        # Kept across `mkdocs serve` rebuilds: what an edit leaves unchanged is not made again.
        self.templates = incremental.Templates()
        self.renders = incremental.Renders()
        self.pages = incremental.Pages()
        self.written = incremental.Written()
        self.search_entries = incremental.SearchEntries()
        self.conversions = conversions.Conversions()  # started by on_serve
        self.jupyter_cache: Path | None = None  # mkdocs-jupyter's cache, a folder per language in it
        self.aside: dict = {}  # notebook src -> its HTML, while the search plugin runs (shims.content_aside)

    def on_startup(self, command, dirty):
        self.serving = command == "serve"
        shims.when_imported("mkdocs_jupyter.convert", self.templates.compile_notebook_templates_once)
        shims.when_imported("mkdocs_jupyter.convert", shims.notebook_styles_linked)
        shims.quiet_jupyter()

    def on_shutdown(self):
        self.conversions.close()
        if self.runner is not None:
            self.runner.close()
        if self.notebook_dir is not None:
            self.notebook_dir.cleanup()

    @event_priority(100)  # before mike's plugin
    def _before_mike(self, config):
        shims.site_url_before_mike(config, shims.mike_release())
        return config

    @event_priority(-100)  # after mike's plugin
    def _after_mike(self, config):
        shims.site_url_after_mike(config)
        return config

    @event_priority(-110)  # after static-i18n's, which sets the language
    def _configure(self, config):
        # One folder per release too: each release's build would evict the renderings of the one before.
        if self.runner is None:
            jobs = self.config.jobs or os.cpu_count() or 2
            chosen = self.config.interpreter
            try:
                interpreter = Interpreter.recorded(Path(chosen)) if chosen else Interpreter.current()
            except ValueError as e:  # a record that is not one: say which file
                raise PluginError(str(e)) from None
            self.runner = runner.Runner(Path(self.config.cache), jobs, _progress, interpreter)
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
        self.runner.server()  # import torch now, not at the first edit
        self.conversions.start()  # and the worker that converts notebooks (it imports nbconvert now)
        return server

    def on_pre_build(self, config):
        if self._nested(config):
            return
        found = site.Site.scan(Path(config.docs_dir), Path(self.config.snippets))
        try:
            self.build = Build(found, self.runner.start(list(found.snippets.values())))
        except runner.InterpreterMissing as e:
            raise PluginError(str(e)) from None
        batch = self.build.batch
        if batch.todo:
            log.info(f"memos: running {len(batch.todo)} of {batch.summary.total} snippets, {self.runner.jobs} at a time")

    @staticmethod
    def _nested(config) -> bool:
        return getattr(config.plugins.get("i18n"), "building", False)

    def _results(self) -> Build:
        """The build, once its batch is in: results, verdicts, the comparison with older releases."""
        b = self.build
        if b.batch is None:
            return b
        batch, b.batch = b.batch, None
        b.results, summary = batch.wait()
        b.verdicts = claims.verdicts(b.site.snippets, b.results)
        for name, result in b.results.items():
            for f in b.site.snippets[name].facts:
                if result.status != "ok":
                    b.unrun[f.name] = f"{b.site.snippets[name].display_path}: {result.message}"
            b.facts.update((f["name"], f["value"]) for f in result.facts)
        log.info(f"memos: {summary}")
        self._compare_releases(b)
        b.failures = list(b.site.problems.values()) + [
            self._failure(n) for n, r in b.results.items() if r.status == "error"
        ]
        return b

    def _failure(self, name: str) -> str:
        b = self.build
        return b.site.failure(name, render.location(b.site.snippets[name], b.results[name]), b.results[name].message)

    def _compare_releases(self, b: Build) -> None:
        torch = self.runner.torch
        examples = {n: b.site.example(n) for n in b.site.snippets}
        b.manifest = releases.manifest(torch, self.runner.interpreter.python, b.site.snippets, b.results, examples,
                                       b.verdicts)
        if self.config.compare_with:
            root = Path(self.config.snippets).parent
            b.older = releases.older_manifests(self.config.compare_with, releases.name(torch), root)
        b.manifests = releases.by_release([*b.older, b.manifest])
        b.steps = releases.steps(b.manifests)
        b.changed = releases.changed_in(b.steps)
        b.since = releases.verdict_since(b.manifests)
        if b.older:
            log.info(f"memos: compared with {', '.join(m['torch'] for m in b.older)}: "
                     f"{len(b.changed)} examples changed at some release")

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
            page = self.build.site.pages.get(file.src_uri)
            if page is None or not any(d.kind == "run" for d in page.directives):
                continue
            src = _notebook_src(i18n, lang, page.stem)
            Path(self.notebook_dir.name, src).parent.mkdir(parents=True, exist_ok=True)
            self.language.notebooks[src] = (page, lang)
            made.append(File(src, self.notebook_dir.name, config.site_dir, config.use_directory_urls))
            pages[src] = file

        colab = f"https://colab.research.google.com/github/{_github_repo(config)}/blob/gh-pages/{self._release()}"
        for file in config.plugins["mkdocs-jupyter"].on_files(made, config=config):
            files.append(file)
            shims.notebook_alternates(file, i18n, lang)
            # include_source puts the .ipynb next to the notebook's page: its download, and Colab's path.
            download = file.url + posixpath.basename(file.src_uri)
            page = pages[file.src_uri]
            self.language.links[page.src_uri] = [("notebook", file.url), ("download", download), ("colab", f"{colab}/{download}")]
            self.language.links[file.src_uri] = [("back", page.url), ("download", download), ("colab", f"{colab}/{download}")]
        if made:  # the notebooks' styles, which their pages link instead of holding (shims.notebook_styles_linked)
            css = shims.notebook_stylesheet(config.plugins["mkdocs-jupyter"].config["theme"])
            files.append(File.generated(config, shims.NOTEBOOK_STYLESHEET, content=css))
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
            source, lang = self.language.notebooks.pop(page.file.src_uri)
            path = Path(self.notebook_dir.name, page.file.src_uri)
            self.conversions.wait(path)  # its conversion in mkdocs-jupyter's cache, the file no longer read
            self._write_notebook(path, source, lang)  # if unchanged, mkdocs-jupyter's cache has its HTML
        elif self.serving:
            self.renders.reuse(page, config, files)
        return page

    def _write_notebook(self, path: Path, source: site.Page, lang: str) -> bool:
        """Write the notebook of `source` in `lang` at `path`, unless it holds that notebook already."""
        b = self._results()
        body = "\n".join(self._bind(source, lang)[0]) + "\n"
        runs = [d.arg for d in source.directives if d.kind == "run"]
        inputs = (source.title, body, lang, Version(self.runner.torch).public,
                  {n: b.site.snippets[n] for n in runs if n in b.site.snippets},
                  {n: dataclasses.replace(b.results[n], seconds=0, cached=False) for n in runs if n in b.results})
        page_id = b.site.page_id(source.stem)
        if not self.written.changed(path, (inputs, page_id)):
            return False
        notebook.write(notebook.build(*inputs, page_id=page_id), path)
        return True

    def _convert_ahead(self, config) -> None:
        """Once the snippets' results are in (checked at each page, not waited for): write the notebooks they
        changed, of every language, and hand them to the worker (conversions.py), which converts them while
        this build goes on. The notebooks are those `_notebook_pages` adds; one it adds otherwise is simply
        written and converted when its page is rendered."""
        b = self.build
        if b.converted_ahead or (b.batch is not None and not b.batch.ready()) or "mkdocs-jupyter" not in config.plugins:
            return
        b.converted_ahead = True
        i18n = config.plugins["i18n"]
        options = dict(config.plugins["mkdocs-jupyter"].config)
        for korean in [p for p in b.site.pages.values() if p.lang == site.DEFAULT_LANGUAGE]:
            for lang in i18n.build_languages:
                source = b.site.page(korean.stem, lang)
                if not any(d.kind == "run" for d in source.directives):
                    continue
                path = Path(self.notebook_dir.name, _notebook_src(i18n, lang, korean.stem))
                path.parent.mkdir(parents=True, exist_ok=True)
                if self._write_notebook(path, source, lang):
                    cache = shims.jupyter_cache_dir(self.jupyter_cache, lang)
                    self.conversions.submit(path, {**options, "cache_dir": str(cache)})

    def on_page_markdown(self, markdown, page, config, files):
        src = page.file.src_uri
        if src.endswith(".ipynb"):
            # mkdocs-jupyter renders it from the notebook, not from Markdown. It repeats its page: left out of
            # search, which would otherwise find every example twice.
            page.meta["search"] = {"exclude": True}
            return markdown
        lang = config.theme["language"]
        source = self.build.site.pages[src]
        lines, notes = self._bind(source, lang)
        blocks: list = []
        self.language.blocks[src] = blocks

        def directive(d: directives.Directive) -> str:
            problem = self.build.site.problems.get(source.at(d))
            if problem:
                return render.error(problem, "", lang)
            if d.kind in ("if", "else", "end", "assert"):
                return notes.get(d.line, "")
            if d.kind == "changes":  # Markdown (headings in the table of contents, highlighted diffs): made now
                return self._changes(page.url, lang, config.site_url or "")
            blocks.append(lambda: self._block(d, page, config))  # rendered once the results are in
            placeholder = f"@@memo-output-{len(blocks) - 1}@@\n"
            return f"{render.source(self.build.site.snippets[d.arg])}\n\n{placeholder}" if d.kind == "run" else placeholder

        # A branch this release does not take was blanked, its directives with it; a block's own lines never are.
        shown = [d for d in source.directives if lines[d.line - 1]]
        problems = [message for where, message in self.build.site.problems.items()
                    if where.page == src and not any(source.at(d) == where for d in source.directives)]
        notices = "".join(render.error(p, "", lang) + "\n\n" for p in problems)
        markdown = directives.expand("\n".join(lines) + "\n", shown, directive)
        markdown = anchors.with_h1_id(markdown, self.build.site.page_id(source.stem))  # one id in both languages
        return _under_title(markdown, self._translation_notice(Path(config.docs_dir), source, lang) + notices)

    def _bind(self, source: site.Page, lang: str) -> tuple[list[str], dict[int, str]]:
        """The page's Markdown lines with the branches this release does not take left blank, and what goes
        in place of the lines of `{{ if }}`/`{{ assert }}` that need saying (by line): a passage whose evidence
        did not run here, an assertion that does not hold (which also stops the build)."""
        lines = source.body.splitlines()
        if not (source.blocks or source.asserts):
            return lines, {}
        b = self._results()  # the branches depend on this release's runs
        notes = {}
        for block in source.blocks:
            if source.at(block.start) in b.site.problems:  # e.g. a fact no snippet records: its error is shown
                taken, missing = None, []
            else:
                taken, missing = self._answer(block.condition)
            if taken is None and missing:
                text = render.LABELS[lang]["unbound"].format(
                    snippets=", ".join(sorted({m.split(":")[0] for m in missing})), torch=self.runner.torch,
                    reasons="; ".join(missing))
                notes[block.start.line] = f'!!! note ""\n    {text}'
            for n in block.hidden(taken):
                lines[n - 1] = ""
        for d, condition in source.asserts:
            if any(block.start.line < d.line < block.end.line and not lines[d.line - 1] for block in source.blocks):
                continue  # in a branch this release does not take
            if source.at(d) in b.site.problems:
                continue
            taken, missing = self._answer(condition)
            if not taken:
                where = source.at(d)
                why = f"its evidence did not run: {'; '.join(missing)}" if missing else self._facts_shown(condition)
                failure = f"{where}: '{{{{ assert {d.arg} }}}}' does not hold on torch {self.runner.torch} ({why})"
                if failure not in b.failures:
                    b.failures.append(failure)
                notes[d.line] = render.error(failure, "", lang)
        return lines, notes

    def _answer(self, condition) -> tuple[bool | None, list[str]]:
        """Whether `condition` holds on this release; None, with the reasons, when a fact it names is missing."""
        b = self.build
        missing = [b.unrun[f] for f in condition.facts if f in b.unrun]
        if missing:
            return None, missing
        return condition.holds(self.runner.torch, b.facts), []

    def _facts_shown(self, condition) -> str:
        facts = ", ".join(f"{f} = {self.build.facts[f]!r}" for f in condition.facts)
        return f"torch {self.runner.torch}" + (f"; {facts}" if facts else "")

    def _block(self, d: directives.Directive, page, config) -> str:
        b, lang = self.build, config.theme["language"]
        if d.kind == "run":
            result = b.results[d.arg]
            if result.status == "error":
                return render.error(self._failure(d.arg), result.output, lang)
            changed = [(r, self._diff_link(r, d.arg, lang, page.url)) for r in b.changed.get(d.arg, [])]
            return render.output(b.site.snippets[d.arg], result, lang, history.changed_in(changed, lang))
        if d.kind == "claim":
            since = ""
            if len(b.manifests) > 1:
                value, release = b.since[d.arg]
                since = history.since(value, release, b.manifests[0]["release"], lang)
            return render.claim(d.arg, b.site.words(d.arg, lang), b.verdicts.get(d.arg), lang, self._torch(), since)
        if d.kind == "matrix":
            return self._matrix(page.url, lang, config.nav)
        rows = [(*row, b.verdicts.get(row[0])) for row in b.site.claim_rows(site.nav_order(config.nav), lang, page.url)]
        return render.claims_table(rows, self._torch(), lang)

    @staticmethod
    def _diff_link(release: str, snippet: str, lang: str, here: str) -> str:
        return site.relative(f"{site.url(site.CHANGES_PAGE, lang)}#{history.change_anchor(release, snippet)}", here)

    def _matrix(self, here: str, lang: str, nav) -> str:
        b = self._results()
        words = {row[0]: row[1] for row in b.site.claim_rows(site.nav_order(nav), lang, here)}
        claim_links = {c: site.relative(f"{site.url(site.stem(src), lang)}#claim-{c}", here) for c, src in b.site.claims().items()}
        example_links = {n: site.relative(f"{site.url('', lang)}{page}#{anchor}", here) for n, (page, anchor) in
                         ((n, b.site.example(n)) for n in b.site.snippets)}
        current = b.manifest["release"]
        release_links = {m["release"]: site.relative(
            site.url("", lang) if m["release"] == current else f"../{m['release']}/{site.url('', lang)}", here)
            for m in b.manifests}
        diff_links = {(r, n): self._diff_link(r, n, lang, here) for n, rs in b.changed.items() for r in rs}
        return history.matrix(b.manifests, releases.verdicts(b.manifests), words, claim_links, example_links,
                              release_links, diff_links, lang)

    def on_env(self, env, config, files):
        env.bytecode_cache = self.templates
        if self.serving:
            self.search_entries.install(config.plugins.get("material/search"))
            self.pages.install(env, config)
        b = self._results()
        new, b.reported = b.failures[b.reported:], len(b.failures)
        if new and not self.serving:
            raise PluginError("snippets failed:\n" + "\n".join(f"  {f}" for f in new))
        for f in new:
            log.error(f)
        return env

    @event_priority(100)  # before the search plugin indexes page.content: outputs and verdicts are searchable
    def _page_context(self, context, page, config, nav):
        blocks = self.language.blocks.pop(page.file.src_uri, [])
        if blocks:  # a notebook page is megabytes of HTML: not worth a scan for placeholders it cannot hold
            page.content = PLACEHOLDER.sub(lambda m: blocks[int(m[1] or m[2])](), page.content)
        if page.file.src_uri.endswith(".ipynb"):  # linked in the page's head (overrides/main.html)
            context["notebook_stylesheet"] = shims.NOTEBOOK_STYLESHEET
        source = self.build.site.pages.get(page.file.src_uri)
        if source is not None:  # checked complete: outputs and claims carry ids too
            problems = self.build.ids.problems(source, page.content, config.theme["language"])
            if problems and not self.serving:
                raise PluginError("links to sections would break:\n" + "\n".join(f"  {p}" for p in problems))
            for p in problems:
                log.error(p)
        return context

    @event_priority(1)  # just before the search plugin's
    def _notebook_aside(self, context, page, config, nav):
        if page.file.src_uri.endswith(".ipynb"):
            shims.content_aside(page, self.aside)
        return context

    @event_priority(-1)  # just after it
    def _notebook_back(self, context, page, config, nav):
        if page.file.src_uri.endswith(".ipynb"):
            shims.content_back(page, self.aside)
        return context

    on_page_context = CombinedEvent(_page_context, _notebook_aside, _notebook_back)

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri.endswith(".ipynb"):
            html, renamed = notebook.with_heading_ids(html)  # the page's ids, not nbconvert's slugs of each language
            # mkdocs-jupyter made the table of contents (and Material's "skip to content" link) from the slugs.
            for item in _walk(page.toc):
                item.id = renamed.get(item.id, item.id)
        links = self.language.links.get(page.file.src_uri)
        if not links:
            return html
        # Relative links: under mike every release lives in its own folder, and they must stay inside it.
        row = render.notebook_links(
            [(label, u if "://" in u else site.relative(u, page.url)) for label, u in links], config.theme["language"]
        )
        if page.file.src_uri.endswith(".ipynb"):
            return row + html  # a notebook's title comes after its install cell: the row goes on top
        title, h1, rest = html.partition("</h1>")
        return title + h1 + row + rest

    def on_post_page(self, output, page, config):
        return shims.relative_language_links(output, page.url, config.site_url)

    def on_post_build(self, config):
        if self.serving:  # what this rebuild made again, for the contributor watching it (and tests)
            pages, notebooks, rendered = self.renders.done(), self.written.done(), self.pages.done()
            log.info(f"memos: converted {len(pages)} pages ({', '.join(pages)}) and wrote {len(notebooks)} notebooks "
                     f"({', '.join(str(p.relative_to(self.notebook_dir.name)) for p in notebooks)}); rendered "
                     f"{len(rendered)} pages ({', '.join(rendered)})")
        b = self._results()
        with open(Path(config.site_dir) / releases.MANIFEST, "w", encoding="utf-8") as f:
            json.dump(b.manifest, f, ensure_ascii=False, indent=1)

    def on_build_error(self, error):
        # A build that stopped half-way would leave some pages new and some from the last build, all looking
        # current: empty the site instead, so that nothing is served or deployed from a failed build.
        d = self.site_dir
        entries = list(os.scandir(d)) if d and not self.serving and os.path.isdir(d) else []
        for entry in entries:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
        if entries:  # static-i18n's nested build reports the same error again, to an already empty site
            log.error(f"memos: the build failed, so {d} was emptied")

    def _changes(self, here: str, lang: str, site_url: str) -> str:
        b = self._results()
        examples = {n: site.relative(f"{site.url('', lang)}{page}#{anchor}", here)
                    for n, (page, anchor) in ((n, b.site.example(n)) for n in b.site.snippets)}
        return history.changes(b.steps, examples, site_url, lang)

    def _torch(self) -> str:
        """The torch release that ran this build's snippets (as its outputs are stamped)."""
        stamps = [r.stamp["torch"] for r in self.build.results.values() if r.stamp]
        return stamps[0] if stamps else self.runner.torch

    def _release(self) -> str:
        """The folder of this release on the gh-pages branch (mike's layout), which Colab links name: the release
        mike deploys, else `major.minor` of the torch that runs the snippets (what scripts/versions.py deploys)."""
        return shims.mike_release() or releases.name(self.runner.torch)

    @staticmethod
    def _translation_notice(docs: Path, page: site.Page, lang: str) -> str:
        if lang == site.DEFAULT_LANGUAGE:
            return ""
        if page.lang != lang:
            return '!!! info "Not translated yet"\n    This page has no English translation yet; the Korean original is shown.\n\n'
        if translations.is_current(docs / page.src, page.meta):
            return ""
        return (
            '!!! warning "Outdated translation"\n'
            "    The Korean page changed after this translation was written; the English text may be behind.\n\n"
        )


def _under_title(markdown: str, notices: str) -> str:
    """`notices` under the page's h1 when the page opens with one: MkDocs 1.6.1 takes a page's title from its
    first element only if that is an h1, and a notice above it would take the page's title away."""
    h1 = anchors.H1.search(markdown)
    if not notices or not h1 or markdown[:h1.start()].strip():
        return notices + markdown
    rest = markdown[h1.end():].lstrip("\n")
    return f"{markdown[:h1.end()]}\n\n{notices}{rest}"


def _notebook_src(i18n, lang: str, stem: str) -> str:
    """Where the notebook of the page `stem` goes among the files of `lang` (static-i18n's folder for it)."""
    return shims.i18n_folder(i18n, lang) + f"notebooks/{stem or 'index'}.ipynb"


def _github_repo(config) -> str:
    m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", config.repo_url or "")
    if not m:
        raise PluginError(f"repo_url must be a GitHub repository (Colab opens notebooks from GitHub): {config.repo_url}")
    return m[1]


def _walk(toc):
    for item in toc:
        yield item
        yield from _walk(item.children)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  memos: {done}/{total} snippets ran" + ("\n" if done == total else ""))
