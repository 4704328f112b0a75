"""Hostile submissions through the real nbgrader path: ``nbgrader autograde``
with the course's config (the sandboxed kernel and the engine's scores).

Every case of ``tests/students/hostile.py`` goes into notebook 02 right
after the honest solution, so its attack runs twice: in the notebook's own
kernel and in the grader's child. On top of those, attacks that only a
notebook can make: on its own test cells and on the grading function.
Each must end with the exact grade (forward 4.5, dx, dw and db 0), the
expected feedback, no file changed outside the scratch space, and a
classmate's grades untouched.
"""
import re
import time

import nbformat
import pytest

import hostile
from autograder.config import RELEASE_NOTEBOOKS as RELEASE, ROOT
from autograder.course.demo_class import student_notebook
from autograder.course.nbgrader_course import cell_scores, hand_in, make_course
from autograder.course.release import ASSIGNMENT, nbgrader
from autograder.sandbox import bubblewrap

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(bubblewrap.bubblewrap() is None, reason="bubblewrap is not installed")]
NAME = "02_conv2d.ipynb"
HONEST_GRADES = {"test-2d-forward": 4.5, "test-2d-dx": 4.5, "test-2d-dw": 4.5, "test-2d-db": 1.5}
HOSTILE_GRADES = {"test-2d-forward": 4.5, "test-2d-dx": 0.0, "test-2d-dw": 0.0, "test-2d-db": 0.0}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course in which a classmate has been graded already."""
    course = make_course(tmp_path_factory.mktemp("hostile-course"))
    hand_in(course, "classmate", {NAME: student_notebook(RELEASE / NAME, {})})
    _autograde(course, "classmate")
    assert cell_scores(course, "classmate")[NAME[:-6]] == HONEST_GRADES
    return course


def _autograde(course, student):
    # Short limits keep the hanging cases quick; the grades do not depend on them.
    nbgrader(course, "autograde", ASSIGNMENT, "--student", student, "--force", "--log-level=WARN",
             "--Execute.timeout=10", env={"CONVKIT_SEED": "3", "CONVKIT_PART_SECONDS": "5"})


def _index(notebook, grade_id):
    return next(i for i, cell in enumerate(notebook.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _feedback(course, student):
    """The text the autograded notebook shows under the part's test cells."""
    notebook = nbformat.read(str(course / "autograded" / student / ASSIGNMENT / NAME), as_version=4)
    return " ".join(output.get("text", "") for cell in notebook.cells
                    if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test-2d")
                    for output in cell.get("outputs", []))


def _grade_hostile(course, student, notebook, listener):
    """Autograde ``notebook`` for ``student``; assert that nothing outside the scratch space changed."""
    port, received = listener
    hand_in(course, student, {NAME: notebook})
    guarded = [ROOT / "solutions", ROOT / "autograder", ROOT / "source", course / "source",
               course / "submitted" / "classmate", course / "autograded" / "classmate"]
    before = hostile.tree_digest(*guarded)
    _autograde(course, student)
    assert hostile.tree_digest(*guarded) == before
    assert not (ROOT / "PWNED").exists()
    assert received == []
    assert cell_scores(course, "classmate")[NAME[:-6]] == HONEST_GRADES
    return cell_scores(course, student)[NAME[:-6]], _feedback(course, student)


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@pytest.mark.parametrize("name", sorted(hostile.CASES))
def test_hostile_code_earns_only_its_honest_points_through_nbgrader(name, course, listener):
    """Does the attack, run in the kernel and in the grader, leave forward 4.5, the rest 0, and every file as it was?"""
    notebook = student_notebook(RELEASE / NAME, {})
    cell = nbformat.v4.new_code_cell(hostile.notebook_cell(name, ROOT, course, listener[0]))
    notebook.cells.insert(_index(notebook, "solution-conv2d_backward") + 1, cell)
    grades, feedback = _grade_hostile(course, _slug(name), notebook, listener)
    assert grades == HOSTILE_GRADES, feedback
    assert hostile.CASES[name][1] in feedback


def _wrong_backward(notebook):
    """The backward pass made wrong (zeros), so that dx, dw and db earn nothing honestly."""
    cell = notebook.cells[_index(notebook, "solution-conv2d_backward")]
    cell.source += "\n\n\ndef conv2d_backward(dy, x, w, stride=1, pad=0):\n" \
                   "    return np.zeros_like(x), np.zeros_like(w), 0.0\n"
    return notebook


