"""The MkDocs glue, and all of it: the engine (engine/) knows nothing of MkDocs.

Before the pages are rendered, every page is scanned for its directives (`{{ run }}`, `{{ claim }}`) and
every snippet that is not cached runs, all in one batch so that two run at once. Each page then only looks
its results up. A failure stops `mkdocs build` with the snippet's file and line and the page that includes
it; under `mkdocs serve` the server stays up and the page shows the failure where the output would be.

Each page with snippets also gets its notebook (engine/notebook.py, from the same results): on_files adds it
as a page of its own, which mkdocs-jupyter renders, and each page links to it, to its .ipynb and to Colab.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data
from packaging.version import Version

from engine import claims, directives, notebook, render, runner, snippet, translations

log = logging.getLogger("mkdocs.hooks.memos")
# mkdocs-jupyter logs three lines per notebook and build; its warnings still show.
logging.getLogger("mkdocs.plugins.mkdocs_jupyter").setLevel(logging.WARNING)
ROOT = Path(__file__).resolve().parent
SNIPPETS = ROOT / "snippets"
# Tests point copies of the project at one cache: entries are keyed by content, so sharing is safe.
CACHE = Path(os.environ.get("MEMOS_CACHE", ROOT / ".cache" / "outputs"))
# Snippets running at once; each child uses one torch thread unless it asks for more.
JOBS = int(os.environ.get("MEMOS_JOBS", os.cpu_count() or 2))
OUTPUT_TOKEN = re.compile(r"(?:<p>)?@@memo-output-(\d+)@@(?:</p>)?")
TORCH = Version(version("torch"))
# The folder of this release on the gh-pages branch (mike's layout), which Colab links name: `major.minor` of
# the torch that runs the snippets, unless the deploy says otherwise.
RELEASE = os.environ.get("MEMOS_VERSION") or f"{TORCH.major}.{TORCH.minor}"
# mkdocs-jupyter reads and copies notebooks as files on disk; they are not written into docs/, where
# `mkdocs serve` would see them change and rebuild again.
NOTEBOOKS = tempfile.TemporaryDirectory(prefix="memos-notebooks-")


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


serving = False
scan = Scan()
outputs: dict[str, list[str]] = {}  # page src_uri -> output blocks, put in place of OUTPUT_TOKEN
links: dict[str, list[tuple[str, str]]] = {}  # src_uri of a page or notebook -> (label, url) under its title


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


@event_priority(-110)  # after static-i18n's on_config, which sets the language of this build
def on_config(config):
    # mkdocs-jupyter evicts, after each build, the cached renderings that build did not use; static-i18n
    # builds each language separately, so with one folder each language evicted the other's every time.
    jupyter = config.plugins["mkdocs-jupyter"].config
    jupyter["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / config.theme["language"])
    return config


def on_serve(server, config, builder):
    runner.prestart(JOBS)  # import torch now, not at the first edit
    return server


def on_pre_build(config):
    global scan
    scan = _scan(Path(config.docs_dir))
    results, summary = runner.Runner(CACHE, JOBS, _progress).run(list(scan.snippets.values()))
    scan.results = results
    scan.verdicts = claims.verdicts(scan.snippets, results)
    log.info(f"memos: {summary}")
    failures = _failures()
    if failures and not serving:
        raise PluginError("snippets failed:\n" + "\n".join(f"  {f}" for f in failures))
    for f in failures:
        log.error(f)


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
def on_files(files, config):
    """Add the notebook of each page of the language being built, as a page that mkdocs-jupyter renders.

    This runs after static-i18n (priority -100), which remakes every file of docs/ as a plain File of the
    language it builds: a notebook added earlier would be copied as raw JSON and get no page in Korean. Here
    the notebook is made from the page static-i18n chose (the translation, or the Korean page it falls back
    to), placed in that language's folder, and handed to mkdocs-jupyter as it hands docs/ files.
    """
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    made = Files([])
    pages = {}  # notebook src_uri -> its page's File
    for page in files.documentation_pages():
        markdown = get_data(page.content_string)[0]
        if not any(d.kind == "run" for d in directives.find(markdown)):
            continue
        nb = notebook.build(_title(markdown), markdown, lang, TORCH.public, scan.snippets, scan.results)
        src = _folder(i18n, lang) + "notebooks/" + page.src_uri.removesuffix(".md").removesuffix(".en") + ".ipynb"
        Path(NOTEBOOKS.name, src).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(NOTEBOOKS.name, src))
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


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        # mkdocs-jupyter renders it from the notebook, not from Markdown. It repeats its page: left out of
        # search, which would otherwise find every example twice.
        page.meta["search"] = {"exclude": True}
        return markdown
    lang = config.theme["language"]
    src = page.file.src_uri
    blocks: list[str] = []
    outputs[src] = blocks

    def directive(d: directives.Directive) -> str:
        problem = scan.problems.get((src, d.kind, d.arg))
        if problem:
            return render.error(problem, "", lang)
        if d.kind == "run":
            s = scan.snippets[d.arg]
            result = scan.results[d.arg]
            if result.status == "error":
                blocks.append(render.error(_failure(d.arg), result.output, lang))
            else:
                blocks.append(render.output(s, result, lang))
            return f"{render.source(s)}\n\n@@memo-output-{len(blocks) - 1}@@\n"
        if d.kind == "claim":
            words = scan.words[lang].get(d.arg) or scan.words["ko"][d.arg]
            return render.claim(d.arg, words, scan.verdicts.get(d.arg), lang)
        return render.claims_table(_claim_rows(src, config), _torch(), lang)

    return _translation_notice(page, lang) + directives.expand(markdown, directive)


def on_page_content(html, page, config, files):
    blocks = outputs.pop(page.file.src_uri, [])
    if blocks:  # a notebook page is megabytes of HTML: not worth a scan for tokens it cannot hold
        html = OUTPUT_TOKEN.sub(lambda m: blocks[int(m[1])], html)
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
