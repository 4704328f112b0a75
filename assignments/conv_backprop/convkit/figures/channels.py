"""Figures for notebook 04: kernels that span every input channel, and where each gradient is summed.

Every function returns a plain matplotlib Figure made with :func:`convkit.figures.grid.figure`.
"""
import numpy as np

from convkit.figures.grid import HIGHLIGHT, draw_grid, figure, outline


def kernel_grid(w):
    """The weights (F, C, KH, KW) as an F x C grid: row f is filter f, column c is input channel c."""
    w = np.asarray(w)
    filters, channels = w.shape[:2]
    fig, axes = figure(channels, width=0.55 * w.shape[3] + 1.3, height=0.55 * w.shape[2] + 0.9,
                       rows=filters)
    for f in range(filters):
        for c in range(channels):
            draw_grid(axes[f * channels + c], w[f, c], title=f"w[{f}, {c}]")
    fig.suptitle(f"w {w.shape}\nrow f: filter f; column c: input channel c", fontsize=10)
    return fig


def one_output_channel(x, w, b, f, position=(0, 0)):
    """How y[f, i, j] is made: filter f's kernel for every channel meets that channel's window, then all add up."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    channels, kh, kw = w.shape[1:]
    i, j = position
    window = [(i + m, j + n) for m in range(kh) for n in range(kw)]
    fig, axes = figure(channels + 1, width=2.6, height=2.6, rows=2,
                       widths=[x.shape[2]] * channels + [3])
    top, bottom = axes[:channels + 1], axes[channels + 1:]
    terms = []
    for c in range(channels):
        draw_grid(top[c], x[c], highlight=window, title=f"x[{c}]: window at ({i}, {j})")
        outline(top[c], x.shape[1], (i, j), (kh, kw))
        draw_grid(bottom[c], w[f, c], title=f"w[{f}, {c}]")
        terms.append(float(np.sum(w[f, c] * x[c, i:i + kh, j:j + kw])))
    lines = [f"channel {c} adds {t:g}" for c, t in enumerate(terms)]
    lines += [f"bias b[{f}] adds {float(b[f]):g}", f"y[{f}, {i}, {j}] = {sum(terms) + float(b[f]):g}"]
    for ax in (top[channels], bottom[channels]):
        ax.axis("off")
    top[channels].text(0.0, 0.5, "sum over channels\n" + "\n".join(lines), fontsize=11, va="center",
                       transform=top[channels].transAxes)
    bottom[channels].text(0.0, 0.5, f"one filter, {channels} kernels:\n"
                                    f"y[{f}] is ONE output channel\nmade from ALL {channels} input channels",
                          fontsize=10, va="center", transform=bottom[channels].transAxes)
    return fig


def dx_contributions(contributions, channel=0):
    """dx[channel] as the sum of what each filter sends back: contributions has shape (F, C, H, W)."""
    contributions = np.asarray(contributions, dtype=float)
    filters = contributions.shape[0]
    fig, axes = figure(filters + 1, width=0.6 * contributions.shape[3] + 1.2,
                       height=0.6 * contributions.shape[2] + 1.0)
    for f in range(filters):
        sign = "" if f == 0 else "+ "
        draw_grid(axes[f], contributions[f, channel], title=f"{sign}from filter {f}")
    total = contributions[:, channel].sum(axis=0)
    draw_grid(axes[filters], total, title=f"= dx[{channel}]")
    outline(axes[filters], total.shape[0], (0, 0), total.shape, colour=HIGHLIGHT)
    fig.suptitle(f"every filter read input channel {channel}, so every filter sends gradient back to it",
                 fontsize=10)
    return fig