def _patch_earned(notebook):
    notebook.cells.insert(_index(notebook, "test-2d-dx"), nbformat.v4.new_code_cell(
        "import autograder.notebook_checks as checks\n"
        "checks.earned = lambda *args, **kwargs: 4.5\n"
        "import builtins\n"
        "builtins.print = lambda *args, **kwargs: None\n"))
    return notebook


def _edit_test_cells(notebook):
    for output in ("dx", "dw", "db"):
        cell = notebook.cells[_index(notebook, f"test-2d-{output}")]
        cell.source = "100.0"
        cell.metadata["nbgrader"]["points"] = 100.0
    return notebook


def _delete_test_cells(notebook):
    for output in ("dx", "dw", "db"):
        del notebook.cells[_index(notebook, f"test-2d-{output}")]
    return notebook


def _duplicate_test_cells(notebook):
    for output in ("dx", "dw", "db"):
        index = _index(notebook, f"test-2d-{output}")
        copy = nbformat.from_dict(notebook.cells[index])
        copy.source = "4.5"
        notebook.cells.insert(index, copy)   # the copy comes first
    return notebook


def _kill_the_kernel(notebook):
    notebook.cells.insert(_index(notebook, "test-2d-dx"), nbformat.v4.new_code_cell(
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    return notebook


NOTEBOOK_ATTACKS = {
    # name: (change to the notebook, words the feedback must contain)
    "patches earned and print": (_patch_earned, "dx is wrong"),
    "edits its test cells and their points": (_edit_test_cells, "dx is wrong"),
    "deletes its test cells": (_delete_test_cells, "dx is wrong"),
    "duplicates its test cells": (_duplicate_test_cells, "dx is wrong"),
    "kills its kernel": (_kill_the_kernel, "dx is wrong"),
}


@pytest.mark.parametrize("name", sorted(NOTEBOOK_ATTACKS))
def test_attacks_on_the_test_cells_earn_nothing(name, course, listener):
    """Does a wrong backward still earn 0 for dx, dw and db however the notebook tampers with its tests?"""
    change, words = NOTEBOOK_ATTACKS[name]
    notebook = change(_wrong_backward(student_notebook(RELEASE / NAME, {})))
    grades, feedback = _grade_hostile(course, _slug(name), notebook, listener)
    assert grades == HOSTILE_GRADES, feedback
    assert words in feedback


def test_an_honest_notebook_keeps_its_points_after_its_kernel_dies(course, listener):
    """Does killing the kernel before the hidden tests cost an honest notebook nothing?"""
    notebook = _kill_the_kernel(student_notebook(RELEASE / NAME, {}))
    grades, _ = _grade_hostile(course, "honest-but-killed", notebook, listener)
    assert grades == HONEST_GRADES


def test_without_a_sandbox_autograding_stops_and_says_why(course):
    """With no working bubblewrap and no opt-in, does `nbgrader autograde` refuse, naming bubblewrap and --unsafe?"""
    hand_in(course, "no-sandbox", {NAME: student_notebook(RELEASE / NAME, {})})
    with pytest.raises(RuntimeError) as failure:
        nbgrader(course, "autograde", ASSIGNMENT, "--student", "no-sandbox", "--force",
                 env={"CONVKIT_SANDBOX": "off", "CONVKIT_UNSAFE": ""})
    assert "bubblewrap" in str(failure.value) and "--unsafe" in str(failure.value)
    assert cell_scores(course, "classmate")[NAME[:-6]] == HONEST_GRADES


def test_a_notebook_that_outlives_its_budget_is_stopped_and_keeps_its_honest_points(course):
    """With the whole-notebook budget at 8 s, is a cell that sleeps for 10 minutes stopped, the parts graded?"""
    notebook = student_notebook(RELEASE / NAME, {})
    notebook.cells.insert(_index(notebook, "test-2d-dx"), nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    hand_in(course, "sleeper", {NAME: notebook})
    start = time.monotonic()
    nbgrader(course, "autograde", ASSIGNMENT, "--student", "sleeper", "--force", "--log-level=WARN",
             env={"CONVKIT_SEED": "3", "CONVKIT_NOTEBOOK_SECONDS": "8"})
    assert time.monotonic() - start < 120
    assert cell_scores(course, "sleeper")[NAME[:-6]] == HONEST_GRADES
