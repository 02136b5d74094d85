"""`make bench`: how close the build comes to the physical limit, measured in one run on the real site.

The site is the one `make build` and `make serve` make: both languages, every page's notebook rendered, the
configuration of mkdocs.yml (scripts/bench_sites.py copies the project). A cold build is compared with one
process that imports torch and `exec`s every snippet in turn (no isolation) plus an unchanged rebuild of the
same site; a warm build with a plain MkDocs build of the same site (outputs written into the Markdown, the
same notebooks, no engine); the edit loop is timed through `mkdocs serve` over HTTP, from a file's save to
the served page holding the new text, as a browser polling the page would see it. Every figure is measured
in this run and reported as a median; the targets are those of the issue. Nothing here asserts a figure:
the table says met or missed. Lighthouse (npm, package-lock.json) scores every page for mobile.

    python -m scripts.bench [--quick] [--reps N] [--edits N] [--snippets N] [--lighthouse-pages N]
                            [--out FILE] [--readme FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from mkdocs_memos.engine.pages.sources import Sources
from mkdocs_memos.engine.running import snippet
from scripts import bench_sites as sites
from scripts.project import ROOT, WITHOUT_NAMESPACES

LIMIT = Path(__file__).with_name("bench_limit.py")
# Trivial snippets run one at a time by the fork server, each timed from its fork to its answer, per repetition
# and per isolation: what a snippet's namespaces cost.
SANDBOX_SNIPPETS = 20
# What the static server compresses: the site's text files (GitHub Pages compresses these too).
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".map"}
CHROMIUM = "/usr/bin/chromium"  # Debian's (tests/conftest.py): Lighthouse drives it through CHROME_PATH
PY = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
HEADER = """# Benchmarks

Written by `make bench` (`scripts/bench.py`); do not edit. Every build is of the real site, as `make build`
and `make serve` make it: both languages, every page's notebook rendered. **The limit** of a cold build is
what running the snippets costs with no isolation at all (one process that imports torch and `exec`s every
snippet in turn) plus an unchanged rebuild of the same site. A warm build is compared with a plain `mkdocs
build` of the same site with the outputs already written in and no engine. The edit loop goes through
`mkdocs serve` over HTTP, from a file's save to the served page holding the new text. The machine may be
shared with other work: the load average says how busy it was, and every ratio compares figures measured
in the same run.

