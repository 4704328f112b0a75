"""The instructor's notebooks: complete, consistent with the API, and solved."""
import ast

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.config import SOURCE_NOTEBOOKS as SOURCE
from autograder.spec.parts import NOTEBOOK_PARTS, OUTPUT_WEIGHTS, PARTS, api_functions

NOTEBOOKS = sorted(NOTEBOOK_PARTS)


def _read(name):
    return nbformat.read(str(SOURCE / name), as_version=4)


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def test_the_five_notebooks_and_nothing_else():
    """Does source/conv_backprop hold exactly the five notebooks the contract names?"""
    assert sorted(p.name for p in SOURCE.glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_grade_cells_give_each_output_its_points(name):
    """Does each notebook have one autograded cell per output of its parts, worth the points of parts.py?"""
    notebook = _read(name)
    nbformat.validate(notebook)
    grades = {_nbgrader(c)["grade_id"]: _nbgrader(c)["points"] for c in notebook.cells if _nbgrader(c).get("grade")}
    expected = {}
    for key in NOTEBOOK_PARTS[name]:
        if key == "cnn":
            expected["test-cnn-accuracy"] = PARTS[key].points
        else:
            expected.update({f"test-{key}-{o}": PARTS[key].points * w for o, w in OUTPUT_WEIGHTS.items()})
    assert grades.keys() == expected.keys()
    for grade_id, points in expected.items():
        assert grades[grade_id] == pytest.approx(points)


def test_points_add_up_to_one_hundred():
    """Do the autograded cells of the five notebooks add up to 100 points?"""
    total = sum(_nbgrader(c).get("points", 0) for name in NOTEBOOKS for c in _read(name).cells
                if _nbgrader(c).get("grade"))
    assert total == pytest.approx(100.0)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_function_stands_alone_in_its_solution_cell(name):
    """Is every API function of the notebook defined in exactly one solution cell, alone?"""
    wanted = {fn for key in NOTEBOOK_PARTS[name] for fn in PARTS[key].functions}
    found = []
    for cell in _read(name).cells:
        if _nbgrader(cell).get("solution") and cell.cell_type == "code":
            tree = ast.parse(cell.source)
            defs = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
            assert len(defs) == 1 and defs[0] in api_functions(), (name, defs)
            assert ast.get_docstring(tree.body[0]), f"{defs[0]} needs a docstring (it stays in the release)"
            found.append(defs[0])
    assert sorted(found) == sorted(wanted)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solved_notebook_runs_top_to_bottom_cleanly(name):
    """Does the solved notebook run without an error or anything on stderr (which nbgrader scores 0)?"""
    notebook = _read(name)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(SOURCE)}}).execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (cell.source[:80], output.get("evalue"))
            assert not (output.output_type == "stream" and output.name == "stderr"), (cell.source[:80], output.text)
