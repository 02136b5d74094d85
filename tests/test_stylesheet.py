"""views/stylesheet.py on small stylesheets: which rules and custom properties a set of pages keeps."""

from __future__ import annotations

import pytest
import tinycss2

from mkdocs_memos import shims
from mkdocs_memos.engine.views.stylesheet import Stylesheet

pytestmark = pytest.mark.fast

CSS = """
.cell, .toolbar { color: red }
.cell .toolbar { color: blue }
.cell:not(.active) > p { margin: 0 }
pre { tab-size: 4 }
@media (max-width: 10px) { .toolbar { display: none } }
@media print { .cell { break-inside: avoid } }
@keyframes fade { from { opacity: 0 } }
:root { --ink: var(--grey); --grey: #333; --unused: 1px; --inline: 2px }
.output { color: var(--ink) }
"""


def test_a_selector_stays_only_if_the_pages_name_each_of_its_classes():
    kept = Stylesheet(CSS).for_pages(['<div class="cell"><p>x</p></div>'])
    assert ".cell{color: red }" in kept  # the selector list loses `.toolbar`, its rule stays
    assert ".toolbar" not in kept
    assert ".cell:not(.active) > p" in kept  # a class under :not() need not appear
    assert "pre{tab-size: 4 }" in kept and "@keyframes fade" in kept
    assert "@media print {.cell{break-inside: avoid }}" in kept
    assert "max-width" not in kept  # a group left with no rule goes


def test_a_class_a_script_adds_stays():
    kept = Stylesheet(CSS).for_pages(['<script>e.classList.add("toolbar")</script>'])
    assert ".toolbar{color: red }" in kept and "@media (max-width: 10px)" in kept


def test_a_custom_property_stays_if_a_kept_rule_or_a_page_uses_it_directly_or_through_another():
    css = Stylesheet(CSS)
    kept = css.for_pages(['<div class="output" style="margin: var(--inline)"></div>'])
    assert "--ink: var(--grey)" in kept and "--grey: #333" in kept and "--inline: 2px" in kept
    assert "--unused" not in kept
    assert "--ink" not in css.for_pages(['<p>no class of the stylesheet</p>'])


def test_the_same_pages_again_give_the_same_text_without_cutting_again():
    css = Stylesheet(CSS)
    pages = ['<div class="cell"></div>']
    first = css.for_pages(pages)
    assert css.for_pages(['<div class="cell"></div><p>other words</p>']) is first


def selectors(css: str) -> list[str]:
    """Each qualified rule's selector list, those inside @media too, as tinycss2 reads them."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            found.append(",".join(s.strip() for s in tinycss2.serialize(rule.prelude).split(",")))
        elif rule.type == "at-rule" and rule.at_keyword == "media":
            found += selectors(tinycss2.serialize(rule.content))
    return found


def test_jupyterlabs_stylesheet_keeps_every_rule_when_the_pages_name_every_class_and_property():
    whole = shims.notebook_stylesheet("")
    css = Stylesheet(whole)
    assert selectors(css.for_pages([" ".join(css.classes | css.properties)])) == selectors(whole)
