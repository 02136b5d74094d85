"""The MkDocs glue, and all of it: the engine (engine/) knows nothing of MkDocs.

Before the pages are rendered, every page is scanned for its directives (`{{ run }}`, `{{ claim }}`) and
every snippet that is not cached starts running, all in one batch so that two run at once. The pages are
converted meanwhile, with a placeholder where an output or a verdict goes: the build waits for the batch
only when the first page is put in its template, which overlaps the server's torch import with the
Markdown work. A failure stops `mkdocs build` with the snippet's file and line and the page that includes
it; under `mkdocs serve` the server stays up and the page shows the failure where the output would be.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils.meta import get_data

from engine import claims, directives, render, runner, snippet, translations

log = logging.getLogger("mkdocs.hooks.memos")
ROOT = Path(__file__).resolve().parent
SNIPPETS = ROOT / "snippets"
# Tests point copies of the project at one cache: entries are keyed by content, so sharing is safe.
CACHE = Path(os.environ.get("MEMOS_CACHE", ROOT / ".cache" / "outputs"))
# Snippets running at once; each child uses one torch thread unless it asks for more.
JOBS = int(os.environ.get("MEMOS_JOBS", os.cpu_count() or 2))
PLACEHOLDER = re.compile(r"(?:<p>)?@@memo-output-(\d+)@@(?:</p>)?")


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
    batch: runner.Batch | None = None  # until its results are in


serving = False
scan = Scan()
outputs: dict[str, list] = {}  # page src_uri -> functions giving the HTML to put in place of each PLACEHOLDER


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


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
    """Wait for the batch, once per build: verdicts, the summary, and failures (which stop a build)."""
    if scan.batch is None:
        return
    batch, scan.batch = scan.batch, None
    scan.results, summary = batch.wait()
    scan.verdicts = claims.verdicts(scan.snippets, scan.results)
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
    blocks: list = []
    outputs[src] = blocks

    def directive(d: directives.Directive) -> str:
        problem = scan.problems.get((src, d.kind, d.arg))
        if problem:
            return render.error(problem, "", lang)
        blocks.append(lambda: _block(d, src, lang))  # rendered once the results are in (on_page_context)
        placeholder = f"@@memo-output-{len(blocks) - 1}@@\n"
        return f"{render.source(scan.snippets[d.arg])}\n\n{placeholder}" if d.kind == "run" else placeholder

    return _translation_notice(page, lang) + directives.expand(markdown, directive)


def _block(d: directives.Directive, src: str, lang: str) -> str:
    if d.kind == "run":
        result = scan.results[d.arg]
        if result.status == "error":
            return render.error(_failure(d.arg), result.output, lang)
        return render.output(scan.snippets[d.arg], result, lang)
    if d.kind == "claim":
        words = scan.words[lang].get(d.arg) or scan.words["ko"][d.arg]
        return render.claim(d.arg, words, scan.verdicts.get(d.arg), lang)
    return render.claims_table(_claim_rows(src, lang), lang)


@event_priority(100)  # before the search plugin indexes page.content: outputs and verdicts are searchable
def on_page_context(context, page, config, nav):
    _results()
    blocks = outputs.pop(page.file.src_uri, [])
    page.content = PLACEHOLDER.sub(lambda m: blocks[int(m[1])](), page.content)
    return context


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
