"""Verdicts on the memo's claims, computed from the `# memo: check` lines of the snippets that ran."""

from __future__ import annotations

from dataclasses import dataclass, field

HOLDS, FAILS, PARTLY, UNCHECKED = "holds", "fails", "partly", "unchecked"


@dataclass
class Evidence:
    snippet: str  # display path
    line: int
    expr: str
    value: bool


@dataclass
class Verdict:
    claim: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def value(self) -> str:
        values = {e.value for e in self.evidence}
        if not values:
            return UNCHECKED
        if values == {True}:
            return HOLDS
        return FAILS if values == {False} else PARTLY


def verdicts(snippets, results) -> dict[str, Verdict]:
    """`snippets` and `results` by snippet name; a claim's evidence is every check that named it."""
    out: dict[str, Verdict] = {}
    for name, snippet in sorted(snippets.items()):
        for check in results[name].checks:
            verdict = out.setdefault(check["claim"], Verdict(check["claim"]))
            verdict.evidence.append(Evidence(snippet.display_path, check["line"], check["expr"], check["value"]))
    return out
