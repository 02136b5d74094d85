"""The matplotlib backend of the snippets: Agg (no display), whose `show()` keeps each open figure as an output.

child.environment selects it with MPLBACKEND=module://mkdocs_memos.engine.running.matplotlib_backend, so that
matplotlib imports it when a snippet first draws, and a snippet that does not draw imports no matplotlib. The
child runs with the project off sys.path: matplotlib finds this module through its package, which the child
has imported. As Jupyter's inline backend does, `show()` takes every open figure, in matplotlib's order, and
closes them; once the snippet has run, the child takes what was shown and the figures still open
(figures.collected).
"""

from __future__ import annotations

from matplotlib._pylab_helpers import Gcf
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas  # noqa: F401 - what matplotlib reads

from mkdocs_memos.engine.running import figures

shown: list[dict] = []


def show(*args, **kwargs) -> None:
    """plt.show(): the open figures as they are now, then closed (its arguments, such as block, mean nothing
    without a display)."""
    try:
        for manager in Gcf.get_all_fig_managers():
            shown.append(figures.output(manager.canvas.figure, len(shown) + 1))
    finally:
        Gcf.destroy_all()


def collect() -> list[dict]:
    show()
    return shown
