"""Are the fact-check verdicts facts? Builds the site cold N times (each with an empty output cache, so every
snippet runs again) while busy processes load every core, and compares the fact-check page's verdicts.

    .venv/bin/python -m scripts.verdict_stability [--builds 3]

Prints each build's verdict counts and every claim whose verdict differed; exits 1 if any did.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BUSY = "while True: pass"


def verdicts(site: Path) -> dict[str, str]:
    page = BeautifulSoup((site / "fact-check" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {row.a["href"]: row["data-verdict"] for row in page.select("table[data-memo-claims] tbody tr")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count() or 2)]
    try:
        seen = []
        with tempfile.TemporaryDirectory(prefix="memos-stability-") as tmp:
            for n in range(args.builds):
                env = dict(os.environ, MEMOS_CACHE=f"{tmp}/cache-{n}", NO_MKDOCS_2_WARNING="1")
                site = Path(tmp, f"site-{n}")
                subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                               cwd=ROOT, env=env, check=True)
                seen.append(verdicts(site))
                counts = collections.Counter(seen[-1].values())
                print(f"build {n + 1}: {len(seen[-1])} claims, load {os.getloadavg()[0]:.1f}, "
                      + ", ".join(f"{v} {c}" for v, c in sorted(counts.items())), flush=True)
    finally:
        for p in busy:
            p.kill()
    differing = {claim for build in seen for claim in build if len({b.get(claim) for b in seen}) > 1}
    for claim in sorted(differing):
        print(f"differs: {claim}: {[b.get(claim) for b in seen]}")
    print(f"{args.builds} cold builds: {'identical verdicts' if not differing else f'{len(differing)} claims differ'}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
