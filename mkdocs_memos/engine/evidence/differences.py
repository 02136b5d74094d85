"""What kind of difference there is between two releases' outputs of one example, and what changed, in parts
a sentence can be made of (engine/views/history.py makes them, in each language).

What is not behaviour at all is scrubbed first (NOISE: line numbers inside installed packages, memory addresses,
durations, the environment listing's versions and build): outputs that differ only there do not differ.

Each kind but the last is a normalisation of both outputs; a difference is of the first kind whose normalisation,
with those before it, makes the two outputs equal:

1. cosmetic: whitespace, blank lines, a return annotation (`-> None`), where inside an installed package a
   warning was raised (its file and the source line Python prints under it);
2. generated code: the names and brackets of the code torch prints (a `def` line and the lines indented under
   it: `arg0_1` or `x`, `[x]` or `(x,)`);
3. random draws: the numbers of an example declared `# memo: random-draws`, which prints values drawn from the
   seeded generators (a release may draw other values from the same seed);
4. message: the words of a warning or an error whose category (`UserWarning`, `RuntimeError`) is the same;
5. behaviour: anything else, and a check or a fact of the example whose value changed, whatever its output.

Only behaviour and message differences are changes a reader is told about first.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

# (pattern, replacement), applied in order to every line of an output before comparing.
NOISE = [
    # torch's own files move code between releases: `…/site-packages/torch/jit/_script.py:1488:` in a
    # warning, `File "…/site-packages/torch/nn/modules/module.py", line 1736` in a traceback,
    # `_export/non_strict_utils.py:1205` in an error message. A snippet's own lines (snippets/…) are kept.
    (re.compile(r"(?<![\w/.…-])(?!snippets/)([\w/.…-]+\.py)(:\d+|\", line \d+)"),
     lambda m: m[1] + (":N" if m[2].startswith(":") else '", line N')),
    # and its C++ sources, named by warnings raised there: `(Triggered internally at /pytorch/torch/csrc/utils/
    # tensor_new.cpp:1576.)`
    (re.compile(r"([\w/.-]+\.(?:cpp|cc|h)):\d+"), r"\1:N"),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x…"),  # object addresses
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|us|µs|ns|sec|seconds)\b"), "<duration>"),
    # the environment listing (snippets/index/environment.py) names the versions that differ by definition
    (re.compile(r"^(torch|python|numpy)(\s+)\d+\.\d+\S*\s*$"), r"\1\2<version>"),
    # and the build it installed (for CUDA 12.8, 13.0, or CPU only): a choice of wheel, not of PyTorch
    (re.compile(r"^(CUDA\s+)(?:torch built for CUDA \S+|a CPU-only build of torch),(?= GPU available:)"),
     r"\1<build>,"),
]

COSMETIC, GENERATED, RANDOM, MESSAGE, BEHAVIOUR = "cosmetic", "generated", "random", "message", "behaviour"
KINDS = (COSMETIC, GENERATED, RANDOM, MESSAGE, BEHAVIOUR)  # from the least to the most significant
CHANGES = (BEHAVIOUR, MESSAGE)  # what makes an example "changed"

# `…/site-packages/torch/jit/_script.py:N: ` before a warning raised inside an installed package (its line
# number scrubbed already, NOISE); a snippet's own file (snippets/…) is kept.
PACKAGE_WARNING = re.compile(r"^…/\S+\.py:N: (?=[A-Z]\w*Warning: )")
RETURN_ANNOTATION = re.compile(r"\s*->\s*[\w.\[\], '\"]+?(?=:?\s*$)")
CODE_START = re.compile(r"^\s*def \w+\(")
IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
KEYWORDS = {"def", "return", "if", "else", "elif", "for", "while", "in", "not", "and", "or", "is", "None", "True",
            "False", "self", "lambda", "pass"}
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
# `DeprecationWarning: text`, `RuntimeError - text` (as a snippet prints a caught one), `ValueError: text`.
CATEGORY = re.compile(r"(?<![\w.])(?P<category>[A-Z]\w*(?:Warning|Error|Exception))(?P<sep>: | - )(?P<text>.*)$")
SIGNATURE = re.compile(r"^(?P<name>[\w.]+)\s*\((?P<params>.*)\)(?:\s*->.*)?$")
CODE_TERM = re.compile(r"`[^`]+`")
MOST = 3  # changes said of one example; the diff has the rest


def scrub(output: str) -> str:
    """An output without what is not behaviour, for comparing releases (never for showing)."""
    return "\n".join(scrub_line(line) for line in output.splitlines())


def scrub_line(line: str) -> str:
    for pattern, replacement in NOISE:
        line = pattern.sub(replacement, line)
    return line


@dataclass(frozen=True)
class Change:
    """One thing that changed, as a sentence is made of it: `what` names the sentence (history.SENTENCES)."""

    what: str
    subjects: tuple[str, ...] = ()  # what it is about: `torch.jit.script`, a printed label, a function
    old: str = ""
    new: str = ""
    category: str = ""  # of a warning or an error
    line: int = 0  # the output's line, counted from 1, for "line"
    count: int = 0  # lines, for "draws" and "more"


@dataclass
class Lines:
    """An output scrubbed of noise, line by line, each line with the stream it was written to ("stdout",
    "stderr", "error": the traceback of the exception a snippet raised)."""

    text: list[str]
    streams: list[str]

    @classmethod
    def of(cls, output: str, streams: list) -> Lines:
        """`streams`: [stream, length] of each part of `output`, in order (protocol.Result.streams)."""
        ends, at = [], 0
        for stream, length in streams or [["stdout", len(output)]]:
            at += length
            ends.append((at, stream))
        text, owners, position = [], [], 0
        for line in output.removesuffix("\n").split("\n") if output else []:
            owners.append(next((s for end, s in ends if position < end), ends[-1][1]))
            text.append(scrub_line(line))
            position += len(line) + 1
        return cls(text, owners)


@dataclass
class Entry:
    """What of a release's manifest entry the comparison reads (releases.manifest writes it)."""

    output: str  # as printed
    streams: list
    exception: str | None = None  # the name of the exception the snippet raised, if any
    random_draws: bool = False
    checks: list = field(default_factory=list)  # [claim, line, value] of each check
    facts: dict = field(default_factory=dict)
    figures: list | None = None  # (title, digest of the data it plots) of each figure; None: not recorded


