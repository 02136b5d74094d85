"""The same site built with ProperDocs, the maintained fork of MkDocs 1.x: both languages, every page, compared
with the MkDocs build of the `site` fixture. The one difference between them is documented in CONTRIBUTING.md
("Building with ProperDocs"); anything else fails here.

ProperDocs runs from its own environment (`.venv-properdocs`, made by `make test` from requirements.txt,
requirements-properdocs.txt and the package): installed next to MkDocs, it is what mike would run.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, SoupStrainer

from tests.conftest import ENV, ROOT

PROPERDOCS = ROOT / ".venv-properdocs" / "bin" / "properdocs"


def pin(requirements: str, name: str) -> str:
    return re.search(rf"^{name}==(\S+)", (ROOT / requirements).read_text(), re.M).group(1)


MATERIAL = f"mkdocs-material-{pin('requirements.txt', 'mkdocs-material')}"
# Material's `<meta name="generator">` names the program that built the page: the one documented difference.
GENERATOR = re.compile(r'\s*<meta name="generator" content="([^"]*)">')
# Dated with the day of each build (MkDocs and ProperDocs alike): two builds either side of midnight differ.
DATED = {"sitemap.xml", "sitemap.xml.gz"}


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory) -> Path:
    """The real site, built by ProperDocs with --strict. It shares the repository's output cache with the
    `site` fixture, so no snippet runs again and nondeterministic outputs (timings) are the same ones."""
    assert PROPERDOCS.exists(), f"{PROPERDOCS} is missing: `make test` makes it (requirements-properdocs.txt)"
    out = tmp_path_factory.mktemp("properdocs-site")
    # The configuration is named explicitly: looking for properdocs.yml first, ProperDocs says it should be
    # renamed when it falls back to mkdocs.yml.
    done = subprocess.run(
        [str(PROPERDOCS), "build", "--strict", "--config-file", "mkdocs.yml", "--site-dir", str(out)],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def files(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())


def pages(site: Path) -> list[str]:
    return [f for f in files(site) if f.endswith(".html")]


def differences(mkdocs: dict[str, str], properdocs: dict[str, str]) -> list[str]:
    """One unified diff per page that differs, so that a failure shows what changed and where."""
    return [
        "".join(difflib.unified_diff(
            mkdocs[page].splitlines(keepends=True), properdocs[page].splitlines(keepends=True),
            f"mkdocs/{page}", f"properdocs/{page}", n=2,
        ))
        for page in mkdocs if mkdocs[page] != properdocs[page]
    ]


def test_properdocs_writes_the_same_files(site, properdocs_site):
    assert files(properdocs_site) == files(site)
    assert sum(p.startswith("en/") for p in pages(site)) > 1, "the English pages were not built"


def test_every_page_has_the_same_main_content(site, properdocs_site):
    def main(where: Path) -> dict[str, str]:
        only = SoupStrainer(class_="md-content")  # Material's main column: the page's own content
        return {
            page: str(BeautifulSoup((where / page).read_text(encoding="utf-8"), "html.parser", parse_only=only))
            for page in pages(site)
        }

    built_by_mkdocs = main(site)
    assert all(built_by_mkdocs.values()), "a page without Material's .md-content: nothing would be compared"
    diffs = differences(built_by_mkdocs, main(properdocs_site))
    assert not diffs, f"{len(diffs)} pages differ in their main content:\n" + "\n".join(diffs[:3])


def test_pages_differ_only_in_their_generator_tag(site, properdocs_site):
    """The whole page, byte for byte, once the one documented difference is taken out."""
    def whole(where: Path, names: set[str]) -> dict[str, str]:
        out = {}
        for page in pages(site):
            text = (where / page).read_text(encoding="utf-8")
            names.update(GENERATOR.findall(text))
            out[page] = GENERATOR.sub("", text)
        return out

    built_by_mkdocs, built_by_properdocs = set(), set()
    diffs = differences(whole(site, built_by_mkdocs), whole(properdocs_site, built_by_properdocs))
    assert not diffs, f"{len(diffs)} pages differ outside the generator tag:\n" + "\n".join(diffs[:3])
    # Proof that each build ran the program it was meant to: a ProperDocs build that quietly ran MkDocs
    # would pass every comparison above.
    assert built_by_mkdocs == {f"mkdocs-{pin('requirements.txt', 'mkdocs')}, {MATERIAL}"}
    assert built_by_properdocs == {f"mkdocs-ProperDocs {pin('requirements-properdocs.txt', 'properdocs')}, {MATERIAL}"}


def test_search_index_notebooks_and_assets_are_identical(site, properdocs_site):
    other = [f for f in files(site) if not f.endswith(".html") and f not in DATED]
    assert any(f.endswith(".ipynb") for f in other) and "search/search_index.json" in other
    differ = [f for f in other if (site / f).read_bytes() != (properdocs_site / f).read_bytes()]
    assert not differ, f"differ between the MkDocs and the ProperDocs build: {differ}"
