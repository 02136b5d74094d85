"""One build of the site for one torch release, with no MkDocs in it: the sources scanned, their snippets' results,
the comparison with the older releases deployed, and every page's Markdown and blocks made from them.

The MkDocs plugin (mkdocs_memos/plugin.py) and the benchmark (scripts/bench_sites.py) drive it alike, with plain
values: a page of the sources, a language, the page's address in the release's folder. The snippets run in the
background from `start` on; whatever needs their results (a page whose prose depends on them, an output block,
the failures) waits for them once, in `evidence`.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mkdocs_memos.engine.evidence import claims, measurements, releases
from mkdocs_memos.engine.evidence.claims import Verdict
from mkdocs_memos.engine.evidence.measurements import Timing
from mkdocs_memos.engine.evidence.releases import Step
from mkdocs_memos.engine.pages import anchors, directives, translations
from mkdocs_memos.engine.pages.addresses import CHANGES_PAGE, DEFAULT_LANGUAGE, LATEST, relative, stem, url
from mkdocs_memos.engine.pages.conditions import Condition
from mkdocs_memos.engine.pages.directives import Directive
from mkdocs_memos.engine.pages.sources import IdCheck, PageSource, Sources
from mkdocs_memos.engine.running.protocol import ERROR, OK, Result
from mkdocs_memos.engine.running.runner import Batch, Runner, Summary
from mkdocs_memos.engine.views import charts, history, render

# Where an output or a verdict goes, until it is in. Its token is drawn by this process, and is in no file, no
# environment and no page's source: no snippet can print it, nor have it in its source, so no text of theirs is
# ever taken for a placeholder. The same for every rebuild of `mkdocs serve`, whose pages are converted again
# only if their Markdown changed (incremental.Renders). Not `(?:<p>)?@@…`: a pattern that may start anywhere
# is tried at every character of every page.
TOKEN = secrets.token_hex(8)
PLACEHOLDER = re.compile(rf"<p>@@memo-{TOKEN}-(\d+)@@</p>|@@memo-{TOKEN}-(\d+)@@")
CONDITIONAL = ("if", "else", "end", "assert")


@dataclass
class Evidence:
    """What this release's runs showed, and how it compares with the older releases."""

    results: dict[str, Result]  # by snippet name
    summary: Summary
    verdicts: dict[str, Verdict]  # by claim
    facts: dict[str, object]  # fact name -> the value this release's run recorded
    unrun: dict[str, str]  # fact name -> why its snippet did not run on this release
    manifest: dict  # this build's outputs (evidence/releases.py)
    manifests: list[dict]  # the older releases' and this build's, oldest first
    steps: list[Step]  # what changed at each release step, newest first
    changed: dict[str, list[str]]  # snippet -> the releases where its behaviour or a message changed
    since: dict[str, tuple]  # claim -> (its verdict now, since which release)
    timings: dict[str, Timing]  # snippet -> what it measured on each release, for the examples that time


@dataclass
class Binding:
    """A page's Markdown lines with the branches this release does not take left blank, and what goes in place
    of the lines of `{{ if }}`/`{{ assert }}` that need saying (by line)."""

    lines: list[str]
    notes: dict[int, str] = field(default_factory=dict)


