"""The benchmark runs end to end. Its figures are never asserted (they depend on the machine and its load):
this only proves that `make bench` works, on two snippets, one page scored by Lighthouse and without the slow
comparisons."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.request

from tests.conftest import ENV, ROOT


def test_quick_benchmark_prints_and_writes_its_table(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--quick", "--out", str(out)],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    table = out.read_text(encoding="utf-8")
    assert done.stdout.strip() in table  # what it printed is what it wrote
    for row in ("the limit", "cold build", "warm build", "plain `mkdocs build` of the same site", "start-up",
                "edit loop**: save `", "edit loop**: save that page's Markdown", "a process per snippet",
                "peak memory", "cold build where the kernel refuses namespaces"):
        assert row in table
    assert re.search(r"What the sandbox costs a snippet: .* ms as the build runs it \(snippets run sandboxed\), .* ms "
                     r"where the kernel refuses namespaces \(snippets run WITHOUT namespaces of their own\)", table)
    assert "2 snippets" in table
    scores = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(scores) == 1 and re.match(r"\| `[^`]*/` \| \d+ \| \d+", scores[0]), scores  # performance, accessibility


def test_pages_are_scored_as_github_pages_sends_them_compressed(tmp_path):
    from scripts import bench

    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>memo</p>" * 100, encoding="utf-8")
    (tmp_path / "favicon.png").write_bytes(b"\x89PNG" * 100)
    with bench._static_server(tmp_path) as root:
        def get(path: str, **headers) -> tuple[str | None, bytes]:
            with urllib.request.urlopen(urllib.request.Request(root + path, headers=headers)) as r:
                return r.headers["Content-Encoding"], r.read()

        encoding, body = get("page/", **{"Accept-Encoding": "gzip, deflate"})
        assert encoding == "gzip" and gzip.decompress(body) == b"<p>memo</p>" * 100
        assert get("page/") == (None, b"<p>memo</p>" * 100)  # a client that does not accept it
        assert get("favicon.png", **{"Accept-Encoding": "gzip"}) == (None, b"\x89PNG" * 100)  # not text
