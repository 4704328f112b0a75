import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from convkit.figures import conv1d, grid

X = np.array([1.0, 2.0, 0.0, -1.0, 3.0])
W = np.array([2.0, -1.0, 1.0])
DY = np.array([1.0, 2.0, -1.0])


def count(ax, colour):
    """How many cells of ``ax`` are filled with ``colour``."""
    return sum(1 for patch in ax.patches if patch.get_fill() and patch.get_facecolor() == to_rgba(colour))


def test_sliding_window_has_one_panel_per_output_lighting_k_inputs():
    """Does the window figure draw L-K+1 panels, each highlighting K cells of x?"""
    fig = conv1d.sliding_window(X, W, 1.0)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert [count(ax, grid.HIGHLIGHT) for ax in fig.axes] == [3, 3, 3]


def test_sliding_window_titles_give_the_hand_computed_outputs():
    """Do the panel titles end with y = 1, 4, 5, the walkthrough's numbers?"""
    titles = [ax.get_title() for ax in conv1d.sliding_window(X, W, 1.0).axes]
    assert [title.rsplit("= ", 1)[1] for title in titles] == ["1", "4", "5"]


def test_weight_gradient_has_one_panel_per_weight():
    """Does the dW figure draw K panels, each pairing len(dy) inputs, with dw = 5, 3, -5?"""
    fig = conv1d.weight_gradient(X, DY)
    assert len(fig.axes) == 3
    assert [count(ax, grid.HIGHLIGHT) for ax in fig.axes] == [3, 3, 3]
    assert [ax.get_title().rsplit("= ", 1)[1] for ax in fig.axes] == ["5", "3", "-5"]


def test_input_fan_out_lights_one_weight_per_output_touched():
    """Does x0 light a single kernel cell, and a middle input x2 light K of them?"""
    first = conv1d.input_fan_out(X, W, 0).axes[0]
    middle = conv1d.input_fan_out(X, W, 2).axes[0]
    assert count(first, grid.ACCENT) == 1
    assert count(middle, grid.ACCENT) == 3
    assert middle.get_title().endswith("dy0·w2 + dy1·w1 + dy2·w0")


def test_flipped_kernel_slide_has_one_panel_per_input_with_the_hand_computed_dx():
    """Does the full-convolution figure draw L panels whose titles end with dx = 2, 3, -3, 3, -1?"""
    fig = conv1d.flipped_kernel_slide(DY, W)
    assert len(fig.axes) == 5
    assert [ax.get_title().rsplit("= ", 1)[1] for ax in fig.axes] == ["2", "3", "-3", "3", "-1"]


def test_flipped_kernel_slide_greys_the_padding():
    """Are the 2*(K-1) padding zeros drawn muted in every panel?"""
    fig = conv1d.flipped_kernel_slide(DY, W)
    # each panel also draws the K flipped-kernel cells muted
    assert all(count(ax, grid.MUTED) == 2 * 2 + 3 for ax in fig.axes)
