"""The directives a page may hold, each on a line of its own, outside code fences:

    {{ run <page>/<file>.py }}   a snippet: its source, then its executed output
    {{ claim <claim-id> }}       one of the memo's claims and its computed verdict
    {{ claims }}                 every claim of the site and its verdict (the fact-check page)
    {{ changes }}                every output that differs from an older deployed release (the what-changed page)
    {{ if <condition> }}         the lines up to `{{ else }}` or `{{ end }}` are shown only when the condition
    {{ else }}                   holds on the release being built (engine/conditions.py), the lines after
    {{ end }}                    `{{ else }}` only when it does not
    {{ assert <condition> }}     the build of a release on which the condition does not hold fails here
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

# Each kind and what follows it: a snippet, a claim id, a condition, or nothing.
ARGUMENT = {"run": r"\S+", "claim": r"\S+", "claims": "", "changes": "", "if": r"\S.*?", "else": "", "end": "",
            "assert": r"\S.*?"}
DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\{\{\s*(?P<kind>" + "|".join(ARGUMENT) + r")\b\s*(?P<arg>.*?)\s*\}\}[ \t]*$"
)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# Anything a writer may have meant as a directive: `{{ word ... }}` on a line of its own.
LOOKS_LIKE = re.compile(r"^[ \t]*\{\{.*\}\}[ \t]*$")


@dataclass(frozen=True)
class Directive:
    kind: str  # one of ARGUMENT
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
        if d and re.fullmatch(ARGUMENT[d["kind"]], d["arg"]):
            yield Directive(d["kind"], d["arg"], lineno, d["indent"])


def problems(markdown: str) -> list[tuple[int, str]]:
    """(line, message) for each line outside code that looks like a directive but is not a valid one."""
    valid = {d.line for d in find(markdown)}
    return [(lineno, f"'{text.strip()}' is not a directive")
            for lineno, text in _lines_outside_code(markdown) if lineno not in valid and LOOKS_LIKE.match(text)]


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
