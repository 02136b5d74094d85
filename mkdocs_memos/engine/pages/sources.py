"""The site's sources as read from docs/ and snippets/: its pages, what each includes, the claims they make, the
problems of their directives, and the checks that keep links pasted into reviews working.

Everything here is plain data, so that tests drive it on small inputs in milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mkdocs_memos.engine.pages import anchors, conditions, directives
from mkdocs_memos.engine.pages.addresses import DEFAULT_LANGUAGE, language, relative, stem, url
from mkdocs_memos.engine.pages.conditions import Block, Condition
from mkdocs_memos.engine.pages.directives import Directive
from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.running.snippet import Snippet

# Front matter exactly as MkDocs reads it (mkdocs.utils.meta), so that line numbers agree with its pages.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
# libyaml's parser where PyYAML has it: far faster than the pure-Python one, at every build and rebuild.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TITLE = re.compile(r"^# (.+?)\s*(\{.*\})?\s*$", re.M)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, the Markdown MkDocs renders, how many lines of the file come before that Markdown)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text, 0
    meta = yaml.load(m[1], Loader=SAFE_LOADER)
    if not isinstance(meta, dict):
        return {}, text, 0
    body = text[m.end():].lstrip("\n")
    return meta, body, text[: len(text) - len(body)].count("\n")


@dataclass(frozen=True)
class Include:
    """A line of a page: where a directive is, and what an error about it points at."""

    page: str  # src_uri in docs/, e.g. "view-vs-reshape.en.md"
    line: int  # in the file, front matter included

    def __str__(self) -> str:
        return f"docs/{self.page}:{self.line}"


@dataclass
class PageSource:
    """A page of docs/ as written: one language of one page."""

    src: str
    text: str  # the whole file
    meta: dict
    body: str  # what MkDocs renders: the file without its front matter
    offset: int  # lines of the file before `body`
    directives: list[Directive]  # parsed once, with lines counted in `body`
    blocks: list[Block] = field(default_factory=list)  # {{ if }} … {{ end }}
    asserts: list[tuple[Directive, Condition]] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return language(self.src)

    @property
    def stem(self) -> str:
        return stem(self.src)

    @property
    def runs(self) -> list[str]:
        """The snippets it includes, in page order."""
        return [d.arg for d in self.directives if d.kind == "run"]

    @property
    def title(self) -> str:
        m = TITLE.search(self.body)
        return m[1] if m else ""

    @property
    def claims(self) -> dict[str, str]:
        """claim id -> the memo's words, in this page's language."""
        return {k: str(v) for k, v in (self.meta.get("claims") or {}).items()}

    @property
    def cases(self) -> dict[str, str]:
        """snippet name -> the case its checks test, in this page's words (front matter `cases:`): what a claim
        judged on several examples says holds and does not."""
        return {k: str(v) for k, v in (self.meta.get("cases") or {}).items()}

    def at(self, d: Directive) -> Include:
        return Include(self.src, d.line + self.offset)


@dataclass
class Sources:
    pages: dict[str, PageSource] = field(default_factory=dict)  # by src
    snippets: dict[str, Snippet] = field(default_factory=dict)  # by name, e.g. "matmul/bmm.py"
    includes: dict[str, list[Include]] = field(default_factory=dict)  # snippet name -> where pages include it
    problems: dict[Include, str] = field(default_factory=dict)  # bad directives, shown or raised where they are
    docs: Path = Path("docs")  # where the pages were read
    _claims_shown: list = field(default_factory=list)  # (page, its {{ claim }} directive)

    @classmethod
    def scan(cls, docs: Path, snippets_dir: Path) -> Sources:
        sources = cls(docs=docs)
        for path in sorted(docs.rglob("*.md")):
            src = path.relative_to(docs).as_posix()
            sources.add(src, path.read_text(encoding="utf-8"), snippets_dir)
        sources.check_facts()
        sources.check_cases()
        return sources

    def add(self, src: str, text: str, snippets_dir: Path) -> PageSource:
        meta, body, offset = split_front_matter(text)
        page = PageSource(src, text, meta, body, offset, list(directives.find(body)))
        self.pages[src] = page
        page.blocks, bad = conditions.blocks(page.directives, body)
        strangers = [name for name in page.cases if name not in page.runs]
        if strangers:
            where = Include(src, 1)
            self.problems[where] = f"{where}: 'cases:' names snippets this page does not run: {', '.join(strangers)}"
        for line, message in directives.problems(body) + bad:
            self.problems[Include(src, line + offset)] = f"{Include(src, line + offset)}: {message}"
        for d in page.directives:
            where = page.at(d)
            try:
                if d.kind == "run":
                    if d.arg not in self.snippets:  # a snippet included by both languages' pages is read once
                        self.snippets[d.arg] = snippet.load(snippets_dir, d.arg)
                    self.includes.setdefault(d.arg, []).append(where)
                elif d.kind == "claim" and d.arg not in page.claims:
                    raise ValueError(f"claim '{d.arg}' is not in this page's front matter 'claims:'")
                elif d.kind == "claim":
                    self._claims_shown.append((page, d))
                elif d.kind == "assert":
                    page.asserts.append((d, conditions.parse(d.arg)))
            except snippet.SnippetError as e:
                self.problems[where] = f"{e} (included by {where})"
            except (OSError, ValueError) as e:
                self.problems[where] = f"{where}: {e}"
        return page

    def check_cases(self) -> None:
        """Once every page is scanned: a claim judged on the checks of several examples says, where it is shown,
        in the page's words, which case each example is (`cases:`), so that a mixed verdict can name them."""
        for page, d in self._claims_shown:
            judged = sorted(n for n, s in self.snippets.items() if any(c.claim == d.arg for c in s.checks))
            unnamed = [n for n in judged if n not in page.cases] if len(judged) > 1 else []
            if unnamed:
                where = page.at(d)
                self.problems[where] = (f"{where}: claim '{d.arg}' is judged on {len(judged)} examples; name the case "
                                        f"each one is in the front matter's 'cases:' (missing: {', '.join(unnamed)})")

    def case(self, name: str, lang: str) -> str | None:
        """The words the page showing snippet `name` in `lang` gives its case, if it names one."""
        return next((self.pages[i.page].cases.get(name) for i in self.includes.get(name, []) if language(i.page) == lang),
                    None)

    def check_facts(self) -> None:
        """Once every page is scanned: a condition naming a fact no snippet records, or a fact recorded by two
        snippets, is a problem where it is written."""
        owners: dict[str, list[str]] = {}
        for name, s in self.snippets.items():
            for f in s.facts:
                owners.setdefault(f.name, []).append(name)
        for page in self.pages.values():
            written = [(b.start, b.condition) for b in page.blocks] + page.asserts
            for d, condition in written:
                for fact in condition.facts:
                    where = page.at(d)
                    if fact not in owners:
                        self.problems[where] = f"{where}: no snippet records the fact '{fact}' (# memo: fact {fact}: …)"
                    elif len(owners[fact]) > 1:
                        self.problems[where] = f"{where}: the fact '{fact}' is recorded by {' and '.join(owners[fact])}"

    def page(self, page_stem: str, lang: str) -> PageSource | None:
        """The page in `lang`, or the Korean page that static-i18n shows in its place."""
        suffix = "" if lang == DEFAULT_LANGUAGE else f".{lang}"
        name = page_stem or "index"
        return self.pages.get(f"{name}{suffix}.md") or self.pages.get(f"{name}.md")

    def page_id(self, page_stem: str) -> str:
        """The id of a page's h1, the same in both languages (and on its notebook page): the Korean page's."""
        return anchors.h1_id(self.page(page_stem, DEFAULT_LANGUAGE).body, page_stem or "index")

    def words(self, claim: str, lang: str) -> str:
        """A claim's words in `lang`, else in Korean."""
        for src in self.claim_pages(claim):
            page = self.page(stem(src), lang)
            if claim in page.claims:
                return page.claims[claim]
        return self.pages[self.claim_pages(claim)[0]].claims[claim]

    def claim_pages(self, claim: str) -> list[str]:
        return [p.src for p in self.pages.values() if p.lang == DEFAULT_LANGUAGE and claim in p.claims]

    def claims(self) -> dict[str, str]:
        """Every claim of the site -> the Korean page that makes it."""
        return {c: p.src for p in self.pages.values() if p.lang == DEFAULT_LANGUAGE for c in p.claims}

    def home(self, name: str) -> str:
        """The page that shows a snippet's example: the first Korean page including it (src in docs/)."""
        srcs = [i.page for i in self.includes[name]]
        return next((s for s in srcs if language(s) == DEFAULT_LANGUAGE), srcs[0])

    def example(self, name: str, lang: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
        """The page of a snippet's example (its url in `lang`, in a release's folder) and the anchor of its output."""
        return url(stem(self.home(name)), lang), anchors.output_id(name)

    def failure(self, name: str, where: str, message: str) -> str:
        """A failed snippet as a build error: its file and line, and every page line that includes it."""
        return f"{where}: {message} (included by {', '.join(map(str, self.includes[name]))})"

    def claim_rows(self, order: list[str], lang: str, here: str):
        """Every claim, in the order of the navigation (`order`: src of pages), as (claim id, words in `lang`,
        link from `here` to the claim on its page, the title of that page)."""
        rank = {src: i for i, src in enumerate(order)}
        for claim, src in sorted(self.claims().items(), key=lambda c: rank.get(c[1], len(rank))):
            page = self.page(stem(src), lang)
            yield claim, self.words(claim, lang), relative(url(stem(src), lang), here), page.title


class IdCheck:
    """Links pasted into a review land on `page/#id` in any language: a page must not hold one id twice, and
    a translation must hold the same public ids (sections, claims, outputs, sources) as its Korean page. Pages
    may come in any order."""

    def __init__(self):
        self.seen: dict[str, dict[str, tuple[PageSource, list[str]]]] = {}  # stem -> lang -> (page, its ids)

    def problems(self, page: PageSource, html: str, lang: str) -> list[str]:
        """`lang`: the language being built; a page shown in place of a missing translation is not paired."""
        tagged = anchors.ids(html)
        found = [f"{_where(page, i, 2)}: id '{i}' is used twice" for i in anchors.duplicates(tagged)]
        if page.lang != lang:
            return found
        pair = self.seen.setdefault(page.stem, {})
        pair[page.lang] = (page, anchors.public_ids(tagged))
        if len(pair) == 2:
            (ko, ko_ids), (en, en_ids) = pair[DEFAULT_LANGUAGE], pair["en"]
            found += [f"{_where(en, i)}: {_kind(i)} id '{i}' is not on the Korean page docs/{ko.src}"
                      for i in en_ids if i not in ko_ids]
            found += [f"{_where(ko, i)}: {_kind(i)} id '{i}' is missing from docs/{en.src}"
                      for i in ko_ids if i not in en_ids]
        return found


def _kind(anchor_id: str) -> str:
    prefixes = dict(zip(anchors.BLOCK_PREFIXES, ("claim", "output", "source")))
    return next((kind for prefix, kind in prefixes.items() if anchor_id.startswith(prefix)), "heading")


def _where(page: PageSource, anchor_id: str, occurrence: int = 1) -> str:
    line = anchors.line_of(page.text, anchor_id, occurrence) or anchors.line_of(page.text, anchor_id)
    return f"docs/{page.src}:{line}" if line else f"docs/{page.src}"
