"""A wrong answer beside the expected one, and their difference: where it goes wrong.

Drawn by a failing hand-worked check (:mod:`convkit.checks`): only the border
differs (padding), a mirrored pattern (rotation), every second row (stride),
one channel. Arrays of more than two axes show the 2D slice that holds the
largest difference, named in the title.
"""
import numpy as np

from convkit.figures.grid import HIGHLIGHT, as_grid, draw_grid, figure

MAX_WRITTEN = 10   # rows or columns up to which every cell gets its value written


def worst_slice(actual, expected, axes):
    """The leading indices of the 2D (or 1D) slice with the largest difference, and words for them.

    Parameters
    ----------
    actual, expected : ndarray, the same shape
    axes : list of str
        The name of each axis; the last one or two are the spatial ones.

    Returns
    -------
    (tuple, str)
        The index that selects the slice (empty for a 1D or 2D array) and,
        e.g., "sample 1, channel 0" (empty when there is nothing to pick).
    """
    spatial = 2 if actual.ndim >= 2 and len(axes) >= 2 and axes[-2] == "row" else 1
    lead = actual.ndim - spatial
    if lead <= 0:
        return (), ""
    gap = np.abs(actual - expected).reshape(actual.shape[:lead] + (-1,)).max(axis=-1)
    index = np.unravel_index(int(np.argmax(gap)), gap.shape)
    return tuple(int(i) for i in index), ", ".join(f"{name} {i}" for name, i in zip(axes, index))


def difference_figure(actual, expected, output, axes):
    """Draw the student's ``output``, the expected one and their difference side by side.

    Parameters
    ----------
    actual, expected : array_like, the same shape (any number of axes)
    output : str
        What the arrays are ("dx", "The forward output", ...), for the titles.
    axes : list of str
        What each axis is called (see :func:`worst_slice`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    index, where = worst_slice(actual, expected, axes)
    mine, right = as_grid(actual[index]), as_grid(expected[index])
    gap = mine - right
    scale = max(float(np.max(np.abs(right))), 1e-12)
    differs = [tuple(cell) for cell in np.argwhere(np.abs(gap) > 1e-9 * scale)]
    rows, columns = mine.shape
    written = rows <= MAX_WRITTEN and columns <= MAX_WRITTEN
    size = max(1.6, min(0.55 * columns, 4.5))
    fig, panels = figure(3, width=size, height=max(1.2, min(0.55 * rows, 4.0)) + 0.6)
    suffix = f" ({where})" if where else ""
    fmt = "{:.3g}"
    for ax, values, title, lit in ((panels[0], mine, f"your {output}{suffix}", differs),
                                   (panels[1], right, f"expected {output}", ()),
                                   (panels[2], gap, "yours - expected", differs)):
        if written:
            draw_grid(ax, values, title=title, highlight=lit, colour=HIGHLIGHT, fmt=fmt)
        else:
            ax.imshow(values, cmap="coolwarm" if values is gap else "viridis")
            ax.set_title(title, fontsize=11)
            ax.axis("off")
    fig.suptitle(f"{len(differs)} of {mine.size} entries differ (highlighted)", fontsize=11)
    return fig
