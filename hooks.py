"""The MkDocs glue, and all of it: the engine (engine/) knows nothing of MkDocs.

Before the pages are rendered, every page is scanned for its directives (`{{ run }}`, `{{ claim }}`) and
every snippet that is not cached runs, all in one batch so that two run at once. Each page then only looks
its results up. A failure stops `mkdocs build` with the snippet's file and line and the page that includes
it; under `mkdocs serve` the server stays up and the page shows the failure where the output would be.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils.meta import get_data

from engine import anchors, claims, directives, render, runner, snippet, translations

log = logging.getLogger("mkdocs.hooks.memos")
ROOT = Path(__file__).resolve().parent
SNIPPETS = ROOT / "snippets"
# Tests point copies of the project at one cache: entries are keyed by content, so sharing is safe.
CACHE = Path(os.environ.get("MEMOS_CACHE", ROOT / ".cache" / "outputs"))
# Snippets running at once; each child uses one torch thread unless it asks for more.
JOBS = int(os.environ.get("MEMOS_JOBS", os.cpu_count() or 2))
OUTPUT_TOKEN = re.compile(r"(?:<p>)?@@memo-output-(\d+)@@(?:</p>)?")
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
    pages: dict = field(default_factory=dict)  # claim id -> (Korean page path, its title)
    verdicts: dict = field(default_factory=dict)


serving = False
site_dir: str | None = None
scan = Scan()
outputs: dict[str, list[str]] = {}  # page src_uri -> output blocks, put in place of OUTPUT_TOKEN
korean_ids: dict[str, list[str]] = {}  # page url -> its section ids; the Korean build runs before the English


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def on_config(config):
    global site_dir
    site_dir = config.site_dir


def on_build_error(error):
    # A build that stopped half-way would leave some pages new and some from the last build, all looking
    # current: empty the site instead, so that nothing is served or deployed from a failed build.
    entries = list(os.scandir(site_dir)) if site_dir and not serving and os.path.isdir(site_dir) else []
    for entry in entries:
        shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    if entries:  # static-i18n's nested build reports the same error again, to an already empty site
        log.error(f"memos: the build failed, so {site_dir} was emptied")


@event_priority(-150)  # after static-i18n's on_files (-100), which gives this language's pages their URLs
def on_files(files, config):
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
        for claim_id, words in (meta.get("claims") or {}).items():
            found.words[lang][claim_id] = str(words)
            if lang == "ko":
                found.pages[claim_id] = (src, _title(text))
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


def on_page_markdown(markdown, page, config, files):
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
        return render.claims_table(_claim_rows(src, lang), lang)

    return _translation_notice(page, lang) + directives.expand(markdown, directive)


def on_page_content(html, page, config, files):
    blocks = outputs.pop(page.file.src_uri, [])
    html = OUTPUT_TOKEN.sub(lambda m: blocks[int(m[1])], html)
    problems = _anchor_problems(html, page, config.theme["language"])
    if problems and not serving:
        raise PluginError("links to sections would break:\n" + "\n".join(f"  {p}" for p in problems))
    for p in problems:
        log.error(p)
    return html


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


def _claim_rows(src: str, lang: str):
    here = _url(src)
    for claim_id, (pagesrc, title) in scan.pages.items():
        words = scan.words[lang].get(claim_id) or scan.words["ko"][claim_id]
        url = posixpath.relpath(_url(pagesrc) or ".", here or ".") + "/"
        yield claim_id, words, url, title, scan.verdicts.get(claim_id)


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
    m = re.search(r"^# (.+?)\s*$", text, re.M)
    return m[1] if m else ""


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  memos: {done}/{total} snippets ran" + ("\n" if done == total else ""))
