"""The projects `scripts/bench.py` builds: copies of this one, each prepared for one way of running the snippets.

Every copy is made from the pages, snippets and configuration in the repository, so the benchmark always
measures the site as it is: both languages, every page's notebook rendered by mkdocs-jupyter.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from mkdocs.config import load_config

from mkdocs_memos.engine.build import Build
from mkdocs_memos.engine.pages import directives
from mkdocs_memos.engine.pages.addresses import nav_order, url
from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.runner import Runner
from scripts.project import copy_project

# The memos plugin's entry in mkdocs.yml, down to the next blank line.
PLUGIN = re.compile(r"^  # Runs every .*\n(?:  .*\n)+", re.M)
# The plain copy's notebooks, made by the real plugin, and the hook that hands them to mkdocs-jupyter.
NOTEBOOKS = "notebooks-made"
# A line of a page's front matter `cases:` (engine/pages/sources.py): `  <page>/<snippet>.py: "<its case>"`.
CASE = re.compile(r"^\s+(?P<name>[\w.-]+/[\w.-]+\.py)\s*:")
PLAIN_HOOK = Path(__file__).with_name("bench_plain_hook.py")


def subject(dest: Path, limit: int | None = None) -> list[str]:
    """A copy of the project; with `limit`, its pages include only the first `limit` snippets, and their prose
    is left unbound (both branches of each `{{ if }}`, no `{{ assert }}`): the facts it names may be gone.
    Returns the snippets its pages include, in page order."""
    copy_project(dest)
    included = list(dict.fromkeys(d.arg for _, d in _runs(dest / "docs")))
    kept = set(included[:limit])
    dropped = {"if", "else", "end", "assert"} if limit is not None else set()
    for path in sorted((dest / "docs").rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for d in reversed(list(directives.find("\n".join(lines)))):
            if (d.kind == "run" and d.arg not in kept) or d.kind in dropped:
                del lines[d.line - 1]
        # The cases of the front matter name the snippets a page runs (sources.check_cases): not those left out.
        lines = [line for line in lines if not ((m := CASE.match(line)) and m["name"] not in kept)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [name for name in included if name in kept]


def static(project: Path, dest: Path, cache: Path, built: Path) -> None:
    """`project` with every directive replaced by what the engine renders from the cached outputs (engine/build.py,
    as the plugin renders it), and without the plugin: the plain MkDocs build of the same site. Its notebooks are
    those of `built`, a build of `project`; a hook (bench_plain_hook.py) hands them to mkdocs-jupyter as the
    plugin does, with no engine."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
    config = load_config(str(project / "mkdocs.yml"))
    runner = Runner(cache, os.cpu_count() or 2, interpreter=Interpreter.current())
    try:
        build = Build.start(project / "docs", project / "snippets", runner, logging.getLogger("bench"))
        order = nav_order(config.nav)
        for source in build.sources.pages.values():
            markdown = build.markdown(source, source.lang, url(source.stem, source.lang), order, config.site_url or "")
            head = source.text[: len(source.text) - len(source.body)]
            (dest / "docs" / source.src).write_text(head + build.fill(source, source.lang, markdown), encoding="utf-8")
        failures = build.unreported_failures()
        if failures:
            raise SystemExit("bench: the site does not build:\n" + "\n".join(failures))
    finally:
        runner.close()
    _notebooks(built, dest / NOTEBOOKS)
    _without_plugin(dest)
    shutil.copy(PLAIN_HOOK, dest / PLAIN_HOOK.name)
    with open(dest / "mkdocs.yml", "a", encoding="utf-8") as f:
        f.write(f"hooks:\n  - {PLAIN_HOOK.name}\n")


def _notebooks(built: Path, dest: Path) -> None:
    """The notebooks of a build of the real site (include_source copies each next to its page), at the paths
    static-i18n gives them: the very files the plugin made."""
    for path in sorted(built.rglob("*.ipynb")):
        rel = path.relative_to(built)  # [en/]notebooks/<page>/<page>.ipynb
        target = dest / rel.parent.parent / rel.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def markdown_exec(project: Path, dest: Path) -> None:
    """`project` with each `{{ run }}` turned into a markdown-exec block (`exec="on"`) holding the snippet."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__"))
    for path in sorted((dest / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")

        def block(d: directives.Directive) -> str:
            if d.kind != "run":
                return ""  # claims need the engine's checks; markdown-exec has none
            source = (dest / "snippets" / d.arg).read_text(encoding="utf-8").rstrip()
            return f'````python exec="on" source="above" result="text" title="snippets/{d.arg}"\n{source}\n````'

        path.write_text(directives.expand(text, list(directives.find(text)), block), encoding="utf-8")
    _without_plugin(dest, plugin="  - markdown-exec\n")


def jupyter(project: Path, dest: Path) -> None:
    """One notebook per Korean page, a code cell per snippet it includes, built by mkdocs-jupyter with
    `execute: true`. One language only: mkdocs-jupyter has no translations, and a second language would
    execute every notebook again."""
    (dest / "docs").mkdir(parents=True)
    pages: dict[str, list[str]] = {}
    for src, d in _runs(project / "docs"):
        if not src.endswith(".en.md"):
            pages.setdefault(src.removesuffix(".md"), []).append(d.arg)
    for page, names in pages.items():
        sources = [(project / "snippets" / n).read_text(encoding="utf-8") for n in names]
        cells = [_markdown_cell(f"# {page}")] + [_cell(source) for source in sources]
        notebook = {"cells": cells, "metadata": _KERNEL, "nbformat": 4, "nbformat_minor": 5}
        (dest / "docs" / f"{page}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        "site_name: PyTorch Memos (mkdocs-jupyter)\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - mkdocs-jupyter:\n      execute: true\n      allow_errors: true\n",
        encoding="utf-8",
    )


_KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}


def _markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def _runs(docs: Path):
    for path in sorted(docs.rglob("*.md")):
        for d in directives.find(path.read_text(encoding="utf-8")):
            if d.kind == "run":
                yield path.relative_to(docs).as_posix(), d


def _without_plugin(project: Path, plugin: str = "") -> None:
    config = project / "mkdocs.yml"
    text, found = PLUGIN.subn("", config.read_text(encoding="utf-8"))
    assert found == 1, "the memos plugin's entry in mkdocs.yml changed: update PLUGIN"
    config.write_text(text.replace("plugins:\n", "plugins:\n" + plugin, 1), encoding="utf-8")