"""
README_TABLE = re.compile(r"(<!-- bench -->\n).*?(<!-- /bench -->)", re.S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 snippets, 1 repetition, no slow comparisons")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5, help="edits timed under mkdocs serve, of each kind")
    parser.add_argument("--lighthouse-pages", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--snippets", type=int, default=None, help="only the first N snippets the pages include")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--readme", type=Path, help="also put the table between <!-- bench --> markers here")
    args = parser.parse_args()
    if args.quick:
        args.reps, args.edits, args.snippets = 1, 2, args.snippets or 2
        args.lighthouse_pages = 1 if args.lighthouse_pages is None else args.lighthouse_pages
    with tempfile.TemporaryDirectory(prefix="memos-bench-") as tmp:
        report = Bench(Path(tmp), args).run()
    print(report)
    args.out.write_text(HEADER + report, encoding="utf-8")
    if args.readme:
        text = args.readme.read_text(encoding="utf-8")
        args.readme.write_text(README_TABLE.sub(lambda m: m[1] + report + m[2], text), encoding="utf-8")


class Bench:
    def __init__(self, tmp: Path, args):
        self.tmp, self.args = tmp, args
        self.project = tmp / "project"
        self.names = sites.subject(self.project, args.snippets)
        self.cache = tmp / "cache"
        self.times: dict[str, list[float]] = {}
        self.compute: dict[str, list[float]] = {}  # snippet -> in-process seconds
        self.snippet: dict[str, list[float]] = {}  # isolation ("with" or "without" namespaces) -> seconds
        self.isolation: dict[str, str] = {}  # the same -> the build log's line on it
        self.peak_pss = self.peak_rss = 0
        self.summary = ""
        self.load = os.getloadavg()  # the machine may be shared: the table says how busy it was

    def run(self) -> str:
        self.step(f"{len(self.names)} snippets, {self.args.reps} repetition(s)")
        for rep in range(self.args.reps):
            self.step(f"repetition {rep + 1}: in-process limit, cold, warm and plain builds")
            self.limit()
            self.cold()
            self.cold(WITHOUT_NAMESPACES)
            self.per_snippet()
            if rep == 0:
                sites.static(self.project, self.tmp / "static", self.cache, built=self.tmp / "site")
                self.build(self.tmp / "static")  # not timed: fills its mkdocs-jupyter cache, as the cold build did
            self.record("warm", self.build(self.project))
            self.record("static", self.build(self.tmp / "static"))
        self.torch_in_warm = self.imports_torch()
        self.record("startup", self.startup())
        self.step("edit loop under mkdocs serve")
        self.edit_loop()
        self.step("a process per snippet")  # once: it is by far the slowest, and no target depends on it
        self.record("process", self.process_per_snippet())
        if not self.args.quick:
            self.step("markdown-exec")
            sites.markdown_exec(self.project, self.tmp / "mdexec")
            self.record("markdown-exec", self.build(self.tmp / "mdexec", strict=False))
            self.step("mkdocs-jupyter")
            sites.jupyter(self.project, self.tmp / "jupyter")
            self.record("jupyter", self.build(self.tmp / "jupyter", strict=False))
        self.load_after = os.getloadavg()  # before Lighthouse, which is not part of the build figures
        table = self.table()
        self.step("the build figures, before Lighthouse scores the pages:\n" + table)
        return table + (self.lighthouse() if self.args.lighthouse_pages != 0 else "")

    # --- measurements ---------------------------------------------------------------------------------

    def limit(self) -> None:
        report = self.tmp / "limit.json"
        paths = [str(self.project / "snippets" / n) for n in self.names]
        start = time.monotonic()
        _check(subprocess.run([PY, str(LIMIT), str(report), *paths], cwd=self._empty_dir(), env=ENV))
        self.record("exec", time.monotonic() - start)
        for path, seconds in json.loads(report.read_text()).items():
            self.compute.setdefault(path, []).append(seconds)

    def cold(self, prefix: list[str] = ()) -> None:
        """A cold build; with `prefix`, WITHOUT_NAMESPACES (its peak memory and summary are not kept)."""
        shutil.rmtree(self.cache, ignore_errors=True)
        shutil.rmtree(self.project / ".cache", ignore_errors=True)  # mkdocs-jupyter's rendered notebooks
        start = time.monotonic()
        proc = subprocess.Popen([*prefix, *self._mkdocs_build(self.tmp / "site")], cwd=self.project,
                                env=self._env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        pss, rss = _watch_memory(proc)
        err = proc.stderr.read()
        _check(subprocess.CompletedProcess(proc.args, proc.wait(), "", err))
        self.record("cold-without" if prefix else "cold", time.monotonic() - start)
        if not prefix:
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.summary = [ln.split("-  ", 1)[-1] for ln in err.splitlines() if "memos:" in ln][-1]  # the last word

    def per_snippet(self) -> None:
        """Trivial snippets, one at a time, with namespaces and without (scripts/bench_snippet.py)."""
        for isolation, prefix in (("with", []), ("without", WITHOUT_NAMESPACES)):
            report = self.tmp / "snippet.json"
            _check(subprocess.run([*prefix, PY, "-m", "scripts.bench_snippet", str(report), str(SANDBOX_SNIPPETS)],
                                  cwd=ROOT, env=ENV, capture_output=True, text=True))
            found = json.loads(report.read_text())
            self.snippet.setdefault(isolation, []).extend(found["seconds"])
            self.isolation[isolation] = found["isolation"].split(" (", 1)[0].removeprefix("memos: ")

    def build(self, project: Path, strict: bool = True) -> float:
        start = time.monotonic()
        cmd = self._mkdocs_build(self.tmp / "site")
        _check(subprocess.run(cmd if strict else [c for c in cmd if c != "--strict"], cwd=project,
                              env=self._env(), capture_output=True, text=True))
        return time.monotonic() - start

    def imports_torch(self) -> bool:
        """Whether a build with nothing to run imports torch (`python -X importtime` lists every import)."""
        done = subprocess.run([PY, "-X", "importtime", *self._mkdocs_build(self.tmp / "site")[1:]],
                              cwd=self.project, env=self._env(), capture_output=True, text=True)
        _check(done)
        return bool(re.search(r"\|\s*torch$", done.stderr, re.M))

    def startup(self) -> float:
        """A warm build's start-up: from launching `mkdocs build` to MkDocs reading its first page (the debug
        log's first `Reading:` line, read as it is written)."""
        start = time.monotonic()
        proc = subprocess.Popen([*self._mkdocs_build(self.tmp / "site"), "--verbose"], cwd=self.project,
                                env=self._env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        first = None
        for line in proc.stderr:
            if first is None and "Reading: " in line:
                first = time.monotonic() - start
        proc.wait()
        if first is None:
            sys.exit("bench: the warm build never logged `Reading:`")
        return first

    def edit_loop(self) -> None:
        """Under `mkdocs serve` as `make serve` runs it: save a snippet, then a page's Markdown, and time each
        until the served page holds the new text."""
        project = self.tmp / "serve"
        shutil.copytree(self.project, project)
        name = self.edited()
        sources = Sources.scan(project / "docs", project / "snippets")
        page, (address, _) = sources.home(name), sources.example(name)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/{address}"  # mkdocs.yml sets no site_url: served at the root
        log = open(self.tmp / "serve.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen([PY, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
                                  cwd=project, env=self._env(), stdout=log, stderr=subprocess.STDOUT)
        try:
            _poll(url, lambda body: True, timeout=300)
            edits = {"edit": (project / "snippets" / name, "print('bench edit', {a} * {b})\n"),
                     "edit-md": (project / "docs" / page, "\nBench edit {a}-{b}.\n")}
            for key, (path, line) in edits.items():
                # The first edit is not counted: it may still wait for the snippet server that on_serve started.
                for rep in range(self.args.edits + 1):
                    a, b = random.randrange(10**6, 10**7), random.randrange(10**6, 10**7)
                    time.sleep(1)  # let the watcher settle after the previous rebuild
                    with open(path, "a", encoding="utf-8") as f:
                        f.write(line.format(a=a, b=b))
                    start = time.monotonic()
                    expected = str(a * b) if key == "edit" else f"Bench edit {a}-{b}."
                    _poll(url, lambda body, x=expected: x in body, timeout=120)
                    if rep:
                        self.record(key, time.monotonic() - start)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()

    def edited(self) -> str:
        """The snippet the edit loop saves: of those that run to their end (a line added after an expected
        exception would never print), the one of median in-process cost, a typical edit."""
        ends = [n for n in self.names if snippet.load(self.project / "snippets", n).raises is None]
        ranked = sorted(ends, key=lambda n: statistics.median(self.compute[str(self.project / "snippets" / n)]))
        return ranked[len(ranked) // 2]

    def process_per_snippet(self) -> float:
        """`python snippet.py` for each snippet, two at a time (as many as the engine runs at once)."""
        def one(name: str) -> None:
            # Not checked: some snippets raise on purpose.
            subprocess.run([PY, str(self.project / "snippets" / name)], cwd=self._empty_dir(), env=ENV,
                           capture_output=True)

        start = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(one, self.names))
        return time.monotonic() - start

    # --- report ---------------------------------------------------------------------------------------

    def table(self) -> str:
        m = {k: statistics.median(v) for k, v in self.times.items()}
        limit = m["exec"] + m["warm"]
        edited = self.edited()
        compute = statistics.median(self.compute[str(self.project / "snippets" / edited)])
        rows = [
            ("in-process `exec` of every snippet, one process, no isolation", m["exec"], "", None, ""),
            ("**warm build** (nothing changed: an unchanged rebuild)", m["warm"], "", None, ""),
            ("**the limit** (the two above)", limit, "", None, ""),
            ("**cold build** (empty caches)", m["cold"], "the limit", m["cold"] / limit, "≤ 1.3"),
            ("the same cold build where the kernel refuses namespaces (the snippets' fallback isolation)",
             m["cold-without"], "the limit", m["cold-without"] / limit, ""),
            ("plain `mkdocs build` of the same site, outputs written in, no engine", m["static"], "", None, ""),
            ("**warm build**, again", m["warm"], "plain build", m["warm"] / m["static"], "≤ 1.15"),
            ("**start-up** of a warm build, until MkDocs reads the first page", m["startup"], "1 s",
             m["startup"], "≤ 1.0"),
            (f"**edit loop**: save `{edited}`, until `mkdocs serve` serves the page with its new output",
             m["edit"], f"1 s + its run time {compute:.2f} s", m["edit"] / (1 + compute), "≤ 1.0"),
            ("**edit loop**: save that page's Markdown, until it is served", m["edit-md"], "1 s", m["edit-md"],
             "≤ 1.0"),
            ("a process per snippet (`python snippet.py`, 2 at a time)", m["process"], "in-process `exec`",
             m["process"] / m["exec"], ""),
        ]
        if "markdown-exec" in m:
            rows += [
                ('markdown-exec site build (`exec="on"`, in-process, both languages, no notebooks)',
                 m["markdown-exec"], "the limit", m["markdown-exec"] / limit, ""),
                ("mkdocs-jupyter site build (`execute: true`, one notebook per page, one language)",
                 m["jupyter"], "the limit", m["jupyter"] / limit, ""),
            ]
        lines = [
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `scripts/bench.py"
            f"{' --quick' if self.args.quick else ''}` on {_machine()}: {len(self.names)} snippets, "
            f"medians of {self.args.reps} build(s) and {self.args.edits} edit(s) of each kind (1 run for the "
            f"comparisons below the edit loop); load average (1 min) {self.load[0]:.1f} at the start, "
            f"{self.load_after[0]:.1f} at the end.",
            "",
            "| measurement | wall (s) | compared with | ratio | target | met |",
            "| --- | ---: | --- | ---: | ---: | --- |",
        ]
        for what, seconds, against, ratio, target in rows:
            met = "" if not target else ("yes" if ratio <= float(target.split()[-1]) else "**no**")
            lines.append(f"| {what} | {seconds:.2f} | {against} | {'' if ratio is None else f'{ratio:.2f}x'} "
                         f"| {target} | {met} |")
        gb = self.peak_pss / 1e9
        lines.append(f"| **peak memory** of a cold build (PSS of the mkdocs process tree) | {gb:.2f} GB | | | "
                     f"< 1.5 GB | {'yes' if gb < 1.5 else '**no**'} |")
        lines.append(f"| the same as a sum of RSS (torch's pages, shared by every forked child, counted in each) "
                     f"| {self.peak_rss / 1e9:.2f} GB | | | | |")
        imported = "yes" if self.torch_in_warm else "no"
        lines.append(f"| torch imported by the MkDocs process in a warm build | {imported} | | | no | "
                     f"{'**no**' if self.torch_in_warm else 'yes'} |")
        lines += ["", f"The cold build's own summary: `{self.summary}`", ""]
        with_, without = (statistics.median(self.snippet[k]) * 1000 for k in ("with", "without"))
        lines += [f"What the sandbox costs a snippet: a trivial snippet, from the server's fork to its answer, one at "
                  f"a time (median of {len(self.snippet['with'])}): {with_:.1f} ms as the build runs it "
                  f"({self.isolation['with']}), {without:.1f} ms where the kernel refuses namespaces "
                  f"({self.isolation['without']}): {with_ - without:+.1f} ms.", ""]
        return "\n".join(lines)

    def lighthouse(self) -> str:
        """Lighthouse's mobile performance score of every page of the real site (a warm build), served
        locally, and what our own files (docs/assets/memos.*) cost there: the time they block the first
        paint, and the main-thread time memos.js takes."""
        self.step("Lighthouse, every page")
        site_dir = self.tmp / "lighthouse-site"
        _check(subprocess.run(self._mkdocs_build(site_dir), cwd=self.project, env=self._env(),
                              capture_output=True, text=True))
        pages = sorted(p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.rglob("index.html")
                       if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000])[:self.args.lighthouse_pages]
        rows = ["", "Lighthouse 12.2.3, mobile, performance and accessibility, Debian's Chromium; our files are "
                "docs/assets/memos.css and memos.js (Material's bundle is not ours); text served gzip-compressed, as "
                "GitHub Pages serves it.", "",
                "| page | performance | accessibility | first paint (s) | largest paint (s) | blocking (ms) "
                "| ours: blocking paint (ms) | ours: main thread (ms) |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        with _static_server(site_dir) as root:
            for page in pages:
                r = _lighthouse(root + ("" if page == "./" else page), self.tmp / "lighthouse.json")
                failed = f" ({', '.join(r['failed'])})" if r["failed"] else ""
                rows.append(f"| `{page}` | {r['score']:.0f} | {r['accessibility']:.0f}{failed} | {r['fcp']:.1f} "
                            f"| {r['lcp']:.1f} | {r['tbt']:.0f} | {r['ours_blocking']:.0f} | {r['ours_script']:.0f} |")
        return "\n".join(rows) + "\n"

    # --- helpers --------------------------------------------------------------------------------------

    def record(self, key: str, seconds: float) -> None:
        self.times.setdefault(key, []).append(seconds)

    def step(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def _env(self) -> dict:
        return dict(ENV, MEMOS_CACHE=str(self.cache))

    def _mkdocs_build(self, site: Path) -> list[str]:
        return [PY, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]

    def _empty_dir(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.tmp))


def _watch_memory(proc: subprocess.Popen) -> tuple[int, int]:
    """The largest memory of `proc` and all its descendants, sampled every 20 ms, as (PSS, RSS) sums.

    A forked child shares torch's pages with the server until it writes them: RSS counts those pages again in
    every process, PSS divides each page among the processes that share it, so its sum is the memory the
    build really holds."""
    peak_pss = peak_rss = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        pss = rss = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                info = p.memory_full_info()
                pss, rss = pss + info.pss, rss + info.rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass  # a child that just ended: the next sample counts what remains
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.02)
    return peak_pss, peak_rss


