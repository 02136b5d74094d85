"""A snippet file and the options written in it (`# memo: ...` comment lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

OPTION = re.compile(r"^\s*#\s*memo:\s*(?P<key>[a-z-]+)\s*(?P<value>.*?)\s*$")
CHECK = re.compile(r"^(?P<claim>[a-z0-9][a-z0-9-]*)\s*:\s*(?P<expr>\S.*)$")
# `# memo: fact <name>: <expression>`: a value of the run that a page's prose may depend on.
FACT = re.compile(r"^(?P<name>[a-z][a-z0-9-]*)\s*:\s*(?P<expr>\S.*)$")
# `# memo: figure <language>: <title>`: a figure's title in a language other than the one it draws, its alt text there.
FIGURE = re.compile(r"^(?P<lang>[a-z]{2})\s*:\s*(?P<title>\S.*)$")
# The language of snippets' code, of what they print and of the titles their figures draw (in DejaVu Sans,
# which has no Hangul); `# memo: figure` gives titles in the others.
LANGUAGE = "en"
DEFAULT_TIMEOUT = 60.0
# A few GB: far above what an example needs, far below what would push a build machine into swap or the OOM
# killer (what the snippet allocated itself, summed over every process it starts; see server._anonymous).
DEFAULT_MEMORY = 4 * 1024**3
MEMORY = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B)")
UNITS = {"K": 1, "M": 2, "G": 3, "T": 4}


class SnippetError(Exception):
    """Bad input, reported as `file:line: message`."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class Check:
    claim: str
    expr: str
    line: int


@dataclass(frozen=True)
class Fact:
    name: str
    expr: str
    line: int


@dataclass(frozen=True)
class Title:
    lang: str
    text: str
    line: int


@dataclass(frozen=True)
class Snippet:
    name: str  # path relative to snippets/, e.g. "view-vs-reshape/view-shares-memory.py"
    display_path: str  # what tracebacks and error messages call it: "snippets/<name>"
    source: str
    raises: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    threads: int = 1
    memory: int = DEFAULT_MEMORY  # bytes
    nondeterministic: bool = False
    random_draws: bool = False  # prints values drawn from the seeded generators, which a release may draw otherwise
    requires: str | None = None  # a requirement on torch, e.g. "torch>=2.1"
    checks: tuple[Check, ...] = field(default=())
    facts: tuple[Fact, ...] = field(default=())
    titles: tuple[Title, ...] = field(default=())  # its figures' titles in other languages, in the figures' order


# A snippet's path as a page names it: it goes into the page's HTML (its listing's title), where no quote or
# bracket of it may be read as markup.
NAME = re.compile(r"[\w.-]+(/[\w.-]+)*")


def resolve(snippets_dir: Path, name: str) -> Path:
    """The file a page names, refusing paths that leave snippets/."""
    if not NAME.fullmatch(name):
        raise ValueError(f"snippet path '{name}' may hold only letters, digits, '.', '_', '-' and '/'")
    root = snippets_dir.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"snippet path '{name}' leaves snippets/")
    if path.suffix != ".py":
        raise ValueError(f"snippet '{name}' is not a .py file")
    if not path.is_file():
        raise FileNotFoundError(f"snippet '{name}' not found in snippets/")
    return path


def load(snippets_dir: Path, name: str) -> Snippet:
    path = resolve(snippets_dir, name)
    display = f"snippets/{path.relative_to(snippets_dir.resolve()).as_posix()}"
    raw = path.read_bytes()
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SnippetError(display, line, "source is not valid UTF-8") from None
    return parse(name, display, source)


def parse(name: str, display: str, source: str) -> Snippet:
    options: dict = {}
    checks: list[Check] = []
    facts: list[Fact] = []
    titles: list[Title] = []
    for lineno, text in enumerate(source.splitlines(), 1):
        m = OPTION.match(text)
        if not m:
            continue
        key, value = m["key"], m["value"]
        try:
            if key == "raises":
                options["raises"] = _identifier(value)
            elif key == "timeout":
                options["timeout"] = _positive(float, value)
            elif key == "threads":
                options["threads"] = _positive(int, value)
            elif key == "memory":
                options["memory"] = _memory(value)
            elif key == "nondeterministic":
                options["nondeterministic"] = True
            elif key == "random-draws":
                options["random_draws"] = True
            elif key == "requires":
                options["requires"] = _requirement(value)
            elif key == "check":
                c = CHECK.match(value)
                if not c:
                    raise ValueError("expected 'check <claim-id>: <expression>'")
                compile(c["expr"], display, "eval")  # a typo fails here, not in the child
                checks.append(Check(c["claim"], c["expr"], lineno))
            elif key == "fact":
                f = FACT.match(value)
                if not f:
                    raise ValueError("expected 'fact <name>: <expression>'")
                compile(f["expr"], display, "eval")
                if any(x.name == f["name"] for x in facts):
                    raise ValueError(f"fact '{f['name']}' is named twice")
                facts.append(Fact(f["name"], f["expr"], lineno))
            elif key == "figure":
                t = FIGURE.match(value)
                if not t:
                    raise ValueError("expected 'figure <language>: <title>', such as 'figure ko: 제목'")
                if t["lang"] == LANGUAGE:
                    raise ValueError(f"a figure's title in '{LANGUAGE}' is the one it draws (ax.set_title)")
                titles.append(Title(t["lang"], t["title"], lineno))
            else:
                raise ValueError(f"unknown option '{key}'")
        except (ValueError, SyntaxError) as e:
            raise SnippetError(display, lineno, f"bad '# memo: {key}' option: {e}") from None
    return Snippet(name=name, display_path=display, source=source, checks=tuple(checks), facts=tuple(facts),
                   titles=tuple(titles), **options)


def _identifier(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][\w.]*", value):
        raise ValueError("expected an exception name such as RuntimeError")
    return value


def _positive(kind, value: str):
    number = kind(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _memory(value: str) -> int:
    m = MEMORY.fullmatch(value)
    if not m:
        raise ValueError("expected a size such as 8GiB or 512MiB")
    base = 1024 if "i" in m["unit"] else 1000
    return _positive(int, str(int(float(m["number"]) * base ** UNITS[m["unit"][0]])))


def _requirement(value: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(value)
    except InvalidRequirement as e:
        raise ValueError(str(e)) from None
    if req.name != "torch":
        raise ValueError("only 'torch' requirements are supported")
    return value
