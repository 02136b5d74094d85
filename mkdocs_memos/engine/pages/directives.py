"""The directives a page may hold, each on a line of its own, outside code fences:

    {{ run <page>/<file>.py }}   a snippet: its source, then its executed output
    {{ claim <claim-id> }}       one of the memo's claims and its computed verdict
    {{ claims }}                 every claim of the site and its verdict (the fact-check page)
    {{ changes }}                what changed at each step between the deployed releases (the what-changed page)
    {{ matrix }}                 every claim's verdict and every example's output, release by release
    {{ if <condition> }}         the lines up to `{{ else }}` or `{{ end }}` are shown only when the condition
    {{ else }}                   holds on the release being built (engine/pages/conditions.py), the lines after
    {{ end }}                    `{{ else }}` only when it does not
    {{ assert <condition> }}     the build of a release on which the condition does not hold fails here

Anything else outside code that looks like one (`{{ word ... }}`) is a mistake, reported by `problems`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterator

# Each kind: what follows it (a snippet, a claim id, a condition, or nothing), and how it is written. A new kind
# is one line here.
KINDS = {
    "run": (r"\S+", "{{ run <page>/<file>.py }}"),
    "claim": (r"\S+", "{{ claim <claim-id> }}"),
    "claims": ("", "{{ claims }}"),
    "changes": ("", "{{ changes }}"),
    "matrix": ("", "{{ matrix }}"),
    "if": (r"\S.*?", "{{ if <condition> }}"),
    "else": ("", "{{ else }}"),
    "end": ("", "{{ end }}"),
    "assert": (r"\S.*?", "{{ assert <condition> }}"),
}
DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\{\{\s*(?P<kind>" + "|".join(KINDS) + r")\b\s*(?P<arg>.*?)\s*\}\}[ \t]*$"
)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# Anything a writer may have meant as a directive, anywhere in a line: `{{ word ... }}`.
LOOKS_LIKE = re.compile(r"\{\{\s*(?P<kind>[A-Za-z_][\w-]*)\b\s*(?P<arg>[^{}]*?)\s*\}\}")
CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class Directive:
    kind: str  # one of KINDS
    arg: str
    line: int
    indent: str


def _lines_outside_code(markdown: str) -> Iterator[tuple[int, str]]:
    fence = None
    for lineno, text in enumerate(markdown.splitlines(), 1):
        m = FENCE.match(text)
        if m and (fence is None or m[1].startswith(fence)):
            fence = m[1] if fence is None else None
        elif fence is None:
            yield lineno, text


def find(markdown: str) -> Iterator[Directive]:
    for lineno, text in _lines_outside_code(markdown):
        d = DIRECTIVE.match(text)
        if d and re.fullmatch(KINDS[d["kind"]][0], d["arg"]):
            yield Directive(d["kind"], d["arg"], lineno, d["indent"])


def problems(markdown: str) -> list[tuple[int, str]]:
    """(line, message) for each `{{ ... }}` outside code (fences and code spans) that is not a valid directive
    on a line of its own, naming the nearest valid one."""
    valid = {d.line for d in find(markdown)}
    found = []
    for lineno, text in _lines_outside_code(markdown):
        for m in LOOKS_LIKE.finditer(CODE_SPAN.sub("", text)):
            written, kind = m[0], m["kind"]
            if kind not in KINDS:
                nearest = difflib.get_close_matches(kind.lower(), KINDS, n=1, cutoff=0)[0]
                found.append((lineno, f"'{written}' is not a directive; the nearest is '{KINDS[nearest][1]}'"))
            elif not re.fullmatch(KINDS[kind][0], m["arg"]):
                found.append((lineno, f"'{written}' is not a valid directive: write '{KINDS[kind][1]}'"))
            elif lineno not in valid:
                found.append((lineno, f"'{written}' must stand on a line of its own"))
    return found


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
