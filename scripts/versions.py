"""One site per PyTorch release (`python -m scripts.versions --help`).

Each release listed in releases.txt gets its own virtual environment with exactly that torch, its own pins
and the other packages of requirements.txt, kept outside the repository (MEMOS_VENVS, by default
~/.cache/pytorch-memos/venvs/torch-<release>) and reused while what it should hold is unchanged. uv makes them,
from one shared cache (UV_CACHE_DIR, by default ~/.cache/pytorch-memos/uv) whose files it hard-links into every
environment: sixteen CUDA builds of torch share every file they have in common. They share more than pip would
give them (`cuda_libraries`): the snippets run on the CPU, so a CUDA build only loads its CUDA libraries, and
every release gets the newest of each library, of its own ABI version, that any listed release pins; Triton,
which compiles GPU kernels only, is not installed. Beside each environment, a record of its versions
(engine/running/interpreter.py) lets the build key the cache without starting it.

This project's own `mkdocs` builds every release, told by MEMOS_INTERPRETER to run the snippets with that
release's Python. A release whose outputs are all in the cache (only prose changed) is built without its
environment: it is made, or updated, only when a snippet must run or its requirements changed.

`build` builds releases into site-releases/<major.minor>/ with --strict, each site holding its manifest
(outputs.json). `merge` commits such built sites into the deploy branch with mike, oldest first, and runs
nothing else: it is CI's last job, after one job per release has built. `deploy` does both, one release at a
time, oldest first, because each build compares its outputs with the older releases already deployed (the
what-changed page). Nothing is pushed unless asked (--push).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from mkdocs_memos.engine.evidence.releases import MANIFEST, name

ROOT = Path(__file__).resolve().parent.parent

# Installed by the line of each release in releases.txt instead of by requirements.txt.
PER_RELEASE = {"torch", "numpy"}
CACHE = Path.home() / ".cache" / "pytorch-memos"
VENVS = Path(os.environ.get("MEMOS_VENVS", CACHE / "venvs"))
UV_CACHE = Path(os.environ.get("UV_CACHE_DIR", CACHE / "uv"))
# Compiles GPU kernels only: on the CPU, torch.compile generates C++ (TorchInductor's CPU backend).
NOT_INSTALLED = ("triton",)
ALIAS = "latest"
BUILT = ROOT / "site-releases"  # not site/: a plain `mkdocs build` cleans that


@dataclass(frozen=True)
class Release:
    torch: str
    extras: tuple[str, ...]  # its own pins, e.g. numpy==1.26.4

    @property
    def name(self) -> str:
        return name(self.torch)

    @property
    def venv(self) -> Path:
        return VENVS / f"torch-{self.torch}"

    @property
    def record(self) -> Path:
        """The versions of its environment (engine/running/interpreter.py), kept beside it: what the build needs of it
        when no snippet must run."""
        return VENVS / f"torch-{self.torch}.json"

    @property
    def installed(self) -> Path:
        """The requirements its environment and record were made from."""
        return VENVS / f"torch-{self.torch}.requirements"

    def inputs(self, listed: list[Release]) -> dict[str, str]:
        """The files uv makes its environment from: requirements.txt with this release's torch and pins
        instead of its own; the CUDA libraries it installs instead of torch's own pins; what it leaves out.
        Not this project: the engine is imported from the checkout that builds (runner.Server), so one
        environment serves every clone."""
        site = [r for r in _requirement_lines(ROOT / "requirements.txt") if _project(r) not in PER_RELEASE]
        parts = {"requirements": [f"torch=={self.torch}", *self.extras, *site],
                 "overrides": cuda_libraries(self, listed), "excludes": list(NOT_INSTALLED)}
        return {name: "".join(f"{line}\n" for line in lines) for name, lines in parts.items()}

    def recorded(self, inputs: dict[str, str]) -> bool:
        """Whether its environment's record was made from `inputs` (`inputs()`)."""
        return self.record.exists() and self.installed.exists() and self.installed.read_text() == _one_text(inputs)

    def pins(self) -> dict[str, str]:
        """What torch itself requires, resolved (`uv pip compile`): fixed for a release, so resolved once and
        kept beside its environment."""
        kept = VENVS / f"torch-{self.torch}.pins"
        if not kept.exists():
            resolved = subprocess.run([_uv(), "pip", "compile", "--quiet", "--no-header", "--no-annotate",
                                       "--python", sys.executable, *pip_sources(), "-"],
                                      input=f"torch=={self.torch}\n", capture_output=True, text=True,
                                      env=_uv_env(), check=True).stdout
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_suffix(".pins.partial")  # never read: a stopped write leaves no short record
            partial.write_text(resolved)
            partial.replace(kept)
        return dict(line.split("==", 1) for line in _requirement_lines(kept))


