"""Outputs across PyTorch releases: each release's build leaves a manifest of its outputs (`outputs.json` in
its site), and what changed between releases is computed from those manifests alone.

Outputs are compared scrubbed of what is not behaviour (line numbers inside installed packages, memory
addresses, durations, the environment listing's version lines): a difference that is only such noise is no
change. Everything here is pure except `older_manifests`, which reads the deploy branch.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

MANIFEST = "outputs.json"

# (pattern, replacement), applied in order to every line of an output before comparing.
NOISE = [
    # torch's own files move code between releases: `…/site-packages/torch/jit/_script.py:1488:` in a
    # warning, `File "…/site-packages/torch/nn/modules/module.py", line 1736` in a traceback,
    # `_export/non_strict_utils.py:1205` in an error message. A snippet's own lines (snippets/…) are kept.
    (re.compile(r"(?<![\w/.…-])(?!snippets/)([\w/.…-]+\.py)(:\d+|\", line \d+)"),
     lambda m: m[1] + (":N" if m[2].startswith(":") else '", line N')),
    # and its C++ sources, named by warnings raised there: `(Triggered internally at /pytorch/torch/csrc/utils/
    # tensor_new.cpp:1576.)`
    (re.compile(r"([\w/.-]+\.(?:cpp|cc|h)):\d+"), r"\1:N"),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x…"),  # object addresses
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|us|µs|ns|sec|seconds)\b"), "<duration>"),
    # the environment listing (snippets/index/environment.py) names the versions that differ by definition
    (re.compile(r"^(torch|python|numpy)(\s+)\d+\.\d+\S*\s*$"), r"\1\2<version>"),
]


def label(torch_version: str) -> str:
    """How every page names a torch release: its public version ("2.14.1+cu130" -> "2.14.1"). Which build of it
    ran (CUDA, CPU) is said once, in each output's stamp (views/render.py)."""
    return Version(torch_version).public


def name(torch_version: str) -> str:
    """The folder a torch release is deployed under: its major.minor ("2.14.1+cpu" -> "2.14")."""
    v = Version(torch_version)
    return f"{v.major}.{v.minor}"


def manifest(torch_version: str, python: str, snippets: dict, results: dict, pages: dict, verdicts: dict) -> dict:
    """What a release's build produced. `pages`: snippet name -> (page url, anchor) of the example."""
    entries = {}
    for n, s in sorted(snippets.items()):
        r = results[n]
        page, anchor = pages[n]
        entries[n] = {
            "status": r.status,
            "output": r.output,
            "nondeterministic": s.nondeterministic,
            "requires": s.requires,
            "page": page,
            "anchor": anchor,
        }
    return {
        "release": name(torch_version),
        "torch": torch_version,
        "python": python,
        "snippets": entries,
        "claims": {claim: {"value": v.value, "checks": len(v.evidence)} for claim, v in sorted(verdicts.items())},
    }


def older_manifests(ref: str, current: str, cwd: Path) -> list[dict]:
    """Manifests of the releases deployed on git `ref` that are older than `current`, newest first."""
    deployed = _git_json(cwd, f"{ref}:versions.json") or []
    found = []
    for entry in deployed:
        release = entry["version"]
        if Version(release) < Version(current):
            m = _git_json(cwd, f"{ref}:{release}/{MANIFEST}")
            if m is not None:  # deployed before releases had manifests: nothing to compare
                found.append(m)
    return sorted(found, key=lambda m: Version(m["torch"]), reverse=True)


