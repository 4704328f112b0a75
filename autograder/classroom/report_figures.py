"""The class report's figures, each a PNG embedded in the page as a base64 data URI.

Drawn with matplotlib's Agg renderer on :class:`matplotlib.figure.Figure`
objects, without pyplot, so nothing global stays open after a figure is
saved. Each function takes a :class:`autograder.classroom.report_summary.ClassSummary`
and returns a ``data:image/png;base64,...`` string, or None when there is
nothing to draw.
"""
import base64
import io

from matplotlib.figure import Figure

from autograder.spec.parts import PARTS
from convkit import tiny_cnn

COLOURS = {"full": "#4c9a5a", "partial": "#e0a030", "zero": "#c0504d"}
DPI = 100


def embedded(figure):
    """The figure as a PNG data URI (the page needs no other file)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def totals_histogram(summary):
    """The distribution of the students' totals, out of 100."""
    if not summary.totals:
        return None
    figure = Figure(figsize=(6, 2.6))
    axes = figure.subplots()
    axes.hist(list(summary.totals.values()), bins=range(0, 101, 10), color="#4a78a8", edgecolor="white")
    axes.axvline(summary.help_below, color=COLOURS["zero"], linestyle="--",
                 label=f"needs help: below {summary.help_below:g}")
    axes.set(xlabel="total points (of 100)", ylabel="students", xlim=(0, 100))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False)
    return embedded(figure)


def part_scores(summary):
    """Each part's score distribution, one small histogram per part."""
    if not summary.students:
        return None
    figure = Figure(figsize=(9, 3.6))
    grid = figure.subplots(2, 3, sharey=True)
    for axes, (key, part) in zip(grid.flat, PARTS.items()):
        axes.hist(list(summary.part_scores[key].values()), bins=10, range=(0, part.points),
                  color="#4a78a8", edgecolor="white")
        axes.set_title(f"{key} (of {part.points:g})", fontsize=9)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.tick_params(labelsize=8)
    grid[0, 0].set_ylabel("students")
    grid[1, 0].set_ylabel("students")
    figure.subplots_adjust(hspace=0.45, wspace=0.1)
    return embedded(figure)


def output_shares(summary):
    """Per part and output, the share of students with full marks, partial credit and zero (stacked bars)."""
    if not summary.students:
        return None
    labels = [f"{key} {output}" for key, output in summary.shares]
    figure = Figure(figsize=(6.5, 0.26 * len(labels) + 1))
    axes = figure.subplots()
    left = [0.0] * len(labels)
    for kind in ("full", "partial", "zero"):
        widths = [counts[kind] / len(summary.students) for counts in summary.shares.values()]
        axes.barh(labels, widths, left=left, color=COLOURS[kind], label=kind)
        left = [a + b for a, b in zip(left, widths)]
    axes.invert_yaxis()
    axes.set(xlim=(0, 1), xlabel="share of students")
    axes.tick_params(labelsize=8)
    axes.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return embedded(figure)


def _ranked_bars(names, counts, xlabel):
    figure = Figure(figsize=(6.5, 0.32 * len(names) + 1))
    axes = figure.subplots()
    axes.barh(names, counts, color="#c0504d")
    axes.invert_yaxis()
    axes.set(xlabel=xlabel)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(labelsize=8)
    return embedded(figure)


def mistakes_bars(summary):
    """The mistakes ranked by how many students made them."""
    if not summary.mistakes:
        return None
    return _ranked_bars([m.id for m in summary.mistakes], [len(m.students) for m in summary.mistakes], "students")


def features_bars(summary):
    """The case features that the failing cases of most students share."""
    if not summary.features:
        return None
    return _ranked_bars([f.condition for f in summary.features], [len(f.students) for f in summary.features],
                        "students whose failing cases share it")


def cnn_accuracy(summary):
    """The held-out accuracy the tiny CNN reached with each student's layer, with the grading's bounds."""
    if not summary.accuracies:
        return None
    figure = Figure(figsize=(6, 2.6))
    axes = figure.subplots()
    axes.hist([100 * a for a in summary.accuracies.values()], bins=range(0, 101, 5), color="#4a78a8",
              edgecolor="white")
    axes.axvline(100 * tiny_cnn.PASS_ACCURACY, color=COLOURS["full"], linestyle="--", label="full marks from here")
    axes.set(xlabel="held-out accuracy (%)", ylabel="students", xlim=(0, 100))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="upper left")
    return embedded(figure)