def cuda_libraries(release: Release, listed: list[Release]) -> list[str]:
    """The CUDA libraries `release` gets instead of its torch's own pins: for each, the newest version of the
    same ABI version (`_abi`) that any listed release pins. Snippets run on the CPU (no GPU here), so torch
    only loads these libraries; a library's major version is its soname's (libcublas.so.12 is cuBLAS 12.x),
    and NVIDIA keeps its ABI within one, so a newer one loads where an older one did. `make versions` runs
    every snippet against such environments; `scripts/requires.py` checks a release in full."""
    newest: dict[tuple, str] = {}
    for other in listed:
        for project, version in other.pins().items():
            if project.startswith("nvidia-"):
                key = (project, _abi(version))
                newest[key] = max(newest.get(key, version), version, key=Version)
    return [f"{project}=={newest[project, _abi(version)]}"
            for project, version in release.pins().items() if project.startswith("nvidia-")]


def _abi(version: str) -> tuple[int, ...]:
    """What must match for one version to replace another, read as semantic versioning reads it: the major
    version, or, before 1.0, the minor one too. cuSPARSELt 0.7 moved its library out of the folder where
    torch 2.6.0 looks for it (`cusparselt/lib`, now `nvidia/cusparselt/lib`); 0.6.3 still serves 0.6.2."""
    v = Version(version)
    return (v.major,) if v.major else (0, v.minor)


