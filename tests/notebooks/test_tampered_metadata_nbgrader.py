"""Tampered cell metadata through plain ``nbgrader autograde`` with the course's config.

Without the course's RestoreCellMetadata step, nbgrader rejects a notebook
(or the whole submission) whose cell metadata it cannot place, or leaves a
test cell marked as a solution waiting for a manual grade. Each kind of
``tests/students/tampering.py`` goes into an honest notebook 02, which must
earn its full 15 points, with the fix in nbgrader's log.
"""
import re

import nbformat
import pytest

import tampering
from autograder.course.demo_class import student_notebook
from autograder.course.nbgrader_course import cell_scores, hand_in
from autograder.course.release import ASSIGNMENT, nbgrader
from autograder.pipeline import cell_metadata, restore_metadata

pytestmark = pytest.mark.slow
NAME = "02_conv2d.ipynb"
HONEST_GRADES = {"test-2d-forward": 4.5, "test-2d-dx": 4.5, "test-2d-dw": 4.5, "test-2d-db": 1.5}


def test_the_gradebook_describes_the_release_cells_as_the_release_does(course):
    """Does the gradebook give every release cell, in order, the release's nbgrader metadata (checksums aside)?"""
    for path in sorted((course / "assignments" / ASSIGNMENT).glob("*.ipynb")):
        released = cell_metadata.release_cells(nbformat.read(str(path), as_version=4))
        recorded = restore_metadata.gradebook_cells(f"sqlite:///{course / 'gradebook.db'}", path.stem, ASSIGNMENT)
        assert list(recorded) == list(released)
        for name, cell in released.items():
            assert cell_metadata.restore(nbformat.v4.new_notebook(cells=[cell]), {name: recorded[name]}) == [], name


@pytest.mark.parametrize("kind", sorted(tampering.KINDS))
def test_tampered_cell_metadata_is_graded_on_what_the_code_earns(kind, course):
    """Is a notebook with tampered cell metadata autograded, not rejected, with its honest grades and the fix logged?"""
    change, words = tampering.KINDS[kind]
    notebook = student_notebook(course / "assignments" / ASSIGNMENT / NAME, {})
    change(notebook)
    student = "tampered-" + re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
    hand_in(course, student, {NAME: notebook})
    done = nbgrader(course, "autograde", ASSIGNMENT, "--student", student, "--force", "--log-level=WARN",
                    env={"CONVKIT_SEED": "3"})
    assert cell_scores(course, student)[NAME[:-6]] == pytest.approx(HONEST_GRADES)
    for word in words:
        assert word in done.stderr + done.stdout, (word, done.stderr)