def classify(then: Entry, now: Entry) -> tuple[str, list[Change]]:
    """The kind of the difference between two outputs that differ (their text or their figures), and its
    changes, most significant first. A figure that plots other data is behaviour, or random draws in an example
    declared to print them, whose checks and facts did not change; figures that plot the same data in other
    bytes are no difference."""
    drawn = figure_changes(then, now)
    if scrub(then.output) == scrub(now.output):
        said = run_changes(then, now)
        random = then.random_draws and now.random_draws and not said
        return (RANDOM if random else BEHAVIOUR), _merge(said or drawn)
    kind, changes = _classify_text(then, now)
    if not drawn:
        return kind, changes
    figures = RANDOM if then.random_draws and now.random_draws and kind != BEHAVIOUR else BEHAVIOUR
    return max(kind, figures, key=KINDS.index), _merge(changes + drawn)


def figure_changes(then: Entry, now: Entry) -> list[Change]:
    if then.figures is None or now.figures is None or then.figures == now.figures:
        return []
    if len(then.figures) != len(now.figures):
        return [Change("figures", (), str(len(then.figures)), str(len(now.figures)))]
    return [Change("figure", (title,)) for (title, old), (_, new) in zip(then.figures, now.figures) if old != new]


def _classify_text(then: Entry, now: Entry) -> tuple[str, list[Change]]:
    old, new = Lines.of(then.output, then.streams), Lines.of(now.output, now.streams)
    random = then.random_draws and now.random_draws
    a, b = _levels(old, then.exception, random), _levels(new, now.exception, random)
    said = run_changes(then, now)
    kind = BEHAVIOUR if said else next(
        (k for i, k in enumerate(KINDS[:-1]) if _kept(a[i]) == _kept(b[i])), BEHAVIOUR)
    if kind == COSMETIC:
        return kind, _cosmetic(old.text, new.text)
    shown = _changes(a, b, old, new, (then.exception, now.exception), kind)
    # a check or a fact only when the output shows no change; failing all, the first line that differs
    return kind, _merge(shown or said or [_first_line(old.text, new.text)])


