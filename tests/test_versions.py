"""One site per release: two real torch releases deployed with mike into a throw-away repository.

The releases' environments are the ones `make versions` uses (outside the repository, reused); on a fresh
machine the first run creates them (torch 2.14.1: about a minute and 5.4 GB).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from mkdocs_memos.engine.evidence import releases
from scripts.project import copy_project
from tests.conftest import ENV, ROOT

RELEASES = ("2.13.0", "2.14.1")


def git(repo, *args) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def deploy(repo, *only) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.versions", "deploy", *only],
        cwd=repo, env=ENV, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def page(repo, path: str) -> BeautifulSoup:
    return BeautifulSoup(git(repo, "show", f"gh-pages:{path}"), "html.parser")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of the project listing two releases, both deployed."""
    repo = tmp_path_factory.mktemp("repo")
    copy_project(repo, releases=True)
    listed = (ROOT / "releases.txt").read_text().splitlines()
    (repo / "releases.txt").write_text("\n".join(x for x in listed if x.split()[:1] and x.split()[0] in RELEASES))
    git(repo, "init", "--quiet", "--initial-branch", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "project")
    git(repo, "config", "user.name", "tests")
    git(repo, "config", "user.email", "tests@example.com")
    deploy(repo)
    return repo


def test_versions_json_lists_both_releases_newest_as_latest(repo):
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert versions == [
        {"version": "2.14", "title": "2.14.1", "aliases": ["latest"]},
        {"version": "2.13", "title": "2.13.0", "aliases": []},
    ]
    assert 'Redirecting to <a href="latest/">' in git(repo, "show", "gh-pages:index.html")  # the default


