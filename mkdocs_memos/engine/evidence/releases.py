"""Outputs across PyTorch releases: each release's build leaves a manifest of its outputs (`outputs.json` in
its site), and what changed between releases is computed from those manifests alone.

Two releases' outputs of an example are compared as engine/evidence/differences.py says: noise is no
difference, and a difference is behaviour, message, random draws, generated code or cosmetic. Everything here
is pure except `older_manifests`, which reads the deploy branch.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import Version

from mkdocs_memos.engine.evidence import differences
from mkdocs_memos.engine.evidence.differences import CHANGES, Change, Entry
from mkdocs_memos.engine.evidence.measurements import measure

MANIFEST = "outputs.json"
RUNS = "runs"  # a Difference's kind when an example runs on one of the two releases only


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
            "streams": r.streams,
            "exception": (r.exception or {}).get("ename"),
            # Each figure: its title, a digest of its bytes and one of the data it plots (running/figures.py).
            "figures": [{"title": f["title"], "sha256": hashlib.sha256(f["data"].encode()).hexdigest(),
                         "plotted": f["plotted"]} for f in r.figures],
            "nondeterministic": s.nondeterministic,
            "random_draws": s.random_draws,
            "requires": s.requires,
            "checks": [[c["claim"], c["line"], c["value"]] for c in r.checks],
            "facts": {f["name"]: f["value"] for f in r.facts},
            "measurements": measure(r.output) if s.nondeterministic and r.status == "ok" else [],
            "threads": s.threads,
            "stamp": r.stamp,
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


@dataclass
class Difference:
    snippet: str
    release: str  # the older release, e.g. "1.13"
    torch: str  # its exact torch
    kind: str  # differences.KINDS, or RUNS (it ran on one of the two releases only)
    diff: str  # unified diff of the outputs as printed, older -> newer; empty for kind RUNS
    page: str
    anchor: str
    changes: list[Change] = field(default_factory=list)  # what changed, most significant first


def compare(snippet: str, then: dict, then_manifest: dict, now: dict, now_manifest: dict) -> Difference | None:
    """How one snippet's entry differs from an older release's, or None: the same output but for noise,
    declared nondeterministic, or run in neither."""
    if then["nondeterministic"] or now["nondeterministic"]:
        return None
    ran = (then["status"] == "ok", now["status"] == "ok")
    older = (snippet, then_manifest["release"], then_manifest["torch"])
    if ran == (True, True):
        old, new = _entry(then), _entry(now)
        if (differences.scrub(old.output) == differences.scrub(new.output) and not differences.figure_changes(old, new)
                and not differences.run_changes(old, new)):
            return None
        kind, changes = differences.classify(old, new)
        names = f"torch {then_manifest['torch']}", f"torch {now_manifest['torch']}"
        diff = "\n".join(d for d in (_diff(then["output"], now["output"], *names),
                                      _diff(_figures(then), _figures(now), *names)) if d)
        return Difference(*older, kind, diff, now["page"], now["anchor"], changes)
    if ran[0] != ran[1]:
        requires = now["requires"] if ran[0] else then["requires"]
        change = Change("starts" if ran[1] else "stops", old=then_manifest["release"], new=requires or "")
        return Difference(*older, RUNS, "", now["page"], now["anchor"], [change])
    return None


def _entry(e: dict) -> Entry:
    """What the comparison reads of a manifest's entry (an older release's may lack what is newer here: a
    manifest made before figures were recorded has none to compare)."""
    figures = [(f["title"], f["plotted"]) for f in e["figures"]] if "figures" in e else None
    return Entry(e["output"], e.get("streams") or [], e.get("exception"), e.get("random_draws", False),
                 e.get("checks") or [], e.get("facts") or {}, figures)


def _figures(entry: dict) -> str:
    """An entry's figures as the diff shows them: what each plots, not its bytes, which a release of matplotlib
    or numpy may change while drawing the same data."""
    return "\n".join(f"figure {i}: {f['title']} (plotted data {f['plotted'][:12]})"
                     for i, f in enumerate(entry.get("figures") or [], 1))


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
    """Snippet -> the releases where its behaviour or a message changed from the release before, oldest first
    ("output changed in 2.0, 2.14"); snippets that never changed so are left out. From `steps`, which a build
    computes once: it compares every snippet of every release."""
    found: dict[str, list[str]] = {}
    for step in reversed(stepped):
        for d in step.changes:
            if d.kind in CHANGES:
                found.setdefault(d.snippet, []).append(step.newer["release"])
    return found


# What an example's output did on a release, as the matrix says it (history.LABELS has the words).
RAN, FIRST, SAME, CHANGED, VARIES, NOT_RUN = "runs", "first", "same", "changed", "varies", "not-run"


def example_cells(manifests: list[dict], stepped: list[Step]) -> dict[str, dict[str, tuple[str, str]]]:
    """The example x release matrix: snippet -> release -> (what its output did there, why it did not run
    there: its requirement, or "" when it ran). Only behaviour and message changes make a cell CHANGED; an
    example declared nondeterministic VARIES (never compared); the first release it runs on is FIRST, unless
    that is the oldest release compared (RAN)."""
    ordered = by_release(manifests)
    changed = {(d.snippet, s.newer["release"]) for s in stepped for d in s.changes if d.kind in CHANGES}
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for name in sorted({n for m in ordered for n in m["snippets"]}):
        row, ran_before = {}, None
        for m in ordered:
            entry = m["snippets"].get(name)
            ran = entry is not None and entry["status"] == "ok"
            if not ran:
                state = NOT_RUN
            elif ran_before is None:
                state = VARIES if entry["nondeterministic"] else RAN
            elif not ran_before:
                state = FIRST
            elif entry["nondeterministic"]:
                state = VARIES
            else:
                state = CHANGED if (name, m["release"]) in changed else SAME
            row[m["release"]] = (state, (entry or {}).get("requires") or "" if not ran else "")
            ran_before = ran
        found[name] = row
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


def _diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="")
    return "\n".join(lines)
