"""Figures for 02_conv2d: one window, the windows covering a pixel, the rotated kernel and the padded dY."""
import numpy as np

from convkit.figures import grid

OUTLINES = ("#2a9d8f", "#264653", "#e76f51", "#6a4c93", "#1d3557", "#8ab17d")


def _fill(ax, rows, cells, colour):
    """Repaint ``cells`` of a grid drawn with ``rows`` rows (over the old face, under the text)."""
    for r, c in cells:
        ax.add_patch(grid.rectangle((c, rows - 1 - r), 1, 1, facecolor=colour, edgecolor="#495057", lw=1))


def _shape(array):
    return "(" + ", ".join(str(n) for n in np.shape(array)) + ")"


def _window(top_left, size):
    (r, c), (h, w) = top_left, size
    return [(r + a, c + b) for a in range(h) for b in range(w)]


def forward_window(x, w, b, i, j):
    """The window of x under the kernel for output (i, j), the kernel, and y with y[i, j] lit."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (height, width), (kh, kw) = x.shape, w.shape
    y = np.array([[np.sum(w * x[r:r + kh, c:c + kw]) + b for c in range(width - kw + 1)]
                  for r in range(height - kh + 1)])
    fig, axes = grid.figure(3, widths=[width, kw, y.shape[1]], width=2.4, height=2.6)
    grid.draw_grid(axes[0], x, title=f"x {_shape(x)}", highlight=_window((i, j), (kh, kw)))
    grid.outline(axes[0], height, (i, j), (kh, kw))
    grid.draw_grid(axes[1], w, title=f"w {_shape(w)}")
    grid.draw_grid(axes[2], y, title=f"y {_shape(y)}", highlight=[(i, j)])
    fig.suptitle(f"y[{i}, {j}] = sum(w * x[{i}:{i + kh}, {j}:{j + kw}]) + b = {y[i, j]:g}", fontsize=11)
    return fig


def covering_windows(x, w, r, c):
    """Pixel x[r, c] with every window that covers it, the outputs it feeds, and how often each pixel is covered."""
    (height, width), (kh, kw) = np.shape(x), np.shape(w)
    ho, wo = height - kh + 1, width - kw + 1
    fig, axes = grid.figure(3, widths=[width, wo, width], width=2.6, height=2.9)
    grid.draw_grid(axes[0], np.zeros((height, width)), labels=grid.symbols("x", (height, width)),
                   title=f"windows covering x{r}{c}", highlight=[(r, c)])
    touched = [(i, j) for i in range(ho) for j in range(wo) if 0 <= r - i < kh and 0 <= c - j < kw]
    for k, (i, j) in enumerate(touched):
        inset = 0.06 + 0.05 * (k % 4)
        axes[0].add_patch(grid.rectangle((j + inset, height - i - kh + inset), kw - 2 * inset, kh - 2 * inset,
                                    fill=False, edgecolor=OUTLINES[k % len(OUTLINES)], lw=2))
    labels = np.array([[f"y{i}{j}\n·w{r - i}{c - j}" if (i, j) in touched else f"y{i}{j}"
                        for j in range(wo)] for i in range(ho)])
    grid.draw_grid(axes[1], np.zeros((ho, wo)), labels=labels, highlight=touched,
                   title=f"outputs fed by x{r}{c}")
    coverage = np.zeros((height, width))
    for i in range(ho):
        for j in range(wo):
            coverage[i:i + kh, j:j + kw] += 1
    grid.draw_grid(axes[2], coverage, shade=coverage, title="windows covering each pixel")
    fig.suptitle(f"dx[{r}, {c}] collects {len(touched)} term(s):\n"
                 + " + ".join(f"dy{i}{j}·w{r - i}{c - j}" for i, j in touched), fontsize=11)
    return fig


def rotated_kernel(w):
    """The kernel and the same kernel rotated by 180 degrees (flipped top-bottom and left-right)."""
    w = np.asarray(w, dtype=float)
    names = grid.symbols("w", w.shape)
    labels = np.array([[f"{name}\n{value:g}" for name, value in zip(rn, rv)] for rn, rv in zip(names, w)])
    fig, axes = grid.figure(2, width=2.6, height=2.4)
    kh, kw = w.shape
    grid.draw_grid(axes[0], w, labels=labels, title=f"w {_shape(w)}", highlight=[(0, 0)])
    grid.draw_grid(axes[1], w[::-1, ::-1], labels=labels[::-1, ::-1], title="rot180(w) = w[::-1, ::-1]",
                   highlight=[(kh - 1, kw - 1)])
    return fig


def padded_gradient(dy, w, r, c):
    """dy zero-padded by (KH-1, KW-1), the rotated kernel over the window for dx[r, c], and dx with that pixel lit."""
    dy, w = np.asarray(dy, dtype=float), np.asarray(w, dtype=float)
    (ho, wo), (kh, kw) = dy.shape, w.shape
    padded = np.pad(dy, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    rotated = w[::-1, ::-1]
    height, width = ho + kh - 1, wo + kw - 1
    value = np.sum(padded[r:r + kh, c:c + kw] * rotated)
    inside = [(a, b) for a in range(kh - 1, kh - 1 + ho) for b in range(kw - 1, kw - 1 + wo)]
    border = [(a, b) for a in range(padded.shape[0]) for b in range(padded.shape[1]) if (a, b) not in inside]
    fig, axes = grid.figure(3, widths=[padded.shape[1], kw, width], width=2.6, height=3.0)
    grid.draw_grid(axes[0], padded, title=f"dy {_shape(dy)} padded to {_shape(padded)}",
                   highlight=[cell for cell in _window((r, c), (kh, kw)) if cell in inside])
    _fill(axes[0], padded.shape[0], border, grid.MUTED)
    grid.outline(axes[0], padded.shape[0], (r, c), (kh, kw))
    grid.draw_grid(axes[1], rotated, title="rot180(w)")
    labels = np.full((height, width), "?", dtype=object)
    labels[r, c] = f"{value:g}"
    grid.draw_grid(axes[2], np.zeros((height, width)), labels=labels, highlight=[(r, c)],
                   title=f"dx {(height, width)}")
    fig.suptitle(f"dx[{r}, {c}] = sum(padded_dy[{r}:{r + kh}, {c}:{c + kw}] * rot180(w)) = {value:g}",
                 fontsize=11)
    return fig


def weight_pairs(x, dy, m, n):
    """The block of x that dy lines up with for dw[m, n]: dw is the correlation of x with dy."""
    x, dy = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    (height, width), (ho, wo) = x.shape, dy.shape
    kh, kw = height - ho + 1, width - wo + 1
    value = np.sum(dy * x[m:m + ho, n:n + wo])
    fig, axes = grid.figure(3, widths=[width, wo, kw], width=2.4, height=2.6)
    grid.draw_grid(axes[0], x, title=f"x {_shape(x)}", highlight=_window((m, n), (ho, wo)))
    grid.outline(axes[0], height, (m, n), (ho, wo))
    grid.draw_grid(axes[1], dy, title=f"dy {_shape(dy)}")
    labels = np.full((kh, kw), "?", dtype=object)
    labels[m, n] = f"{value:g}"
    grid.draw_grid(axes[2], np.zeros((kh, kw)), labels=labels, highlight=[(m, n)], title=f"dw {(kh, kw)}")
    fig.suptitle(f"dw[{m}, {n}] = sum(dy * x[{m}:{m + ho}, {n}:{n + wo}]) = {value:g}", fontsize=11)
    return fig
