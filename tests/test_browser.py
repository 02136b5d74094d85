"""The site as a reader meets it: the built site served on 127.0.0.1, driven in Debian's headless Chromium.

Every context refuses requests to any other host and records console errors, so each test also proves that
the page works offline and leaks nothing to third parties.
"""

from __future__ import annotations

import functools
import re
import struct
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from mkdocs_memos import shims
from mkdocs_memos.engine.pages import directives
from mkdocs_memos.engine.views import notebook, render
from tests.conftest import ROOT
from tests.test_site import PAGES

# Playwright's own browser download cannot reach its host here: Debian's Chromium (see the Makefile).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "test-output"
PREFIX = {"ko": "", "en": "en/"}
# The page every interaction test uses: the first page of the nav after the home page, with examples.
PAGE = "view-vs-reshape"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def path(page: str, lang: str) -> str:
    return PREFIX[lang] + ("" if page == "index" else f"{page}/")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is for failures, not for every request
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser moved on before a response ended
            pass


@pytest.fixture(scope="session")
def base_url(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class Reader:
    """One browser context: its page, the console errors seen, and the requests that tried to leave."""

    def __init__(self, browser, base_url: str, viewport: dict, scheme: str = "light"):
        self.base_url = base_url
        self.context = browser.new_context(color_scheme=scheme, viewport=viewport)
        self.context.set_default_timeout(10_000)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def open(self, where: str):
        self.page.goto(self.base_url + "/" + where)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def clipboard(self) -> str:
        return self.page.evaluate("navigator.clipboard.readText()")

    def assert_clean(self):
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def reader(browser, base_url):
    r = Reader(browser, base_url, VIEWPORTS["desktop"])
    yield r
    r.context.close()


def static(site: Path, page: str, lang: str) -> BeautifulSoup:
    return BeautifulSoup((site / path(page, lang) / "index.html").read_text(encoding="utf-8"), "html.parser")


def first_snippet(page: str) -> Path:
    d = next(d for d in directives.find((ROOT / "docs" / f"{page}.md").read_text("utf-8")) if d.kind == "run")
    return ROOT / "snippets" / d.arg


@pytest.mark.parametrize("lang", PREFIX)
def test_example_source_output_and_copy_button(reader, site, lang):
    snippet = first_snippet(PAGE)
    page = reader.open(path(PAGE, lang))
    block = page.locator(".highlight", has=page.locator(f"text={snippet.relative_to(ROOT).as_posix()}"))
    # Shown and copied without its `# memo:` lines, its lines numbered as in the file (tracebacks cite those).
    source = snippet.read_text("utf-8")
    shown = notebook.shown_source(source)
    assert shown != source.rstrip(), "the first snippet of the page has no # memo: line to hide"
    assert block.locator("code").inner_text().strip("\n") == shown
    numbers = block.locator(".linenos").evaluate_all(
        "spans => spans.filter(s => s.offsetParent !== null).map(s => Number(s.dataset.linenos))")
    hidden = render.option_lines(source)
    assert numbers == [n for n, _ in enumerate(source.rstrip().splitlines(), 1) if n not in hidden]
    output = page.locator(f"#run-{snippet.stem} pre")
    expected = static(site, PAGE, lang).select_one(f"#run-{snippet.stem} pre").get_text()
    assert expected.strip(), "the executed output is empty"
    expect(output).to_be_visible()
    assert output.inner_text().strip() == expected.strip()
    block.hover()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    assert reader.clipboard().strip("\n") == shown
    reader.assert_clean()


@pytest.mark.parametrize("name", ["index", PAGE])
@pytest.mark.parametrize("lang, other", [("ko", "en"), ("en", "ko")])
def test_language_selector_keeps_page_and_anchor(reader, site, name, lang, other):
    section = static(site, name, lang).select("article h2[id]")[-1]["id"]
    page = reader.open(f"{path(name, lang)}#{section}")
    page.hover(".md-header__option .md-select")
    page.locator(f".md-select a[hreflang={other}]").click()
    page.wait_for_url(f"{reader.base_url}/{path(name, other)}#{section}")
    assert page.evaluate("document.documentElement.lang") == other
    expect(page.locator(f"[id='{section}']")).to_be_in_viewport()
    reader.assert_clean()


@pytest.mark.parametrize("lang, word", [
    ("ko", "메모리"), ("ko", "reshape"), ("ko", "contiguous"),
    ("en", "memory"), ("en", "reshape"), ("en", "contiguous"),
])
def test_search_finds_the_word_and_leads_to_a_page_with_it(reader, lang, word):
    page = reader.open(path("index", lang))
    box = page.locator("input.md-search__input")  # at desktop width the search box is in the header
    box.fill(word)
    first = page.locator(".md-search-result__item:not([hidden]) a").first
    # Material drops a query typed before its worker has loaded the index: a key press asks it again.
    for _ in range(20):
        if first.is_visible():
            break
        box.press("End")
        page.wait_for_timeout(250)
    expect(first).to_be_visible()
    first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == lang
    assert word.lower() in page.locator("article").inner_text().lower(), page.url
    reader.assert_clean()


def test_light_dark_toggle(reader):
    """The toggle (overrides/partials: Material's, switched by our own script) switches the scheme, shows the
    other toggle, and the choice holds on the next page, as Material's own keeps it. The browser is told the
    scheme and the header's colour, for its own bar, as Material tells it."""
    page = reader.open(path(PAGE, "ko"))
    body = page.locator("body")
    toggle = page.locator("form[data-memo-palette] label:visible")
    background = "getComputedStyle(document.body).backgroundColor"

    def told(scheme: str) -> None:
        theme, color_scheme, header = page.evaluate("""() => [
          ...["theme-color", "color-scheme"].map(n => document.querySelector(`meta[name=${n}]`).content),
          getComputedStyle(document.querySelector(".md-header")).backgroundColor]""")
        assert color_scheme == scheme
        assert theme == "#" + "".join(f"{int(c):02x}" for c in re.findall(r"\d+", header)[:3])

    expect(body).to_have_attribute("data-md-color-scheme", "default")
    expect(toggle).to_have_count(1)
    light = page.evaluate(background)
    told("light")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    expect(toggle).to_have_count(1)
    assert page.evaluate(background) != light
    told("dark")
    reader.open(path("index", "en"))
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    reader.open(path(PAGE, "ko"))
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("form[data-memo-palette] input:checked").focus()  # Enter switches, as on Material's
    page.keyboard.press("Enter")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    reader.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where,block", [(path(PAGE, "en"), ".memo-source code"),
                                         (f"en/notebooks/{PAGE}/", ".highlight-ipynb pre")])
