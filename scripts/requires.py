"""Which releases each snippet runs on (`python -m scripts.requires [release ...]`).

Runs every snippet of snippets/ on each release of releases.txt (or those named), ignoring its
`# memo: requires` line, with the engine's own runner in that release's environment, and prints each snippet
that fails somewhere: the releases where it fails, its error there, and the line it declares. The evidence
for each `requires` range. Outputs that pass go into the build's cache (MEMOS_CACHE), as a build would put
them, so the builds that follow do not run them again.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_here() -> dict[str, str | None]:
    """In a release's environment: every snippet's error (None: it passed)."""
    from mkdocs_memos.engine.running import runner, snippet
    from scripts.docs import memos_options, mkdocs_yml

    cache = ROOT / memos_options(mkdocs_yml())["cache"]  # where the build looks (MEMOS_CACHE moves it)

    found = [snippet.load(ROOT / "snippets", p.relative_to(ROOT / "snippets").as_posix())
             for p in sorted((ROOT / "snippets").rglob("*.py"))]
    results, _ = runner.Runner(cache, jobs=2).run([dataclasses.replace(s, requires=None) for s in found])
    return {n: None if r.status == "ok" else _last_line(r.message or r.output) or r.status for n, r in results.items()}


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def main() -> None:
    if sys.argv[1:] == ["--here"]:
        print(json.dumps(run_here()))
        return
    from scripts.versions import ensure_venv, releases

    documented = releases()  # all of them: they share CUDA libraries (versions.cuda_libraries)
    listed = [r for r in documented if not sys.argv[1:] or r.torch in sys.argv[1:]]
    fails: dict[str, dict[str, str]] = {}
    for release in listed:
        python = ensure_venv(release, documented) / "bin" / "python"
        done = subprocess.run([str(python), "-m", "scripts.requires", "--here"], stdout=subprocess.PIPE, text=True, check=True, cwd=ROOT)
        errors = json.loads(done.stdout.splitlines()[-1])
        for name, error in errors.items():
            if error:
                fails.setdefault(name, {})[release.torch] = error
        print(f"requires: torch {release.torch}: {sum(e is not None for e in errors.values())} of {len(errors)} fail",
              flush=True)
    for name, where in sorted(fails.items()):
        source = (ROOT / "snippets" / name).read_text(encoding="utf-8")
        declared = next((line.strip() for line in source.splitlines() if "memo: requires" in line), "no requires line")
        print(f"\n{name} ({declared}) fails on {', '.join(where)}:")
        for torch, error in where.items():
            print(f"  {torch}: {error}")


if __name__ == "__main__":
    main()
