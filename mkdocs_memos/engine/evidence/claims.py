"""Verdicts on the memo's claims, computed from the `# memo: check` lines of the snippets that ran.

A claim is judged only on all of its evidence: when a snippet holding one of its checks did not run on this
release (it declares `# memo: requires`), the claim is "not checked" here, with the reason, and never turned into
"holds" or "does not hold" by the checks that happened to run.
"""

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
    missing: list[str] = field(default_factory=list)  # why some of its checks did not run, one line each

    @property
    def value(self) -> str:
        values = {e.value for e in self.evidence}
        if self.missing or not values:
            return UNCHECKED
        if values == {True}:
            return HOLDS
        return FAILS if values == {False} else PARTLY


def judge(snippets, results) -> dict[str, Verdict]:
    """`snippets` and `results` by snippet name; a claim's evidence is every check that names it."""
    out: dict[str, Verdict] = {}
    for name, snippet in sorted(snippets.items()):
        result = results[name]
        for claim in dict.fromkeys(c.claim for c in snippet.checks):
            verdict = out.setdefault(claim, Verdict(claim))
            if result.status != "ok":
                verdict.missing.append(f"{snippet.display_path}: {result.message or result.status}")
        for check in result.checks:
            out[check["claim"]].evidence.append(
                Evidence(snippet.display_path, check["line"], check["expr"], check["value"])
            )
    return out