def test_code_names_are_drawn_in_the_codes_colour(browser, base_url, scheme, where, block):
    """Names and spaces of highlighted code lose Pygments' span (render.with_light_code_blocks): Material, and
    mkdocs-jupyter in notebook cells, must draw a name's span in the code's own colour, or the colours changed.
    A space's span (`w`) holds only whitespace, which draws nothing in any colour."""
    reader = Reader(browser, base_url, VIEWPORTS["desktop"], scheme=scheme)
    page = reader.open(where)
    assert page.locator(f"{block} span.n, {block} span.w").count() == 0
    colours = page.locator(block).first.evaluate("""code => {
      const name = document.createElement("span");
      name.className = "n";
      code.append(name);
      return [getComputedStyle(code).color, getComputedStyle(name).color];
    }""")
    assert colours[0] == colours[1], colours
    reader.assert_clean()
    reader.context.close()


def test_code_blocks_are_set_up_as_they_scroll_into_view(reader):
    """mkdocs.yml's content.lazy: Material 9.8.1 adds a block's copy button once it nears the screen, not at
    load. If Material stops reading the flag, every block is set up at load again (BENCHMARKS.md: blocking time)."""
    page = reader.open(path("faster-training", "en"))
    last = page.locator(".memo-source pre").last
    page.wait_for_timeout(500)  # what Material sets up at load, it has set up by now
    expect(last.locator("button.md-code__button")).to_have_count(0)
    last.scroll_into_view_if_needed()
    expect(last.locator("button.md-code__button")).to_have_count(1)
    reader.assert_clean()


@pytest.mark.parametrize("lang", PREFIX)
def test_heading_copy_link_copies_a_link_to_its_section(reader, site, lang):
    sections = [h["id"] for h in static(site, PAGE, lang).select("article h2[id], article h3[id], article h4[id]")]
    page = reader.open(path(PAGE, lang))
    expect(page.locator("article :is(h2, h3, h4) > .memo-copy-link")).to_have_count(len(sections))
    for section in (sections[0], sections[-1]):
        heading = page.locator(f"[id='{section}']")
        heading.hover()
        heading.locator(".memo-copy-link").click()
        assert reader.clipboard() == f"{reader.base_url}/{path(PAGE, lang)}#{section}"
    reader.assert_clean()


