"""One site per release: two real torch releases deployed with mike into a throw-away repository.

The releases' environments are the ones `make versions` uses (outside the repository, reused); on a fresh
machine the first run creates them (torch 2.14.1: about a minute and 5.4 GB).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mkdocs_memos.engine import releases
from scripts.project import copy_project
from tests.conftest import ENV, ROOT

RELEASES = ("2.13.0", "2.14.1")


def git(repo, *args) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def deploy(repo, *only) -> None:
    done = subprocess.run(
        [sys.executable, "scripts/versions.py", "deploy", *only],
        cwd=repo, env=ENV, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def page(repo, path: str) -> BeautifulSoup:
    return BeautifulSoup(git(repo, "show", f"gh-pages:{path}"), "html.parser")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of the project listing two releases, both deployed."""
    repo = tmp_path_factory.mktemp("repo")
    copy_project(repo, releases=True)
    listed = (ROOT / "releases.txt").read_text().splitlines()
    (repo / "releases.txt").write_text("\n".join(x for x in listed if x.split()[:1] and x.split()[0] in RELEASES))
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "project")
    git(repo, "config", "user.name", "tests")
    git(repo, "config", "user.email", "tests@example.com")
    deploy(repo)
    return repo


def test_versions_json_lists_both_releases_newest_as_latest(repo):
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert versions == [
        {"version": "2.14", "title": "2.14.1", "aliases": ["latest"]},
        {"version": "2.13", "title": "2.13.0", "aliases": []},
    ]
    assert 'Redirecting to <a href="latest/">' in git(repo, "show", "gh-pages:index.html")  # the default


def test_latest_is_a_copy_not_a_symlink(repo):
    listing = git(repo, "ls-tree", "gh-pages", "latest", "2.14")
    assert all(line.startswith("040000 tree") for line in listing.splitlines()), listing
    assert git(repo, "show", "gh-pages:latest/index.html") == git(repo, "show", "gh-pages:2.14/index.html")


@pytest.mark.parametrize("release, torch", [("2.13", "2.13.0"), ("2.14", "2.14.1")])
def test_every_output_is_stamped_with_its_release(repo, release, torch):
    for path in (f"{release}/view-vs-reshape/index.html", f"{release}/en/view-vs-reshape/index.html"):
        stamps = {s.get_text().split(" · ")[0] for s in page(repo, path).select(".memo-output__stamp")}
        assert stamps and all(s.split("+")[0] == f"torch {torch}" for s in stamps), stamps
    manifest = json.loads(git(repo, "show", f"gh-pages:{release}/outputs.json"))
    assert manifest["torch"].split("+")[0] == torch and manifest["release"] == release  # 2.13.0+cpu: a CPU build
    assert manifest["claims"]["view-shares-memory"]["value"] == "holds"  # computed by this release's run


def test_urls_name_the_release_once(repo):
    sitemap = git(repo, "show", "gh-pages:2.14/sitemap.xml")
    assert "/pytorch-memos/2.14/en/view-vs-reshape/" in sitemap
    assert "2.14en" not in sitemap and "2.14/2.14" not in sitemap
    for path in ("2.14/view-vs-reshape/", "2.14/en/view-vs-reshape/"):
        canonical = page(repo, path + "index.html").select_one("link[rel=canonical]")["href"]
        assert canonical.endswith("/pytorch-memos/" + path)


def test_what_changed_shows_a_real_difference(repo):
    for lang in ("", "en/"):
        changes = page(repo, f"2.14/{lang}what-changed/index.html")
        entry = changes.select_one("#changed-index-environment")
        assert entry is not None
        diff = entry.find_next("pre").get_text()
        assert "-torch   2.13.0" in diff and "+torch   2.14.1" in diff
        # the example itself says so, linking to the difference and to the other release's example
        home = page(repo, f"2.14/{lang}index.html")
        note = home.select_one("#run-environment .memo-output__differs")
        assert "2.13" in note.get_text()
        links = [a["href"] for a in note.select("a")]
        assert links == [f"{lang and '../'}{lang}what-changed/#changed-index-environment",
                         f"{lang and '../'}../2.13/{lang}#run-environment"]
    # the older release compares with nothing older
    assert page(repo, "2.13/what-changed/index.html").select_one("#changed-index-environment") is None