def test_merging_built_sites_deploys_what_deploy_does(repo):
    """CI's path: each release built by its own job, then merged by a job that runs nothing else."""
    built = repo / "site-releases"
    done = subprocess.run([sys.executable, "-m", "scripts.versions", "merge", built / "2.14", built / "2.13",
                           "--branch", "ci-pages"], cwd=repo, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "merged 2.13, 2.14 into ci-pages" in done.stdout  # in release order, whatever order it was given
    for path in ("versions.json", "index.html", "2.13", "2.14", "latest"):
        assert git(repo, "rev-parse", f"ci-pages:{path}") == git(repo, "rev-parse", f"gh-pages:{path}"), path
    not_a_site = repo / "site-releases" / "empty"
    not_a_site.mkdir()
    done = subprocess.run([sys.executable, "-m", "scripts.versions", "merge", not_a_site], cwd=repo, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and f"{not_a_site}: no outputs.json" in done.stderr


def test_latest_is_a_copy_not_a_symlink(repo):
    listing = git(repo, "ls-tree", "gh-pages", "latest", "2.14")
    assert all(line.startswith("040000 tree") for line in listing.splitlines()), listing
    assert git(repo, "show", "gh-pages:latest/index.html") == git(repo, "show", "gh-pages:2.14/index.html")


@pytest.mark.parametrize("release, torch", [("2.13", "2.13.0"), ("2.14", "2.14.1")])
def test_every_output_is_stamped_with_its_release(repo, release, torch):
    for path in (f"{release}/view-vs-reshape/index.html", f"{release}/en/view-vs-reshape/index.html"):
        stamps = {s.get_text().split(" · ")[0] for s in page(repo, path).select(".memo-output__stamp")}
        assert stamps and all(s.split(" (")[0] == f"torch {torch}" for s in stamps), stamps
        titles = {t.get_text().rsplit(" · ", 1)[1] for t in page(repo, path).select(".memo-claim .admonition-title")}
        assert titles == {f"torch {torch}"}  # one name for the release, whatever ran first or came from the cache
    manifest = json.loads(git(repo, "show", f"gh-pages:{release}/outputs.json"))
    assert manifest["torch"].split("+")[0] == torch and manifest["release"] == release  # 2.13.0+cpu: a CPU build
    assert manifest["claims"]["view-shares-memory"]["value"] == "holds"  # computed by this release's run


def test_urls_name_the_release_once(repo):
    sitemap = git(repo, "show", "gh-pages:2.14/sitemap.xml")
    assert "/pytorch-memos/2.14/en/view-vs-reshape/" in sitemap
    assert "2.14en" not in sitemap and "2.14/2.14" not in sitemap
    for path in ("2.14/view-vs-reshape/", "2.14/en/view-vs-reshape/"):
        canonical = page(repo, path + "index.html").select_one("link[rel=canonical]")["href"]
        assert canonical.endswith("/pytorch-memos/" + path)


def test_what_changed_shows_a_real_difference(repo):
    """TorchScript's warning became a FutureWarning in 2.14: the what-changed page shows the difference with a
    line that says so, and the example says its output changed there, linking to it."""
    anchor = "changed-2-14-tracing-vs-scripting-torchscript-warning"
    for lang in ("", "en/"):
        entry = page(repo, f"2.14/{lang}what-changed/index.html").select_one(f"#{anchor}")
        assert entry is not None
        assert re.search(r"torch\.jit\.(trace|script) : DeprecationWarning -> FutureWarning", entry.parent.get_text(" ", strip=True))
        diff = entry.find_next("pre").get_text()
        assert "-DeprecationWarning: `torch.jit.trace` is deprecated" in diff
        assert "+FutureWarning: `torch.jit.trace` is deprecated" in diff
        note = page(repo, f"2.14/{lang}tracing-vs-scripting/index.html").select_one(
            "#run-torchscript-warning .memo-output__changed")
        assert [a["href"] for a in note.select("a")] == [f"../what-changed/#{anchor}"]
    # the older release compares with nothing older
    assert page(repo, "2.13/what-changed/index.html").select_one(f"#{anchor}") is None


def test_older_release_shows_the_banner_to_the_same_page_in_latest(repo):
    banner = page(repo, "2.13/en/view-vs-reshape/index.html").select_one("[data-md-component=outdated] a")
    assert banner["href"] == "../../../latest/en/view-vs-reshape/"


@pytest.fixture
def served(repo):
    """`mike serve` of the deployed branch; its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mike = Path(sys.executable).parent / "mike"
    server = subprocess.Popen([mike, "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=repo,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"mike serve did not answer on {url} within 10 s")
        yield url
    finally:
        server.terminate()
        server.wait()


def test_switching_release_keeps_the_page_and_the_anchor(served, browser):
    page = browser.new_page()

    def visit(path: str) -> None:
        page.goto(served + path)
        page.wait_for_selector(".md-version__link", state="attached")

    # the version selector, from an English page of an older release
    visit("/2.13/en/view-vs-reshape/#reshape-may-copy")
    page.locator(".md-version__link", has_text="2.14.1").dispatch_event("click")
    page.wait_for_url(f"{served}/2.14/en/view-vs-reshape/#reshape-may-copy")
    # the older release's banner, to the same page in latest; latest has none
    visit("/2.13/view-vs-reshape/#reshape-may-copy")
    banner = page.locator("[data-md-component=outdated]")
    assert banner.is_visible()
    banner.locator("a").click()
    page.wait_for_url(f"{served}/latest/view-vs-reshape/#reshape-may-copy")
    page.wait_for_selector(".md-version__link", state="attached")
    assert not page.locator("[data-md-component=outdated]").is_visible()
    # the home page's language link, which static-i18n writes as an absolute path
    visit("/2.14/")
    page.locator("a[hreflang=en]").dispatch_event("click")
    page.wait_for_url(f"{served}/2.14/en/")
    page.close()


@pytest.mark.parametrize("lang", ["", "en/"])
def test_copy_link_on_latest_gives_the_release_it_pins_and_opens_there(served, browser, lang):
    """`latest` moves to the next release: the link a reviewer copies names 2.14, and opens the same block there."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
    page = context.new_page()
    page.goto(f"{served}/latest/{lang}view-vs-reshape/")
    for block_id in ("claim-reshape-copies", "run-memo-reshape-example", "src-memo-reshape-example"):
        block = page.locator(f"[id='{block_id}']")
        block.hover()
        block.locator(".memo-copy-link").first.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{served}/2.14/{lang}view-vs-reshape/#{block_id}"
        notice = page.locator(".md-dialog")
        assert "2.14" in notice.inner_text()
    page.goto(copied)
    assert page.url == copied
    expect(page.locator(f"[id='{block_id}']")).to_be_in_viewport()
    context.close()


def test_a_claim_gives_its_verdict_on_every_release_each_a_link_to_it(served, browser):
    page = browser.new_page()
    page.goto(f"{served}/2.14/en/view-vs-reshape/")
    line = page.locator("#claim-reshape-copies .memo-claim__releases")
    assert [a.inner_text() for a in line.locator("a").all()] == ["2.13", "2.14"]
    line.locator("a", has_text="2.13").click()
    page.wait_for_url(f"{served}/2.13/en/view-vs-reshape/#claim-reshape-copies")
    expect(page.locator("#claim-reshape-copies")).to_be_in_viewport()
    page.close()


def test_redeploying_one_release_leaves_the_other_untouched(repo):
    before = {p: git(repo, "rev-parse", f"gh-pages:{p}") for p in ("2.14", "latest", "versions.json")}
    home = repo / "docs" / "index.md"
    home.write_text(home.read_text() + "\n재배포 확인\n")  # so that 2.13 really changes
    deploy(repo, "2.13.0")
    assert "재배포 확인" in git(repo, "show", "gh-pages:2.13/index.html")
    assert {p: git(repo, "rev-parse", f"gh-pages:{p}") for p in before} == before


def test_a_warning_stops_the_deploy_and_changes_nothing(repo):
    head = git(repo, "rev-parse", "gh-pages")
    home = repo / "docs" / "index.md"
    home.write_text(home.read_text() + "\n[broken](no-such-page.md)\n")
    done = subprocess.run([sys.executable, "-m", "scripts.versions", "deploy", "2.13.0"],
                          cwd=repo, env=ENV, capture_output=True, text=True, timeout=600)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "no-such-page.md" in said and "Aborted with 1 warnings in strict mode" in said
    assert "versions: torch 2.13.0: `mkdocs build` failed" in said
    assert git(repo, "rev-parse", "gh-pages") == head


def manifest(torch, outputs=None, claims=None, **entry):
    """A release's manifest as its build writes it: `outputs` snippet -> output (None: did not run there)."""
    def snippet(output):
        return {"status": "skipped" if output is None else "ok", "output": output or "", "requires": "torch>=2.0",
                "nondeterministic": False, "page": "p/", "anchor": "run-x"} | entry
    return {"release": releases.name(torch), "torch": torch, "python": "3.11.7",
            "snippets": {n: snippet(o) for n, o in (outputs or {}).items()},
            "claims": {c: {"value": v, "checks": 1} for c, v in (claims or {}).items()}}


def changes(older: dict, newer: dict) -> list:
    """What changed from the release of `older` to that of `newer` (their step of the what-changed page)."""
    (step,) = releases.steps([older, newer])
    return step.changes


def test_differences_skip_declared_nondeterminism():
    assert changes(manifest("2.13.0", {"p/x.py": "a"}), manifest("2.14.1", {"p/x.py": "a"})) == []
    assert changes(manifest("2.13.0", {"p/x.py": "2"}, nondeterministic=True),
                   manifest("2.14.1", {"p/x.py": "1"}, nondeterministic=True)) == []
    (d,) = changes(manifest("2.13.0", {"p/x.py": "old\n"}), manifest("2.14.1", {"p/x.py": "new\n"}))
    assert (d.release, d.kind, d.summary) == ("2.13", "output", "old -> new") and "-old\n+new" in d.diff
    (d,) = changes(manifest("1.13.1", {"p/x.py": None}), manifest("2.14.1", {"p/x.py": "new\n"}))
    assert (d.release, d.kind, d.summary) == ("1.13", "runs", "runs from 2.14 (needs torch>=2.0)")


@pytest.mark.parametrize("old, new", [
    ('…/site-packages/torch/jit/_script.py:1488: FutureWarning: `torch.jit.script` is deprecated.',
     '…/site-packages/torch/jit/_script.py:1491: FutureWarning: `torch.jit.script` is deprecated.'),
    ('  File "…/site-packages/torch/nn/modules/module.py", line 1736, in _call_impl',
     '  File "…/site-packages/torch/nn/modules/module.py", line 1747, in _call_impl'),
    ("(_export/non_strict_utils.py:1205 in _fakify)", "(_export/non_strict_utils.py:1377 in _fakify)"),
    ("(Triggered internally at /pytorch/torch/csrc/utils/tensor_new.cpp:1576.)",
     "(Triggered internally at /pytorch/torch/csrc/utils/tensor_new.cpp:1581.)"),
    ("<function f at 0x7f3a2b1c4d60>", "<function f at 0x7fe01d2a9b80>"),
    ("step took 12.5 ms, total 1.2 s", "step took 9.1 ms, total 0.9 s"),
    ("torch   2.13.0+cpu\npython  3.11.7\nnumpy   2.4.6\nthreads 1", "torch   2.14.1\npython  3.11.7\nnumpy   2.4.6\nthreads 1"),
])
def test_noise_is_no_change(old, new):
    assert releases.scrub(old) == releases.scrub(new)
    assert changes(manifest("2.13.0", {"p/x.py": old}), manifest("2.14.1", {"p/x.py": new})) == []


@pytest.mark.parametrize("old, new", [
    ("snippets/p/x.py:8: TracerWarning: converting", "snippets/p/x.py:9: TracerWarning: converting"),  # the snippet's own lines
    ('  File "snippets/p/x.py", line 8, in <module>', '  File "snippets/p/x.py", line 9, in <module>'),
    ("# File: snippets/a-b/x.py:13 in forward", "# File: snippets/a-b/x.py:14 in forward"),
    ("threads 1", "threads 2"),
    ("tensor([1., 2.])", "tensor([1., 3.])"),
    ("0x7f", "0x80"),  # too short for an address: a value
])
def test_behaviour_is_a_change(old, new):
    assert releases.scrub(old) != releases.scrub(new)


def test_summary_names_what_changed_in_the_first_changed_line():
    old = "eager: 1\n…/site-packages/torch/jit/_script.py:1488: DeprecationWarning: `torch.jit.script` is deprecated.\n"
    new = "eager: 1\n…/site-packages/torch/jit/_script.py:1491: FutureWarning: `torch.jit.script` is deprecated.\n"
    assert releases.summary(releases.scrub(old), releases.scrub(new)) == "`torch.jit.script`: DeprecationWarning -> FutureWarning"
    assert releases.summary("Module.zero_grad (self, set_to_none: bool = False)",
                            "Module.zero_grad (self, set_to_none: bool = True)") == "Module.zero_grad: False -> True"
    assert releases.summary("Optimizer.zero_grad (self, set_to_none: bool = True)",
                            "Optimizer.zero_grad (self, set_to_none: bool = True) -> None") == \
        "Optimizer.zero_grad: added -> None"
    assert releases.summary("warning: use a", "warning: use b") == "warning: a -> b"
    assert releases.summary("[0, 1, 1]", "[0, 1, 0]") == "1] -> 0]"  # no word to name it by
    # The two most alike lines of a changed block: a warning appeared above the line that names it.
    assert releases.summary("warning categories: none",
                            "DeprecationWarning: `torch.jit.trace` is deprecated.\nwarning categories: DeprecationWarning"
                            ) == "warning categories: none -> DeprecationWarning"
    assert releases.summary("a\nb", "a\nwarned\nb") == "new: warned"
    assert releases.summary("a", "…/torch/jit/_trace.py:N: DeprecationWarning: `torch.jit.trace` is deprecated.\na") == \
        "new: DeprecationWarning: `torch.jit.trace` is deprecated."
    assert releases.summary("a\nwarned\nb", "a\nb") == "gone: warned"
    assert releases.summary("x", "y" * 200).endswith("…")


def sixteen_like():
    """Four releases, read in no particular order: x.py changes in 2.0 and again in 2.14, y.py runs from 2.13."""
    return [
        manifest("2.14.1", {"p/x.py": "c", "p/y.py": "y"}, {"grad": "holds", "script": "does-not-hold"}),
        manifest("1.13.1", {"p/x.py": "a", "p/y.py": None}, {"grad": "does-not-hold", "script": "holds"}),
        manifest("2.13.0", {"p/x.py": "b", "p/y.py": "y"}, {"grad": "holds", "script": "does-not-hold"}),
        manifest("2.0.1", {"p/x.py": "b", "p/y.py": None}, {"grad": "holds", "script": "holds"}),
    ]


def test_steps_newest_first_each_against_the_release_before():
    found = releases.steps(sixteen_like())
    assert [(s.older["release"], s.newer["release"]) for s in found] == [("2.13", "2.14"), ("2.0", "2.13"), ("1.13", "2.0")]
    assert [(d.snippet, d.kind, d.summary) for d in found[0].changes] == [("p/x.py", "output", "b -> c")]
    assert [(d.snippet, d.kind) for d in found[1].changes] == [("p/y.py", "runs")]
    assert [(d.snippet, d.release, d.summary) for d in found[2].changes] == [("p/x.py", "1.13", "a -> b")]


def test_changed_in_lists_the_releases_where_an_output_differs_from_the_one_before():
    assert releases.changes_by_snippet(releases.steps(sixteen_like())) == {"p/x.py": ["2.0", "2.14"], "p/y.py": ["2.13"]}


def test_claim_matrix_and_since_which_release():
    assert releases.verdict_matrix(sixteen_like())["script"] == {
        "1.13": "holds", "2.0": "holds", "2.13": "does-not-hold", "2.14": "does-not-hold"}
    assert releases.verdict_since(sixteen_like()) == {"grad": ("holds", "2.0"), "script": ("does-not-hold", "2.13")}
    one = [manifest("2.14.1", {}, {"grad": "holds"}), manifest("2.13.0", {}, {})]
    assert releases.verdict_matrix(one) == {"grad": {"2.13": None, "2.14": "holds"}}
    assert releases.verdict_since(one) == {"grad": ("holds", "2.14")}


@pytest.mark.fast
def test_releases_share_the_newest_cuda_library_of_their_major_version(monkeypatch):
    from scripts import versions

    pins = {  # as `uv pip compile` resolves these releases of torch (abridged)
        "2.1.2": {"nvidia-cudnn-cu12": "8.9.2.26", "nvidia-cublas-cu12": "12.1.3.1", "sympy": "1.14.0"},
        "2.4.1": {"nvidia-cudnn-cu12": "9.1.0.70", "nvidia-cublas-cu12": "12.1.3.1", "triton": "3.0.0"},
        "2.6.0": {"nvidia-cusparselt-cu12": "0.6.2"},
        "2.7.1": {"nvidia-cusparselt-cu12": "0.6.3"},
        "2.8.0": {"nvidia-cudnn-cu12": "9.10.2.21", "nvidia-cublas-cu12": "12.8.4.1", "nvidia-cusparselt-cu12": "0.7.1"},
        "2.13.0": {"sympy": "1.14.0"},  # the CPU wheel: nothing to share
    }
    monkeypatch.setattr(versions.Release, "pins", lambda self: pins[self.torch])
    listed = [versions.Release(torch, ()) for torch in pins]
    shared = {r.torch: versions.cuda_libraries(r, listed) for r in listed}
    # cuDNN 8 (libcudnn.so.8) stays 8; every cuDNN 9 becomes the newest 9; cuBLAS 12 the newest 12; before
    # 1.0, a minor version is an ABI version of its own: cuSPARSELt 0.6.2 becomes 0.6.3, not 0.7.1.
    assert shared == {"2.1.2": ["nvidia-cudnn-cu12==8.9.2.26", "nvidia-cublas-cu12==12.8.4.1"],
                      "2.4.1": ["nvidia-cudnn-cu12==9.10.2.21", "nvidia-cublas-cu12==12.8.4.1"],
                      "2.6.0": ["nvidia-cusparselt-cu12==0.6.3"],
                      "2.7.1": ["nvidia-cusparselt-cu12==0.6.3"],
                      "2.8.0": ["nvidia-cudnn-cu12==9.10.2.21", "nvidia-cublas-cu12==12.8.4.1",
                                "nvidia-cusparselt-cu12==0.7.1"],
                      "2.13.0": []}
    inputs = listed[1].inputs(listed)
    assert inputs["overrides"].split() == shared["2.4.1"] and inputs["excludes"].split() == ["triton"]
