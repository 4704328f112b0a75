"""Figures for notebook 03: zero padding, strided windows, dilating dY and the uncovered border.

Every function returns a plain matplotlib Figure made with :func:`convkit.figures.grid.figure`.
"""
import numpy as np

from convkit.figures.grid import ACCENT, HIGHLIGHT, MUTED, draw_grid, figure, outline, rectangle
from convkit.geometry import output_size

UNCOVERED = "#e76f51"


def _padding_cells(shape, pad):
    """(row, col) of every cell in the zero border of a padded grid of ``shape``."""
    rows, cols = shape
    return [(r, c) for r in range(rows) for c in range(cols)
            if r < pad or c < pad or r >= rows - pad or c >= cols - pad]


def _fill(ax, rows, cells, colour):
    """Paint extra cells of a grid already drawn with ``rows`` rows (the numbers stay on top)."""
    for r, c in cells:
        ax.add_patch(rectangle((c, rows - 1 - r), 1, 1, facecolor=colour, edgecolor="#495057", lw=1))


def coverage_counts(x_shape, kernel_shape, stride=1, pad=0):
    """How many windows read each cell of the padded input, shape (H + 2*pad, W + 2*pad)."""
    (height, width), (kh, kw) = x_shape, kernel_shape
    counts = np.zeros((height + 2 * pad, width + 2 * pad), dtype=int)
    for i in range(output_size(height, kh, stride, pad)):
        for j in range(output_size(width, kw, stride, pad)):
            counts[i * stride:i * stride + kh, j * stride:j * stride + kw] += 1
    return counts


def padded_input(x, pad):
    """The input next to its zero-padded copy, with the border of zeros greyed out."""
    x = np.asarray(x, dtype=float)
    padded = np.pad(x, pad)
    fig, (left, right) = figure(2, width=3.0, height=3.0,
                                widths=[x.shape[1], padded.shape[1]])
    draw_grid(left, x, title=f"x, shape {x.shape}")
    draw_grid(right, padded, highlight=_padding_cells(padded.shape, pad), colour=MUTED,
              title=f"x padded by {pad}, shape {padded.shape}")
    outline(right, padded.shape[0], (pad, pad), x.shape)
    return fig


def strided_windows(x, w, stride=1, pad=0, positions=None):
    """One panel per output y[i, j]: the window it reads in the padded input."""
    x = np.asarray(x, dtype=float)
    kh, kw = np.shape(w)
    padded = np.pad(x, pad)
    ho, wo = output_size(x.shape[0], kh, stride, pad), output_size(x.shape[1], kw, stride, pad)
    if positions is None:
        positions = [(0, 0), (0, 1), (1, 0)]
    positions = [(i, j) for i, j in positions if i < ho and j < wo]
    fig, axes = figure(len(positions), width=3.0, height=3.1)
    border = _padding_cells(padded.shape, pad)
    for ax, (i, j) in zip(axes, positions):
        top, left = i * stride, j * stride
        window = [(top + m, left + n) for m in range(kh) for n in range(kw)]
        draw_grid(ax, padded, highlight=window,
                  title=f"y[{i}, {j}]: rows {top}..{top + kh - 1}, cols {left}..{left + kw - 1}")
        _fill(ax, padded.shape[0], [cell for cell in border if cell not in window], MUTED)
        outline(ax, padded.shape[0], (top, left), (kh, kw))
    fig.suptitle(f"stride {stride}: each step right or down moves the window by {stride}", fontsize=11)
    return fig


def stride_as_subsampling(y_full, stride):
    """The stride-1 output with every stride-th entry lit, next to the strided output it leaves."""
    y_full = np.asarray(y_full)
    kept = y_full[::stride, ::stride]
    lit = [(r, c) for r in range(0, y_full.shape[0], stride) for c in range(0, y_full.shape[1], stride)]
    fig, (left, right) = figure(2, width=3.2, height=3.0, widths=[y_full.shape[1], max(kept.shape[1], 2)])
    draw_grid(left, y_full, highlight=lit, title=f"stride 1: shape {y_full.shape}")
    draw_grid(right, kept, highlight=[(r, c) for r in range(kept.shape[0]) for c in range(kept.shape[1])],
              title=f"stride {stride}: the lit entries, {kept.shape}")
    return fig


def dilated_gradient(dy, stride, kernel_shape):
    """dY, then dY dilated by the stride, then dilated and zero-padded by K-1 for the full convolution."""
    dy = np.asarray(dy, dtype=float)
    kh, kw = kernel_shape
    ho, wo = dy.shape
    dilated = np.zeros((stride * (ho - 1) + 1, stride * (wo - 1) + 1))
    dilated[::stride, ::stride] = dy
    full = np.pad(dilated, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    inserted = [(r, c) for r in range(dilated.shape[0]) for c in range(dilated.shape[1])
                if r % stride or c % stride]
    fig, axes = figure(3, width=3.0, height=3.2, widths=[dy.shape[1], dilated.shape[1], full.shape[1]])
    draw_grid(axes[0], dy, title=f"dY {dy.shape}")
    draw_grid(axes[1], dilated, highlight=inserted, colour=MUTED,
              title=f"dilated by {stride}: {dilated.shape}")
    border = [(r + kh - 1, c + kw - 1) for r, c in inserted]
    border += [(r, c) for r in range(full.shape[0]) for c in range(full.shape[1])
               if r < kh - 1 or c < kw - 1 or r >= full.shape[0] - (kh - 1) or c >= full.shape[1] - (kw - 1)]
    draw_grid(axes[2], full, highlight=border, colour=MUTED,
              title=f"padded by K-1 = ({kh - 1}, {kw - 1}): {full.shape}")
    outline(axes[2], full.shape[0], (0, 0), (kh, kw), colour=HIGHLIGHT)
    fig.suptitle("grey: zeros that were inserted or padded; orange frame: where the rotated kernel starts",
                 fontsize=10)
    return fig


def uncovered_border(x, w, stride=1, pad=0):
    """How many windows read each padded-input cell; cells no window reads are red."""
    x = np.asarray(x)
    counts = coverage_counts(x.shape, np.shape(w), stride, pad)
    missed = [tuple(cell) for cell in np.argwhere(counts == 0)]
    fig, (ax,) = figure(1, width=0.75 * counts.shape[1] + 1.0, height=0.75 * counts.shape[0] + 0.9)
    draw_grid(ax, counts, shade=counts if counts.max() > 1 else None, highlight=missed, colour=UNCOVERED,
              title=f"windows reading each cell (stride {stride}, pad {pad}); red: never read")
    outline(ax, counts.shape[0], (pad, pad), x.shape, colour=ACCENT)
    return fig
