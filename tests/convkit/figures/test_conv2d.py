import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from convkit.figures import conv2d, grid

X = np.array([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, -1.0], [2.0, 0.0, 1.0, 1.0]])
W = np.array([[1.0, -1.0], [2.0, 0.0]])
DY = np.array([[1.0, 2.0, -1.0], [1.0, -1.0, 1.0]])


def count(ax, colour):
    """How many cells of ``ax`` are filled with ``colour``."""
    return sum(1 for patch in ax.patches if patch.get_fill() and patch.get_facecolor() == to_rgba(colour))


def test_forward_window_lights_kh_times_kw_inputs_and_one_output():
    """Does the window figure light KH*KW cells of x and one cell of y, and report y[1, 2] = 7?"""
    fig = conv2d.forward_window(X, W, 1.0, 1, 2)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert count(fig.axes[0], grid.HIGHLIGHT) == 4
    assert count(fig.axes[2], grid.HIGHLIGHT) == 1
    assert fig.get_suptitle().endswith("= 7")
    assert fig.axes[2].get_title() == "y (2, 3)"


def test_covering_windows_of_a_corner_and_of_an_interior_pixel():
    """Is the corner x00 covered by one window, and an interior pixel by KH*KW of them?"""
    corner = conv2d.covering_windows(np.zeros((5, 6)), np.zeros((3, 2)), 0, 0)
    interior = conv2d.covering_windows(np.zeros((5, 6)), np.zeros((3, 2)), 2, 2)
    assert count(corner.axes[1], grid.HIGHLIGHT) == 1
    assert count(interior.axes[1], grid.HIGHLIGHT) == 6
    assert "dy00·w00" in corner.get_suptitle()


def test_covering_windows_counts_add_up_to_every_window_times_its_size():
    """Do the coverage numbers add up to (number of windows) * KH * KW?"""
    fig = conv2d.covering_windows(np.zeros((5, 6)), np.zeros((3, 2)), 2, 2)
    numbers = [float(text.get_text()) for text in fig.axes[2].texts]
    assert sum(numbers) == (3 * 5) * (3 * 2)


def test_rotated_kernel_moves_w00_to_the_bottom_right():
    """Does the rotated panel of a 2x3 kernel show w12 first and w00 last?"""
    fig = conv2d.rotated_kernel(np.arange(6.0).reshape(2, 3))
    assert len(fig.axes) == 2
    texts = [text.get_text() for text in fig.axes[1].texts]
    assert texts[0].startswith("w12") and texts[-1].startswith("w00")


def test_padded_gradient_reports_the_hand_computed_dx():
    """Does the padded-dY figure give dx[1, 1] = 2 and draw dy padded to (4, 5)?"""
    fig = conv2d.padded_gradient(DY, W, 1, 1)
    assert fig.get_suptitle().endswith("= 2")
    assert "padded to (4, 5)" in fig.axes[0].get_title()
    assert fig.axes[2].get_title() == "dx (3, 4)"


def test_weight_pairs_lights_a_block_the_size_of_dy():
    """Does the dW figure light Ho*Wo cells of x and report dw[0, 1] = -2?"""
    fig = conv2d.weight_pairs(X, DY, 0, 1)
    assert count(fig.axes[0], grid.HIGHLIGHT) == 6
    assert fig.get_suptitle().endswith("= -2")
