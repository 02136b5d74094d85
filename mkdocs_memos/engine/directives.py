"""The directives a page may hold, each on a line of its own, outside code:

    {{ run <page>/<file>.py }}   a snippet: its source, then its executed output
    {{ claim <claim-id> }}       one of the memo's claims and its computed verdict
    {{ claims }}                 every claim of the site and its verdict (the fact-check page)
    {{ changes }}                every output that differs from an older deployed release (the what-changed page)

Anything else outside code that looks like one (`{{ word ... }}`) is a mistake, reported by `problems`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterator

# Every kind of directive: the pattern of what follows its name ("" for nothing), and how to write it.
# A new kind is one line here.
KINDS = {
    "run": (r"\S+", "{{ run <page>/<file>.py }}"),
    "claim": (r"\S+", "{{ claim <claim-id> }}"),
    "claims": ("", "{{ claims }}"),
    "changes": ("", "{{ changes }}"),
}
LINE = re.compile(r"^(?P<indent>[ \t]*)\{\{\s*(?P<kind>[\w-]+)(?:\s+(?P<arg>.*?))?\s*\}\}[ \t]*$")
LOOKALIKE = re.compile(r"\{\{\s*(?P<kind>[A-Za-z_][\w-]*)[^{}]*\}\}")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class Directive:
    kind: str  # a key of KINDS
    arg: str
    line: int
    indent: str


def find(markdown: str) -> Iterator[Directive]:
    for lineno, text in _outside_fences(markdown):
        if (d := _directive(text)) and not _usage_problem(d["kind"], d["arg"] or ""):
            yield Directive(d["kind"], d["arg"] or "", lineno, d["indent"])


def problems(markdown: str) -> list[tuple[int, str]]:
    """(line, message) for each `{{ ... }}` outside code that is not a valid directive on a line of its own."""
    found = []
    for lineno, text in _outside_fences(markdown):
        for m in LOOKALIKE.finditer(CODE_SPAN.sub("", text)):
            written, kind = m[0], m["kind"]
            if kind not in KINDS:
                nearest = difflib.get_close_matches(kind.lower(), KINDS, n=1, cutoff=0)[0]
                found.append((lineno, f"'{written}' is not a directive; the nearest is '{KINDS[nearest][1]}'"))
            elif problem := _usage_problem(kind, LINE.match(written)["arg"] or ""):
                found.append((lineno, f"'{written}' is not a valid directive: {problem}"))
            elif not _directive(text):
                found.append((lineno, f"'{written}' must stand on a line of its own"))
    return found


def expand(markdown: str, render: Callable[[Directive], str]) -> str:
    """Replace each directive by what `render` makes of it (Markdown), indented like the directive."""
    lines = markdown.splitlines()
    for d in find(markdown):
        block = render(d)
        lines[d.line - 1] = "\n".join(d.indent + x if x else x for x in block.splitlines())
    return "\n".join(lines) + "\n"


def _outside_fences(markdown: str) -> Iterator[tuple[int, str]]:
    fence = None
    for lineno, text in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(text)
        if m and (fence is None or m[1].startswith(fence)):
            fence = m[1] if fence is None else None
        elif fence is None:
            yield lineno, text


def _directive(text: str) -> re.Match | None:
    d = LINE.match(text)
    return d if d and d["kind"] in KINDS else None


def _usage_problem(kind: str, arg: str) -> str | None:
    pattern, usage = KINDS[kind]
    return None if re.fullmatch(pattern, arg) else f"write '{usage}'"
