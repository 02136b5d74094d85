"""Where each page of the site lives in a release's folder, and the relative links between them.

Under mike every release is a folder of its own (`2.14/`, `latest/`), and static-i18n puts English pages under
`en/`: a link made here is relative, so that it keeps working in every release's folder and under any server path.
"""

from __future__ import annotations

import posixpath

DEFAULT_LANGUAGE = "ko"
# The page holding `{{ changes }}`, linked from every example whose output changed at some release.
CHANGES_PAGE = "what-changed"


def language(src: str) -> str:
    """`page.en.md` is English, `page.md` Korean (static-i18n's suffix layout)."""
    return "en" if src.endswith(".en.md") else DEFAULT_LANGUAGE


def stem(src: str) -> str:
    """What a page is called in every language and release: `view-vs-reshape`, or "" for the home page."""
    name = src.removesuffix(".md").removesuffix(".en")
    return "" if name == "index" else name


def url(page_stem: str, lang: str) -> str:
    """Where a page lives in a release's folder, as MkDocs writes page.url: `en/view-vs-reshape/`, `` (home)."""
    folder = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    return folder + (f"{page_stem}/" if page_stem else "")


def relative(target: str, here: str) -> str:
    """The link from the page at `here` (a page.url) to `target` (a path from the release's folder, with an
    optional #fragment; `../2.13/...` reaches another release). The one way links between pages are made:
    relative, so that they keep working in every release's folder and under any server path."""
    path, hash_mark, fragment = target.partition("#")
    link = posixpath.relpath(path or ".", here or ".")
    if path.endswith("/") or not path:
        link = "./" if link == "." else link + "/"
    return link + hash_mark + fragment


def nav_order(nav) -> list[str]:
    """The pages of mkdocs.yml's `nav:`, in order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [f for v in nav.values() for f in nav_order(v)]
    return [f for item in nav or [] for f in nav_order(item)]
