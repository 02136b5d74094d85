"""Where the site is published and which repository it is built from, decided here and nowhere else.

GitHub Actions names the repository a workflow runs for in GITHUB_REPOSITORY (`owner/name`); its GitHub Pages
address is https://owner.github.io/name/ (https://owner.github.io/ for the repository called owner.github.io).
The same variable set by hand gives a local build the same addresses. Without it, the git remote `origin`
names the repository when it is on GitHub. Otherwise the site has neither: it is built without canonical
addresses, Colab links or a repository link, rather than with links to a host nobody publishes on.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

VARIABLE = "GITHUB_REPOSITORY"
REMOTE = "origin"
OWNER_AND_NAME = re.compile(r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<name>[A-Za-z0-9._-]+?)")
# https://github.com/o/r(.git), git@github.com:o/r(.git), ssh://git@github.com/o/r(.git), git://github.com/o/r
GITHUB_REMOTE = re.compile(r"(?:https://|ssh://git@|git://|git@)github\.com[/:]" + OWNER_AND_NAME.pattern
                           + r"(?:\.git)?/?")


@dataclass(frozen=True)
class Publication:
    owner: str
    name: str
    source: str  # what named the repository, for the build's log

    @property
    def repository(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.repository}"

    @property
    def site_url(self) -> str:
        host = f"{self.owner.lower()}.github.io"
        return f"https://{host}/" if self.name.lower() == host else f"https://{host}/{self.name}/"

    def colab(self, branch: str, path: str) -> str:
        """Colab's address of the notebook at `path` on `branch` of the repository."""
        return f"https://colab.research.google.com/github/{self.repository}/blob/{branch}/{path}"


def find(project: Path, environ: dict | None = None) -> tuple[Publication | None, str]:
    """The site's publication and where it came from; None, with the reason, when nothing names one."""
    environ = os.environ if environ is None else environ
    named = environ.get(VARIABLE, "").strip()
    if named:
        m = OWNER_AND_NAME.fullmatch(named)
        if not m:
            raise ValueError(f"{VARIABLE}={named!r} is not owner/repository")
        return Publication(m["owner"], m["name"], VARIABLE), ""
    remote = _remote(project)
    m = GITHUB_REMOTE.fullmatch(remote or "")
    if m:
        return Publication(m["owner"], m["name"], f"git remote {REMOTE}"), ""
    why = f"git remote {REMOTE} is {remote}, not on GitHub" if remote else f"no git remote {REMOTE}"
    return None, f"{VARIABLE} is not set and {why}"


def _remote(project: Path) -> str | None:
    try:
        done = subprocess.run(["git", "remote", "get-url", REMOTE], cwd=project, capture_output=True, text=True)
    except OSError:  # no git at all
        return None
    return done.stdout.strip() if done.returncode == 0 else None
