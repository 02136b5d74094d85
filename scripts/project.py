"""Which files make up a copy of the project, for the tests and the benchmark that build copies of it, and how
they build one where the kernel refuses namespaces.

The plugin itself is not copied: a copy is built by the package installed in the environment (editable, from
this repository), as any site using the plugin would be.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("docs", "snippets", "overrides")
FILES = ("mkdocs.yml",)
# What scripts/versions.py needs besides the site.
RELEASE_FILES = ("scripts", "requirements.txt", "releases.txt", "pyproject.toml", "mkdocs_memos")
# A command prefix: what follows runs where the kernel refuses new user namespaces, as on hosts that disable
# them, without changing the machine and without privilege. It runs in a user namespace of its own whose
# user.max_user_namespaces is 0, a limit the kernel checks at every level up to the machine's; bwrap then
# fails, and snippets run without namespaces (mkdocs_memos/engine/running/jail.py).
WITHOUT_NAMESPACES = ["unshare", "--user", "--map-current-user", "sh", "-c",
                      'echo 0 > /proc/sys/user/max_user_namespaces && '
                      'exec setpriv --inh-caps=-all --bounding-set=-all -- "$@"', "sh"]


def copy_project(dest: Path, *, releases: bool = False) -> Path:
    """A copy of the site's sources in `dest` (made if missing); with `releases`, what versions.py needs too."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in FOLDERS + FILES + (RELEASE_FILES if releases else ()):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy(source, dest / name)
    return dest
