"""The real nbgrader path: autograde the solved notebooks, the stubs, and a
buggy notebook, and compare with the command-line grader."""
import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder.config import ROOT, SOURCE_NOTEBOOKS as SOURCE
from autograder.course.demo_class import student_notebook
from autograder.course.nbgrader_course import autograde, cell_scores, hand_in
from autograder.spec.parts import NOTEBOOK_PARTS

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(NOTEBOOK_PARTS)


def test_solved_notebooks_earn_full_marks(course):
    """Does `nbgrader autograde` give every autograded cell of the solved notebooks its full points?"""
    hand_in(course, "reference", {name: SOURCE / name for name in NOTEBOOKS})
    autograde(course, "reference")
    scores = cell_scores(course, "reference")
    assert sum(sum(cells.values()) for cells in scores.values()) == pytest.approx(100.0)


def test_stubs_earn_zero(course):
    """Does the untouched release earn 0 through nbgrader?"""
    release = course / "assignments" / "conv_backprop"
    hand_in(course, "stubs", {name: release / name for name in NOTEBOOKS})
    autograde(course, "stubs")
    scores = cell_scores(course, "stubs")
    assert set(scores) == {name[:-6] for name in NOTEBOOKS}
    assert sum(sum(cells.values()) for cells in scores.values()) == 0.0


def test_a_buggy_notebook_scores_the_same_through_nbgrader_and_the_cli(course, tmp_path):
    """With dY not dilated in notebook 03, do nbgrader and `python -m autograder grade` agree on the stride part?"""
    name = "03_stride_padding.ipynb"
    notebook = student_notebook(course / "assignments" / "conv_backprop" / name,
                                {"conv2d_backward": "bug_dx_not_dilated"})
    os.environ["CONVKIT_SEED"] = "99"
    try:
        hand_in(course, "buggy", {name: notebook})
        autograde(course, "buggy")
    finally:
        del os.environ["CONVKIT_SEED"]
    through_nbgrader = sum(cell_scores(course, "buggy")[name[:-6]].values())
    copy = tmp_path / name
    nbformat.write(notebook, str(copy))
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(copy), "--json", "--seed", "99"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    through_cli = json.loads(out.stdout)["parts"]["stride"]["score"]
    assert 0 < through_nbgrader < 20.0
    assert through_nbgrader == pytest.approx(through_cli, abs=1e-9)  # one rounding on both paths
