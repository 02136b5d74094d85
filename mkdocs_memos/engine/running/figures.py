"""A snippet's figures as outputs: how a matplotlib figure is shown (`render`), its alt text (`title`), and a
digest of what it plots (`plotted`), for the pages, the notebooks and the release comparison.

Nothing of matplotlib is imported here: the child imports this module for every snippet, and matplotlib is
imported only by a snippet that draws, which then loads matplotlib_backend.py (MPLBACKEND, set by
child.environment). `render` is also the notebooks' (views/notebook.py puts its source in their setup cell),
so that a kernel replaying a notebook shows each figure as the page does, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys

BACKEND = "mkdocs_memos.engine.running.matplotlib_backend"

# matplotlib builds its font list in every child (each has a HOME of its own) and, when that takes more than
# 5 s on a busy machine, says so through logging: a notice about the machine, which must not become a line
# of the snippet's output. Its other font messages (a family not found) are the snippet's own, and stay.
logging.getLogger("matplotlib.font_manager").addFilter(
    lambda record: not record.getMessage().startswith("Matplotlib is building the font cache"))


class FigureError(Exception):
    """A figure the page cannot show (no title to read as its alt text)."""


def render(fig):
    """The figure as the site shows it: (mime type, data, width, height), an SVG (text) if it is small, else a
    PNG (bytes) at twice the figure's resolution, sharp on high-density screens; its size in CSS pixels. The
    same figure gives the same bytes on every run and machine: no date in the SVG, its ids hashed with a fixed
    salt, glyphs drawn as paths (of matplotlib's bundled DejaVu fonts, its default)."""
    import io
    import re

    import matplotlib

    def save(format, **options):
        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "pytorch-memos", "svg.fonttype": "path"}):
            fig.savefig(buffer, format=format, bbox_inches="tight", **options)
        return buffer.getvalue()

    svg = save("svg", metadata={"Date": None}).decode()
    # matplotlib sizes an SVG in points; a CSS pixel is 3/4 of one
    width, height = (round(float(re.search(rf'<svg [^>]*?{side}="([\d.]+)pt"', svg)[1]) * 4 / 3)
                     for side in ("width", "height"))
    if len(svg) <= 64 * 1024:
        return "image/svg+xml", svg, width, height
    return "image/png", save("png", dpi=2 * fig.dpi), width, height


def output(fig, number: int) -> dict:
    """The figure as one output of the snippet; `number` counts the snippet's figures from 1."""
    import base64

    mime, data, width, height = render(fig)
    if isinstance(data, bytes):
        data = base64.b64encode(data).decode()
    return {"mime": mime, "data": data, "width": width, "height": height, "title": title(fig, number),
            "text": repr(fig), "plotted": plotted(fig)}


def title(fig, number: int) -> str:
    """What the figure is titled (its suptitle, else its axes' titles): its alt text on the page."""
    titles = [fig.get_suptitle()] if fig.get_suptitle() else [
        t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t]
    if not titles:
        raise FigureError(f"figure {number} has no title, which the page reads as its alt text: give it one "
                          "(ax.set_title, or fig.suptitle for a figure of several axes)")
    return " / ".join(" ".join(t.split()) for t in titles)


def plotted(fig) -> str:
    """A digest of what the figure plots: titles, labels, tick labels, legends, and every artist's data (lines'
    points, images' and meshes' values, scatter offsets, bars, texts), not how it is drawn. Two releases
    whose figures differ in bytes but not in this digest drew the same data differently."""
    import numpy

    def values(a):
        return None if a is None else numpy.ma.filled(numpy.ma.asarray(a, dtype=float), numpy.nan).tolist()

    data: list = [fig.get_suptitle()]
    for ax in fig.axes:
        data.append([ax.get_title("left"), ax.get_title(), ax.get_title("right"), ax.get_xlabel(), ax.get_ylabel()])
        data.append([t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())])
        legend = ax.get_legend()
        data.append([t.get_text() for t in legend.get_texts()] if legend else [])
        for artist in ax.get_children():
            kind = type(artist).__name__
            if hasattr(artist, "get_xydata"):  # Line2D
                data.append([kind, artist.get_label(), values(artist.get_xydata())])
            elif hasattr(artist, "get_offsets"):  # scatter, pcolormesh, bars' collections
                data.append([kind, values(artist.get_offsets()), values(artist.get_array())])
            elif hasattr(artist, "get_array") and artist is not ax.patch:  # images
                data.append([kind, values(artist.get_array())])
            elif kind == "Rectangle" and artist is not ax.patch:  # bars
                data.append([kind, values(artist.get_bbox().get_points())])
            elif kind in ("Text", "Annotation") and artist.get_text():
                data.append([kind, artist.get_text(), values(artist.get_position())])
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def collected() -> list[dict]:
    """Every figure the snippet showed or left open, in order (none if it did not draw with pyplot)."""
    backend = sys.modules.get(BACKEND)
    return backend.collect() if backend else []
