"""Outputs cached by content: the snippet's source, what runs it, and the engine's own code.

An entry is written only for a run that succeeded, and atomically (a temporary file, then a rename), so a
crashed or interrupted run leaves nothing behind and two builds sharing the cache never see half an entry.
Each entry records its key and a checksum of its result: a file that is not exactly what the runner wrote
there (edited, cut, copied from another entry, of an older engine) is a miss, never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from mkdocs_memos.engine.running.interpreter import Interpreter
from mkdocs_memos.engine.running.snippet import Snippet

# The code whose changes can change an output or an entry's shape: editing it invalidates every entry.
ENGINE_FILES = ("cache.py", "child.py", "figures.py", "jail.py", "landlock.py", "matplotlib_backend.py", "protocol.py",
                "runner.py", "sandbox.py", "server.py", "snippet.py", "syscalls.py")


def engine_version() -> str:
    h = hashlib.sha256()
    for name in ENGINE_FILES:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:12]


class Cache:
    def __init__(self, directory: Path, interpreter: Interpreter):
        self.directory = directory
        self.salt = f"{interpreter.describe()}; engine {engine_version()}"

    def _key(self, snippet: Snippet) -> str:
        # The path is part of the key: tracebacks and warnings name the file.
        return hashlib.sha256(f"{self.salt}\n{snippet.display_path}\n{snippet.source}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, snippet: Snippet) -> dict | None:
        key = self._key(snippet)
        try:
            with open(self._path(key), encoding="utf-8") as f:
                entry = json.load(f)
            if entry["key"] == key and entry["checksum"] == _checksum(entry["result"]):
                return entry["result"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def put(self, snippet: Snippet, result: dict) -> None:
        key = self._key(snippet)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"key": key, "checksum": _checksum(result), "result": result}, f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise


def _checksum(result: dict) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()
