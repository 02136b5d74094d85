"""The page language and the site's pages: directives (`directives`), the conditions of `{{ if }}` and
`{{ assert }}` (`conditions`), ids (`anchors`), the sources read from docs/ (`sources`), where pages live and how
they link (`addresses`), the built site's links (`links`), and translation stamps (`translations`)."""
