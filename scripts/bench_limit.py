"""The in-process limit of `scripts/bench.py`: import torch once, then `exec` every snippet in turn in a fresh
namespace, in this (empty) working directory, with its prints discarded. No isolation at all: the cost of
running the snippets and nothing else.

    python scripts/bench_limit.py REPORT.json SNIPPET.py...   (REPORT: seconds per snippet)
"""

import json
import os
import sys
import time

report, paths = sys.argv[1], sys.argv[2:]
start = time.monotonic()
import torch  # noqa: E402, F401 - part of what the limit costs

seconds = {"import torch": time.monotonic() - start}
sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as this process
for path in paths:
    start = time.monotonic()
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
    try:
        exec(code, {"__name__": "__main__", "__file__": path})  # noqa: S102
    except BaseException:  # noqa: BLE001, S110 - some snippets raise on purpose
        pass
    seconds[path] = time.monotonic() - start
with open(report, "w", encoding="utf-8") as f:
    json.dump(seconds, f)