# A block of each kind on PAGE, by the CSS that finds the first of them.
BLOCKS = {"claim": ".memo-claim", "output": ".memo-output", "source": ".memo-source"}
OPACITY = "e => getComputedStyle(e).opacity"
# The element before `e` in the order Tab moves through (none of the site's elements sets a positive tabindex).
FOCUS_BEFORE = """e => {
  const all = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
    .filter(x => x.tabIndex >= 0 && !x.disabled && x.getClientRects().length);
  all[all.indexOf(e) - 1].focus();
}"""


@pytest.mark.parametrize("kind", BLOCKS)
@pytest.mark.parametrize("lang", PREFIX)
def test_permalink_shows_on_hover_and_focus_and_leads_to_its_block(reader, site, lang, kind):
    block_id = static(site, PAGE, lang).select_one(BLOCKS[kind])["id"]
    # In the HTML itself, not added by a script: it works where JavaScript does not run.
    assert static(site, PAGE, lang).select_one(f"[id='{block_id}'] a.memo-permalink")["href"] == f"#{block_id}"
    page = reader.open(path(PAGE, lang))
    block = page.locator(f"[id='{block_id}']")
    link = block.locator("a.memo-permalink")
    assert link.evaluate(OPACITY) == "0"
    block.hover()
    expect(link).to_have_css("opacity", "1")
    page.mouse.move(0, 0)
    expect(link).to_have_css("opacity", "0")
    link.evaluate(FOCUS_BEFORE)
    page.keyboard.press("Tab")  # as a keyboard user reaches it
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#{block_id}"
    expect(link).to_have_css("opacity", "1")
    page.keyboard.press("Tab")  # and its copy button next
    assert page.evaluate("document.activeElement.classList.contains('memo-copy-link')")
    expect(block.locator(".memo-copy-link").first).to_have_css("opacity", "1")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{path(PAGE, lang)}#{block_id}")
    expect(block).to_be_in_viewport()
    reader.assert_clean()


@pytest.mark.parametrize("lang", PREFIX)
def test_copy_link_of_a_plain_build_copies_the_address_of_the_block(reader, site, lang):
    """A build outside mike has no release folder to pin to: the link is the page's own, and says nothing more."""
    block_id = static(site, PAGE, lang).select_one(".memo-claim")["id"]
    page = reader.open(path(PAGE, lang))
    block = page.locator(f"[id='{block_id}']")
    block.hover()
    block.locator(".memo-copy-link").first.click()
    assert reader.clipboard() == f"{reader.base_url}/{path(PAGE, lang)}#{block_id}"
    expect(page.locator(".md-dialog")).to_contain_text({"ko": "링크를 복사했습니다", "en": "Link copied"}[lang])
    reader.assert_clean()


@pytest.mark.parametrize("lang", PREFIX)
def test_each_check_of_a_claim_leads_to_the_output_that_produced_it(reader, site, lang):
    """A mixed verdict says in words which cases hold and which do not, each a link to its output."""
    claim = static(site, "tensor-vs-tensor", lang).select_one("#claim-tensor-class-copies-list-numpy")
    assert claim["data-verdict"] == "partly"
    page = reader.open(path("tensor-vs-tensor", lang))
    box = page.locator("#claim-tensor-class-copies-list-numpy")
    why = box.locator(".memo-claim__why")
    expected = {"ko": "성립하는 경우: Python 리스트, float64 NumPy 배열. 성립하지 않는 경우: float32 NumPy 배열.",
                "en": "Holds in: a Python list, a float64 NumPy array. Does not hold in: a float32 NumPy array."}
    assert why.inner_text() == expected[lang]
    checks = box.locator("li a")
    assert checks.count() == 3
    for i in range(checks.count()):
        target = checks.nth(i).get_attribute("href").partition("#")[2]
        assert target.startswith("run-")
        checks.nth(i).click()
        page.wait_for_url(f"**#{target}")
        expect(page.locator(f"[id='{target}']")).to_be_in_viewport()
    why.locator("a").last.click()
    page.wait_for_url("**#run-class-from-numpy-float32")
    reader.assert_clean()


