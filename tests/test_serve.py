"""`mkdocs serve` as a contributor uses it: an edit shows its real output, a failure shows on the page."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from scripts.docs import site_url
from tests.conftest import ENV, MKDOCS

# The dev server mounts the site under site_url's path, as GitHub Pages will.
MOUNT = urllib.parse.urlsplit(site_url()).path.rstrip("/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(project, tmp_path):
    """`mkdocs serve` on a copy of the project, exactly as `make serve` runs it; its log in serve.log."""
    port = free_port()
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen(
            [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
            cwd=project, env=ENV, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            yield project, f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def fetch(url: str) -> str:
    return urllib.request.urlopen(url, timeout=30).read().decode()


def wait_for(url: str, text: str, timeout: float = 120) -> str:
    """The page's HTML once it contains `text` (the server rebuilds after each change)."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode()
            if text in body:
                return body
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}")


def test_edits_show_new_output_and_failures_show_on_the_page(served):
    project, base = served
    url = f"{base}{MOUNT}/view-vs-reshape/"
    wait_for(url, "same memory address: True")
    snippet = project / "snippets" / "view-vs-reshape" / "view-shares-memory.py"
    original = snippet.read_text()

    snippet.write_text(original + "print('sum of a:', a.sum().item())\n")
    wait_for(url, "sum of a: 6.0")

    snippet.write_text(original + "raise KeyError('broken while serving')\n")
    body = wait_for(url, "memo-error")
    assert "KeyError" in body and "snippets/view-vs-reshape/view-shares-memory.py:" in body
    assert "sum of a: 6.0" not in body  # no stale output presented as fresh

    snippet.write_text(original + "print('fixed')\n")
    wait_for(url, "fixed")


def test_an_edit_converts_again_only_the_pages_that_show_it_and_every_page_stays_current(served, tmp_path):
    project, base = served
    ko, en = f"{base}{MOUNT}/matmul/", f"{base}{MOUNT}/en/matmul/"
    wait_for(ko, "memo-output")
    snippet = project / "snippets" / "matmul" / "matmul-broadcasting.py"
    snippet.write_text(snippet.read_text() + "print('edited while serving:', 42 * 101)\n")

    wait_for(ko, "edited while serving: 4242")
    # The same rebuild made the English page, the search index and both notebooks (MkDocs serves nothing
    # of a rebuild until all of it is written).
    assert "edited while serving: 4242" in fetch(en)
    for folder in ("", "en/"):  # each language's own search index (shims.search_index_per_language)
        index = json.loads(fetch(f"{base}{MOUNT}/{folder}search/search_index.json"))
        found = {d["location"] for d in index["docs"] if "edited while serving: 4242" in d["text"]}
        assert any(x.startswith(f"{folder}matmul/") for x in found), (folder, found)
    for folder in ("", "en/"):
        assert "edited while serving: 4242" in fetch(f"{base}{MOUNT}/{folder}notebooks/matmul/matmul.ipynb")
    # Pages that do not show it still show their own outputs, in both languages.
    for folder in ("", "en/"):
        assert "same memory address: True" in fetch(f"{base}{MOUNT}/{folder}view-vs-reshape/")

    # Only the pages showing the snippet's source were converted again, and only their notebooks written.
    rebuilt = [line for line in (tmp_path / "serve.log").read_text().splitlines() if "memos: converted" in line]
    last = rebuilt[-1:]  # the edit's rebuild, both languages (logged once static-i18n has built them all)
    assert len(rebuilt) == 2 and all("pages" in line for line in last), rebuilt
    converted = {u for line in last for u in re.search(r"pages \((.*?)\)", line)[1].split(", ") if u}
    written = {n for line in last for n in re.search(r"notebooks \((.*?)\)", line)[1].split(", ") if n}
    assert converted == {"matmul/", "en/matmul/"}, last
    assert written == {"notebooks/matmul.ipynb", "en/notebooks/matmul.ipynb"}, last
    # Only they, and their notebooks' pages, were rendered again by the theme; every other page kept its HTML.
    rendered = {u for line in last for u in re.search(r"rendered \d+ pages \((.*?)\)", line)[1].split(", ") if u}
    assert rendered == {"matmul/", "en/matmul/", "notebooks/matmul/", "en/notebooks/matmul/"}, last


def test_a_new_title_renders_every_page_again_with_it_in_the_navigation(served, tmp_path):
    project, base = served
    wait_for(f"{base}{MOUNT}/matmul/", "memo-output")
    page = project / "docs" / "nn-vs-f.en.md"
    text = page.read_text()
    title = re.search(r"^# (.+?)(\s*\{.*\})?$", text, re.MULTILINE)
    page.write_text(text.replace(title[0], f"# Renamed while serving{title[2] or ''}", 1))
    # The navigation of the other pages of that language, kept from the last build until now, shows it.
    body = wait_for(f"{base}{MOUNT}/en/matmul/", "Renamed while serving")
    assert "memo-output" in body
    assert "Renamed while serving" in fetch(f"{base}{MOUNT}/en/notebooks/view-vs-reshape/")
    assert "Renamed while serving" in fetch(f"{base}{MOUNT}/404.html")  # the theme's own page (static-i18n: English)
    assert "Renamed while serving" not in fetch(f"{base}{MOUNT}/matmul/")  # the Korean page keeps its own title
