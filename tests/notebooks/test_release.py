"""The student release: generated from the source, self-contained, and free of answers."""
import filecmp
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.config import RELEASE_NOTEBOOKS as RELEASE, ROOT
from autograder.spec.parts import NOTEBOOK_PARTS

NOTEBOOKS = sorted(NOTEBOOK_PARTS)
FORBIDDEN = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
             "autograder", "solutions.", "notebook_checks"]


def _comparable(notebook):
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in notebook.cells]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_release_is_in_sync_with_the_source(course, name):
    """Is the committed release exactly what nbgrader generates from the source today (make release)?"""
    fresh = nbformat.read(str(course / "assignments" / "conv_backprop" / name), as_version=4)
    committed = nbformat.read(str(RELEASE / name), as_version=4)
    assert _comparable(committed) == _comparable(fresh), "run `make release` and commit assignments/"


def test_release_carries_the_kit_helpers_unchanged():
    """Does the release hold a copy of convkit identical to the package, and a student requirements file?"""
    comparison = filecmp.dircmp(ROOT / "convkit", RELEASE / "convkit", ignore=["__pycache__"])
    pending = [comparison]
    while pending:
        current = pending.pop()
        assert not current.left_only and not current.right_only and not current.diff_files, current.report()
        pending += current.subdirs.values()
    requirements = (RELEASE / "requirements.txt").read_text()
    assert "numpy==" in requirements and "matplotlib==" in requirements and "nbgrader" not in requirements


def test_release_has_no_answers_and_no_grader():
    """Is there no solution code, hidden test, marker or import of the grader anywhere in the release?"""
    for path in RELEASE.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".py", ".txt", ".md"):
            text = path.read_text()
            for word in FORBIDDEN:
                assert word not in text, (path, word)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_release_notebook_runs_alone_and_fails_only_on_the_stubs(tmp_path, name):
    """Run from a copy of the release folder alone: are the only errors NotImplementedError from the stubs?"""
    folder = tmp_path / "conv_backprop"
    shutil.copytree(RELEASE, folder)
    notebook = nbformat.read(str(folder / name), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import convkit\nprint(convkit.__file__)"))
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors, "the stubs should raise"
    assert {e.ename for e in errors} == {"NotImplementedError"}, [(e.ename, e.evalue) for e in errors]
    assert str(folder) in notebook.cells[-1].outputs[0].text  # its own copy of the helpers
