"""The projects `scripts/bench.py` builds: copies of this one, each prepared for one way of running the snippets.

Every copy is made from the pages and snippets in the repository, so the benchmark always measures the
site as it is.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mkdocs_memos.engine import directives  # noqa: E402 - needs ROOT on sys.path
from mkdocs.utils.meta import get_data  # noqa: E402

HOOKS = re.compile(r"^hooks:\n(?:  - .*\n)+", re.M)
# mkdocs-jupyter's plugin entry. The copies leave it out: rendering each page's notebook costs the same with
# or without our engine, and a plain build without the hooks has no notebooks to render.
JUPYTER = re.compile(r"^  # Renders each page's notebook.*\n  - mkdocs-jupyter:\n(?:      .*\n)+", re.M)


def subject(dest: Path, limit: int | None = None) -> list[str]:
    """A copy of the project; with `limit`, its pages include only the first `limit` snippets.
    Returns the snippets its pages include, in page order."""
    dest.mkdir(parents=True)
    for name in ("docs", "snippets", "mkdocs_memos", "overrides"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("hooks.py", "mkdocs.yml"):
        shutil.copy(ROOT / name, dest / name)
    config = dest / "mkdocs.yml"
    text, found = JUPYTER.subn("", config.read_text(encoding="utf-8"))
    assert found == 1, "mkdocs-jupyter's entry in mkdocs.yml changed: update JUPYTER"
    config.write_text(text, encoding="utf-8")
    included = list(dict.fromkeys(d.arg for _, d in _runs(dest / "docs")))
    kept = set(included[:limit])
    for path in sorted((dest / "docs").rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for d in reversed(list(directives.find("\n".join(lines)))):
            if d.kind == "run" and d.arg not in kept:
                del lines[d.line - 1]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [name for name in included if name in kept]


def static(project: Path, dest: Path, cache: Path) -> None:
    """`project` with every directive replaced by what the hooks render from the cached outputs, and no hooks:
    the plain MkDocs build of the same pages."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__"))
    os.environ["MEMOS_CACHE"] = str(cache)
    spec = importlib.util.spec_from_file_location("memos_hooks_static", project / "hooks.py")
    hooks = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look it up there
    spec.loader.exec_module(hooks)
    hooks.on_pre_build(SimpleNamespace(docs_dir=str(project / "docs"), plugins={}))
    for path in sorted((project / "docs").rglob("*.md")):
        src = path.relative_to(project / "docs").as_posix()
        head, body = _front_matter(path.read_text(encoding="utf-8"))
        lang = "en" if src.endswith(".en.md") else "ko"
        stem = src.removesuffix(".md").removesuffix(".en")
        dest_uri = ("en/" if lang == "en" else "") + ("" if stem == "index" else stem + "/") + "index.html"
        file = SimpleNamespace(src_uri=src, abs_src_path=str(path), dest_uri=dest_uri)
        page = SimpleNamespace(file=file, url=dest_uri.removesuffix("index.html"), meta=get_data(head + body)[1])
        config = SimpleNamespace(theme={"language": lang}, nav=None)
        page.content = hooks.on_page_markdown(body, page, config, None)
        hooks.on_page_context(None, page, config, None)  # the outputs and verdicts in place of their placeholders
        (dest / "docs" / src).write_text(head + page.content, encoding="utf-8")
    _without_hooks(dest)


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

        path.write_text(directives.expand(text, block), encoding="utf-8")
    _without_hooks(dest, plugin="  - markdown-exec\n")


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


def _front_matter(text: str) -> tuple[str, str]:
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) != -1:
        return text[: end + 5], text[end + 5 :]
    return "", text


def _without_hooks(project: Path, plugin: str = "") -> None:
    config = project / "mkdocs.yml"
    text = HOOKS.sub("", config.read_text(encoding="utf-8"))
    config.write_text(text.replace("plugins:\n", "plugins:\n" + plugin, 1), encoding="utf-8")
