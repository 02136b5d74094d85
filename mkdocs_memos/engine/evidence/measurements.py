"""Timings across releases: what the examples declared `# memo: nondeterministic` measured on each release.

A measurement is a line of such an example's output holding one duration ("width  128  set_to_none=True
median    840.7 us per step"): the line with its figure left out names it, and a line printing the same words
around its figure on another release is the same measurement there. Each release's manifest keeps its
measurements (releases.manifest), so that the newest release can draw them side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.version import Version

DURATION = re.compile(r"(?<![\w.])(?P<value>\d+(?:\.\d+)?)\s?(?P<unit>s|ms|us|µs|ns)\b")
SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
FIGURE = "…"  # where the figure was, in a measurement's name


def measure(output: str) -> list[dict]:
    """The durations an output printed, one per line that holds exactly one: {"name", "seconds"}."""
    found = []
    for line in output.splitlines():
        durations = list(DURATION.finditer(line))
        if len(durations) == 1:
            m = durations[0]
            name = " ".join((line[:m.start()] + FIGURE + line[m.end():]).split())
            found.append({"name": name, "seconds": float(m["value"]) * SECONDS[m["unit"]]})
    return found


@dataclass
class Release:
    release: str  # "2.14"
    torch: str
    machine: str  # what ran it (server.machine); "" when not recorded
    seconds: dict[str, float]  # measurement name -> its value there


@dataclass
class Timing:
    """One example's measurements on every release where it ran, oldest release first."""

    snippet: str
    page: str
    anchor: str
    threads: int
    names: list[str] = field(default_factory=list)  # in the order the example prints them
    releases: list[Release] = field(default_factory=list)


def timings(manifests: list[dict]) -> dict[str, Timing]:
    """Snippet -> its timings across `manifests`: every example declared nondeterministic that printed a
    duration on some release."""
    found: dict[str, Timing] = {}
    for m in sorted(manifests, key=lambda m: Version(m["torch"])):
        for snippet, entry in sorted(m["snippets"].items()):
            measured = entry.get("measurements") or []
            if entry["status"] != "ok" or not entry["nondeterministic"] or not measured:
                continue
            timing = found.setdefault(snippet, Timing(snippet, entry["page"], entry["anchor"], entry.get("threads", 1)))
            timing.names += [x["name"] for x in measured if x["name"] not in timing.names]
            timing.releases.append(Release(m["release"], m["torch"], (entry.get("stamp") or {}).get("machine", ""),
                                           {x["name"]: x["seconds"] for x in measured}))
    return found
