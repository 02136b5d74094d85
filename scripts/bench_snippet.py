"""What the sandbox costs each snippet, for `scripts/bench.py`: the fork server started as a build starts it,
then trivial snippets (with a cache of their own, empty) run one at a time, each timed by the server from its
fork to its answer. Run as it is (bubblewrap's jail, namespaces per snippet) and where the kernel refuses
namespaces (scripts.project's WITHOUT_NAMESPACES), the two say what the namespaces cost.

    python -m scripts.bench_snippet REPORT.json N   (REPORT: each snippet's seconds, and the isolation in force)
"""

import json
import sys
import tempfile
from pathlib import Path

from mkdocs_memos.engine.running import snippet
from mkdocs_memos.engine.running.runner import Runner

report, n = sys.argv[1], int(sys.argv[2])
with tempfile.TemporaryDirectory() as cache:
    runner = Runner(Path(cache), jobs=1)
    snippets = [snippet.parse(f"bench/{i}.py", f"snippets/bench/{i}.py", f"x = {i}\n") for i in range(n)]
    results, summary = runner.run(snippets)
    runner.close()
assert all(r.status == "ok" for r in results.values()), results
with open(report, "w", encoding="utf-8") as f:
    json.dump({"seconds": [r.seconds for r in results.values()], "isolation": summary.isolation}, f)
