"""The directives a page may hold, each on a line of its own, outside code fences:

    {{ run <page>/<file>.py }}   a snippet: its source, then its executed output
    {{ claim <claim-id> }}       one of the memo's claims and its computed verdict
    {{ claims }}                 every claim of the site and its verdict (the fact-check page)
    {{ changes }}                every output that differs from an older deployed release (the what-changed page)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\{\{\s*(?P<kind>run|claims?|changes)\b\s*(?P<arg>\S*)\s*\}\}[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


@dataclass(frozen=True)
class Directive:
    kind: str  # "run", "claim", "claims" or "changes"
    arg: str
    line: int
    indent: str


def find(markdown: str) -> Iterator[Directive]:
    fence = None
    for lineno, text in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(text)
        if m and (fence is None or m[1].startswith(fence)):
            fence = m[1] if fence is None else None
            continue
        if fence is None and (d := DIRECTIVE.match(text)):
            yield Directive(d["kind"], d["arg"], lineno, d["indent"])


def expand(markdown: str, found: list[Directive], render: Callable[[Directive], str]) -> str:
    """Replace each directive `found` in `markdown` by what `render` makes of it (Markdown), indented like the
    directive. `found` is what `find` gave for this Markdown, parsed once when the site was scanned."""
    lines = markdown.splitlines()
    for d in found:
        if not DIRECTIVE.match(lines[d.line - 1]):
            raise ValueError(f"line {d.line} no longer holds its directive: the Markdown changed after the scan")
        block = render(d)
        lines[d.line - 1] = "\n".join(d.indent + x if x else x for x in block.splitlines())
    return "\n".join(lines) + "\n"


LOOKS_LIKE = re.compile(r"^[ \t]*\{\{.*\}\}[ \t]*$")


def problems(markdown: str) -> list[tuple[int, str]]:
    """(line, message) for each line outside code that looks like a directive but is not a valid one."""
    valid = {d.line for d in find(markdown)}
    found, fence = [], None
    for lineno, text in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(text)
        if m and (fence is None or m[1].startswith(fence)):
            fence = m[1] if fence is None else None
        elif fence is None and lineno not in valid and LOOKS_LIKE.match(text):
            found.append((lineno, f"'{text.strip()}' is not a directive"))
    return found
