"""One site per PyTorch release (`python scripts/versions.py --help`).

Each release listed in releases.txt gets its own virtual environment with exactly that torch and the
site-building packages of requirements.txt, kept outside the repository (MEMOS_VENVS, by default
~/.cache/pytorch-memos/venvs/torch-<release>) and reused while what it should hold is unchanged. Its `mkdocs`
builds the site, so the engine's fork server, started with that environment's Python, runs every snippet
under that torch.

`deploy` builds the releases oldest first and commits each with mike under its major.minor name into the
deploy branch (local gh-pages unless told otherwise); the newest carries the `latest` alias and is the
default. Oldest first, because each build compares its outputs with the older releases already deployed
there (the what-changed page). Nothing is pushed unless asked (--push).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging.version import Version  # noqa: E402

from mkdocs_memos.engine.releases import name  # noqa: E402

VENVS = Path(os.environ.get("MEMOS_VENVS", Path.home() / ".cache" / "pytorch-memos" / "venvs"))
# Installed by the line of each release in releases.txt instead of by requirements.txt.
PER_RELEASE = {"torch", "numpy"}
ALIAS = "latest"


@dataclass(frozen=True)
class Release:
    torch: str
    extras: tuple[str, ...]  # its own pins, e.g. numpy<2

    @property
    def name(self) -> str:
        return name(self.torch)

    @property
    def venv(self) -> Path:
        return VENVS / f"torch-{self.torch}"

    def requirements(self) -> list[str]:
        site = [r for r in _requirement_lines(ROOT / "requirements.txt") if _project(r) not in PER_RELEASE]
        # The plugin, editable: the environment builds with this checkout's engine.
        return [f"torch=={self.torch}", *self.extras, *site, "-e", str(ROOT)]


def releases(path: Path = ROOT / "releases.txt") -> list[Release]:
    """The documented releases, oldest first."""
    found = [Release(fields[0], tuple(fields[1:])) for fields in map(str.split, _requirement_lines(path))]
    return sorted(found, key=lambda r: Version(r.torch))


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _project(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def ensure_venv(release: Release) -> Path:
    """The release's environment, created or updated only when its requirements changed."""
    wanted = "\n".join(release.requirements()) + "\n"
    stamp = release.venv / ".memos-requirements"
    if stamp.exists() and stamp.read_text() == wanted:
        return release.venv
    if not (release.venv / "bin" / "python").exists():
        _run([sys.executable, "-m", "venv", str(release.venv)])
    pip = [str(release.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, *release.requirements()])
    stamp.write_text(wanted)
    return release.venv


def _env(release: Release, branch: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MEMOS_COMPARE_WITH=branch, MEMOS_STRICT="true")
    # mike runs the `mkdocs` it finds on PATH: the release's own, whose Python imports that torch.
    env["PATH"] = f"{release.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    return env


def build(release: Release, site: Path, branch: str) -> None:
    """`mkdocs build --strict` of one release, compared with the older releases deployed on `branch`."""
    _run([str(release.venv / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(site)], env=_env(release, branch))


def deploy(release: Release, newest: bool, branch: str, push: bool, remote: str) -> None:
    mike = [str(release.venv / "bin" / "mike")]
    where = ["--branch", branch, "--remote", remote] + (["--push"] if push else [])
    aliases = [ALIAS] if newest else []
    env = _env(release, branch)
    _run([*mike, "deploy", "--config-file", str(ROOT / "mkdocs.yml"), *where, "--update-aliases",
          "--title", release.torch, release.name, *aliases], env=env)
    if newest:
        _run([*mike, "set-default", "--config-file", str(ROOT / "mkdocs.yml"), *where, ALIAS], env=env)


def _run(cmd: list[str], env: dict | None = None) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for command, text in [
        ("deploy", "build each release with mike into the deploy branch, oldest first"),
        ("build", "only build each release with --strict into site-releases/<release>/ (what CI checks on a pull request)"),
        ("venvs", "only create or update each release's environment"),
    ]:
        p = sub.add_parser(command, help=text)
        p.add_argument("only", nargs="*", help="torch releases to do (default: every release in releases.txt)")
        p.add_argument("--branch", default="gh-pages", help="the deploy branch (default: gh-pages)")
    deploy_parser = sub.choices["deploy"]
    deploy_parser.add_argument("--push", action="store_true", help="push the deploy branch to --remote")
    deploy_parser.add_argument("--remote", default="origin")
    args = parser.parse_args()

    listed = releases()
    unknown = set(args.only) - {r.torch for r in listed}
    if unknown:
        parser.error(f"not in releases.txt: {', '.join(sorted(unknown))}")
    for release in listed:
        if args.only and release.torch not in args.only:
            continue
        start = time.monotonic()
        try:
            ensure_venv(release)
            ready = time.monotonic()
            if args.command == "deploy":
                deploy(release, release == listed[-1], args.branch, args.push, args.remote)
            elif args.command == "build":  # not into site/: every `mike deploy` builds there and cleans it first
                build(release, ROOT / "site-releases" / release.name, args.branch)
        except subprocess.CalledProcessError as e:
            sys.exit(f"versions: torch {release.torch}: `{Path(e.cmd[0]).name} {e.cmd[1]}` failed "
                     f"(exit status {e.returncode}), see above; later releases were not done")
        done = time.monotonic()
        print(f"versions: torch {release.torch} ({release.name}): environment {ready - start:.0f} s, "
              f"{args.command} {done - ready:.0f} s", flush=True)


if __name__ == "__main__":
    main()
