"""The MkDocs glue, and all of it: the engine (engine/) knows nothing of MkDocs.

Before the pages are rendered, every page is scanned for its directives (`{{ run }}`, `{{ claim }}`, …) and
every snippet that is not cached starts running, all in one batch so that two run at once. The pages are
converted meanwhile, with a placeholder where an output or a verdict goes: the build waits for the batch
only when the first page is put in its template (or the first notebook is written), which overlaps the
server's torch import with the Markdown work. A failure stops `mkdocs build` with the snippet's file and
line and the page that includes it; under `mkdocs serve` the server stays up and the page shows the failure
where the output would be.

Each page with snippets also gets its notebook (engine/notebook.py, from the same results): on_files adds it
as a page of its own, which mkdocs-jupyter renders, and each page links to it, to its .ipynb and to Colab.

Each build also writes a manifest of its outputs into the site (engine/releases.py). When
MEMOS_RELEASES_FROM names a git ref holding deployed releases (scripts/versions.py sets it), the outputs are
compared with those of the older releases deployed there: `{{ changes }}` lists the differences and each
affected example links to them.

Links pasted into reviews are guarded too: a page with a duplicate id, or a translation whose heading ids
differ from its Korean page, stops the build (engine/anchors.py); language links are made relative, so they
work under any path; redirects are resolved per language; and a failed build leaves an empty site, not a
half-new one.

The events, in the order MkDocs calls them: on_startup; on_config (mike's site_url, mkdocs-jupyter's cache);
on_pre_build (scan, start the batch); on_files (notebook pages, redirects); for each page on_pre_page (write
its notebook), on_page_markdown (placeholders), on_page_content (notebook links); then for each page
on_page_context (fill the placeholders, check the ids) and on_post_page (relative language links);
on_post_build (the manifest); on_build_error (empty the site).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import posixpath
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data
from packaging.version import Version

from mkdocs_memos.engine import anchors, claims, directives, notebook, releases, render, runner, snippet, translations

log = logging.getLogger("mkdocs.hooks.memos")
# mkdocs-jupyter logs up to three lines per notebook and build; its warnings still show.
for name in ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter"):
    logging.getLogger(name).setLevel(logging.WARNING)
ROOT = Path(__file__).resolve().parent
SNIPPETS = ROOT / "snippets"
# Tests point copies of the project at one cache: entries are keyed by content, so sharing is safe.
CACHE = Path(os.environ.get("MEMOS_CACHE", ROOT / ".cache" / "outputs"))
# Snippets running at once; each child uses one torch thread unless it asks for more.
JOBS = int(os.environ.get("MEMOS_JOBS", os.cpu_count() or 2))
# The release `mike deploy` is building (mike sets it), e.g. "2.14"; unset in a plain build.
MIKE_RELEASE = os.environ.get("MIKE_DOCS_VERSION")
# A git ref holding the deployed releases (mike's branch) to compare this build's outputs with; unset: none.
RELEASES_FROM = os.environ.get("MEMOS_RELEASES_FROM")
PLACEHOLDER = re.compile(r"(?:<p>)?@@memo-output-(\d+)@@(?:</p>)?")
TORCH = Version(version("torch"))
# The folder of this release on the gh-pages branch (mike's layout), which Colab links name: the release mike
# deploys, else `major.minor` of the torch that runs the snippets (what scripts/versions.py deploys it as).
RELEASE = MIKE_RELEASE or f"{TORCH.major}.{TORCH.minor}"
# mkdocs-jupyter reads and copies notebooks as files on disk; they are not written into docs/, where
# `mkdocs serve` would see them change and rebuild again.
NOTEBOOKS = tempfile.TemporaryDirectory(prefix="memos-notebooks-")
CHANGES_PAGE = "what-changed/"  # the page holding `{{ changes }}`, linked from every example that differs
# static-i18n makes each page's `<link rel="alternate" hreflang>` point at that page in the other language,
# and Material fetches `sitemap.xml` next to each of them: a 404 on every page view. The sitemap already
# carries the same hreflang alternates for search engines, and memos.js does the language switching.
HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
# static-i18n writes the home pages' language links root-relative (`/pytorch-memos/en/`): they break wherever the
# site is served under another path (a local server, mike's version folders). Made relative like the others.
LANGUAGE_LINK = re.compile(r'(<a href=")(/[^"]*)(" hreflang=)')


@dataclass
class Scan:
    """What the pages of the whole site need, found before any page is rendered."""

    snippets: dict = field(default_factory=dict)  # name -> Snippet
    results: dict = field(default_factory=dict)  # name -> runner.Result
    includers: dict = field(default_factory=dict)  # name -> ["docs/<page>:<line>", ...] that include it
    problems: dict = field(default_factory=dict)  # (page, kind, arg) -> message, for bad directives
    words: dict = field(default_factory=lambda: {"ko": {}, "en": {}})  # lang -> claim id -> words
    pages: dict = field(default_factory=dict)  # claim id -> the Korean page that makes it
    titles: dict = field(default_factory=lambda: {"ko": {}, "en": {}})  # lang -> page stem -> its h1
    verdicts: dict = field(default_factory=dict)
    batch: runner.Batch | None = None  # until its results are in
    manifest: dict = field(default_factory=dict)  # this build's outputs, see engine/releases.py
    older: list = field(default_factory=list)  # the manifests of older deployed releases, newest first
    differences: dict = field(default_factory=dict)  # snippet name -> [releases.Difference]


serving = False
site_dir: str | None = None
scan = Scan()
outputs: dict[str, list] = {}  # page src_uri -> functions giving the HTML to put in place of each PLACEHOLDER
notebooks: dict[str, tuple] = {}  # notebook src_uri -> what it is made of, written once the results are in
links: dict[str, list[tuple[str, str]]] = {}  # src_uri of a page or notebook -> (label, url) under its title
korean_ids: dict[str, list[str]] = {}  # page url -> its section ids; the Korean build runs before the English


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def _jupyter_cache_per_language(config):
    # mkdocs-jupyter evicts, after each build, the cached renderings that build did not use; static-i18n
    # builds each language separately, so with one folder each language evicted the other's every time.
    if "mkdocs-jupyter" in config.plugins:
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / config.theme["language"])
    return config


@event_priority(100)  # before mike's plugin
def _site_url_before_mike(config):
    # mike appends the release to site_url with urljoin(site_url, "2.14"), which gives the same result twice
    # only while site_url has no trailing slash, and static-i18n runs on_config again for each language.
    if MIKE_RELEASE and (config.site_url or "").endswith(f"/{MIKE_RELEASE}/"):
        config.site_url = config.site_url.rstrip("/")
    return config


@event_priority(-100)  # after mike's plugin
def _site_url_after_mike(config):
    # Without the trailing slash static-i18n writes ".../2.14en/" into the sitemap, where Material's version
    # selector and search engines look pages up.
    if config.site_url and not config.site_url.endswith("/"):
        config.site_url += "/"
    return config


def _remember_site_dir(config):
    global site_dir
    site_dir = config.site_dir
    if not MIKE_RELEASE:
        # Material's version selector reads versions.json next to the release folders that mike deploys; a
        # plain build has neither, and would show a selector that fails to load.
        config.extra.pop("version", None)
    return config


on_config = CombinedEvent(
    _site_url_before_mike,
    _site_url_after_mike,
    event_priority(-110)(_jupyter_cache_per_language),  # after static-i18n's, which sets the language
    _remember_site_dir,
)


def on_build_error(error):
    # A build that stopped half-way would leave some pages new and some from the last build, all looking
    # current: empty the site instead, so that nothing is served or deployed from a failed build.
    entries = list(os.scandir(site_dir)) if site_dir and not serving and os.path.isdir(site_dir) else []
    for entry in entries:
        shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    if entries:  # static-i18n's nested build reports the same error again, to an already empty site
        log.error(f"memos: the build failed, so {site_dir} was emptied")


@event_priority(-150)  # after static-i18n's on_files (-100), which gives this language's pages their URLs
def _redirects_per_language(files, config):
    """Let mkdocs-redirects resolve targets among this language's pages, as static-i18n placed them.

    mkdocs-redirects looks its targets up before static-i18n has moved the English pages under en/, so an
    English target resolved to `new-page.en/`. Each language's build now writes the redirects to its own pages
    (`en/old-page.md: new-page.en.md` for English) and leaves the other language's to its build.
    """
    redirects = config.plugins.get("redirects")
    if redirects is not None:
        lang = config.theme["language"]
        redirects.doc_pages = {f.src_uri: f for f in files.documentation_pages()}
        redirects.redirects = {
            old: new for old, new in redirects.config["redirect_maps"].items() if _lang(new.partition("#")[0]) == lang
        }
    return files


def on_serve(server, config, builder):
    runner.prestart(JOBS)  # import torch now, not at the first edit
    return server


def on_pre_build(config):
    global scan
    # static-i18n builds the other language from within this build's on_post_build, and calls this again:
    # same pages, same snippets, so the scan and results of the first pass stand (and are not logged twice).
    if getattr(config.plugins.get("i18n"), "building", False):
        return
    scan = _scan(Path(config.docs_dir))
    scan.batch = runner.Runner(CACHE, JOBS, _progress).start(list(scan.snippets.values()))
    if scan.batch.todo:
        log.info(f"memos: running {len(scan.batch.todo)} of {scan.batch.summary.total} snippets, {JOBS} at a time")


def _results() -> None:
    """Wait for the batch, once per build: verdicts, the summary, release comparison, failures (which stop a
    build)."""
    if scan.batch is None:
        return
    batch, scan.batch = scan.batch, None
    scan.results, summary = batch.wait()
    scan.verdicts = claims.verdicts(scan.snippets, scan.results)
    log.info(f"memos: {summary}")
    _compare_releases()
    failures = _failures()
    if failures and not serving:
        raise PluginError("snippets failed:\n" + "\n".join(f"  {f}" for f in failures))
    for f in failures:
        log.error(f)


def _compare_releases() -> None:
    torch = version("torch")
    examples = {n: _example(n) for n in scan.snippets}
    scan.manifest = releases.manifest(
        torch, platform.python_version(), scan.snippets, scan.results, examples, scan.verdicts
    )
    if RELEASES_FROM:
        scan.older = releases.older_manifests(RELEASES_FROM, releases.name(torch), ROOT)
    for d in releases.differences(scan.manifest, scan.older):
        scan.differences.setdefault(d.snippet, []).append(d)
    if scan.older:
        log.info(f"memos: compared with {', '.join(m['torch'] for m in scan.older)}: "
                 f"{len(scan.differences)} snippets differ")


def _example(name: str) -> tuple[str, str]:
    """The page (Korean url, relative to the site's root) and anchor where a snippet's output is shown."""
    pages = [w.removeprefix("docs/").rsplit(":", 1)[0] for w in scan.includers[name]]
    page = next((p for p in pages if _lang(p) == "ko"), pages[0])
    return (_url(page) + "/").lstrip("/"), render.anchor(scan.snippets[name])


def on_post_build(config):
    _results()
    with open(Path(config.site_dir) / releases.MANIFEST, "w", encoding="utf-8") as f:
        json.dump(scan.manifest, f, ensure_ascii=False, indent=1)


def _scan(docs: Path) -> Scan:
    found = Scan()
    for path in sorted(docs.rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        text = path.read_text(encoding="utf-8")
        meta = get_data(text)[1]
        lang = _lang(src)
        found.titles[lang][_url(src)] = _title(text)
        for claim_id, words in (meta.get("claims") or {}).items():
            found.words[lang][claim_id] = str(words)
            if lang == "ko":
                found.pages[claim_id] = src
        for d in directives.find(text):
            where = f"docs/{src}:{d.line}"
            try:
                if d.kind == "run":
                    found.snippets[d.arg] = snippet.load(SNIPPETS, d.arg)
                    found.includers.setdefault(d.arg, []).append(where)
                elif d.kind == "claim" and d.arg not in (meta.get("claims") or {}):
                    raise ValueError(f"claim '{d.arg}' is not in this page's front matter 'claims:'")
            except snippet.SnippetError as e:
                found.problems[src, d.kind, d.arg] = f"{e} (included by {where})"
            except (OSError, ValueError) as e:
                found.problems[src, d.kind, d.arg] = f"{where}: {e}"
    return found


def _failures() -> list[str]:
    return list(scan.problems.values()) + [_failure(n) for n, r in scan.results.items() if r.status == "error"]


def _failure(name: str) -> str:
    result = scan.results[name]
    where = render.location(scan.snippets[name], result)
    return f"{where}: {result.message} (included by {', '.join(scan.includers[name])})"


@event_priority(-110)
def _notebook_pages(files, config):
    """Add the notebook of each page of the language being built, as a page that mkdocs-jupyter renders.

    This runs after static-i18n (priority -100), which remakes every file of docs/ as a plain File of the
    language it builds: a notebook added earlier would be copied as raw JSON and get no page in Korean. Here
    the notebook is made from the page static-i18n chose (the translation, or the Korean page it falls back
    to), placed in that language's folder, and handed to mkdocs-jupyter as it hands docs/ files.
    """
    if "mkdocs-jupyter" not in config.plugins:  # a site configured without notebooks
        return files
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    made = Files([])
    pages = {}  # notebook src_uri -> its page's File
    for page in files.documentation_pages():
        markdown = get_data(page.content_string)[0]
        if not any(d.kind == "run" for d in directives.find(markdown)):
            continue
        src = _folder(i18n, lang) + "notebooks/" + page.src_uri.removesuffix(".md").removesuffix(".en") + ".ipynb"
        Path(NOTEBOOKS.name, src).parent.mkdir(parents=True, exist_ok=True)
        notebooks[src] = (_title(markdown), markdown, lang)  # written by on_pre_page, once results are in
        made.append(File(src, NOTEBOOKS.name, config.site_dir, config.use_directory_urls))
        pages[src] = page

    colab = f"https://colab.research.google.com/github/{_github_repo(config)}/blob/gh-pages/{RELEASE}"
    links.clear()
    for file in config.plugins["mkdocs-jupyter"].on_files(made, config=config):
        files.append(file)
        # What static-i18n's language selector reads on a page's file: the same notebook in each language.
        here = file.url.removeprefix(_folder(i18n, lang))
        file.locale = file.locale_alternate_of = lang
        file.alternates = {other: SimpleNamespace(url=_folder(i18n, other) + here) for other in i18n.build_languages}
        # include_source puts the .ipynb next to the notebook's page: that is its download, and Colab's path.
        download = file.url + posixpath.basename(file.src_uri)
        page = pages[file.src_uri]
        links[page.src_uri] = [("notebook", file.url), ("download", download), ("colab", f"{colab}/{download}")]
        links[file.src_uri] = [("back", page.url), ("download", download), ("colab", f"{colab}/{download}")]
    return files


def _folder(i18n, lang: str) -> str:
    """Where static-i18n puts a language's pages."""
    return "" if lang == i18n.default_language else f"{lang}/"


def _github_repo(config) -> str:
    m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", config.repo_url or "")
    if not m:
        raise PluginError(f"repo_url must be a GitHub repository (Colab opens notebooks from GitHub): {config.repo_url}")
    return m[1]


on_files = CombinedEvent(_notebook_pages, _redirects_per_language)

def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        # mkdocs-jupyter renders it from the notebook, not from Markdown. It repeats its page: left out of
        # search, which would otherwise find every example twice.
        page.meta["search"] = {"exclude": True}
        return markdown
    lang = config.theme["language"]
    src = page.file.src_uri
    blocks: list = []
    outputs[src] = blocks

    def directive(d: directives.Directive) -> str:
        problem = scan.problems.get((src, d.kind, d.arg))
        if problem:
            return render.error(problem, "", lang)
        if d.kind == "changes":  # Markdown (headings in the table of contents, highlighted diffs): made now
            _results()
            return _changes(page.file.dest_uri, lang)
        blocks.append(lambda: _block(d, page, config))  # rendered once the results are in (on_page_context)
        placeholder = f"@@memo-output-{len(blocks) - 1}@@\n"
        return f"{render.source(scan.snippets[d.arg])}\n\n{placeholder}" if d.kind == "run" else placeholder

    return _translation_notice(page, lang) + directives.expand(markdown, directive)


def _block(d: directives.Directive, page, config) -> str:
    lang = config.theme["language"]
    if d.kind == "run":
        result = scan.results[d.arg]
        if result.status == "error":
            return render.error(_failure(d.arg), result.output, lang)
        links = [_release_links(x, page.file.dest_uri) for x in scan.differences.get(d.arg, [])]
        return render.output(scan.snippets[d.arg], result, lang, links)
    if d.kind == "claim":
        words = scan.words[lang].get(d.arg) or scan.words["ko"][d.arg]
        return render.claim(d.arg, words, scan.verdicts.get(d.arg), lang)
    return render.claims_table(_claim_rows(page.file.src_uri, config), _torch(), lang)


@event_priority(100)  # before the search plugin indexes page.content: outputs and verdicts are searchable
def on_page_context(context, page, config, nav):
    _results()
    blocks = outputs.pop(page.file.src_uri, [])
    if blocks:  # a notebook page is megabytes of HTML: not worth a scan for placeholders it cannot hold
        page.content = PLACEHOLDER.sub(lambda m: blocks[int(m[1])](), page.content)
    if not page.file.src_uri.endswith(".ipynb"):  # checked complete: outputs and claims carry ids too
        problems = _anchor_problems(page.content, page, config.theme["language"])
        if problems and not serving:
            raise PluginError("links to sections would break:\n" + "\n".join(f"  {p}" for p in problems))
        for p in problems:
            log.error(p)
    return context


@event_priority(50)  # before mkdocs-jupyter's, which reads the notebook
def on_pre_page(page, config, files):
    if page.file.src_uri in notebooks:
        _results()
        title, markdown, lang = notebooks.pop(page.file.src_uri)
        nb = notebook.build(title, markdown, lang, TORCH.public, scan.snippets, scan.results)
        nbformat.write(nb, Path(NOTEBOOKS.name, page.file.src_uri))
    return page


def on_page_content(html, page, config, files):
    if page.file.src_uri not in links:
        return html
    # Relative links: under mike every release lives in its own folder, and they must stay inside it.
    row = render.notebook_links(
        [(label, url if "://" in url else get_relative_url(url, page.url)) for label, url in links[page.file.src_uri]],
        config.theme["language"],
    )
    if page.file.src_uri.endswith(".ipynb"):
        return row + html  # a notebook's title comes after its install cell: the row goes on top
    title, h1, rest = html.partition("</h1>")
    return title + h1 + row + rest


def on_post_page(output, page, config):
    prefix = urlsplit(config.site_url or "").path or "/"
    here = page.url.rstrip("/") or "."

    def relative(m: re.Match) -> str:
        if not m[2].startswith(prefix):
            return m[0]
        return m[1] + posixpath.relpath(m[2][len(prefix):].rstrip("/") or ".", here) + "/" + m[3]

    return LANGUAGE_LINK.sub(relative, HEAD_ALTERNATE.sub("", output))


def _anchor_problems(html: str, page, lang: str) -> list[str]:
    """Duplicate ids on the page, and section ids that differ between the Korean page and its translation."""
    src = page.file.src_uri
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    problems = [f"{_where(src, source, i, 2)}: id '{i}' is used twice" for i in anchors.duplicates(html)]
    ids = anchors.section_ids(html)
    if lang == "ko":
        korean_ids[page.url] = ids
    elif src.endswith(".en.md") and page.url.removeprefix("en/") in korean_ids:
        korean = korean_ids[page.url.removeprefix("en/")]
        ko_src = src.removesuffix(".en.md") + ".md"
        ko_source = Path(page.file.abs_src_path).with_name(Path(ko_src).name).read_text(encoding="utf-8")
        problems += [
            f"{_where(src, source, i)}: heading id '{i}' is not on the Korean page docs/{ko_src}"
            for i in ids if i not in korean
        ]
        problems += [
            f"{_where(ko_src, ko_source, i)}: heading id '{i}' is missing from docs/{src}"
            for i in korean if i not in ids
        ]
    return problems


def _where(src: str, source: str, anchor: str, occurrence: int = 1) -> str:
    line = anchors.line_of(source, anchor, occurrence) or anchors.line_of(source, anchor)
    return f"docs/{src}:{line}" if line else f"docs/{src}"



def _release_links(d: releases.Difference, here: str) -> dict:
    """Where a difference is explained (the what-changed page) and the example in the other release.
    `here`: the page's file in the site, e.g. "en/view-vs-reshape/index.html"."""
    root = "../" * here.count("/")  # from this page up to the release's root
    lang = "en/" if here.startswith("en/") else ""
    return {
        "release": d.release,
        "torch": d.torch,
        "changes": f"{root}{lang}{CHANGES_PAGE}#{render.change_anchor(d.snippet)}",
        "there": f"{root}../{d.release}/{lang}{d.page}#{d.anchor}",
    }


def _changes(here: str, lang: str) -> str:
    prefix = "../" * here.count("/") + ("en/" if lang == "en" else "")
    rows = [(x, _release_links(x, here)) for n in sorted(scan.differences) for x in scan.differences[n]]
    examples = {n: f"{prefix}{e['page']}#{e['anchor']}" for n, e in scan.manifest["snippets"].items()}
    changed = releases.changed_claims(scan.manifest, scan.older)
    return render.changes(scan.manifest, scan.older, rows, examples, changed, lang)


def _claim_rows(src: str, config):
    """Every claim of the site, in the order of the navigation, with its words in this build's language."""
    lang = config.theme["language"]
    order = {page: i for i, page in enumerate(_nav_files(config.nav))}
    here = _url(src)
    for claim_id, page_src in sorted(scan.pages.items(), key=lambda c: order.get(c[1], len(order))):
        words = scan.words[lang].get(claim_id) or scan.words["ko"][claim_id]
        page = _url(page_src)
        title = scan.titles[lang].get(page) or scan.titles["ko"][page]
        yield claim_id, words, posixpath.relpath(page or ".", here or ".") + "/", title, scan.verdicts.get(claim_id)


def _nav_files(nav) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [f for v in nav.values() for f in _nav_files(v)]
    return [f for item in nav or [] for f in _nav_files(item)]


def _torch() -> str:
    """The torch release that ran this build's snippets (as its outputs are stamped)."""
    stamps = [r.stamp["torch"] for r in scan.results.values() if r.stamp]
    return stamps[0] if stamps else version("torch")


def _translation_notice(page, lang: str) -> str:
    path = Path(page.file.abs_src_path)
    if lang == "ko":
        return ""
    if not path.name.endswith(".en.md"):
        return '!!! info "Not translated yet"\n    This page has no English translation yet; the Korean original is shown.\n\n'
    if translations.is_current(path, page.meta):
        return ""
    return (
        '!!! warning "Outdated translation"\n'
        "    The Korean page changed after this translation was written; the English text may be behind.\n\n"
    )


def _lang(src: str) -> str:
    return "en" if src.endswith(".en.md") else "ko"


def _url(src: str) -> str:
    stem = src.removesuffix(".md").removesuffix(".en")
    return "" if stem == "index" else stem


def _title(text: str) -> str:
    m = re.search(r"^# (.+?)\s*(\{.*\})?\s*$", text, re.M)
    return m[1] if m else ""


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  memos: {done}/{total} snippets ran" + ("\n" if done == total else ""))
