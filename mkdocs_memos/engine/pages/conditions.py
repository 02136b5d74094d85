"""Prose bound to evidence: the conditions of `{{ if }}` and `{{ assert }}` lines, and the blocks they govern.

A condition is one or more terms joined by `and`, each optionally preceded by `not`:

    torch>=2.0                        the torch release being built (any PEP 440 specifier set)
    zero-grad-none                    a fact that is true: `# memo: fact zero-grad-none: <expr>` in a snippet
    jit-warning == "FutureWarning"    a fact equal to (or, with !=, different from) a quoted string, a number,
                                      true or false

A fact is a value the run of a snippet recorded. When that snippet did not run on the release being built, the
condition has no answer there: the page says so instead of choosing a branch (engine/build.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from mkdocs_memos.engine.pages.directives import Directive

TERM = re.compile(
    r"^(?P<not>not\s+)?(?:torch\s*(?P<spec>[<>=!~].*)"
    r"|(?P<fact>[a-z][a-z0-9-]*)(?:\s*(?P<op>==|!=)\s*(?P<value>\".*\"|-?\d+(?:\.\d+)?|true|false))?)$"
)


@dataclass(frozen=True)
class Term:
    negate: bool
    spec: SpecifierSet | None = None  # a torch term
    fact: str | None = None  # a fact term
    op: str | None = None  # "==" or "!=", or None for "the fact is true"
    value: object = None

    def holds(self, torch: Version, facts: dict) -> bool:
        if self.spec is not None:
            result = self.spec.contains(torch, prereleases=True)
        elif self.op is None:
            result = facts[self.fact] is True
        else:
            result = (facts[self.fact] == self.value) == (self.op == "==")
        return result != self.negate


@dataclass(frozen=True)
class Condition:
    text: str
    terms: tuple[Term, ...]

    @property
    def facts(self) -> list[str]:
        return [t.fact for t in self.terms if t.fact]

    def holds(self, torch: str, facts: dict) -> bool:
        """On the release of `torch`; `facts` must hold every fact the condition names."""
        version = Version(Version(torch).public)
        return all(t.holds(version, facts) for t in self.terms)


def parse(text: str) -> Condition:
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = TERM.match(part.strip())
        if not m:
            raise ValueError(f"cannot read '{part}' in condition '{text}' (see engine/pages/conditions.py)")
        negate = bool(m["not"])
        if m["spec"]:
            try:
                terms.append(Term(negate, spec=SpecifierSet(m["spec"].replace(" ", ""))))
            except InvalidSpecifier:
                raise ValueError(f"'{m['spec']}' is not a version specifier, in condition '{text}'") from None
        else:
            value = json.loads(m["value"]) if m["value"] else None
            terms.append(Term(negate, fact=m["fact"], op=m["op"], value=value))
    return Condition(text, tuple(terms))


@dataclass(frozen=True)
class Block:
    """`{{ if }}` … [`{{ else }}` …] `{{ end }}`: lines counted in the page's Markdown."""

    start: Directive
    otherwise: Directive | None
    end: Directive
    condition: Condition

    def hidden(self, taken: bool | None) -> range:
        """The lines between the block's own directive lines to leave out: the branch not taken, or, with
        no answer (None), both."""
        if taken is None:
            return range(self.start.line + 1, self.end.line)
        if taken:
            return range(self.otherwise.line + 1, self.end.line) if self.otherwise else range(0)
        return range(self.start.line + 1, (self.otherwise or self.end).line)


def blocks(found: list[Directive], markdown: str) -> tuple[list[Block], list[tuple[int, str]]]:
    """The conditional blocks among a page's directives, and (line, message) for each badly formed one."""
    made, problems, open_ = [], [], None
    lines = markdown.splitlines()
    for d in found:
        if d.kind == "if":
            if open_:
                problems.append((d.line, f"'{{{{ if }}}}' inside the '{{{{ if }}}}' of line {open_[0].line}"))
                continue
            open_ = [d, None]
        elif d.kind == "else":
            if not open_ or open_[1]:
                problems.append((d.line, "'{{ else }}' without its '{{ if }}'"))
            else:
                open_[1] = d
        elif d.kind == "end":
            if not open_:
                problems.append((d.line, "'{{ end }}' without its '{{ if }}'"))
                continue
            start, otherwise = open_
            open_ = None
            try:
                condition = parse(start.arg)
            except ValueError as e:
                problems.append((start.line, str(e)))
                continue
            for n in range(start.line, d.line):
                if re.match(r"#{1,6}\s", lines[n]):
                    problems.append((n + 1, "a heading inside '{{ if }}': every release must keep every section id"))
            made.append(Block(start, otherwise, d, condition))
    if open_:
        problems.append((open_[0].line, "'{{ if }}' without its '{{ end }}'"))
    return made, problems
