"""The project's chores, one command each: `python scripts/docs.py --help`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mkdocs.utils.meta import get_data  # noqa: E402

from engine import translations  # noqa: E402

DOCS = ROOT / "docs"


def english_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.en.md"))


def outdated() -> list[Path]:
    """English pages whose Korean page changed since they were translated."""
    return [p for p in english_pages() if not translations.is_current(p, get_data(p.read_text("utf-8"))[1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    stamp = sub.add_parser("stamp", help="record that an English page translates its Korean page as it is now")
    stamp.add_argument("pages", nargs="+", help="page names, e.g. view-vs-reshape (no suffix)")
    sub.add_parser("outdated", help="list English pages behind their Korean page; exit 1 if any")
    args = parser.parse_args()

    if args.command == "stamp":
        for name in args.pages:
            print(f"{name}.en.md: translation_of {translations.stamp(DOCS / f'{name}.en.md')}")
    elif args.command == "outdated":
        pages = outdated()
        for p in pages:
            print(p.relative_to(ROOT))
        sys.exit(1 if pages else 0)


if __name__ == "__main__":
    main()
