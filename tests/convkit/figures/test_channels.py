import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from convkit.figures import channels
from convkit.figures.grid import HIGHLIGHT


def filled(ax, colour):
    """How many cells of ``ax`` are filled with ``colour``."""
    return sum(1 for patch in ax.patches if patch.get_fill() and patch.get_facecolor() == to_rgba(colour))


def test_kernel_grid_has_one_panel_per_filter_and_channel():
    """Does w of shape (3, 2, 2, 2) give 3 x 2 panels titled w[f, c] in row-major order?"""
    fig = channels.kernel_grid(np.zeros((3, 2, 2, 2)))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6
    assert fig.axes[3].get_title() == "w[1, 1]"


def test_one_output_channel_lights_the_window_in_every_channel():
    """Is the 2x2 window lit in both input channels, and is the sum written out?"""
    x = np.arange(12.0).reshape(2, 2, 3)
    w = np.ones((3, 2, 2, 2))
    fig = channels.one_output_channel(x, w, np.array([0.0, 1.0, 2.0]), f=1, position=(0, 1))
    assert len(fig.axes) == 6
    assert filled(fig.axes[0], HIGHLIGHT) == 4 and filled(fig.axes[1], HIGHLIGHT) == 4
    text = fig.axes[2].texts[0].get_text()
    # channel 0 window: 1+2+4+5 = 12, channel 1: 7+8+10+11 = 36, bias 1
    assert "y[1, 0, 1] = 49" in text


def test_dx_contributions_adds_the_filters_up():
    """Does it draw one panel per filter plus their sum, and is the sum's cell the total?"""
    parts = np.zeros((3, 2, 2, 2))
    parts[:, 1, 0, 0] = [1.0, 2.0, 4.0]
    fig = channels.dx_contributions(parts, channel=1)
    assert len(fig.axes) == 4
    assert fig.axes[3].get_title() == "= dx[1]"
    assert "7" in [t.get_text() for t in fig.axes[3].texts]
