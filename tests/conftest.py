"""Shared fixtures: the real site built once, and throw-away copies of the project to break."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from scripts.project import copy_project

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
# Copies of the project share the repository's cache: entries are keyed by content, so an unchanged
# snippet is not run again, and an edited one is.
# Material and mkdocs-redirects each print a banner about MkDocs 2 unless told not to.
# The site is built as GitHub Actions builds it for a repository (engine/pages/publication.py), here a fork's
# name, whatever the checkout's remote is: its Pages address, Colab links and repository link are under it.
PUBLISHED = "memos-fork/pytorch-memos"
ENV = dict(os.environ, MEMOS_CACHE=str(ROOT / ".cache" / "outputs"), NO_MKDOCS_2_WARNING="1",
           GITHUB_REPOSITORY=PUBLISHED)


def detached_sleeper(how: str, marker: str) -> str:
    """A snippet's source that leaves `sleep <marker>` running after it returns, detached one of two ways
    (engine and build tests both check that nothing outlives the snippet)."""
    return {
        "new session": f"import subprocess\nsleeper = subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n",
        "double fork": (
            "import os, time\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            f"        os.execvp('sleep', ['sleep', '{marker}'])\n"
            "    os._exit(0)\n"
            "time.sleep(0.3)\n"
        ),
    }[how]


def writes_to(paths: list) -> str:
    """A snippet's source that tries to write each of `paths`, printing `refused` for each write refused:
    by Landlock, by a read-only file system, or because the path is not there for the snippet at all (where
    the snippet has a /tmp of its own, paths under the machine's /tmp are not)."""
    return (
        "import os\n"
        f"for path in {[str(p) for p in paths]!r}:\n"
        "    try:\n"
        "        with open(path, 'w') as f:\n"
        "            f.write('pwned')\n"
        "        print('wrote', path)\n"
        "    except OSError:\n"
        "        print('refused')\n"
    )


def title_text(title) -> str:
    """A claim box's title as it reads, without its permalink."""
    return "".join(title.find_all(string=True, recursive=False))


def build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project, env={**ENV, **env}, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built with --strict from the repository as it is. Each of pytest-xdist's workers builds
    its own, one after the other: the first runs the snippets, the others find every output in the cache."""
    out = tmp_path_factory.mktemp("site")
    with FileLock(tmp_path_factory.getbasetemp().parent / "site.lock"):
        done = build(ROOT, out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (Playwright's own browser builds cannot be downloaded here), one for the session:
    Playwright's sync API can only be started once at a time in a process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run",
        ])
        yield chromium
        chromium.close()


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project that a test may change freely."""
    return copy_project(tmp_path / "project")


def pytest_configure(config):
    config.addinivalue_line("markers", "bad_input: a case of tests/test_bad_input.py, counted in the summary")
    config.addinivalue_line("markers", "fast: the fast tier (`make test-fast`): engine and site model, no MkDocs build")


def pytest_terminal_summary(terminalreporter):
    """How many bad-input cases were tried and how many held, as the issue asks to be told."""
    reports = [
        r for outcome in ("passed", "failed", "error") for r in terminalreporter.stats.get(outcome, [])
        if "bad_input" in getattr(r, "keywords", {}) and r.when == "call"
    ]
    if reports:
        held = sum(r.passed for r in reports)
        terminalreporter.write_line(f"bad input: {len(reports)} cases tried, {held} held")
