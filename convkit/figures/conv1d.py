"""Figures for 01_conv1d: sliding windows, which inputs meet which outputs, and the flipped kernel.

Every row of cells is drawn on a shared column scale, so a kernel drawn under
``x`` sits exactly under the inputs it multiplies.
"""
import numpy as np

from convkit.figures import grid

EDGE = "#495057"
FADED_TEXT = "#adb5bd"


def _number(value):
    """A number as it reads inside a product: negatives get brackets, as in 2·(-1)."""
    text = f"{value:g}"
    return f"({text})" if value < 0 else text


def _row(ax, level, start, labels, faces=None, name=None, text_colour="black"):
    """Draw a row of cells ``level`` rows below the top whose first cell sits at column ``start``."""
    for k, label in enumerate(labels):
        face = faces[k] if faces is not None else "white"
        ax.add_patch(grid.rectangle((start + k, -level - 1), 1, 1, facecolor=face, edgecolor=EDGE, lw=1))
        ax.text(start + k + 0.5, -level - 0.5, label, ha="center", va="center", fontsize=10,
                color=text_colour)
    if name:
        ax.text(-0.25, -level - 0.5, name, ha="right", va="center", fontsize=10)


def _frame(ax, columns, levels, left=1.6):
    """Fit the axes around ``levels`` rows of ``columns`` cells, leaving room for row names."""
    ax.set_xlim(-left, columns + 0.1)
    ax.set_ylim(-levels - 0.1, 0.1)
    ax.set_aspect("equal")
    ax.axis("off")


def _values(array):
    return [f"{v:g}" for v in np.asarray(array, dtype=float)]


def _faces(length, lit, colour=grid.HIGHLIGHT):
    return [colour if k in lit else "white" for k in range(length)]


def _slide(x, moving, name, title):
    """``moving`` slid along x, one panel per offset; ``title(offset, window of x)`` labels each panel.

    The forward pass (w along x) and dW (dy along x) are the same picture: that is the point.
    """
    length, span = len(x), len(moving)
    fig, axes = grid.figure(1, width=0.55 * length + 2.2, height=1.45, rows=length - span + 1)
    for i, ax in enumerate(axes):
        window = x[i:i + span]
        _row(ax, 0, 0, _values(x), _faces(length, range(i, i + span)), name="x")
        _row(ax, 1, i, _values(moving), [grid.MUTED] * span, name=name)
        ax.set_title(title(i, window), fontsize=10)
        _frame(ax, length, 2)
    return fig


def _products(left, right):
    return " + ".join(f"{_number(a)}·{_number(c)}" for a, c in zip(left, right))


def sliding_window(x, w, b):
    """The kernel sliding along x: one panel per output, showing the K inputs that make y_i."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return _slide(x, w, "w", lambda i, window:
                  f"y{i} = {_products(w, window)} + {_number(b)} = {np.dot(w, window) + b:g}")


def weight_gradient(x, dy):
    """dy sliding along x: one panel per weight, showing the products that add up to dw_m."""
    x, dy = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    return _slide(x, dy, "dy", lambda m, part: f"dw{m} = {_products(dy, part)} = {np.dot(dy, part):g}")


def input_fan_out(x, w, j):
    """Every placement of the kernel, with the ones that touch x_j lit: the dy terms that make dx_j."""
    length, k = len(x), len(w)
    outputs = length - k + 1
    fig, axes = grid.figure(1, width=0.6 * length + 2.2, height=0.55 * (outputs + 1) + 0.9)
    ax = axes[0]
    _row(ax, 0, 0, grid.symbols("x", (length,)), _faces(length, {j}), name="x")
    terms = []
    for i in range(outputs):
        m = j - i
        if 0 <= m < k:
            _row(ax, i + 1, i, grid.symbols("w", (k,)), _faces(k, {m}, grid.ACCENT), name=f"y{i}")
            terms.append(f"dy{i}·w{m}")
        else:
            _row(ax, i + 1, i, grid.symbols("w", (k,)), [grid.MUTED] * k, name=f"y{i}",
                 text_colour=FADED_TEXT)
    ax.set_title(f"x{j} feeds {len(terms)} output(s):  dx{j} = " + " + ".join(terms), fontsize=10)
    _frame(ax, length, outputs + 1)
    return fig


def flipped_kernel_slide(dy, w):
    """dy padded with K-1 zeros on each side, the flipped kernel sliding along it: one panel per dx_j."""
    dy, w = np.asarray(dy, dtype=float), np.asarray(w, dtype=float)
    k, outputs = len(w), len(dy)
    padded = np.pad(dy, k - 1)
    flipped = w[::-1]
    length = outputs + k - 1
    fig, axes = grid.figure(1, width=0.55 * len(padded) + 2.2, height=1.45, rows=length)
    for j, ax in enumerate(axes):
        faces = [grid.MUTED if (c < k - 1 or c >= k - 1 + outputs) else "white" for c in range(len(padded))]
        for c in range(max(j, k - 1), min(j + k, k - 1 + outputs)):
            faces[c] = grid.HIGHLIGHT
        _row(ax, 0, 0, _values(padded), faces, name="padded dy")
        grid.outline(ax, 0, (0, j), (1, k))
        _row(ax, 1, j, _values(flipped), [grid.MUTED] * k, name="flipped w")
        window = padded[j:j + k]
        terms = " + ".join(f"{_number(g)}·{_number(v)}" for g, v in zip(window, flipped))
        ax.set_title(f"dx{j} = {terms} = {np.dot(window, flipped):g}", fontsize=10)
        _frame(ax, len(padded), 2, left=2.6)
    return fig