def run_changes(then: Entry, now: Entry) -> list[Change]:
    """A check's or a fact's value that changed: behaviour, whatever the output shows."""
    found = []
    checks = {(c[0], c[1]): c[2] for c in then.checks}
    for claim, line, value in now.checks:
        if (claim, line) in checks and checks[claim, line] != value:
            found.append(Change("check", (claim,), repr(checks[claim, line]), repr(value)))
    for fact, value in now.facts.items():
        if fact in then.facts and then.facts[fact] != value:
            found.append(Change("fact", (fact,), repr(then.facts[fact]), repr(value)))
    return found


def _levels(lines: Lines, exception: str | None, random: bool) -> list[list[str]]:
    """The output at each normalisation: [cosmetic, generated, random, message], each the one before it
    normalised further, line for line ("" for a line that no longer counts)."""
    cosmetic = _cosmetic_lines(lines.text)
    generated = _generated_lines(lines.text, cosmetic)
    drawn = [NUMBER.sub("#", line) for line in generated] if random else generated
    return [cosmetic, generated, drawn, _message_lines(lines, exception, drawn)]


def _kept(lines: list[str]) -> list[str]:
    return [line for line in lines if line]


def _cosmetic_lines(text: list[str]) -> list[str]:
    out = []
    after_warning = False
    for line in text:
        if after_warning and line[:1].isspace():  # the source line Python prints under a warning
            out.append("")
            after_warning = False
            continue
        after_warning = bool(PACKAGE_WARNING.match(line))
        line = PACKAGE_WARNING.sub("", line)
        out.append(" ".join(RETURN_ANNOTATION.sub("", line).split()))
    return out


def _code_lines(text: list[str]) -> set[int]:
    """The lines of code torch printed: a `def` line and the blank or indented lines under it."""
    found, inside = set(), False
    for i, line in enumerate(text):
        if CODE_START.match(line) and not line[:1].isspace():
            inside = True
        elif line.strip() and not line[:1].isspace():
            inside = False
        if inside:
            found.add(i)
    return found


def _generated_lines(text: list[str], lines: list[str]) -> list[str]:
    names: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        word = m[0]
        return word if word in KEYWORDS else names.setdefault(word, f"v{len(names)}")

    code = _code_lines(text)
    out = []
    for i, line in enumerate(lines):
        if i in code:
            line = IDENTIFIER.sub(rename, line).replace("[", "(").replace("]", ")")
            line = re.sub(r",\s*\)", ")", line)
        out.append(line)
    return out


def _message_lines(lines: Lines, exception: str | None, previous: list[str]) -> list[str]:
    """Warnings and errors with their words left out, their category kept (the raised exception's whole message
    too)."""
    raised = _Raised.of(lines, exception)
    out = []
    for i, (stream, before) in enumerate(zip(lines.streams, previous)):
        if raised.holds(i) and stream == "error":
            out.append(exception if i == raised.start else "")
        else:
            out.append(CATEGORY.sub(lambda m: m["category"] + m["sep"], before))
    return out


