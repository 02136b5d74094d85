"""Publishing from a fork: the site's address and repository come from the repository it is built from, and a
build that cannot tell which one that is links to no invented host."""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from mkdocs_memos.engine.pages import publication
from tests.conftest import PUBLISHED, build


def git_repository(path, remote: str | None):
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(path), "remote", "add", "origin", remote], check=True)
    return path


@pytest.mark.fast
@pytest.mark.parametrize("remote, site, repo", [
    ("https://github.com/Someone/pytorch-memos.git", "https://someone.github.io/pytorch-memos/",
     "https://github.com/Someone/pytorch-memos"),
    ("git@github.com:someone/memos", "https://someone.github.io/memos/", "https://github.com/someone/memos"),
    ("ssh://git@github.com/someone/someone.github.io.git", "https://someone.github.io/",
     "https://github.com/someone/someone.github.io"),
])
def test_a_github_remote_names_the_site(tmp_path, remote, site, repo):
    found, _ = publication.find(git_repository(tmp_path, remote), {})
    assert (found.site_url, found.repo_url, found.source) == (site, repo, "git remote origin")


@pytest.mark.fast
def test_github_repository_wins_over_the_remote(tmp_path):
    project = git_repository(tmp_path, "https://github.com/upstream/memos")
    found, _ = publication.find(project, {"GITHUB_REPOSITORY": "fork/memos"})
    assert (found.repository, found.site_url) == ("fork/memos", "https://fork.github.io/memos/")
    with pytest.raises(ValueError, match="not owner/repository"):
        publication.find(project, {"GITHUB_REPOSITORY": "https://github.com/fork/memos"})


@pytest.mark.fast
@pytest.mark.parametrize("remote, why", [
    (None, "no git remote origin"),
    ("https://gitlab.com/someone/memos.git", "git remote origin is https://gitlab.com/someone/memos.git, not on GitHub"),
])
def test_without_a_github_repository_there_is_no_site_address(tmp_path, remote, why):
    found, reason = publication.find(git_repository(tmp_path, remote), {"GITHUB_REPOSITORY": ""})
    assert found is None and reason == f"GITHUB_REPOSITORY is not set and {why}"


def test_the_built_site_is_under_the_repository_it_was_built_for(site):
    owner, name = PUBLISHED.split("/")
    page = BeautifulSoup((site / "en" / "view-vs-reshape" / "index.html").read_text("utf-8"), "html.parser")
    assert page.select_one('link[rel="canonical"]')["href"] == f"https://{owner}.github.io/{name}/en/view-vs-reshape/"
    assert page.select_one('meta[property="og:url"]')["content"] == f"https://{owner}.github.io/{name}/en/view-vs-reshape/"
    assert page.select_one("a.md-source")["href"] == f"https://github.com/{PUBLISHED}"
    assert page.select_one(".memo-notebook__colab")["href"].startswith(f"https://colab.research.google.com/github/{PUBLISHED}/")


def test_a_build_that_knows_no_repository_links_to_none(project, tmp_path):
    """The copy is no git repository, and GITHUB_REPOSITORY is empty: no address, no Colab, a notice."""
    done = build(project, tmp_path / "site", GITHUB_REPOSITORY="")
    assert done.returncode == 0, done.stderr
    assert "GITHUB_REPOSITORY is not set and no git remote origin: built without the site's address" in done.stderr
    for path in (tmp_path / "site").rglob("*.html"):
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        found = page.select('link[rel="canonical"], meta[property="og:url"], a.md-source, .memo-notebook__colab')
        assert not found, f"{path}: {found}"
        assert page.select_one('meta[property="og:title"]') and page.select_one('meta[property="og:description"]')
    # The only GitHub Pages hosts named: those the pages link to, and Material's "Made with" link in the footer.
    linked = {h for p in (project / "docs").rglob("*.md") for h in GITHUB_PAGES.findall(p.read_bytes())}
    hosts = {h for p in (tmp_path / "site").rglob("*") if p.is_file() for h in GITHUB_PAGES.findall(p.read_bytes())}
    assert hosts <= linked | {b"squidfunk.github.io"}, hosts


GITHUB_PAGES = re.compile(rb"[\w-]+\.github\.io")
