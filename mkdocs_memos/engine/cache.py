"""Outputs cached by content: the snippet's source, the torch and Python that run it, and the engine's own code.

An entry is written only for a run that succeeded, and atomically (a temporary file, then a rename), so a
crashed or interrupted run leaves nothing behind and two builds sharing the cache never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from importlib.metadata import version
from pathlib import Path

from mkdocs_memos.engine.snippet import Snippet

# The code whose changes can change an output: editing it invalidates every entry.
ENGINE_FILES = ("child.py", "server.py")


def engine_version() -> str:
    h = hashlib.sha256()
    for name in ENGINE_FILES:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:12]


def environment() -> str:
    """What, besides the source, decides an output. Read without importing torch."""
    return f"torch {version('torch')}; python {platform.python_version()}; engine {engine_version()}"


class Cache:
    def __init__(self, directory: Path):
        self.directory = directory
        self.salt = environment()

    def _path(self, snippet: Snippet) -> Path:
        # The path is part of the key: tracebacks and warnings name the file.
        key = hashlib.sha256(f"{self.salt}\n{snippet.display_path}\n{snippet.source}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, snippet: Snippet) -> dict | None:
        try:
            with open(self._path(snippet), encoding="utf-8") as f:
                return json.load(f)
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, snippet: Snippet, entry: dict) -> None:
        path = self._path(snippet)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
