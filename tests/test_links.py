"""Links that last: every internal link of the built site resolves, and every address ever published still does."""

from __future__ import annotations

from mkdocs_memos.engine.pages import anchors, links
from scripts.docs import recorded_urls, site_url
from tests.conftest import ENV, build

FIX = "run `make build && .venv/bin/python -m scripts.docs urls` to record them"


def test_every_internal_link_and_fragment_resolves(site, capsys):
    report = links.check(site, site_url(ENV))
    with capsys.disabled():
        print(f"\nlinks: {report.pages} pages, {report.links} internal links and fragments checked, "
              f"{len(report.external)} external links listed (not fetched)")
    assert report.links > report.pages  # the parser found the links: every page has a nav
    assert not report.broken, "\n".join(report.broken)


def test_external_links_use_https(site):
    report = links.check(site, site_url(ENV))
    assert not [h for h in report.external if not h.startswith(("https://", "mailto:"))]


def test_checker_reports_a_missing_page_and_a_missing_fragment(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2><a href="#here">ok</a>'
                                               '<a href="../b/">no page</a><a href="#gone">no id</a>')
    report = links.check(tmp_path)
    assert (report.links, len(report.broken)) == (3, 2)
    assert "../b/ (no such file)" in report.broken[0] and "no id 'gone'" in report.broken[1]


def test_every_recorded_address_still_resolves(site):
    lost = links.missing(recorded_urls(), site)
    assert not lost, (
        "these published addresses no longer resolve; add a redirect (mkdocs.yml, plugins: redirects) "
        "or an alias id (`<span id=\"old-id\"></span>` before the heading):\n" + "\n".join(lost)
    )


def test_every_address_is_recorded(site):
    new = sorted(set(links.public(site)) - set(recorded_urls()))
    assert not new, f"addresses missing from urls.txt ({FIX}):\n" + "\n".join(new)


def test_a_renamed_section_breaks_the_record_until_an_alias_keeps_it(project, tmp_path):
    page = "view-vs-reshape"
    section = next(u.partition("#")[2] for u in recorded_urls()
                   if u.startswith(f"/{page}/#") and not u.partition("#")[2].startswith(anchors.BLOCK_PREFIXES))
    for name in (f"{page}.md", f"{page}.en.md"):
        path = project / "docs" / name
        path.write_text(path.read_text("utf-8").replace(f"{{ #{section} }}", f"{{ #{section}-renamed }}"), "utf-8")
    assert build(project, tmp_path / "renamed").returncode == 0
    lost = links.missing(recorded_urls(), tmp_path / "renamed")
    assert set(lost) == {f"/{page}/#{section}", f"/en/{page}/#{section}"}

    for name in (f"{page}.md", f"{page}.en.md"):
        path = project / "docs" / name
        text = path.read_text("utf-8").replace(f"{{ #{section}-renamed }}", f"{{ #{section}-renamed }}\n\n<span id=\"{section}\"></span>", 1)
        path.write_text(text, "utf-8")
    assert build(project, tmp_path / "aliased").returncode == 0
    assert links.missing(recorded_urls(), tmp_path / "aliased") == []


def test_a_renamed_page_is_answered_by_its_redirect(project, tmp_path):
    old, new = "view-vs-reshape", "view-and-reshape"
    for path in (project / "docs").glob("*.md"):
        path.write_text(path.read_text("utf-8").replace(f"{old}.", f"{new}."), "utf-8")
    for suffix in (".md", ".en.md"):
        (project / "docs" / f"{old}{suffix}").rename(project / "docs" / f"{new}{suffix}")
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8").replace(f"- {old}.md", f"- {new}.md")
    config.write_text(text, "utf-8")
    without = build(project, tmp_path / "without")
    assert without.returncode == 0, without.stderr
    assert {f"/{old}/", f"/en/{old}/"} <= set(links.missing(recorded_urls(), tmp_path / "without"))

    maps = f"redirect_maps: {{{old}.md: {new}.md, en/{old}.md: {new}.en.md}}"
    config.write_text(text.replace("redirect_maps: {}", maps), "utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert links.missing(recorded_urls(), tmp_path / "site") == []
