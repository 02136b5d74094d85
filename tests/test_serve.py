"""`mkdocs serve` as a contributor uses it: an edit shows its real output, a failure shows on the page."""

from __future__ import annotations

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
def served(project):
    port = free_port()
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield project, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    wait_for(url, "same storage: True")
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
