"""The ids a rendered page offers as link targets (`page/#id`), and where its Markdown declared each one.

A link pasted into a review lands on `page/#id`: two elements with one id, or a translation whose heading ids
differ from the Korean page's, would send it somewhere else depending on the language. The build refuses both.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Sections a link may point at: h1 is the page itself, its URL suffices.
SECTION_HEADINGS = HEADINGS - {"h1"}


# An id attribute, then the start tag it is in: looked for in this order, as a page has far fewer ids than tags.
# The HTML is what Python-Markdown, Material and our renderer write (ids quoted, no `>` inside attributes, text
# escaped): regular expressions read it far faster than HTMLParser, which matters in a build that checks every page.
ID = re.compile(r"""\sid=(["'])(.+?)\1""")
TAG = re.compile(r"<([a-zA-Z][\w-]*)")


def ids(html: str) -> list[tuple[str, str]]:
    """(tag, id) of every element that has an id, in document order; ` id="…"` in a page's text is not one."""
    found = []
    for m in ID.finditer(html):
        start = html.rfind("<", 0, m.start())
        tag = TAG.match(html, start) if start >= 0 and html.find(">", start, m.start()) < 0 else None
        if tag:
            found.append((tag[1].lower(), unescape(m[2])))
    return found


# What a review may link to besides sections: a claim box, an output block, an example's source block. Each
# shows a permalink and is recorded in urls.txt like a section.
BLOCK_PREFIXES = ("claim-", "run-", "src-")


def section_ids(html: str) -> list[str]:
    return [i for tag, i in ids(html) if tag in SECTION_HEADINGS]


def public_ids(tagged: list[tuple[str, str]]) -> list[str]:
    """Of a page's `ids`, those a link pasted into a review may end with: sections, claims, outputs, sources."""
    return [i for tag, i in tagged if tag in SECTION_HEADINGS or i.startswith(BLOCK_PREFIXES)]


def duplicates(tagged: list[tuple[str, str]]) -> list[str]:
    """Of a page's `ids`, those that more than one element has."""
    counts = Counter(i for _, i in tagged)
    return [i for i, n in counts.items() if n > 1]


def output_id(snippet_name: str) -> str:
    """The id of a snippet's output block on its page: `run-<file name without .py>`."""
    return f"run-{_file_stem(snippet_name)}"


def source_id(snippet_name: str) -> str:
    """The id of a snippet's source block on its page: `src-<file name without .py>`."""
    return f"src-{_file_stem(snippet_name)}"


def _file_stem(snippet_name: str) -> str:
    return snippet_name.rsplit("/", 1)[-1].removesuffix(".py")


def line_of(markdown: str, anchor: str, occurrence: int = 1) -> int | None:
    """The line of the `occurrence`-th declaration of `anchor`: a heading's `{ #anchor }`, or the directive
    whose block carries it (`{{ run <page>/<anchor minus run->.py }}`, `{{ claim <anchor minus claim-> }}`)."""
    name = re.escape(anchor)
    declarations = [rf"\{{[^}}]*#{name}(?![\w-])[^}}]*\}}"]
    if anchor.startswith(("run-", "src-")):
        declarations.append(rf"\{{\{{\s*run\s+\S*/{re.escape(anchor[4:])}\.py\s*\}}\}}")
    if anchor.startswith("claim-"):
        declarations.append(rf"\{{\{{\s*claim\s+{re.escape(anchor[6:])}\s*\}}\}}")
    pattern = re.compile("|".join(declarations))
    seen = 0
    for lineno, text in enumerate(markdown.splitlines(), 1):
        if pattern.search(text):
            seen += 1
            if seen == occurrence:
                return lineno
    return None


# A page's title: its first line that is an ATX h1 (pages start with it, before any code block), and its `{ … }`.
H1 = re.compile(r"^#[ \t]+(?P<text>.+?)(?P<attrs>[ \t]*\{[^}]*\})?[ \t]*$", re.M)


def h1_id(markdown: str, stem: str) -> str:
    """The id of a page's h1, the same in both languages: the `{ #id }` the Korean page gives its h1, else the
    page's name (`stem`: "view-vs-reshape", "index"). The toc extension would slug it from its text instead."""
    m = H1.search(markdown)
    declared = re.search(r"#([\w-]+)", m["attrs"]) if m and m["attrs"] else None
    return declared[1] if declared else stem


def with_h1_id(markdown: str, page_id: str) -> str:
    """The page with its h1 carrying `{ #page_id }` (an h1 that declares its own id keeps it)."""
    m = H1.search(markdown)
    if not m or m["attrs"]:
        return markdown
    return markdown[: m.end("text")] + f" {{ #{page_id} }}" + markdown[m.end("text") :]
