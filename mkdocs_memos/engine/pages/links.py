"""The links of the built site, checked without a browser and without the network.

Every internal `href`/`src` must reach a file of the site and every `#fragment` an element id of the page it
names; external links are listed, never fetched. The site's public addresses (page URLs and section ids) are
recorded in `urls.txt`, so that a change that would break a link pasted into a review months ago is caught:
the old address must still resolve, through a redirect page (mkdocs-redirects) or an alias id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs_memos.engine.pages import anchors

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src")}
# The page mkdocs-redirects writes for an old address: `<meta http-equiv="refresh" content="0; url=new/">`.
REFRESH = re.compile(r"^\s*\d+\s*;\s*url=(?P<url>.+)$", re.I)
BASE = "http://site/"  # any absolute URL: urljoin needs one to resolve relative links against


@dataclass
class BuiltPage:
    """What a built HTML page offers and asks for: its links, its ids, where it redirects to."""

    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refresh: str | None = None


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = BuiltPage()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if (tag, name) in LINK_ATTRS and value is not None:
                self.page.links.append(value)
        ids = [a.get("id")] + ([a.get("name")] if tag == "a" else [])  # <a name> is a fragment target too
        self.page.ids.update(i for i in ids if i)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            m = REFRESH.match(a.get("content") or "")
            self.page.refresh = m["url"].strip() if m else None


def parse(path: Path) -> BuiltPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


@dataclass
class Report:
    pages: int = 0
    links: int = 0  # internal links checked, fragments included
    broken: list[str] = field(default_factory=list)
    external: set[str] = field(default_factory=set)


class BuiltSite:
    def __init__(self, root: Path):
        self.root = root
        self.pages = {p.relative_to(root).as_posix(): parse(p) for p in sorted(root.rglob("*.html"))}

    def file(self, url_path: str) -> str | None:
        """The site file a URL path (relative to the site root) is served from."""
        path = unquote(url_path).lstrip("/")
        candidates = [path + "index.html"] if path.endswith("/") or not path else [path, path + "/index.html"]
        return next((c for c in candidates if (self.root / c).is_file()), None)

    def target(self, page: str, href: str) -> tuple[str | None, str]:
        """(site file, or "" if there is none, or None for another site; the fragment) of a link on `page`."""
        url = urlsplit(urljoin(BASE + page, href))
        if url.netloc != urlsplit(BASE).netloc:
            return None, ""
        return self.file(url.path) or "", unquote(url.fragment)

    def follow(self, file: str) -> str:
        """The page a redirect page sends the reader to (the page itself if it is not one)."""
        refresh = self.pages[file].refresh if file in self.pages else None
        target = self.target(file, refresh)[0] if refresh else None
        return target or file


def check(root: Path, site_url: str = "") -> Report:
    site = BuiltSite(root)
    prefix = urlsplit(site_url).path or "/"
    report = Report(pages=len(site.pages))
    for page, parsed in site.pages.items():
        for href in parsed.links:
            if urlsplit(href).scheme == "data":
                continue
            if page == "404.html" and href.startswith(prefix):
                # The host serves 404.html for a missing path at any depth: its links must be root-relative.
                href = BASE + href[len(prefix):]
            elif href.startswith("/") and not href.startswith("//"):
                # Right only where the site is served at one path: not locally, not in mike's version folders.
                report.links += 1
                report.broken.append(f"{page}: {href} (root-relative)")
                continue
            if site_url and href.startswith(site_url):  # the site's own absolute address (canonical links)
                href = BASE + href[len(site_url):]
            file, fragment = site.target(page, href)
            if file is None:
                report.external.add(href)
                continue
            report.links += 1
            if not file:
                report.broken.append(f"{page}: {href} (no such file)")
            elif fragment and file in site.pages and fragment not in site.pages[site.follow(file)].ids:
                report.broken.append(f"{page}: {href} (no id '{fragment}' in {file})")
    return report


# A page's notebook is made from the page and named after it: it moves with its page, which holds the links.
COMPANIONS = re.compile(r"^/(en/)?notebooks/")


def public(root: Path) -> list[str]:
    """The addresses a reader may have kept: each page's URL, and each of its sections, claims, outputs and
    sources, `/page/#id`."""
    found = []
    for path in sorted(root.rglob("index.html")):
        url = "/" + path.parent.relative_to(root).as_posix().removeprefix(".").strip("/")
        url = url.rstrip("/") + "/"
        if COMPANIONS.match(url):
            continue
        found.append(url)
        found += [f"{url}#{i}" for i in anchors.public_ids(anchors.ids(path.read_text(encoding="utf-8")))]
    return found


def missing(recorded: list[str], root: Path) -> list[str]:
    """Recorded addresses the site no longer answers, even through a redirect page or an alias id."""
    site = BuiltSite(root)
    lost = []
    for address in recorded:
        path, _, fragment = address.partition("#")
        file = site.file(path.lstrip("/"))
        if file is None or (fragment and fragment not in site.pages[site.follow(file)].ids):
            lost.append(address)
    return lost
