"""Everything the site does that needs no MkDocs, grouped by what it does:

- `running`: snippets and their options, the fork server and its children that run them, the cache of results;
- `pages`: the page language (directives, `{{ if }}` conditions, anchors), the sources of the site, its addresses
  and links;
- `evidence`: verdicts on the memo's claims, and outputs compared across releases;
- `views`: what a reader sees, as Markdown and HTML: outputs, claims, notebooks, the releases' history;
- `build`: one build of the site, which puts them together for the MkDocs plugin (and the benchmark).
"""
