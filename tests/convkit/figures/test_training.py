import numpy as np
from matplotlib.figure import Figure

from convkit.figures import grid, training
from convkit.tiny_cnn import History


def test_digits_figure_titles_each_image_with_its_label():
    """Does the digits figure draw every image, titled with its label?"""
    images = np.random.default_rng(0).random((4, 1, 8, 8))
    fig = training.digits_figure(images, [3, 1, 4, 1])
    assert isinstance(fig, Figure)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 4
    assert [ax.get_title() for ax in shown] == ["label 3", "label 1", "label 4", "label 1"]


def test_digits_figure_wraps_after_ten():
    """Does a dozen digits wrap onto a second row of ten columns, with the spare axes left blank?"""
    fig = training.digits_figure(np.zeros((12, 8, 8)), np.arange(12) % 10)
    assert len(fig.axes) == 20
    assert sum(bool(ax.images) for ax in fig.axes) == 12


def test_moving_average_of_a_ramp():
    """Is the running mean of 1, 2, 3, 4 over pairs 1.5, 2.5, 3.5?"""
    np.testing.assert_allclose(training.moving_average([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])


def test_training_curves_show_loss_accuracy_and_pass_mark():
    """Do the curves plot every step's loss, each accuracy point, and a line at the pass mark?"""
    history = History(losses=list(np.linspace(2.3, 0.3, 50)), steps=[25, 50], accuracies=[0.6, 0.9])
    fig = training.training_curves(history, pass_accuracy=0.92)
    assert isinstance(fig, Figure)
    loss_ax, accuracy_ax = fig.axes
    assert len(loss_ax.lines[0].get_xdata()) == 50
    np.testing.assert_allclose(accuracy_ax.lines[0].get_ydata(), [0.6, 0.9])
    np.testing.assert_allclose(accuracy_ax.lines[1].get_ydata(), [0.92, 0.92])
    assert "92%" in accuracy_ax.get_legend().get_texts()[1].get_text()


def test_the_last_accuracy_point_is_drawn_whole_on_the_right_edge():
    """Is the accuracy marker of the last step, which sits on the axes' right edge, drawn past the edge too?"""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb

    history = History(losses=[1.0] * 40, steps=[20, 40], accuracies=[0.5, 0.5])
    fig = training.training_curves(history)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3] / 255
    accuracy_ax = fig.axes[1]
    x, y = accuracy_ax.transData.transform((40, 0.5))
    right = int(np.ceil(accuracy_ax.get_window_extent().x1)) + 1
    row = pixels.shape[0] - int(round(y))     # the image's rows run downwards
    beyond = pixels[row - 1:row + 2, right:right + 2]
    assert np.any(np.abs(beyond - to_rgb(grid.ACCENT)).sum(axis=-1) < 0.1)


def test_filters_figure_writes_every_weight():
    """Does the filters figure give each filter its own panel with its nine weights written in?"""
    conv_w = np.arange(-18.0, 18.0).reshape(4, 1, 3, 3) / 10
    fig = training.filters_figure(conv_w)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4
    assert [len(ax.texts) for ax in fig.axes] == [9] * 4
    assert fig.axes[0].texts[0].get_text() == "-1.80"
    assert fig.axes[3].get_title() == "filter 3"
