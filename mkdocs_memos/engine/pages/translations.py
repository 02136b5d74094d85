"""Which Korean text an English page translates: `translation_of:` in its front matter holds a fingerprint of
the Korean page it was written from, so a change to the Korean page shows as an outdated translation."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STAMP = re.compile(r"^translation_of:.*$", re.M)


def korean_page(english: Path) -> Path:
    return english.with_name(english.name.removesuffix(".en.md") + ".md")


def fingerprint(korean: Path) -> str:
    return hashlib.sha256(korean.read_bytes()).hexdigest()[:12]


def is_current(english: Path, meta: dict) -> bool:
    return str(meta.get("translation_of")) == fingerprint(korean_page(english))


def stamp(english: Path) -> str:
    """Record that `english` now translates the current Korean page; returns the fingerprint."""
    value = fingerprint(korean_page(english))
    text = english.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{english}: no front matter to stamp")
    head, end, body = text[4:].partition("\n---\n")
    if STAMP.search(head):
        head = STAMP.sub(f"translation_of: {value}", head, count=1)
    else:
        head = f"translation_of: {value}\n" + head
    english.write_text("---\n" + head + end + body, encoding="utf-8")
    return value
