import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convkit.figures import batch


def hand_case():
    x = np.stack([np.arange(1.0, 10.0).reshape(1, 3, 3), np.arange(11.0, 20.0).reshape(1, 3, 3)])
    w = np.zeros((2, 1, 2, 2))
    w[0, 0, 0, 0] = 1.0
    w[1, 0, 1, 1] = 1.0
    return x, w, np.array([0.0, 10.0])


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_receptive_fields_are_rows_in_batch_order():
    """Does each receptive field become one row, image by image, ordered like w.reshape(F, -1)?"""
    x, _, _ = hand_case()
    xp, cols, origins = batch.receptive_fields(x, 2, 2, stride=2, pad=1)
    assert xp.shape == (2, 1, 5, 5)
    assert cols.shape == (2 * 2 * 2, 1 * 2 * 2)
    assert origins[0] == (0, 0, 0) and origins[-1] == (1, 1, 1)
    np.testing.assert_array_equal(cols[0], [0, 0, 0, 1])
    np.testing.assert_array_equal(cols[3], [5, 6, 8, 9])


def test_im2col_figure_has_one_panel_per_image_and_the_three_matrices():
    """Does the im2col figure show every image plane, the rows, the weights and the outputs with their shapes?"""
    x, w, b = hand_case()
    fig = batch.im2col_figure(x, w, b, stride=2, pad=1)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2 + 3
    titles = [ax.get_title() for ax in fig.axes]
    assert "(8, 4)" in titles[2] and "(4, 2)" in titles[3] and "(8, 2)" in titles[4]


def test_im2col_figure_writes_the_layer_output():
    """Do the output cells hold rows @ weights + b, so the figure agrees with the hand-worked case?"""
    x, w, b = hand_case()
    fig = batch.im2col_figure(x, w, b, stride=2, pad=1)
    written = texts(fig.axes[4])
    # Filter 1 picks each window's bottom-right pixel, plus a bias of 10.
    for value in ("11", "13", "17", "19", "21", "29"):
        assert value in written


def test_im2col_figure_outlines_every_window_once():
    """Does each image panel outline as many windows as it has receptive fields (Ho*Wo)?"""
    x, w, b = hand_case()
    fig = batch.im2col_figure(x, w, b, stride=2, pad=1)
    for ax in fig.axes[:2]:
        frames = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
        assert len(frames) == 4


def test_dw_sum_figure_adds_up_the_samples():
    """Does the dW figure show one panel per sample, the signs between them, and the total highlighted?"""
    per_sample = np.array([[[5.0, 10.0], [10.0, 20.0]], [[15.0, 30.0], [30.0, 60.0]]])
    fig = batch.dw_sum_figure(per_sample, per_sample.sum(axis=0))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2 * 2 + 1
    assert texts(fig.axes[1]) == ["+"] and texts(fig.axes[3]) == ["="]
    assert fig.axes[-1].get_title() == "dW of the batch"
    lit = [p for p in fig.axes[-1].patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(lit) == 4
    assert "80" in texts(fig.axes[-1])
