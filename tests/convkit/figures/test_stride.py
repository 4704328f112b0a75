import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from convkit.figures import stride
from convkit.figures.grid import HIGHLIGHT, MUTED, symbols


def filled(ax, colour):
    """How many cells of ``ax`` are filled with ``colour``."""
    return sum(1 for patch in ax.patches if patch.get_fill() and patch.get_facecolor() == to_rgba(colour))


def test_padded_input_greys_exactly_the_border():
    """Does padding a (3, 4) input by 1 grey out the 5*6 - 3*4 = 18 border cells?"""
    fig = stride.padded_input(np.arange(12.0).reshape(3, 4), 1)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert filled(fig.axes[1], MUTED) == 18
    assert "(5, 6)" in fig.axes[1].get_title()


def test_strided_windows_highlight_kh_times_kw_cells_at_stride_steps():
    """Does each panel light a KH x KW window, and does y[0, 1] start at column 0 + stride?"""
    fig = stride.strided_windows(np.ones((5, 4)), np.ones((3, 2)), stride=2, pad=1)
    assert len(fig.axes) == 3
    assert all(filled(ax, HIGHLIGHT) == 6 for ax in fig.axes)
    assert "cols 2..3" in fig.axes[1].get_title()


def test_strided_windows_drop_positions_past_the_output():
    """Is a requested output position outside (Ho, Wo) left out rather than drawn?"""
    fig = stride.strided_windows(np.ones((4, 4)), np.ones((2, 2)), stride=2, positions=[(0, 0), (5, 5)])
    assert len(fig.axes) == 1


def test_stride_as_subsampling_lights_every_stride_th_entry():
    """Does a (4, 5) stride-1 output with stride 2 light 2 * 3 entries and keep a (2, 3) output?"""
    fig = stride.stride_as_subsampling(symbols("y", (4, 5)), 2)
    assert filled(fig.axes[0], HIGHLIGHT) == 6
    assert "(2, 3)" in fig.axes[1].get_title()


def test_dilated_gradient_shows_the_three_shapes():
    """Does a (2, 3) dY dilated by 2 become (3, 5), and padded for a 2x2 kernel (5, 7)?"""
    fig = stride.dilated_gradient(np.arange(1.0, 7).reshape(2, 3), 2, (2, 2))
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 3
    assert "(3, 5)" in titles[1] and "(5, 7)" in titles[2]
    assert filled(fig.axes[1], MUTED) == 15 - 6


def test_coverage_counts_find_the_uncovered_column():
    """With W = 5, a 2-wide kernel and stride 2, is column 4 read by no window?"""
    counts = stride.coverage_counts((4, 5), (2, 2), stride=2)
    assert counts.shape == (4, 5)
    assert np.all(counts[:, 4] == 0) and np.all(counts[:, :4] == 1)


def test_uncovered_border_paints_the_never_read_cells():
    """Does the figure paint exactly the 4 cells of the uncovered column?"""
    fig = stride.uncovered_border(np.zeros((4, 5)), np.zeros((2, 2)), stride=2)
    assert filled(fig.axes[0], stride.UNCOVERED) == 4
    assert "never read" in fig.axes[0].get_title()