def _changes(a: list[list[str]], b: list[list[str]], old: Lines, new: Lines, exceptions: tuple, kind: str
             ) -> list[Change]:
    """The changes of each block of lines that differs once cosmetic differences are left out: those of the
    difference's own kind, or, for a behaviour or message difference, of either of those two kinds."""
    wanted = set(CHANGES) if kind in CHANGES else {kind}
    ia = [i for i, line in enumerate(a[0]) if line]
    ib = [j for j, line in enumerate(b[0]) if line]
    raised = _Raised.of(old, exceptions[0]), _Raised.of(new, exceptions[1])
    found = []
    matcher = difflib.SequenceMatcher(None, [a[0][i] for i in ia], [b[0][j] for j in ib], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        rows_a, rows_b = ia[i1:i2], ib[j1:j2]
        hunk = next((k for level, k in enumerate(KINDS[1:-1], start=1)
                     if _kept([a[level][i] for i in rows_a]) == _kept([b[level][j] for j in rows_b])), BEHAVIOUR)
        if hunk not in wanted:
            continue
        x, y = [a[0][i] for i in rows_a], [b[0][j] for j in rows_b]
        if hunk == RANDOM:
            found.append(_draws(x, y))
        elif hunk == GENERATED:
            found.append(_renamed(x, y))
        else:
            found += _said(rows_a, rows_b, a, b, raised)
    return found


@dataclass
class _Raised:
    """The exception a snippet raised, as its traceback ends: its name, the line naming it (its message runs from
    there to the end of the traceback), and its whole message on one line."""

    name: str | None = None
    start: int | None = None
    message: str = ""

    @classmethod
    def of(cls, lines: Lines, exception: str | None) -> _Raised:
        if not exception:
            return cls()
        naming = re.compile(rf"^(?:[\w.]+\.)?{re.escape(exception)}(?::\s*(?P<text>.*))?$")
        found = [(i, m["text"] or "") for i, (line, stream) in enumerate(zip(lines.text, lines.streams))
                 if stream == "error" and (m := naming.match(line))]
        if not found:
            return cls(exception)
        start, first = found[-1]
        rest = [line for line, stream in zip(lines.text[start + 1:], lines.streams[start + 1:]) if stream == "error"]
        return cls(exception, start, " ".join(" ".join([first, *rest]).split()))

    def holds(self, i: int) -> bool:
        """Whether line `i` is part of the message."""
        return self.start is not None and i >= self.start


def _said(rows_a: list[int], rows_b: list[int], a: list[list[str]], b: list[list[str]],
          raised: tuple[_Raised, _Raised]) -> list[Change]:
    """What a block of changed lines says. The raised exception's message is said as a whole (its name, or its
    words); every other line is paired with its most alike counterpart (alike once messages are left out), and
    each pair or lone line turned into a change."""
    then, now = raised
    found = []
    if any(then.holds(i) for i in rows_a) or any(now.holds(j) for j in rows_b):
        if then.name != now.name:
            found.append(Change("exception-type", (), then.name or "", now.name or ""))
        elif then.message != now.message:
            was, said = _words_changed(then.message, now.message)
            found.append(Change(_reworded(was, said), (_opening(now.message),), was, said, category=now.name))
        rows_a = [i for i in rows_a if not then.holds(i)]
        rows_b = [j for j in rows_b if not now.holds(j)]
    pairs, free = [], list(rows_a)
    for j in rows_b:
        alike = [(difflib.SequenceMatcher(None, a[3][i], b[3][j], autojunk=False).ratio(), -i) for i in free]
        if alike and (max(alike)[0] >= 0.5 or len(rows_a) == len(rows_b) == 1):  # one line for one: a pair
            i = -max(alike)[1]
            pairs.append((i, j))
            free.remove(i)
    paired = {j for _, j in pairs}
    for i, j in pairs:
        x, y = CATEGORY.search(a[0][i]), CATEGORY.search(b[0][j])
        found.append(_category_change(x, y, b[0][j]) if x and y else _value_change(a[0][i], b[0][j], j))
    found += [_line_change(a[0][i], gone=True) for i in free]
    found += [_line_change(b[0][j], gone=False) for j in rows_b if j not in paired]
    return found


def _category_change(x: re.Match, y: re.Match, line: str) -> Change:
    subject = _subject(line[:y.start()], y["text"])
    if x["category"] != y["category"]:
        warns = x["category"].endswith("Warning") and y["category"].endswith("Warning")
        return Change("warning-category" if warns else "exception-type", subject, x["category"], y["category"])
    was, now = _words_changed(x["text"], y["text"])
    return Change(_reworded(was, now), (_opening(y["text"]),), was, now, category=y["category"])


def _value_change(old: str, new: str, j: int) -> Change:
    """A printed signature whose default changed, a labelled value ("grad is None = False" -> "= True"), or,
    failing those, the line."""
    sx, sy = SIGNATURE.match(old), SIGNATURE.match(new)
    if sx and sy and sx["name"] == sy["name"]:
        before, after = _params(sx["params"]), _params(sy["params"])
        changed = [p for p in after if p in before and before[p] != after[p]]
        if changed:
            p = changed[0]
            return Change("default", (f"`{sy['name']}()`",), before[p], after[p], category=p)
    x, y = old.split(), new.split()
    ops = [op for op in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) == 1:
        _, i1, i2, j1, j2 = ops[0]
        label = " ".join(x[:i1]).rstrip(":=").strip()
        if label and i2 - i1 <= 3 and j2 - j1 <= 3 and len(x) - i2 <= 2:
            return Change("value", (label,), " ".join(x[i1:i2]) or "—", " ".join(y[j1:j2]) or "—")
    return Change("line", old=old.strip(), new=new.strip(), line=j + 1)


def _first_line(old: list[str], new: list[str]) -> Change:
    for j, (x, y) in enumerate(zip(old, new)):
        if x != y:
            return Change("line", old=x.strip(), new=y.strip(), line=j + 1)
    return Change("line-gone", old=old[len(new)]) if len(old) > len(new) else Change("line-new", new=new[len(old)])


def _reworded(was: str, now: str) -> str:
    return "reworded-added" if not was else "reworded-removed" if not now else "reworded"


def _line_change(line: str, gone: bool) -> Change:
    m = CATEGORY.search(line)
    if m and m["category"].endswith("Warning"):
        return Change("warning-gone" if gone else "warning-new", _subject("", m["text"]), category=m["category"],
                      **({"old": m["text"]} if gone else {"new": m["text"]}))
    return Change("line-gone", old=line) if gone else Change("line-new", new=line)


def _subject(before: str, text: str) -> tuple[str, ...]:
    """What a warning or an error is about: the first `code` term of its text, else the label printed before
    it ("static export, batch 5:"), else nothing (the example itself)."""
    term = CODE_TERM.search(text)
    if term:
        return (term[0],)
    label = before.strip().rstrip(":-,").strip()
    return (label,) if label and "/" not in label and "…" not in label else ()


def _params(params: str) -> dict[str, str]:
    """A printed signature's parameters with their defaults: "set_to_none: bool = True" -> {"set_to_none": "True"}."""
    found = {}
    for part in params.split(","):
        name, eq, default = part.partition("=")
        if eq:
            found[name.split(":")[0].strip()] = default.strip()
    return found


def _words_changed(old: str, new: str, glued: bool = True) -> tuple[str, str]:
    """The longest run of words that differs between two texts: (its old words, its new words). With `glued`, a
    replaced run that only gained or lost words glued to its neighbours ("Caused" -> "… statically_known_trueCaused")
    is said as those words alone."""
    x, y = old.split(), new.split()
    ops = [op for op in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops:
        return "", ""
    _, i1, i2, j1, j2 = max(ops, key=lambda op: (op[2] - op[1]) + (op[4] - op[3]))
    was, now = " ".join(x[i1:i2]), " ".join(y[j1:j2])
    if glued and was and now:
        inner = [op for op in difflib.SequenceMatcher(None, was, now, autojunk=False).get_opcodes() if op[0] != "equal"]
        if len(inner) == 1 and inner[0][0] in ("insert", "delete"):
            _, k1, k2, l1, l2 = inner[0]
            part = was[k1:k2] if k1 < k2 else now[l1:l2]
            if any(c.isalnum() for c in part):
                return was[k1:k2].strip(" .,;:"), now[l1:l2].strip(" .,;:")
    return was.strip(" ,;:") if not now else was, now.strip(" .,;:") if not was else now


def _opening(text: str, most: int = 12) -> str:
    """The first sentence of a message, or its first words, to name it by."""
    words = text.split()
    for n, word in enumerate(words[:most], 1):
        if word.endswith("."):
            return " ".join(words[:n])
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def _draws(old: list[str], new: list[str]) -> Change:
    if len(old) == len(new) == 1:
        x, y = old[0].split(), new[0].split()
        ops = [op for op in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() if op[0] != "equal"]
        if len(ops) == 1 and ops[0][1] > 0:
            _, i1, i2, j1, j2 = ops[0]
            return Change("draws-value", (" ".join(x[:i1]).rstrip(":="),), " ".join(x[i1:i2]), " ".join(y[j1:j2]))
    return Change("draws", count=max(len(old), len(new)))


def _renamed(old: list[str], new: list[str]) -> Change:
    """The first words of printed code that differ, without the punctuation both share around them."""
    for x, y in zip(old, new):
        was, now = _words_changed(x, y, glued=False)
        if was != now:
            return Change("renamed", old=_trim(was, now)[0], new=_trim(was, now)[1])
    return Change("renamed", old=old[0] if old else "", new=new[0] if new else "")


def _trim(a: str, b: str) -> tuple[str, str]:
    while a and b and a[-1] == b[-1] and not a[-1].isalnum() and a[-1] != "_":
        a, b = a[:-1], b[:-1]
    while a and b and a[0] == b[0] and not a[0].isalnum() and a[0] != "_":
        a, b = a[1:], b[1:]
    return a, b


def _cosmetic(old: list[str], new: list[str]) -> list[Change]:
    """What a cosmetic difference is: spacing, a return annotation, blank lines, a warning's place in a package."""
    found = []
    a = [line for line in old if line.strip()]
    b = [line for line in new if line.strip()]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for x, y in zip(a[i1:i2], b[j1:j2]):
            if " ".join(x.split()) == " ".join(y.split()):
                found.append(Change("spacing", new=y.strip()))
            elif PACKAGE_WARNING.match(x) or x[:1].isspace():
                found.append(Change("location"))
            elif RETURN_ANNOTATION.search(y) and not RETURN_ANNOTATION.search(x):
                found.append(Change("annotation-added", (RETURN_ANNOTATION.sub("", y).strip(),),
                                    new=RETURN_ANNOTATION.search(y)[0].strip()))
            elif RETURN_ANNOTATION.search(x) and not RETURN_ANNOTATION.search(y):
                found.append(Change("annotation-removed", (RETURN_ANNOTATION.sub("", x).strip(),),
                                    old=RETURN_ANNOTATION.search(x)[0].strip()))
            else:
                found.append(Change("spacing", new=y.strip()))
        if (i2 - i1) != (j2 - j1):
            found.append(Change("location"))
    return _merge(found or [Change("blank")])


def _merge(changes: list[Change]) -> list[Change]:
    """The same change said once, the things it is about joined (`torch.jit.trace` and `torch.jit.trace_method`
    warn with FutureWarning instead of DeprecationWarning; a warning that differs only by what it names is
    quoted without it); at most MOST, then how many more."""
    merged: dict[tuple, Change] = {}
    for c in changes:
        text = c.old + c.new
        for subject in c.subjects:
            text = text.replace(subject, "…")
        key = (c.what, text, c.category, c.line)
        if key not in merged:
            merged[key] = c
            continue
        kept = merged[key]
        subjects = kept.subjects + tuple(s for s in c.subjects if s not in kept.subjects)
        old, new = kept.old, kept.new
        if c.what in ("warning-new", "warning-gone") and kept.subjects:
            old, new = old.replace(kept.subjects[0], "…"), new.replace(kept.subjects[0], "…")
        merged[key] = Change(kept.what, subjects, old, new, kept.category, kept.line, kept.count + c.count)
    said = list(merged.values())
    if len(said) > MOST:
        return said[:MOST] + [Change("more", count=len(said) - MOST)]
    return said
