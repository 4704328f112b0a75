"""Figures for the tiny CNN of notebook 05: the digits, the training curves and the learned filters."""
import numpy as np

from convkit.figures import grid


def digits_figure(images, labels):
    """A row (or rows of ten) of digit images, each titled with its label."""
    images = np.asarray(images, dtype=np.float64)
    images = images.reshape(len(images), *images.shape[-2:])   # (N, 1, H, W) or (N, H, W) -> (N, H, W)
    columns = min(len(images), 10)
    rows = -(-len(images) // columns)
    fig, axes = grid.figure(columns, width=1.1, height=1.3, rows=rows)
    for ax in axes:
        ax.axis("off")
    for ax, image, label in zip(axes, images, labels):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"label {int(label)}", fontsize=10)
    return fig


def moving_average(values, width):
    """Mean of each run of ``width`` consecutive values (``len - width + 1`` of them)."""
    values = np.asarray(values, dtype=np.float64)
    width = max(1, min(width, len(values)))
    return np.convolve(values, np.ones(width) / width, mode="valid")


def training_curves(history, pass_accuracy=None, smooth=10):
    """The loss at every step (and its running mean), and the held-out accuracy with the pass mark."""
    fig, (loss_ax, accuracy_ax) = grid.figure(2, width=4.6, height=3.2)
    steps = np.arange(1, len(history.losses) + 1)
    loss_ax.plot(steps, history.losses, color="#adb5bd",
                 lw=1, label="each minibatch")
    if len(history.losses) >= smooth > 1:
        loss_ax.plot(steps[smooth - 1:], moving_average(history.losses, smooth), color=grid.ACCENT, lw=2,
                     label=f"mean of last {smooth}")
    loss_ax.set_xlabel("training step")
    loss_ax.set_ylabel("cross-entropy loss")
    loss_ax.set_title("training loss", fontsize=11)
    loss_ax.set_ylim(bottom=0)
    loss_ax.legend(fontsize=9, frameon=False)

    # Not clipped: the last evaluation sits on the right edge, and a perfect one on the top edge.
    accuracy_ax.plot(history.steps, history.accuracies, "o-", color=grid.ACCENT, lw=2, label="held-out digits",
                     clip_on=False)
    if pass_accuracy is not None:
        accuracy_ax.axhline(pass_accuracy, color=grid.HIGHLIGHT, ls="--", lw=2,
                            label=f"pass mark {pass_accuracy:.0%}")
    accuracy_ax.set_xlabel("training step")
    accuracy_ax.set_ylabel("accuracy")
    accuracy_ax.set_title("held-out accuracy", fontsize=11)
    accuracy_ax.set_ylim(0, 1)
    accuracy_ax.set_xlim(0, max(len(history.losses), 1))
    accuracy_ax.legend(fontsize=9, frameon=False, loc="lower right")
    return fig


def filters_figure(conv_w):
    """Each learned 3x3 filter (first input channel) coloured red for negative, blue for positive, with its weights."""
    conv_w = np.asarray(conv_w, dtype=np.float64)
    kernels = conv_w[:, 0]                                   # (F, KH, KW)
    scale = float(np.max(np.abs(kernels))) or 1.0
    fig, axes = grid.figure(len(kernels), width=1.9, height=2.1)
    for f, (ax, kernel) in enumerate(zip(axes, kernels)):
        ax.imshow(kernel, cmap="RdBu", vmin=-scale, vmax=scale)
        for (r, c), value in np.ndenumerate(kernel):
            ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=9,
                    color="white" if abs(value) > 0.6 * scale else "black")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {f}", fontsize=11)
    return fig
