"""Under `mkdocs serve`, the notebooks an edit changed are converted in a worker process while the build goes on.

mkdocs-jupyter 0.26.3 converts a notebook (nbconvert, slow) when MkDocs renders its page, and an
edited snippet changes the notebook of its page in each language: two conversions, one after the other, in the
middle of the rebuild. Here the plugin hands them to a worker as soon as the snippet's results are in; the
worker runs mkdocs-jupyter's own page rendering on each, which writes its cache (keyed by the notebook's
content and the plugin's options), and the build's own rendering of that page then finds it there. A
conversion that fails or is not handed over is made by the build itself, as without the worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.memos")


class Conversions:
    def __init__(self):
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[Path, Future] = {}  # notebook -> its conversion

    def start(self) -> None:
        # Spawned, not forked: the serving process has threads (HTTP, file polling, snippets) a fork would copy
        # mid-work (a spawned worker imports the main module again: `mkdocs` guards its own). Started now, so
        # that the worker has imported nbconvert by the first edit.
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_ready)
        self.pool.submit(int)

    def submit(self, notebook: Path, options: dict) -> None:
        """Convert `notebook` as mkdocs-jupyter configured with `options` (one language's) would."""
        if self.pool is None:
            return
        try:
            self.pending[notebook] = self.pool.submit(_convert, str(notebook), options)
        except RuntimeError as e:  # the worker is gone (BrokenProcessPool): the build converts them itself
            log.warning(f"memos: notebooks are converted in the build from now on: {e}")
            self.pool = None

    def wait(self, notebook: Path) -> None:
        """Before MkDocs renders the notebook's page, or the notebook is written again."""
        future = self.pending.pop(notebook, None)
        if future is None:
            return
        try:
            future.result()
        except Exception as e:  # noqa: BLE001 - the build converts it itself, and reports what fails there
            log.debug(f"memos: the worker did not convert {notebook}: {e!r}")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def _ready() -> None:
    """In the worker: nbconvert imported, its templates compiled once (incremental.Templates), its styles left out
    as in the build (shims.notebook_styles_linked). It ends with the serving process: one stopped by a signal
    (SIGTERM, as tests stop it) runs no on_shutdown."""
    parent = os.getppid()

    def end_with_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=end_with_parent, daemon=True).start()
    from mkdocs_memos import incremental, shims

    incremental.Templates().compile_notebook_templates_once()
    shims.notebook_styles_linked()
    import mkdocs_jupyter.plugin  # noqa: F401


def _convert(notebook: str, options: dict) -> None:
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page
    from mkdocs_jupyter.plugin import Plugin

    plugin = Plugin()
    plugin.load_config(options)
    plugin.on_pre_build(config=None)
    folder, name = os.path.split(notebook)
    page = Page(None, File(name, folder, folder, use_directory_urls=True), {})
    plugin.on_pre_page(page, config=None, files=None)
    page.render(None, None)  # mkdocs-jupyter's render: converts, and writes its cache
