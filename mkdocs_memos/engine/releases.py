"""Outputs across PyTorch releases: each release's build leaves a manifest of its outputs (`outputs.json` in
its site), and the build of a newer release compares its own outputs with those of the older releases
already deployed, read from the deploy branch (`git show gh-pages:<release>/outputs.json`)."""

from __future__ import annotations

import difflib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

MANIFEST = "outputs.json"


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
        "claims": {
            claim: {"value": v.value, "checks": len(v.evidence), "missing": v.missing}
            for claim, v in sorted(verdicts.items())
        },
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
    kind: str  # "output" (both ran, outputs differ) or "runs" (ran in one release only)
    diff: str  # unified diff, older -> current; empty for kind "runs"
    page: str
    anchor: str
    requires: str | None = None  # kind "runs": the requirement of the release where it did not run


def differences(current: dict, older: list[dict]) -> list[Difference]:
    """Every snippet of `current` whose output differs in an older release, skipping declared nondeterminism."""
    found = []
    for n, now in current["snippets"].items():
        for m in older:
            then = m["snippets"].get(n)
            if then is None or now["nondeterministic"] or then["nondeterministic"]:
                continue
            ran = (then["status"] == "ok", now["status"] == "ok")
            if ran == (True, True) and then["output"] != now["output"]:
                diff = _diff(then["output"], now["output"], f"torch {m['torch']}", f"torch {current['torch']}")
                found.append(Difference(n, m["release"], m["torch"], "output", diff, now["page"], now["anchor"]))
            elif ran[0] != ran[1]:
                requires = now["requires"] if ran[0] else then["requires"]
                found.append(Difference(n, m["release"], m["torch"], "runs", "", now["page"], now["anchor"], requires))
    return found


def changed_claims(current: dict, older: list[dict]) -> list[tuple[str, str, dict, dict]]:
    """(claim, older release, its verdict, current verdict) for every verdict that is not the same."""
    rows = []
    for claim, now in current["claims"].items():
        for m in older:
            then = m["claims"].get(claim)
            if then is not None and then["value"] != now["value"]:
                rows.append((claim, m["release"], then, now))
    return rows


def _diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="")
    return "\n".join(lines)
