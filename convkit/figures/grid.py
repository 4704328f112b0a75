"""Drawing arrays as labelled grids of cells: the building block of every figure.

matplotlib is imported when a figure is drawn, not when this package is: a
notebook's setup cell imports the figures, and the grader runs that cell
(for ``np``) in every child that grades the notebook, where a plotting
import would cost half a second each time.
"""
import numpy as np

from convkit.figures.showing import new_figure

HIGHLIGHT = "#f4a261"
ACCENT = "#2a9d8f"
MUTED = "#e9ecef"


def rectangle(xy, width, height, **style):
    """A matplotlib ``Rectangle`` patch (matplotlib imported on first use)."""
    from matplotlib.patches import Rectangle
    return Rectangle(xy, width, height, **style)


def colour_map(name):
    """One of matplotlib's colour maps by name (matplotlib imported on first use)."""
    import matplotlib
    return matplotlib.colormaps[name]


def as_grid(values):
    """A 1D array becomes one row, so 1D and 2D figures share one drawing routine."""
    values = np.asarray(values)
    return values[None, :] if values.ndim == 1 else values


def draw_grid(ax, values, title=None, labels=None, highlight=(), colour=HIGHLIGHT, fmt="{:g}",
              shade=None):
    """Draw ``values`` (1D or 2D) as a grid of numbered cells on ``ax``.

    Parameters
    ----------
    values : array_like, shape (W,) or (H, W)
        What to write in the cells (pass strings to write symbols such as 'x03').
    labels : array_like of str, optional
        Text for each cell instead of the values.
    highlight : iterable of (row, col)
        Cells to fill with ``colour``.
    shade : array_like, optional
        Numbers that colour every cell on a white-to-accent scale (e.g. how many
        windows cover a pixel).
    """
    values = as_grid(values)
    rows, cols = values.shape
    text = as_grid(labels) if labels is not None else None
    lit = set(tuple(cell) for cell in highlight)
    top = float(np.max(shade)) if shade is not None and np.max(shade) > 0 else 1.0
    shade = as_grid(shade) if shade is not None else None
    for r in range(rows):
        for c in range(cols):
            if (r, c) in lit:
                face = colour
            elif shade is not None:
                face = colour_map("BuGn")(0.1 + 0.7 * shade[r, c] / top)
            else:
                face = "white"
            ax.add_patch(rectangle((c, rows - 1 - r), 1, 1, facecolor=face, edgecolor="#495057", lw=1))
            label = text[r, c] if text is not None else values[r, c]
            if not isinstance(label, str):
                label = fmt.format(label)
            ax.text(c + 0.5, rows - 0.5 - r, label, ha="center", va="center", fontsize=10)
    ax.set_xlim(-0.05, cols + 0.05)
    ax.set_ylim(-0.05, rows + 0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return ax


def outline(ax, rows, top_left, size, colour=ACCENT, lw=3):
    """Draw a thick frame around a window of ``size`` (h, w) at ``top_left`` (r, c) of a grid with ``rows`` rows."""
    (r, c), (h, w) = top_left, size
    ax.add_patch(rectangle((c, rows - r - h), w, h, fill=False, edgecolor=colour, lw=lw))


def symbols(name, shape):
    """Cell labels such as 'x00', 'x01', ... for a symbolic grid of ``shape``."""
    if len(shape) == 1:
        return np.array([f"{name}{i}" for i in range(shape[0])])
    return np.array([[f"{name}{i}{j}" for j in range(shape[1])] for i in range(shape[0])])


def figure(columns, width=3.2, height=3.0, widths=None, rows=1):
    """A figure with a grid of axes sized for grids: ``(fig, axes)``, axes flattened.

    It is a :class:`matplotlib.figure.Figure`, not a pyplot one, so nothing
    accumulates in pyplot's list of open figures; in Jupyter it shows once,
    where a cell returns it or when the cell that drew it ends
    (:mod:`convkit.figures.showing`).
    """
    fig = new_figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = fig.subplots(rows, columns, gridspec_kw={"width_ratios": widths} if widths else None)
    return fig, np.atleast_1d(axes).ravel()