class Build:
    def __init__(self, sources: Sources, runner: Runner, batch: Batch, log: logging.Logger,
                 compare_with: str | None = None, repository: Path | None = None,
                 documented: list[str] | None = None):
        self.sources = sources
        self.runner = runner
        self.log = log
        self._batch = batch
        self._compare_with = compare_with
        self._repository = repository  # where `compare_with` is read
        self._documented = documented or []  # every documented release, oldest first ("1.13", …, "2.14")
        self._bindings: dict[tuple[str, str], Binding] = {}
        self._blocks: dict[tuple[str, str], list] = {}  # (page src, lang) -> a function per PLACEHOLDER
        self._failures: list[str] = []
        self._reported = 0
        self._ids = IdCheck()

    @classmethod
    def start(cls, docs: Path, snippets: Path, runner: Runner, log: logging.Logger,
              compare_with: str | None = None, documented: list[str] | None = None) -> Build:
        """Scan the sources and start running every snippet that is not cached (runner.InterpreterMissing if
        some must run and the Python to run them is gone). `compare_with`: the git ref of the deployed releases;
        `documented`: every documented release, oldest first (the newest one's pages compare them all)."""
        sources = Sources.scan(docs, snippets)
        batch = runner.start(list(sources.snippets.values()))
        if batch.todo:
            log.info(f"memos: running {len(batch.todo)} of {batch.summary.total} snippets, {runner.jobs} at a time")
        return cls(sources, runner, batch, log, compare_with, snippets.parent, documented)

    def ready(self) -> bool:
        """Whether the results are in (`evidence` would not wait)."""
        return "evidence" in self.__dict__ or self._batch.ready()

    @cached_property
    def evidence(self) -> Evidence:
        results, summary = self._batch.wait()
        verdicts = claims.judge(self.sources.snippets, results)
        facts, unrun = {}, {}
        for name, result in results.items():
            snippet = self.sources.snippets[name]
            for f in snippet.facts:
                if result.status != OK:
                    unrun[f.name] = f"{snippet.display_path}: {result.message}"
            facts.update((f["name"], f["value"]) for f in result.facts)
        if summary.isolation:
            self.log.info(summary.isolation)
        self.log.info(f"memos: {summary}")
        torch = self.runner.torch
        examples = {n: self.sources.example(n) for n in self.sources.snippets}
        manifest = releases.manifest(torch, self.runner.interpreter.python, self.sources.snippets, results, examples,
                                     verdicts)
        older = []
        if self._compare_with:
            older = releases.older_manifests(self._compare_with, releases.name(torch), self._repository)
        manifests = releases.by_release([*older, manifest])
        steps = releases.steps(manifests)
        changed = releases.changes_by_snippet(steps)
        if older:
            self.log.info(f"memos: compared with {', '.join(releases.label(m['torch']) for m in older)}: "
                          f"{len(changed)} examples changed at some release")
        self._failures.extend(list(self.sources.problems.values()) + [
            self._failure(n, r) for n, r in results.items() if r.status == ERROR
        ] + [p for n, r in results.items() if r.status == OK for p in self._title_problems(n, r)])
        return Evidence(results, summary, verdicts, facts, unrun, manifest, manifests, steps, changed,
                        releases.verdict_since(manifests), measurements.timings(manifests))

    def unreported_failures(self) -> list[str]:
        """Failures not returned before: failed snippets, bad directives, assertions that do not hold (those of
        pages bound since the last call)."""
        self.evidence  # noqa: B018 - the failures of the runs are known once they are in
        new, self._reported = self._failures[self._reported:], len(self._failures)
        return new

    @property
    def torch(self) -> str:
        """The torch release this build is for, as its pages name it (releases.label)."""
        return releases.label(self.runner.torch)

    def binding(self, page: PageSource, lang: str) -> Binding:
        """The page bound to this release's runs, made once per page and language: a passage whose evidence did
        not run here is replaced by a note, an assertion that does not hold by its error (which also stops the
        build)."""
        key = page.src, lang
        if key not in self._bindings:
            self._bindings[key] = self._bind(page, lang)
        return self._bindings[key]

    def _bind(self, page: PageSource, lang: str) -> Binding:
        binding = Binding(page.body.splitlines())
        if not (page.blocks or page.asserts):
            return binding  # nothing depends on the runs: no need to wait for them
        problems = self.sources.problems
        lines, notes = binding.lines, binding.notes
        for block in page.blocks:
            if page.at(block.start) in problems:  # e.g. a fact no snippet records: its error is shown
                taken, missing = None, []
            else:
                taken, missing = self._answer(block.condition)
            if taken is None and missing:
                text = render.LABELS[lang]["unbound"].format(
                    snippets=", ".join(sorted({m.split(":")[0] for m in missing})), torch=self.torch,
                    reasons="; ".join(missing))
                notes[block.start.line] = render.note(text)
            for n in block.hidden(taken):
                lines[n - 1] = ""
        for d, condition in page.asserts:
            if any(block.start.line < d.line < block.end.line and not lines[d.line - 1] for block in page.blocks):
                continue  # in a branch this release does not take
            if page.at(d) in problems:
                continue
            taken, missing = self._answer(condition)
            if not taken:
                why = f"its evidence did not run: {'; '.join(missing)}" if missing else self._facts_shown(condition)
                failure = f"{page.at(d)}: '{{{{ assert {d.arg} }}}}' does not hold on torch {self.torch} ({why})"
                self._failures.append(failure)
                notes[d.line] = render.error(failure, "", lang)
        return binding

    def _answer(self, condition: Condition) -> tuple[bool | None, list[str]]:
        """Whether `condition` holds on this release; None, with the reasons, when a fact it names is missing."""
        e = self.evidence
        missing = [e.unrun[f] for f in condition.facts if f in e.unrun]
        if missing:
            return None, missing
        return condition.holds(self.runner.torch, e.facts), []

    def _facts_shown(self, condition: Condition) -> str:
        facts = ", ".join(f"{f} = {self.evidence.facts[f]!r}" for f in condition.facts)
        return f"torch {self.torch}" + (f"; {facts}" if facts else "")

    def _title_problems(self, name: str, result: Result) -> list[str]:
        """A language given titles (`# memo: figure`) for some of a snippet's figures but not for each."""
        snippet = self.sources.snippets[name]
        problems = []
        for lang in dict.fromkeys(t.lang for t in snippet.titles):
            given = [t for t in snippet.titles if t.lang == lang]
            if len(given) != len(result.figures):
                message = (f"{len(given)} '# memo: figure {lang}:' titles for {len(result.figures)} figures: give "
                           "one per figure, in the order they are shown")
                problems.append(self.sources.failure(name, f"{snippet.display_path}:{given[0].line}", message))
        return problems

    def _failure(self, name: str, result: Result) -> str:
        snippet = self.sources.snippets[name]
        return self.sources.failure(name, render.location(snippet, result), result.message)

    def markdown(self, page: PageSource, lang: str, here: str, order: list[str]) -> str:
        """The page's Markdown for `lang`, its directives expanded; where an output or a verdict goes, a
        placeholder that `fill` replaces once the results are in. `here`: the page's address in the release's
        folder; `order`: the pages in the order of the navigation."""
        binding = self.binding(page, lang)
        blocks: list = []
        self._blocks[page.src, lang] = blocks

        def expand(d: Directive) -> str:
            problem = self.sources.problems.get(page.at(d))
            if problem:
                return render.error(problem, "", lang)
            if d.kind in CONDITIONAL:
                return binding.notes.get(d.line, "")
            if d.kind == "changes":  # Markdown (headings in the table of contents, highlighted diffs): made now
                return self._changes(here, lang)
            blocks.append(lambda: self._block(d, lang, here, order))  # rendered once the results are in
            placeholder = f"@@memo-{TOKEN}-{len(blocks) - 1}@@\n"
            if d.kind == "run":
                return f"{render.source(self.sources.snippets[d.arg])}\n\n{placeholder}"
            return placeholder

        # A branch this release does not take was blanked, its directives with it; a block's own lines never are.
        shown = [d for d in page.directives if binding.lines[d.line - 1]]
        problems = [message for where, message in self.sources.problems.items()
                    if where.page == page.src and not any(page.at(d) == where for d in page.directives)]
        notices = self._translation_notice(page, lang) + "".join(render.error(p, "", lang) + "\n\n" for p in problems)
        markdown = directives.expand("\n".join(binding.lines) + "\n", shown, expand)
        markdown = anchors.with_h1_id(markdown, self.sources.page_id(page.stem))  # one id in both languages
        return render.under_title(markdown, notices)

    def fill(self, page: PageSource, lang: str, html: str) -> str:
        """The page's HTML with its outputs and verdicts in place of the placeholders of `markdown`."""
        blocks = self._blocks.pop((page.src, lang), [])
        if not blocks:
            return html
        return render.with_source_permalinks(PLACEHOLDER.sub(lambda m: blocks[int(m[1] or m[2])](), html), lang)

    def id_problems(self, page: PageSource, html: str, lang: str) -> list[str]:
        """Ids that would break links pasted into reviews (sources.IdCheck); pages may come in any order."""
        return self._ids.problems(page, html, lang)

    def _block(self, d: Directive, lang: str, here: str, order: list[str]) -> str:
        e = self.evidence
        if d.kind == "run":
            result = e.results[d.arg]
            if result.status == ERROR:
                return render.error(self._failure(d.arg, result), result.output, lang)
            changed = [(r, self._diff_link(r, d.arg, lang, here)) for r in e.changed.get(d.arg, [])]
            notes = history.changed_line(changed, lang)
            timing = e.timings.get(d.arg)
            if timing and len(timing.releases) > 1:
                notes += charts.figure(timing, f"#{anchors.output_id(d.arg)}", lang)
            return render.output(self.sources.snippets[d.arg], result, lang, notes)
        if d.kind == "claim":
            since = releases_line = ""
            if len(e.manifests) > 1:
                release = e.since[d.arg][1]
                since = history.since(release, e.manifests[0]["release"], lang)
                releases_line = render.by_release(self._verdicts_by_release(d.arg, lang, here), lang)
            return render.claim(d.arg, self.sources.words(d.arg, lang), e.verdicts.get(d.arg), lang, self.torch,
                                since, self.cases(d.arg, lang, here), releases_line)
        if d.kind == "matrix":
            return self._matrix(here, lang, order)
        if d.kind == "timings":
            examples = self._examples(lang, here)
            figures = [charts.figure(t, examples[n], lang) for n, t in e.timings.items() if n in examples]
            return charts.timings_page(figures, len(e.manifests), lang)
        rows = [(*row, e.verdicts.get(row[0]), self.cases(row[0], lang, here))
                for row in self.sources.claim_rows(order, lang, here)]
        return render.claims_table(rows, self.torch, lang)

    def cases(self, claim: str, lang: str, here: str) -> dict[str, tuple[str, str | None]]:
        """For each snippet checking `claim` (by display path): the link from `here` to its output, and the words
        its page gives its case (`cases:`), if any."""
        by_path = {s.display_path: s for s in self.sources.snippets.values()}
        verdict = self.evidence.verdicts.get(claim)
        found = {}
        for path in dict.fromkeys(e.snippet for e in (verdict.evidence if verdict else [])):
            name = by_path[path].name
            page, anchor = self.sources.example(name, lang)
            found[path] = relative(f"{page}#{anchor}", here), self.sources.case(name, lang)
        return found

    def _verdicts_by_release(self, claim: str, lang: str, here: str) -> list[tuple[str, str, str]]:
        """(release, its verdict, the link from `here` to the claim on that release's site) for each release whose
        manifest judged `claim`, oldest first; each release is a folder beside this one (mike's layout)."""
        e = self.evidence
        page = url(stem(self.sources.claims()[claim]), lang)
        current = e.manifest["release"]
        return [(m["release"], m["claims"][claim]["value"],
                 f"#claim-{claim}" if m["release"] == current else relative(f"../{m['release']}/{page}#claim-{claim}", here))
                for m in e.manifests if claim in m.get("claims", {})]

    @staticmethod
    def _diff_link(release: str, snippet: str, lang: str, here: str) -> str:
        return relative(f"{url(CHANGES_PAGE, lang)}#{history.change_anchor(release, snippet)}", here)

    def _examples(self, lang: str, here: str) -> dict[str, str]:
        """Snippet -> the link from `here` to its example on this release's pages."""
        return {n: relative(f"{url('', lang)}{page}#{anchor}", here)
                for n, (page, anchor) in ((n, self.sources.example(n)) for n in self.sources.snippets)}

    def _matrix(self, here: str, lang: str, order: list[str]) -> str:
        e = self.evidence
        words = {row[0]: row[1] for row in self.sources.claim_rows(order, lang, here)}
        claim_pages = {c: url(stem(src), DEFAULT_LANGUAGE) for c, src in self.sources.claims().items()}
        current = e.manifest["release"]
        release_links = {m["release"]: relative(
            url("", lang) if m["release"] == current else f"../{m['release']}/{url('', lang)}", here)
            for m in e.manifests}
        diff_links = {(r, n): self._diff_link(r, n, lang, here) for n, rs in e.changed.items() for r in rs}
        return history.matrix(e.manifests, releases.verdict_matrix(e.manifests),
                              releases.example_cells(e.manifests, e.steps), words, claim_pages, release_links,
                              diff_links, self._place(here), lang)

    def _changes(self, here: str, lang: str) -> str:
        return history.changes(self.evidence.steps, self._examples(lang, here), self._place(here), lang)

    def _place(self, here: str) -> history.Place:
        """This release among the documented ones, for its comparison pages: a build that compares with nothing
        stands alone; one that is not the newest documented release links to the same page on the newest's
        site (mike's alias LATEST), which compares every release."""
        if not self._compare_with:
            return history.Place(None)
        current = self.evidence.manifest["release"]
        newest = self._documented[-1] if self._documented else current
        latest = relative(f"../{LATEST}/{here}", here) if newest != current else ""
        return history.Place(current, latest)

    def _translation_notice(self, page: PageSource, lang: str) -> str:
        if lang == DEFAULT_LANGUAGE:
            return ""
        if page.lang != lang:
            return render.notice("untranslated", lang)
        if translations.is_current(self.sources.docs / page.src, page.meta):
            return ""
        return render.notice("outdated", lang)

    def notebook(self, page: PageSource, lang: str) -> dict:
        """What the notebook of `page` in `lang` is made from (views/notebook.build's arguments)."""
        e = self.evidence
        runs = page.runs
        return {
            "title": page.title, "markdown": "\n".join(self.binding(page, lang).lines) + "\n", "lang": lang,
            "torch": self.torch,
            "snippets": {n: self.sources.snippets[n] for n in runs if n in self.sources.snippets},
            "results": {n: dataclasses.replace(e.results[n], seconds=0, cached=False) for n in runs if n in e.results},
            "page_id": self.sources.page_id(page.stem),
        }

    @property
    def manifest(self) -> dict:
        return self.evidence.manifest