# How a Korean input method (two-set layout) types a word: for each key, the text it commits and the syllable
# it is composing after that key. Chromium receives it as an input method sends it: keydown "Process" (229),
# the composition (CDP Input.imeSetComposition), a commit (Input.insertText), keyup.
KOREAN = {
    "메모리": [("KeyA", "", "ㅁ"), ("KeyP", "", "메"), ("KeyA", "", "멤"), ("KeyH", "메", "모"), ("KeyF", "", "몰"),
              ("KeyL", "모", "리")],
    "복사": [("KeyQ", "", "ㅂ"), ("KeyH", "", "보"), ("KeyR", "", "복"), ("KeyT", "", "볷"), ("KeyK", "복", "사")],
}


def type_with_input_method(page, word: str) -> None:
    cdp = page.context.new_cdp_session(page)
    keys = KOREAN[word]
    for code, commit, composing in keys:
        cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "windowsVirtualKeyCode": 229, "key": "Process", "code": code})
        if commit:
            cdp.send("Input.insertText", {"text": commit})
        cdp.send("Input.imeSetComposition", {"text": composing, "selectionStart": len(composing), "selectionEnd": len(composing)})
        cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "windowsVirtualKeyCode": 229, "key": "Process", "code": code})
        page.wait_for_timeout(60)  # a person's pace: the search runs as the word grows
    cdp.send("Input.insertText", {"text": keys[-1][2]})  # the last syllable committed
    cdp.detach()


@pytest.mark.parametrize("lang, word", [
    ("ko", "메모리"), ("ko", "복사"), ("ko", "contiguous"), ("ko", "data_ptr"),
    ("en", "memory"), ("en", "copy"), ("en", "contiguous"), ("en", "data_ptr"),
])
def test_search_counts_what_it_shows_in_the_readers_language(reader, lang, word):
    """Each language searches its own pages (API names are on both); the count above the results is the
    number of results shown."""
    page = reader.open(path(PAGE, lang))
    box = page.locator("input.md-search__input")
    box.click()
    if word in KOREAN:
        type_with_input_method(page, word)
    else:
        page.keyboard.type(word, delay=60)
    assert box.input_value() == word
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_contain_text(re.compile(r"\d"))
    items = page.locator(".md-search-result__item")
    expect(items.first).to_be_visible()
    count = int(re.search(r"\d+", meta.inner_text())[0])
    while items.count() < count:  # Material renders a long list ten at a time, as its end scrolls into view
        shown = items.count()
        items.last.scroll_into_view_if_needed()
        expect(items).not_to_have_count(shown)
    expect(items).to_have_count(count)
    links = items.locator("a").evaluate_all("as => as.map(a => new URL(a.href).pathname)")
    in_english = [link.startswith("/en/") for link in links]
    assert links and all(in_english) if lang == "en" else not any(in_english), links
    reader.assert_clean()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=AXE)
    violations = page.evaluate("axe.run().then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations if v["impact"] in ("serious", "critical")
    ]


# Every page, and every page's notebook page (mkdocs-jupyter's HTML, coloured by JupyterLab's theme).
NOTEBOOK_PAGES = [p for p in PAGES if "{{ run " in (ROOT / "docs" / f"{p}.md").read_text(encoding="utf-8")]


@pytest.mark.parametrize("where", [path(p, lang) for lang in PREFIX for p in PAGES]
                         + [f"{PREFIX[lang]}notebooks/{'' if p == 'index' else p + '/'}" for lang in PREFIX
                            for p in NOTEBOOK_PAGES])
def test_page_is_clean_and_accessible(reader, where):
    serious = serious_violations(reader.open(where))
    assert not serious, "\n".join(serious)
    reader.assert_clean()


@pytest.mark.parametrize("lang", PREFIX)
def test_notebook_page_is_styled_by_the_stylesheet_it_links(reader, lang):
    """mkdocs-jupyter's styles come from one file the notebook pages link (mkdocs_memos/shims.py), not from each
    page: without them a code cell has neither frame nor background, and an output is not in monospace."""
    page = reader.open(f"{PREFIX[lang]}notebooks/{PAGE}/")
    cell = page.locator(".jp-InputArea-editor").first.evaluate(
        "e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).backgroundColor]")
    assert cell[0] == "1px" and cell[1] != "rgba(0, 0, 0, 0)", cell
    font = page.locator(".jp-OutputArea-output").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "monospace" in font, font
    reader.assert_clean()


