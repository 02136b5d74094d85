"""A stylesheet cut down to what the pages that link it can use, as PurgeCSS does: a selector stays if every
class it names appears as a word somewhere in those pages (markup, text or script, so that a class a script
adds stays too), and a custom property stays if a kept rule or a page uses it, directly or through another.

Only what cannot apply is left out: a selector's classes inside `:not()`, `:is()` and the like, its tags,
attributes and states are not judged, and at-rules other than `@media` and `@supports` stay whole. A kept rule
is written again from tinycss2's tokens: its selectors that can match, and its declarations but the custom
properties nothing uses, each as the original spells it.
"""

from __future__ import annotations

import re

import tinycss2

WORD = re.compile(r"[\w-]+")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
GROUPS = ("media", "supports")  # at-rules that hold rules, which are cut down in turn


class Stylesheet:
    """One stylesheet, parsed once; `for_pages` gives it cut down for the pages of each build. Both the words
    of a page and the cut-down text are kept for the next build, which mostly has the same pages."""

    def __init__(self, css: str):
        self.rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        self.classes = set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))
        self.properties = set(re.findall(r"(--[\w-]+)\s*:", css))
        self.words: dict[str, frozenset] = {}  # a page's HTML -> the words in it that name a class or property
        self.last: tuple[frozenset, str] | None = None

    def for_pages(self, pages: list[str]) -> str:
        self.words = {html: self.words.get(html) or self._words_in(html) for html in pages}
        words = frozenset().union(*self.words.values())
        if self.last is None or self.last[0] != words:
            self.last = words, cut_down(self.rules, words)
        return self.last[1]

    def _words_in(self, html: str) -> frozenset:
        return frozenset(w for w in set(WORD.findall(html)) if w in self.classes or w in self.properties)


def cut_down(rules: list, words: frozenset) -> str:
    kept = _kept_rules(rules, words)
    used = _properties_used(kept, words)
    return "\n".join(_serialized(kept, used))


def _kept_rules(rules: list, words: frozenset) -> list:
    """The rules with a selector that can match, as (prelude text, declarations) for qualified rules,
    (at-rule, kept rules inside) for groups, and the rule itself otherwise."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if _can_match(s, words)]
            if selectors:
                declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                kept.append((",".join(tinycss2.serialize(s).strip() for s in selectors), declarations))
        elif rule.type == "at-rule" and rule.at_keyword in GROUPS and rule.content is not None:
            inner = _kept_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), words)
            if inner:
                kept.append((rule, inner))
        else:
            kept.append(rule)
    return kept


def _selectors(prelude: list):
    """A selector list's selectors, split at its top-level commas (those inside `:is()` are in a function)."""
    selector = []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            yield selector
            selector = []
        else:
            selector.append(token)
    yield selector


def _can_match(selector: list, words: frozenset) -> bool:
    return all(
        name.value in words
        for dot, name in zip(selector, selector[1:])
        if dot.type == "literal" and dot.value == "." and name.type == "ident"
    )


def _properties_used(kept: list, words: frozenset) -> set:
    """The custom properties that a kept declaration or a page uses, and those that theirs use, in turn."""
    uses: dict[str, set] = {}
    used = {w for w in words if w.startswith("--")}
    for declaration in _declarations(kept):
        refs = VAR.findall(tinycss2.serialize(declaration.value))
        if declaration.name.startswith("--"):
            uses.setdefault(declaration.name, set()).update(refs)
        else:
            used.update(refs)
    for rule in kept:
        if not isinstance(rule, tuple):  # @keyframes and the like, kept whole
            used.update(VAR.findall(rule.serialize()))
    todo = list(used)
    while todo:
        for ref in uses.get(todo.pop(), ()):
            if ref not in used:
                used.add(ref)
                todo.append(ref)
    return used


def _declarations(kept: list):
    for rule in kept:
        if isinstance(rule, tuple):
            head, body = rule
            yield from (_declarations(body) if not isinstance(head, str) else
                        (d for d in body if d.type == "declaration"))


def _serialized(kept: list, used: set):
    for rule in kept:
        if not isinstance(rule, tuple):
            yield rule.serialize()
            continue
        head, body = rule
        if isinstance(head, str):
            declarations = [d for d in body if d.type != "declaration" or not d.name.startswith("--") or d.name in used]
            if declarations:
                yield head + "{" + ";".join(d.serialize() for d in declarations) + "}"
        else:
            inner = "\n".join(_serialized(body, used))
            if inner:
                yield f"@{head.at_keyword}{tinycss2.serialize(head.prelude)}{{{inner}}}"