def test_older_release_shows_the_banner_to_the_same_page_in_latest(repo):
    banner = page(repo, "2.13/en/view-vs-reshape/index.html").select_one("[data-md-component=outdated] a")
    assert banner["href"] == "../../../latest/en/view-vs-reshape/"


@pytest.fixture
def served(repo):
    """`mike serve` of the deployed branch; its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mike = Path(sys.executable).parent / "mike"
    server = subprocess.Popen([mike, "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=repo,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"mike serve did not answer on {url} within 10 s")
        yield url
    finally:
        server.terminate()
        server.wait()


def test_switching_release_keeps_the_page_and_the_anchor(served, browser):
    page = browser.new_page()

    def visit(path: str) -> None:
        page.goto(served + path)
        page.wait_for_selector(".md-version__link", state="attached")

    # the version selector, from an English page of an older release
    visit("/2.13/en/view-vs-reshape/#reshape-may-copy")
    page.locator(".md-version__link", has_text="2.14.1").dispatch_event("click")
    page.wait_for_url(f"{served}/2.14/en/view-vs-reshape/#reshape-may-copy")
    # the older release's banner, to the same page in latest; latest has none
    visit("/2.13/view-vs-reshape/#reshape-may-copy")
    banner = page.locator("[data-md-component=outdated]")
    assert banner.is_visible()
    banner.locator("a").click()
    page.wait_for_url(f"{served}/latest/view-vs-reshape/#reshape-may-copy")
    page.wait_for_selector(".md-version__link", state="attached")
    assert not page.locator("[data-md-component=outdated]").is_visible()
    # the home page's language link, which static-i18n writes as an absolute path
    visit("/2.14/")
    page.locator("a[hreflang=en]").dispatch_event("click")
    page.wait_for_url(f"{served}/2.14/en/")
    page.close()


def test_redeploying_one_release_leaves_the_other_untouched(repo):
    before = {p: git(repo, "rev-parse", f"gh-pages:{p}") for p in ("2.14", "latest", "versions.json")}
    home = repo / "docs" / "index.md"
    home.write_text(home.read_text() + "\n재배포 확인\n")  # so that 2.13 really changes
    deploy(repo, "2.13.0")
    assert "재배포 확인" in git(repo, "show", "gh-pages:2.13/index.html")
    assert {p: git(repo, "rev-parse", f"gh-pages:{p}") for p in before} == before


def test_a_warning_stops_the_deploy_and_changes_nothing(repo):
    head = git(repo, "rev-parse", "gh-pages")
    home = repo / "docs" / "index.md"
    home.write_text(home.read_text() + "\n[broken](no-such-page.md)\n")
    done = subprocess.run([sys.executable, "scripts/versions.py", "deploy", "2.13.0"],
                          cwd=repo, env=ENV, capture_output=True, text=True, timeout=600)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "no-such-page.md" in said and "Aborted with 1 warnings in strict mode" in said
    assert "versions: torch 2.13.0: `mike deploy` failed" in said
    assert git(repo, "rev-parse", "gh-pages") == head


def test_differences_skip_declared_nondeterminism():
    def manifest(torch, output, nondeterministic=False, status="ok"):
        entry = {"status": status, "output": output, "nondeterministic": nondeterministic, "requires": None,
                 "page": "p/", "anchor": "run-x"}
        return {"release": releases.name(torch), "torch": torch, "snippets": {"p/x.py": entry}, "claims": {}}

    assert releases.differences(manifest("2.14.1", "a"), [manifest("2.13.0", "a")]) == []
    assert releases.differences(manifest("2.14.1", "1 s", True), [manifest("2.13.0", "2 s", True)]) == []
    (d,) = releases.differences(manifest("2.14.1", "new\n"), [manifest("2.13.0", "old\n")])
    assert (d.release, d.kind) == ("2.13", "output") and "-old\n+new" in d.diff
    (d,) = releases.differences(manifest("2.14.1", "new\n"), [manifest("1.13.1", "", status="skipped")])
    assert (d.release, d.kind) == ("1.13", "runs")