# Each element's computed style, and its ::before and ::after where drawn, as one FNV-1a digest: custom
# properties left out, as the stylesheet drops those nothing uses.
COMPUTED_STYLES = """() => [...document.querySelectorAll("*")].map(e => {
  let text = "";
  for (const pseudo of [null, "::before", "::after"]) {
    const style = getComputedStyle(e, pseudo);
    if (pseudo && (style.content === "none" || style.content === "normal")) continue;
    for (let i = 0; i < style.length; i++)
      if (!style[i].startsWith("--")) text += style[i] + ":" + style.getPropertyValue(style[i]) + ";";
  }
  let digest = 2166136261;
  for (let i = 0; i < text.length; i++) digest = Math.imul(digest ^ text.charCodeAt(i), 16777619);
  return `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className} ${digest >>> 0}`;
})"""


@pytest.mark.parametrize("lang,scheme,name", [("ko", "light", "faster-training"), ("en", "dark", "rnn-dropout-mask")])
def test_notebook_page_looks_the_same_with_jupyterlabs_whole_stylesheet(browser, base_url, lang, scheme, name):
    """assets/notebook.css keeps only the rules of JupyterLab's stylesheet that notebook pages can use
    (views/stylesheet.py). With the whole stylesheet in its place, every element has the same computed style:
    on the longest notebook page, with errors and warnings, and on one with figures."""
    looks = []
    for whole in (False, True):
        reader = Reader(browser, base_url, VIEWPORTS["desktop"], scheme=scheme)
        if whole:
            css = shims.notebook_stylesheet("")
            reader.context.route("**/" + shims.NOTEBOOK_STYLESHEET, lambda r: r.fulfill(body=css, content_type="text/css"))
        looks.append(reader.open(f"{PREFIX[lang]}notebooks/{name}/").evaluate(COMPUTED_STYLES))
        reader.assert_clean()
        reader.context.close()
    cut, whole = looks
    assert len(cut) > 1000 and len(cut) == len(whole)
    differ = [f"{a} / {b}" for a, b in zip(cut, whole) if a != b]
    assert not differ, f"{len(differ)} elements styled otherwise, first: {differ[:5]}"


@pytest.mark.parametrize("lang", PREFIX)
def test_dark_scheme_is_accessible(browser, base_url, lang):
    """The reader's system asks for dark: Material's slate scheme, and memos.css's colours in it."""
    reader = Reader(browser, base_url, VIEWPORTS["desktop"], scheme="dark")
    page = reader.open(path(PAGE, lang))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    serious = serious_violations(page)
    reader.context.close()
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", PREFIX)
def test_figures_show_with_alt_text_on_white_in_either_scheme(browser, base_url, lang, scheme):
    """The RNN page's figures, on the page and on its notebook's page: decoded by the browser, each with its alt
    text, and on white in either scheme, so that the dark text matplotlib draws stays readable on slate."""
    reader = Reader(browser, base_url, VIEWPORTS["desktop"], scheme=scheme)
    for where in (path("rnn-dropout-mask", lang), f"{PREFIX[lang]}notebooks/rnn-dropout-mask/"):
        page = reader.open(where)
        found = page.locator("article .memo-figure, article .jp-OutputArea-output img").evaluate_all(
            "es => es.map(e => [e.naturalWidth, e.alt, getComputedStyle(e).backgroundColor])")
        assert len(found) == 3, where
        assert all(width > 0 and alt and background == "rgb(255, 255, 255)" for width, alt, background in found), found
    OUTPUT.mkdir(exist_ok=True)
    shown = reader.open(path("rnn-dropout-mask", lang)).locator(".memo-output:has(.memo-figure)").first
    shown.screenshot(path=OUTPUT / f"figure-{lang}-{scheme}.png")
    reader.assert_clean()
    reader.context.close()


# Draws a character in the page's own font: a missing glyph draws the same empty box for any character.
DRAW = """chars => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const g = canvas.getContext("2d");
  g.font = "40px " + getComputedStyle(document.querySelector("article")).fontFamily;
  return chars.map(c => { g.clearRect(0, 0, 64, 64); g.fillText(c, 4, 48); return canvas.toDataURL(); });
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", PREFIX)
def test_screenshot_shows_hangul(browser, base_url, lang, viewport):
    reader = Reader(browser, base_url, VIEWPORTS[viewport])
    page = reader.open(path(PAGE, lang))
    first, second, blank = page.evaluate(DRAW, ["메", "모", " "])
    assert first != second and blank not in (first, second), "Hangul renders as boxes: no Korean font"
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / f"{PAGE}-{lang}-{viewport}.png"
    page.screenshot(path=shot, full_page=True)
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR
    assert width == VIEWPORTS[viewport]["width"] and height > VIEWPORTS[viewport]["height"], (width, height)
    reader.assert_clean()
    reader.context.close()