def releases(path: Path = ROOT / "releases.txt") -> list[Release]:
    """The documented releases, oldest first."""
    found = [Release(fields[0], tuple(fields[1:])) for fields in map(str.split, _requirement_lines(path))]
    return sorted(found, key=lambda r: Version(r.torch))


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _project(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def pip_sources() -> list[str]:
    """uv options for the package sources pip is configured with here (local wheel folders, local indexes).
    uv reads no pip configuration; pip takes the best match from all its indexes, so uv is told to as well."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    options = []
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        flag = {"find-links": "--find-links", "extra-index-url": "--extra-index-url"}.get(key.rsplit(".", 1)[-1])
        if flag:
            options += [part for url in value.strip("'\"").split() for part in (flag, url)]
    if "--extra-index-url" in options:
        options += ["--index-strategy", "unsafe-best-match"]
    return options


def _uv() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def _uv_env() -> dict:
    return dict(os.environ, UV_CACHE_DIR=str(UV_CACHE))


def ensure_venv(release: Release, listed: list[Release]) -> Path:
    """The release's environment, created or updated only when its requirements changed, and its record."""
    python = release.venv / "bin" / "python"
    inputs = release.inputs(listed)
    if release.recorded(inputs) and python.exists():
        return release.venv
    _run([_uv(), "venv", "--quiet", "--allow-existing", "--python", sys.executable, str(release.venv)],
         env=_uv_env())
    files = {name: release.venv / f"{name}.txt" for name in (*inputs, "locked")}
    for name, text in inputs.items():
        files[name].write_text(text)
    _run([_uv(), "pip", "compile", "--quiet", "--no-header", "--python", str(python), *pip_sources(),
          "--overrides", files["overrides"], "--excludes", files["excludes"], "--output-file", files["locked"],
          files["requirements"]], env=_uv_env())
    # Hard links into the shared cache: a file every environment holds is on disk once. `sync`: what an older
    # requirement, override or exclusion left in the environment goes.
    _run([_uv(), "pip", "sync", "--quiet", "--python", str(python), "--link-mode", "hardlink", *pip_sources(),
          files["locked"]], env=_uv_env())
    _run([python, "-m", "mkdocs_memos.engine.running.interpreter", release.record])
    release.installed.write_text(_one_text(inputs))
    return release.venv


def _one_text(inputs: dict[str, str]) -> str:
    """The record of what an environment was made from (`Release.installed`): each input file, named."""
    return "".join(f"# {name}.txt\n{text}" for name, text in inputs.items())


def needs_environment(release: Release, listed: list[Release]) -> bool:
    """Whether building `release` must start its Python: its versions are not known (never recorded, or its
    requirements changed since), or a snippet must run (not cached, not skipped there)."""
    from mkdocs_memos.engine.running.interpreter import Interpreter
    from mkdocs_memos.engine.running.runner import Runner
    from mkdocs_memos.engine.pages.sources import Sources
    from scripts.docs import memos_options, mkdocs_yml

    if not release.recorded(release.inputs(listed)):
        return True
    memos = memos_options(mkdocs_yml())
    runner = Runner(ROOT / memos["cache"], interpreter=Interpreter.recorded(release.record))
    pages = Sources.scan(ROOT / "docs", ROOT / memos["snippets"])
    return bool(runner.triage(list(pages.snippets.values()))[1])


def _env(release: Release, compare_with: str) -> dict:
    """The one place that tells the build how to run: the plugin's `compare_with` (mkdocs.yml reads it from
    MEMOS_COMPARE_WITH) and strictness. A ref that does not exist yet compares with nothing."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MEMOS_STRICT="true", MIKE_DOCS_VERSION=release.name,
               MEMOS_COMPARE_WITH=compare_with, MEMOS_INTERPRETER=str(release.record))
    env.pop("VIRTUAL_ENV", None)
    return env


def build(release: Release, compare_with: str, out: Path = BUILT) -> Path:
    """`mkdocs build --strict` of one release into out/<major.minor>, as `mike deploy` would build it
    (MIKE_DOCS_VERSION names the release in canonical addresses), compared with the older releases deployed
    on git ref `compare_with`."""
    built = out / release.name
    _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(built)],
         env=_env(release, compare_with))
    return built


def merge(sites: list[Path], branch: str, newest: str) -> list[str]:
    """Commit built sites into `branch` with mike, oldest release first; the site of torch `newest` (the
    newest of releases.txt) gets the alias `latest`, which becomes the default. Runs no snippet and no
    MkDocs: each site's own manifest names its release. Returns the releases merged, in order."""
    from mike import commands
    from mike.git_utils import GitEmptyCommit

    built = []
    for site in sites:
        manifest = site / MANIFEST
        if not manifest.is_file():
            raise SystemExit(f"versions: {site}: no {MANIFEST}, not a site built by `versions.py build`")
        built.append((json.loads(manifest.read_text(encoding="utf-8")), site))
    built.sort(key=lambda b: Version(b[0]["torch"]))
    for m, site in built:
        latest = Version(m["torch"]).public == Version(newest).public
        cfg = {"site_dir": str(site), "use_directory_urls": True}
        message = f"Deployed torch {m['torch']} to {m['release']} with scripts/versions.py merge"
        try:  # a site identical to the one deployed, or a default already set, leaves nothing to commit
            with commands.deploy(cfg, m["release"], m["torch"].split("+")[0], [ALIAS] if latest else [],
                                 update_aliases=True, alias_type=commands.AliasType.copy, branch=branch,
                                 message=message):
                pass  # built already: mike only commits
        except GitEmptyCommit:
            pass
        if latest:
            try:
                commands.set_default(ALIAS, branch=branch, message=f"Set default version to {ALIAS}")
            except GitEmptyCommit:
                pass
    return [m["release"] for m, _ in built]


def _run(cmd: list, env: dict | None = None) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for command, text in [
        ("deploy", "build each release and merge it into the deploy branch, oldest first"),
        ("build", f"only build each release with --strict into {BUILT.name}/<release>/ (a CI job per release)"),
        ("venvs", "only create or update each release's environment"),
    ]:
        p = sub.add_parser(command, help=text)
        p.add_argument("only", nargs="*", help="torch releases to do (default: every release in releases.txt)")
        p.add_argument("--branch", default="gh-pages", help="the deploy branch, to compare with (default: gh-pages)")
    sub.choices["build"].add_argument("--out", type=Path, default=BUILT, help="where the sites go")
    sub.add_parser("list", help="print the releases of releases.txt as a JSON list, oldest first (CI's matrix)")
    merge_parser = sub.add_parser("merge", help="commit sites made by `build` into the deploy branch, runs nothing")
    merge_parser.add_argument("sites", nargs="+", type=Path, help="built sites, each with its outputs.json")
    merge_parser.add_argument("--branch", default="gh-pages")
    for p in (sub.choices["deploy"], merge_parser):
        p.add_argument("--push", action="store_true", help="push the deploy branch to --remote")
        p.add_argument("--remote", default="origin")
    args = parser.parse_args()
    os.chdir(ROOT)  # mike commits to the branch of the repository it runs in

    listed = releases()
    if args.command == "list":
        print(json.dumps([r.torch for r in listed]))
        return
    if args.command == "merge":
        done = merge(args.sites, args.branch, listed[-1].torch)
        print(f"versions: merged {', '.join(done)} into {args.branch}", flush=True)
        _push(args)
        return
    unknown = set(args.only) - {r.torch for r in listed}
    if unknown:
        parser.error(f"not in releases.txt: {', '.join(sorted(unknown))}")
    for release in listed:
        if args.only and release.torch not in args.only:
            continue
        start = time.monotonic()
        try:
            needed = args.command == "venvs" or needs_environment(release, listed)
            if needed:
                ensure_venv(release, listed)
            ready = time.monotonic()
            if args.command == "build":
                build(release, args.branch, args.out)
            elif args.command == "deploy":
                merge([build(release, args.branch)], args.branch, listed[-1].torch)
        except subprocess.CalledProcessError as e:
            command = e.cmd[2:4] if e.cmd[1] == "-m" else [Path(e.cmd[0]).name, e.cmd[1]]  # `mkdocs build`
            sys.exit(f"versions: torch {release.torch}: `{' '.join(command)}` failed "
                     f"(exit status {e.returncode}), see above; later releases were not done")
        done = time.monotonic()
        environment = f"environment {ready - start:.0f} s" if needed else "environment not needed"
        print(f"versions: torch {release.torch} ({release.name}): {environment}, {args.command} {done - ready:.0f} s",
              flush=True)
    if args.command == "deploy":
        _push(args)


def _push(args) -> None:
    if args.push:
        _run(["git", "push", "--", args.remote, args.branch])


if __name__ == "__main__":
    main()
