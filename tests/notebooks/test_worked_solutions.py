"""The worked solutions for self-learners: the source's solved code, executed, without grading cells."""
import re

import nbformat
import pytest

from autograder.config import ROOT, SOURCE_NOTEBOOKS as SOURCE
from autograder.course.release import worked_solution
from autograder.spec.parts import NOTEBOOK_PARTS

WORKED = ROOT / "solutions" / "worked" / "conv_backprop"


@pytest.mark.parametrize("name", sorted(NOTEBOOK_PARTS))
def test_worked_solution_is_the_executed_source(name):
    """Does the worked solution hold the source's cells (markers and hidden tests removed), all run, no error?"""
    expected = worked_solution(nbformat.read(str(SOURCE / name), as_version=4))
    worked = nbformat.read(str(WORKED / name), as_version=4)
    assert [c.source for c in worked.cells] == [c.source for c in expected.cells], "run `make solutions`"
    code = [c for c in worked.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)  # the figures are there


FIGURE_CALL = re.compile(r"\b\w+_figures\.\w+\(")   # the notebooks' one style: conv1d_figures.sliding_window(...)


@pytest.mark.parametrize("name", sorted(NOTEBOOK_PARTS))
def test_every_cell_that_draws_a_figure_shows_it(name):
    """Does every executed cell that calls a figure helper, inside an if or a loop too, show at least one image?"""
    worked = nbformat.read(str(WORKED / name), as_version=4)
    drawing = [c for c in worked.cells if c.cell_type == "code" and FIGURE_CALL.search(c.source)]
    assert drawing, "the notebook draws no figure: has the figure import style changed?"
    blank = [c.source.splitlines()[0] for c in drawing
             if not any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert blank == [], "run `make solutions`"
