"""The Python that runs the snippets, and the versions that decide their outputs besides the snippet itself.

By default it is the build's own Python. scripts/versions.py names a release's instead, from a record written
when that release's environment was made: the build then keys the cache by that release's versions without
starting its Python, so a release whose outputs all come from the cache is built with no torch at all, and
its environment is needed only when a snippet must run.
"""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path


@dataclass(frozen=True)
class Interpreter:
    executable: str
    torch: str
    numpy: str
    python: str
    system: str  # "Linux x86_64"

    @classmethod
    def current(cls) -> Interpreter:
        """This process's Python, as it is."""
        return cls(sys.executable, version("torch"), version("numpy"), platform.python_version(),
                   f"{platform.system()} {platform.machine()}")

    @classmethod
    def recorded(cls, path: Path) -> Interpreter:
        """What `record` wrote; its Python may no longer exist."""
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as e:
            raise ValueError(f"{path}: not a record of a snippet interpreter ({e})") from e

    def record(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    def describe(self) -> str:
        """Everything here that can change an output: part of every cache key."""
        return f"torch {self.torch}; numpy {self.numpy}; python {self.python}; {self.system}"

    def missing(self) -> bool:
        return not Path(self.executable).exists()


if __name__ == "__main__":  # `python -m mkdocs_memos.engine.running.interpreter PATH`, in the environment to record
    Interpreter.current().record(Path(sys.argv[1]))
