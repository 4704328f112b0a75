"""The graded parts: which outputs each has, and the ids of the hidden test cells that score them."""
import nbformat
import pytest
from nbgrader import utils

from autograder.config import ASSIGNMENT, RELEASE_FOLDER, ROOT
from autograder.pipeline import cell_metadata
from autograder.spec.parts import NOTEBOOK_PARTS, OUTPUTS, PARTS, grade_id, parse_grade_id


def test_the_cnn_part_has_its_accuracy_and_every_layer_part_the_layer_outputs():
    """Is accuracy the cnn part's only output, and forward, dx, dw, db every other part's?"""
    assert PARTS["cnn"].outputs == ("accuracy",)
    assert all(part.outputs == OUTPUTS for key, part in PARTS.items() if key != "cnn")


@pytest.mark.parametrize("key", PARTS)
def test_every_grade_id_parses_back_to_its_part_and_output(key):
    """Does the grade id of each output of the part parse back to that part and output?"""
    for output in PARTS[key].outputs:
        assert parse_grade_id(grade_id(key, output)) == (key, output)


@pytest.mark.parametrize("name", ["solution-conv2d_forward", "code-setup", "test-2d", "test-2d-dx-2",
                                  "test-3d-dx", "test-cnn-dx", "test-2d-accuracy", "tests-2d-dx", ""])
def test_an_id_that_is_not_a_hidden_tests_parses_to_none(name):
    """Is an id of another kind of cell, an unknown part or an output the part lacks parsed as None?"""
    assert parse_grade_id(name) is None


@pytest.mark.parametrize("notebook", sorted(NOTEBOOK_PARTS))
def test_the_release_has_a_hidden_test_cell_for_every_output_of_its_parts(notebook):
    """Are the release notebook's grade cells exactly the grade ids of its parts' outputs?"""
    release = nbformat.read(str(ROOT / RELEASE_FOLDER / ASSIGNMENT / notebook), as_version=4)
    graded = [cell_metadata.grade_id(cell) for cell in release.cells if utils.is_grade(cell)]
    assert sorted(graded) == sorted(grade_id(key, output) for key in NOTEBOOK_PARTS[notebook]
                                    for output in PARTS[key].outputs)
