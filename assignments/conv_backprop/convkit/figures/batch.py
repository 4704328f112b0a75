"""Figures for notebook 05: a batch of images, im2col, and how dW adds up over the batch."""
import numpy as np

from convkit.figures import grid
from convkit.geometry import output_size


def window_colours(count):
    """``count`` distinct colours, one per receptive field (tab10 without its grey, which reads as padding)."""
    palette = [grid.colour_map("tab10")(k) for k in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
    return [palette[k % len(palette)] for k in range(count)]


def tint(ax, rows, top_left, size, colour, alpha=0.22):
    """Wash a block of ``size`` (h, w) at ``top_left`` (r, c) of a grid with ``rows`` rows in ``colour``."""
    (r, c), (h, w) = top_left, size
    ax.add_patch(grid.rectangle((c, rows - r - h), w, h, facecolor=colour, edgecolor="none", alpha=alpha, zorder=2))


def receptive_fields(x, kh, kw, stride=1, pad=0):
    """The padded input, the im2col matrix and where each row came from.

    x : (N, C, H, W) -> xp (N, C, H+2p, W+2p), cols (N*Ho*Wo, C*KH*KW),
    origins: list of (n, i, j), one per row, in row order.
    """
    x = np.asarray(x, dtype=np.float64)
    n_images, channels, height, width = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ho, wo = output_size(height, kh, stride, pad), output_size(width, kw, stride, pad)
    rows, origins = [], []
    for n in range(n_images):
        for i in range(ho):
            for j in range(wo):
                window = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                rows.append(window.ravel())
                origins.append((n, i, j))
    return xp, np.array(rows), origins


def im2col_figure(x, w, b=None, stride=1, pad=0):
    """Every receptive field of the padded batch becomes one row; the layer is then rows @ weights (+ b)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    n_images, channels, height, width = x.shape
    filters, _, kh, kw = w.shape
    xp, cols, origins = receptive_fields(x, kh, kw, stride, pad)
    weights = w.reshape(filters, -1).T                      # (C*KH*KW, F)
    out = cols @ weights + (0.0 if b is None else np.asarray(b, dtype=np.float64))
    colours = window_colours(len(origins))
    hp, wp = xp.shape[2:]
    planes = [(n, c) for n in range(n_images) for c in range(channels)]
    # Width ratios equal to each axis's x-range, so every grid is drawn with cells of one size.
    widths = [wp + 0.1] * len(planes) + [cols.shape[1] + 1.65, weights.shape[1] + 0.1, out.shape[1] + 0.1]
    fig, axes = grid.figure(len(widths), width=1.0, height=0.55 * len(cols) + 1.2, widths=widths)
    fig.set_figwidth(0.55 * sum(widths) + 1.5)
    padding = [(r, c) for r in range(hp) for c in range(wp)
               if not (pad <= r < pad + height and pad <= c < pad + width)]

    for ax, (n, c) in zip(axes, planes):
        grid.draw_grid(ax, xp[n, c], highlight=padding, colour=grid.MUTED,
                       title=f"image n={n}" + (f", channel {c}" if channels > 1 else "") + "\n(zero-padded)")
        for row, (m, i, j) in enumerate(origins):
            if m == n:
                grid.outline(ax, hp, (i * stride, j * stride), (kh, kw), colour=colours[row], lw=2.5)
                tint(ax, hp, (i * stride, j * stride), (kh, kw), colours[row], alpha=0.15)

    col_ax, w_ax, out_ax = axes[len(planes):]
    grid.draw_grid(col_ax, cols, title=f"rows: receptive fields\n{cols.shape}")
    for row, (n, i, j) in enumerate(origins):
        tint(col_ax, len(cols), (row, 0), (1, cols.shape[1]), colours[row])
        col_ax.text(-0.15, len(cols) - row - 0.5, f"n={n} ({i},{j})", ha="right", va="center",
                    fontsize=8, color=colours[row])
    col_ax.set_xlim(-1.6, cols.shape[1] + 0.05)
    grid.draw_grid(w_ax, weights, title=f"@ weights\n{weights.shape}")
    grid.draw_grid(out_ax, out, title=f"= outputs\n{out.shape}" if b is None else f"= outputs + b\n{out.shape}")
    for row in range(len(cols)):
        tint(out_ax, len(out), (row, 0), (1, out.shape[1]), colours[row])
    # Put the short matrices at the top, level with the first rows they multiply.
    for ax, rows in ((w_ax, weights.shape[0]), (out_ax, out.shape[0])):
        ax.set_ylim(rows - len(cols) - 0.05, rows + 0.05)
    for ax in axes[:len(planes)]:
        ax.set_ylim(hp - len(cols) - 0.05, hp + 0.05)
    return fig


def dw_sum_figure(per_sample, total):
    """Each sample's contribution to dW, side by side, and their sum: the batch's dW."""
    per_sample = np.asarray(per_sample, dtype=np.float64)
    total = np.asarray(total, dtype=np.float64)
    kw = per_sample.shape[-1]
    count = len(per_sample)
    widths = []
    for _ in range(count):
        widths += [kw, 0.6]
    widths.append(kw)
    fig, axes = grid.figure(len(widths), width=1.0, height=2.4, widths=widths)
    fig.set_figwidth(0.75 * sum(widths) + 0.5)
    for n in range(count):
        grid.draw_grid(axes[2 * n], per_sample[n], title=f"from sample n={n}")
        sign = axes[2 * n + 1]
        sign.axis("off")
        sign.text(0.5, 0.5, "=" if n == count - 1 else "+", ha="center", va="center", fontsize=22,
                  transform=sign.transAxes)
    lit = [(r, c) for r in range(total.shape[0]) for c in range(total.shape[1])]
    grid.draw_grid(axes[-1], total, title="dW of the batch", highlight=lit)
    return fig
