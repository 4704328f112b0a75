"""Figures that Jupyter shows wherever they are drawn, once.

A plain matplotlib ``Figure`` (not a pyplot one) shows in a notebook only
when it is a cell's last value, so a figure drawn inside an ``if``, a loop
or a function would never appear. Each figure here is shown once: where a
cell returns it, or else when the cell that drew it ends (the way
matplotlib's inline backend shows pyplot figures). Outside IPython (a
script, the grader) nothing is shown and nothing of IPython is imported.
"""
import functools
import sys

_waiting = []   # figures drawn in the running cell and not shown yet


def new_figure(**options):
    """A :class:`matplotlib.figure.Figure` (``options`` as for it) that Jupyter will show once."""
    fig = _figure_class()(**options)
    shell = _shell()
    if shell is not None:
        _watch(shell)
        _waiting.append(fig)
    return fig


@functools.lru_cache(maxsize=1)
def _figure_class():
    # Made on first use: matplotlib is imported when a figure is drawn, not with the package.
    from matplotlib.figure import Figure

    class LessonFigure(Figure):
        """A figure that shows its picture when IPython displays it, and says it has been shown."""

        def _ipython_display_(self):
            from IPython.core.pylabtools import print_figure
            from IPython.display import Image, display

            if self in _waiting:
                _waiting.remove(self)
            display(Image(data=print_figure(self, "png", bbox_inches="tight")))

    return LessonFigure


def _shell():
    """The running IPython shell, or None; IPython is never imported here for the asking."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


@functools.lru_cache(maxsize=None)
def _watch(shell):
    """Show, when each cell ends, the figures it drew and did not return (registered once per shell)."""
    shell.events.register("post_execute", _show_waiting)


def _show_waiting():
    while _waiting:
        _waiting[0]._ipython_display_()