def _poll(url: str, ready, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - our own local server
                if ready(r.read().decode("utf-8")):
                    return
        except OSError:
            pass  # not serving yet, or between two builds
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show what was expected within {timeout:g} s")


@contextlib.contextmanager
def _static_server(root: Path):
    """The built site over HTTP, as a static host serves it; yields its root URL. Text goes out gzip-compressed
    to a client that accepts it, as GitHub Pages sends it: Lighthouse simulates a slow network from the bytes
    transferred, so uncompressed files would score pages on downloads no reader makes."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            path = Path(self.translate_path(self.path))
            if path.is_dir() and self.path.endswith("/"):
                path = path / "index.html"
            if (path.suffix not in COMPRESSED or not path.is_file()
                    or "gzip" not in self.headers.get("Accept-Encoding", "")):
                super().do_GET()
                return
            body = gzip.compress(path.read_bytes())
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass  # one line per request, dozens per page

    handler = functools.partial(Handler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()


def _lighthouse(url: str, report: Path) -> dict:
    """One page's mobile performance (Lighthouse's default: a mid-range phone on a slow 4G network) and its
    accessibility score."""
    _check(subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--only-categories=performance,accessibility",
         "--output=json",
         f"--output-path={report}", "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        # Chromium's profile folders go in the benchmark's own temporary folder, which is removed at the end.
        env=dict(os.environ, CHROME_PATH=CHROMIUM, TMPDIR=str(report.parent)), capture_output=True, text=True))
    found = json.loads(report.read_text(encoding="utf-8"))
    audits = found["audits"]

    def ours(audit: str, field: str) -> float:
        items = (audits.get(audit, {}).get("details") or {}).get("items", [])
        return sum(i.get(field, 0) for i in items if "/assets/memos." in str(i.get("url", "")))

    return {
        "score": 100 * (found["categories"]["performance"]["score"] or 0),
        "accessibility": 100 * (found["categories"]["accessibility"]["score"] or 0),
        # the accessibility audits that failed, by id
        "failed": [a for a, r in audits.items() if r.get("scoreDisplayMode") == "binary" and r.get("score") == 0],
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "ours_blocking": ours("render-blocking-resources", "wastedMs"),
        "ours_script": ours("bootup-time", "total"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    ram = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {ram:.0f} GiB RAM, Python {platform.python_version()}"


def _check(done: subprocess.CompletedProcess) -> None:
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, done.args))} failed ({done.returncode}):\n{done.stderr or ''}")


if __name__ == "__main__":
    main()
