"""The worker that converts notebooks under `mkdocs serve` (mkdocs_memos/conversions.py): what it makes is what
mkdocs-jupyter's own rendering of the page finds in its cache."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import psutil
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from mkdocs_memos import shims
from mkdocs_memos.conversions import Conversions

OPTIONS = {"execute": False, "include_source": True, "ignore": ["*.md"], "toc_depth": 1}


def test_a_notebook_the_worker_converted_is_rendered_from_mkdocs_jupyters_cache(tmp_path, monkeypatch):
    import mkdocs_jupyter.plugin

    notebook = tmp_path / "page.ipynb"
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Converted ahead"},
                  {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(6 * 7)",
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": "42\n"}]}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))
    options = {**OPTIONS, "cache_dir": str(tmp_path / "cache")}
    conversions = Conversions()
    conversions.start()
    try:
        conversions.submit(notebook, options)
        conversions.wait(notebook)
    finally:
        conversions.close()
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1

    class NoConverter:
        def __getattr__(self, name):
            raise AssertionError("mkdocs-jupyter converted the notebook again")

    monkeypatch.setattr(mkdocs_jupyter.plugin, "convert", NoConverter())
    plugin = mkdocs_jupyter.plugin.Plugin()
    plugin.load_config(options)
    plugin.on_pre_build(None)
    page = Page(None, File("page.ipynb", str(tmp_path), str(tmp_path / "site"), True), {})
    plugin.on_pre_page(page, None, None)
    page.render(None, None)
    assert "Converted ahead" in page.title and "42" in page.content
    # Rendered as the build renders it: the notebook styles linked, not inlined (shims.notebook_styles_linked).
    assert shims.notebook_stylesheet("")[:1000] not in page.content


def test_without_a_worker_nothing_is_handed_over(tmp_path):
    conversions = Conversions()  # not started: a plain `mkdocs build`
    conversions.submit(tmp_path / "page.ipynb", {})
    conversions.wait(tmp_path / "page.ipynb")
    assert conversions.pending == {}


def test_the_worker_ends_with_the_process_that_started_it(tmp_path):
    """`mkdocs serve` stopped by SIGTERM (as tests and the benchmark stop it) runs no on_shutdown."""
    code = ("import os\nfrom mkdocs_memos.conversions import Conversions\n"
            "c = Conversions()\nc.start()\nc.pool.submit(int).result()\n"
            "print(*(p.pid for p in c.pool._processes.values()))\nos._exit(0)\n")
    started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    worker = int(started.stdout.split()[-1])
    deadline = time.monotonic() + 30
    while psutil.pid_exists(worker) and psutil.Process(worker).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the worker outlived the process that started it"
        time.sleep(0.2)
