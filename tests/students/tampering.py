"""Tampered cell metadata, shared by the intake, grade-class and nbgrader suites.

Each kind changes the nbgrader metadata of one notebook, as a student might
by hand or by accident, and leaves every line of code as it was: the
notebook must earn exactly what its code earns, and the intake must report
each fix. ``words`` must appear in the intake's notes for that notebook.
"""
import nbformat


def _marked(notebook, flag):
    return [cell for cell in notebook.cells
            if isinstance(cell.metadata.get("nbgrader"), dict) and cell.metadata["nbgrader"].get(flag)]


def _first_solution(notebook):
    return _marked(notebook, "solution")[0].metadata["nbgrader"]


def _first_test(notebook):
    return _marked(notebook, "grade")[0].metadata["nbgrader"]


def add_a_grade_cell(notebook):
    cell = nbformat.v4.new_code_cell("15.0")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "my-bonus", "locked": True, "points": 15.0,
                                 "schema_version": 3, "solution": False}
    notebook.cells.append(cell)


def rename_a_test_cell(notebook):
    _marked(notebook, "grade")[-1].metadata["nbgrader"]["grade_id"] += "-mine"


def mark_a_test_cell_as_a_solution(notebook):
    _first_test(notebook)["solution"] = True


def change_points(notebook):
    _first_test(notebook)["points"] = 100.0


def change_schema_versions(notebook):
    _first_solution(notebook)["schema_version"] = 1
    del _first_test(notebook)["schema_version"]


def replace_a_marking_with_text(notebook):
    _marked(notebook, "solution")[0].metadata["nbgrader"] = "solution"


def garble_keys(notebook):
    marking = _first_test(notebook)
    del marking["grade"], marking["locked"]
    marking["bonus"] = True


def lock_a_solution_cell(notebook):
    _first_solution(notebook)["locked"] = True


def make_a_solution_cell_a_grade_cell(notebook):
    _first_solution(notebook).update(grade=True, points=15.0)


def strip_every_marking(notebook):
    """As editors that keep no cell metadata save a notebook."""
    for cell in notebook.cells:
        cell.metadata = {}


KINDS = {
    # name: (change to the notebook, words the intake's notes must contain)
    "adds a grade cell of its own": (add_a_grade_cell, ("unknown id my-bonus",)),
    "renames an autograded cell": (rename_a_test_cell, ("-mine", "was missing", "it was put back")),
    "marks a test cell as a solution": (mark_a_test_cell_as_a_solution, ("solution True instead of False",)),
    "changes a test cell's points": (change_points, ("points 100.0 instead of",)),
    "sets an old schema version and drops another": (change_schema_versions,
                                                    ("schema_version 1 instead of 3", "schema_version missing")),
    "replaces a marking with text": (replace_a_marking_with_text, ("not a dict",)),
    "drops keys from a marking and adds one": (garble_keys, ("bonus added", "grade missing", "locked missing")),
    "locks a solution cell": (lock_a_solution_cell, ("locked True instead of False",)),
    "makes a solution cell a grade cell": (make_a_solution_cell_a_grade_cell,
                                           ("grade True instead of False", "points added")),
    "strips every cell's metadata": (strip_every_marking, ("had no nbgrader metadata",)),
}