def _git_json(cwd: Path, spec: str):
    done = subprocess.run(["git", "show", spec], cwd=cwd, capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else None


def scrub(output: str) -> str:
    """An output without what is not behaviour, for comparing releases (never for showing)."""
    lines = []
    for line in output.splitlines():
        for pattern, replacement in NOISE:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "\n".join(lines)


@dataclass
class Difference:
    snippet: str
    release: str  # the older release, e.g. "1.13"
    torch: str  # its exact torch
    kind: str  # "output" (both ran, outputs differ) or "runs" (ran in one release only)
    diff: str  # unified diff of the outputs as printed, older -> newer; empty for kind "runs"
    page: str
    anchor: str
    requires: str | None = None  # kind "runs": the requirement of the release where it did not run
    summary: str = ""  # one line a reader can scan, e.g. "DeprecationWarning -> FutureWarning"


def compare(snippet: str, then: dict, then_manifest: dict, now: dict, now_manifest: dict) -> Difference | None:
    """How one snippet's entry differs from an older release's, or None: same scrubbed output, declared
    nondeterministic, or run in neither."""
    if then["nondeterministic"] or now["nondeterministic"]:
        return None
    ran = (then["status"] == "ok", now["status"] == "ok")
    older = (snippet, then_manifest["release"], then_manifest["torch"])
    if ran == (True, True):
        old, new = scrub(then["output"]), scrub(now["output"])
        if old == new:
            return None
        diff = _diff(then["output"], now["output"], f"torch {then_manifest['torch']}", f"torch {now_manifest['torch']}")
        return Difference(*older, "output", diff, now["page"], now["anchor"], summary=summary(old, new))
    if ran[0] != ran[1]:
        requires = now["requires"] if ran[0] else then["requires"]
        said = f"runs from {now_manifest['release']}" if ran[1] else f"does not run in {now_manifest['release']}"
        return Difference(*older, "runs", "", now["page"], now["anchor"], requires,
                          summary=f"{said} (needs {requires})" if requires else said)
    return None


def by_release(manifests: list[dict]) -> list[dict]:
    """Manifests oldest first, whatever order they were read in."""
    return sorted(manifests, key=lambda m: Version(m["torch"]))


@dataclass
class Step:
    older: dict  # the manifest of the release before
    newer: dict
    changes: list[Difference]  # each against `older`, by snippet name


def steps(manifests: list[dict]) -> list[Step]:
    """What changed at each release step (1.13 -> 2.0, ..., 2.13 -> 2.14), newest step first: the
    what-changed page, one section per step."""
    ordered = by_release(manifests)
    found = []
    for older, newer in zip(ordered, ordered[1:]):
        changes = [d for n, now in sorted(newer["snippets"].items())
                   if n in older["snippets"] and (d := compare(n, older["snippets"][n], older, now, newer))]
        found.append(Step(older, newer, changes))
    return found[::-1]


def changes_by_snippet(stepped: list[Step]) -> dict[str, list[str]]:
    """Snippet -> the releases where its output (or whether it runs) differs from the release before, oldest
    first ("output changed in 2.0, 2.14"); snippets that never changed are left out. From `steps`, which a
    build computes once: it compares every snippet of every release."""
    found: dict[str, list[str]] = {}
    for step in reversed(stepped):
        for d in step.changes:
            found.setdefault(d.snippet, []).append(step.newer["release"])
    return found


def verdict_matrix(manifests: list[dict]) -> dict[str, dict[str, str | None]]:
    """The claim x release matrix: claim -> release -> its verdict there (None: not checked there)."""
    ordered = by_release(manifests)
    claims = sorted({c for m in ordered for c in m["claims"]})
    return {c: {m["release"]: (m["claims"].get(c) or {}).get("value") for m in ordered} for c in claims}


def verdict_since(manifests: list[dict]) -> dict[str, tuple[str | None, str]]:
    """Claim -> (its verdict in the newest release, the oldest release from which on it has been that)."""
    found = {}
    for claim, row in verdict_matrix(manifests).items():
        releases = list(row)
        now = row[releases[-1]]
        since = releases[-1]
        for r in reversed(releases):
            if row[r] != now:
                break
            since = r
        found[claim] = (now, since)
    return found


PAIRED = 20  # lines of a changed block, on each side, looked at for the two most alike


def summary(old: str, new: str, width: int = 80) -> str:
    """One line for a changed output, from its first changed block of lines: the words that differ between
    its two most alike lines ("DeprecationWarning -> FutureWarning"), or the line that appeared or went away."""
    a, b = old.splitlines(), new.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace":
            # The first lines of each side only: a long block would cost len(a) * len(b) comparisons.
            pairs = [(x, y) for x in a[i1:i2][:PAIRED] for y in b[j1:j2][:PAIRED]]
            x, y = max(pairs, key=lambda p: difflib.SequenceMatcher(None, *p, autojunk=False).ratio())
            return _words_changed(x, y, width)
        if tag == "insert":
            return "new: " + _clip(_message(b[j1]), width)
        if tag == "delete":
            return "gone: " + _clip(_message(a[i1]), width)
    return ""


def _words_changed(old: str, new: str, width: int) -> str:
    """The words that differ, after what the line is about: its first `quoted` term, else the label before the
    change ("warning categories: none -> DeprecationWarning"), else its first word when it names something
    ("Optimizer.zero_grad: False -> True"). Words only added or removed are said so ("added -> None")."""
    x, y = old.split(), new.split()
    ops = [op for op in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() if op[0] != "equal"]
    _, i1, i2, j1, j2 = ops[0] if ops else ("", 0, len(x), 0, len(y))
    before = _clip(" ".join(x[i1:i2]).strip(":,.()"), width // 2)
    after = _clip(" ".join(y[j1:j2]).strip(":,.()"), width // 2)
    change = f"added {after}" if i1 == i2 else f"removed {before}" if j1 == j2 else f"{before} -> {after}"
    quoted = re.search(r"`[^`]+`", new)
    label = " ".join(x[:i1])  # "warning categories:", "static export, batch 5:"
    first = x[0].rstrip(":") if i1 > 0 and re.search(r"[A-Za-z]", x[0]) and "/" not in x[0] else ""
    subject = quoted[0] if quoted else label.rstrip(":") if label.endswith(":") and len(label) <= 40 else first
    return f"{_clip(subject, width // 2)}: {change}" if subject else change


def _message(line: str) -> str:
    """A line without the place a warning was raised from (`…/torch/jit/_script.py:N: `): its message."""
    return re.sub(r"^\S+\.py:N: ", "", line.strip())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="")
    return "\n".join(lines)
