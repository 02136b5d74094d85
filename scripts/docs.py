"""The project's chores, one command each: `python -m scripts.docs --help` (from the repository's root)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import get_yaml_loader

from mkdocs_memos.engine.pages import links, publication, translations

ROOT = Path(__file__).resolve().parent.parent

DOCS = ROOT / "docs"
URLS = ROOT / "urls.txt"
URLS_HEADER = """\
# The site's public addresses: every page and every section (`page/#id`), in both languages.
# A build that no longer answers one of them fails tests/test_links.py, unless a redirect (mkdocs.yml,
# plugins: redirects) or an alias id keeps it working. Regenerate after adding pages or sections:
#   make build && .venv/bin/python -m scripts.docs urls
"""


def english_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.en.md"))


def outdated() -> list[Path]:
    """English pages whose Korean page changed since they were translated."""
    return [p for p in english_pages() if not translations.is_current(p, get_data(p.read_text("utf-8"))[1])]


def recorded_urls() -> list[str]:
    return [line for line in URLS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def site_url(environ: dict | None = None) -> str:
    """The address a build of this checkout gives the site (engine/pages/publication.py), "" if none."""
    published, _ = publication.find(ROOT, environ)
    return published.site_url if published else ""


def mkdocs_yml() -> dict:
    """mkdocs.yml as MkDocs reads it (its `!ENV` tags resolved)."""
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader())


def memos_options(config: dict) -> dict:
    """The memos plugin's options in a configuration read by `mkdocs_yml()` (the dict itself, to change)."""
    (memos,) = [p["memos"] for p in config["plugins"] if isinstance(p, dict) and "memos" in p]
    return memos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    stamp = sub.add_parser("stamp", help="record that an English page translates its Korean page as it is now")
    stamp.add_argument("pages", nargs="+", help="page names, e.g. view-vs-reshape (no suffix)")
    sub.add_parser("outdated", help="list English pages behind their Korean page; exit 1 if any")
    check = sub.add_parser("links", help="check every internal link and #fragment of a built site; list external ones")
    check.add_argument("site", nargs="?", default=ROOT / "site", type=Path)
    urls = sub.add_parser("urls", help=f"add the public addresses of a built site to {URLS.name}")
    urls.add_argument("site", nargs="?", default=ROOT / "site", type=Path)
    args = parser.parse_args()

    if args.command == "stamp":
        for name in args.pages:
            print(f"{name}.en.md: translation_of {translations.stamp(DOCS / f'{name}.en.md')}")
    elif args.command == "outdated":
        pages = outdated()
        for p in pages:
            print(p.relative_to(ROOT))
        sys.exit(1 if pages else 0)
    elif args.command == "links":
        report = links.check(args.site, site_url())
        for href in sorted(report.external):
            print(f"external (not fetched): {href}")
        for problem in report.broken:
            print(f"BROKEN: {problem}")
        print(f"{report.pages} pages, {report.links} internal links checked, {len(report.broken)} broken, "
              f"{len(report.external)} external listed")
        sys.exit(1 if report.broken else 0)
    elif args.command == "urls":
        # Only ever adds: an address stays recorded (and tested) until someone deletes its line on purpose.
        old = recorded_urls() if URLS.exists() else []
        addresses = sorted(set(old) | set(links.public(args.site)))
        URLS.write_text(URLS_HEADER + "".join(f"{u}\n" for u in addresses), encoding="utf-8")
        print(f"{URLS.name}: {len(addresses)} addresses, {len(addresses) - len(old)} new")
        for address in links.missing(old, args.site):
            print(f"no longer answered (add a redirect or an alias id): {address}")


if __name__ == "__main__":
    main()
