"""The student release: generated from the source, self-contained, and free of answers."""
import filecmp
import re
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


def test_validate_in_the_release_folder_gives_each_cell_as_long_as_convkit_validate():
    """Does nbgrader's Validate, started in the release folder, let a cell run CELL_SECONDS (not its 30 s)?"""
    from traitlets.config.loader import PyFileConfigLoader
    from nbgrader.validator import Validator

    from convkit.validate import CELL_SECONDS

    # What nbgrader's Validate handler does: load nbgrader_config.py from the server's folder.
    config = PyFileConfigLoader("nbgrader_config.py", path=str(RELEASE)).load_config()
    validator = Validator(config=config)
    executor = next(p for p in validator.preprocessors if p.__name__ == "Execute")
    assert executor(parent=validator).timeout == CELL_SECONDS


def test_release_has_no_answers_and_no_grader():
    """Is there no solution code, hidden test, marker or import of the grader anywhere in the release?"""
    for path in RELEASE.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".py", ".txt", ".md"):
            text = path.read_text()
            for word in FORBIDDEN:
                assert word not in text, (path, word)


NOT_WRITTEN = re.compile(r"^\w+ is not written yet(, so [^:]+)?: write it in its cell above, then run this cell again\.$")
FIGURE_CALL = re.compile(r"\b\w+_figures\.\w+\(")   # the notebooks' one style: conv1d_figures.sliding_window(...)


def _lines(cell, stream):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == stream).splitlines()


def _images(cell):
    return sum("image/png" in o.get("data", {}) for o in cell.outputs)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_run_all_on_the_fresh_release_shows_the_whole_lesson(tmp_path, name):
    """From a copy of the release folder alone, does Run All reach the end with every lesson figure drawn,
    and does each check of an unwritten function say so in exactly one line?"""
    folder = tmp_path / "conv_backprop"
    shutil.copytree(RELEASE, folder)
    notebook = nbformat.read(str(folder / name), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import convkit\nprint(convkit.__file__)"))
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()   # raises at the first error
    assert str(folder) in notebook.cells[-1].outputs[0].text  # its own copy of the helpers
    code = [cell for cell in notebook.cells[:-1] if cell.cell_type == "code"]
    checking = [cell for cell in code if "if_not_written(" in cell.source]
    assert len(checking) >= 8, "the checks of the student's functions should use convkit.checks"
    for cell in code:
        said = [line for stream in ("stdout", "stderr") for line in _lines(cell, stream) if "not written" in line]
        if cell in checking:
            assert len(said) == 1 and NOT_WRITTEN.match(said[0]), (cell.source.splitlines()[0], said)
            assert _images(cell) == 0, cell.source
        else:
            assert said == [], cell.source
        graded = cell.metadata.get("nbgrader", {}).get("grade", False)
        stream = "stderr" if graded else "stdout"   # an autograded cell fails Validate with it
        assert all(line in _lines(cell, stream) for line in said), (cell.source.splitlines()[0], stream)
        if graded:
            assert _lines(cell, "stdout") == []
        else:
            assert _lines(cell, "stderr") == [], cell.source
    lesson_figures = [cell for cell in code if FIGURE_CALL.search(cell.source) and cell not in checking]
    assert lesson_figures, "no figure drawn from the lesson's own numbers"
    undrawn = [cell.source.splitlines()[0] for cell in lesson_figures if _images(cell) == 0]
    assert undrawn == []
    student_figures = [cell for cell in checking if FIGURE_CALL.search(cell.source)]
    assert all(", so " in _lines(cell, "stdout")[-1] for cell in student_figures), (
        "a figure drawn from the student's results says why it cannot be drawn yet")
