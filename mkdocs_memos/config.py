"""The memos plugin's options, as mkdocs.yml sets them under `plugins: - memos:`."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MemosConfig(base.Config):
    # The snippets pages include with `{{ run <page>/<file>.py }}`; `mkdocs serve` watches them (on_serve).
    snippets = c.Dir(exists=True, default="snippets")
    # Outputs of successful runs, keyed by content: copies of the project may share one.
    cache = c.Dir(exists=False, default=".cache/outputs")
    # Snippets running at once; each child uses one torch thread unless it asks for more. 0: one per core.
    jobs = c.Type(int, default=0)
    # A git ref holding the deployed releases (mike's branch) to compare this build's outputs with.
    compare_with = c.Optional(c.Type(str))
    # The record of the Python that runs the snippets (engine/running/interpreter.py), when it is not the build's
    # own: scripts/versions.py names a release's, whose environment is then needed only if a snippet must run.
    interpreter = c.Optional(c.File(exists=True))
