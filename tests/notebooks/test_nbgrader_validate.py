"""Validate tells the truth: nbgrader's real `nbgrader validate`, and `python -m convkit.validate` for students
without nbgrader, fail an untouched or wrong release notebook, naming its autograded cells, and pass a correct one."""
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader import utils

from autograder.config import RELEASE_NOTEBOOKS as RELEASE
from autograder.course.demo_class import student_notebook
from autograder.course.release import nbgrader

pytestmark = pytest.mark.slow

ONE_D = ["test-1d-forward", "test-1d-dx", "test-1d-dw", "test-1d-db"]
BATCH = ["test-batch-forward", "test-batch-dx", "test-batch-dw", "test-batch-db", "test-cnn-accuracy"]
# case -> (notebook, the functions' sample code (None: the untouched stubs), the autograded cells that must fail)
CASES = {
    "untouched-01": ("01_conv1d.ipynb", None, ONE_D),
    "untouched-05": ("05_batch.ipynb", None, BATCH),
    "correct-01": ("01_conv1d.ipynb", {}, []),
    "correct-05": ("05_batch.ipynb", {}, []),
    "dx-not-flipped-01": ("01_conv1d.ipynb", {"conv1d_backward": "bug_dx_not_rotated_1d"}, ["test-1d-dx"]),
}
NBGRADER_SUCCESS = "Success! Your notebook passes all the tests."


@pytest.fixture(scope="module")
def folders(course):
    """One folder per case inside the throw-away course, each a copy of the release with the case's notebook."""
    made = {}
    for case, (name, choices, _) in CASES.items():
        folder = course / "validate" / case
        shutil.copytree(RELEASE, folder)
        if choices is not None:
            nbformat.write(student_notebook(RELEASE / name, choices), str(folder / name))
        made[case] = folder
    return made


def _first_lines(notebook):
    return {cell.source.splitlines()[0]: cell.metadata.nbgrader.grade_id
            for cell in notebook.cells if utils.is_grade(cell)}


def nbgrader_failed(output, notebook):
    """The grade ids of the cells `nbgrader validate` printed as failed (it prints each cell's source, cut to width)."""
    if NBGRADER_SUCCESS in output:
        return []
    assert "VALIDATION FAILED ON" in output, output
    printed = re.findall(r"The following cell failed:\n\n    (.*)\n", output)
    failed = []
    for line in printed:
        prefix = line[:-3] if line.endswith("...") else line
        matches = [grade_id for first, grade_id in _first_lines(notebook).items() if first.startswith(prefix)]
        assert len(matches) == 1, (line, matches)
        failed += matches
    return failed


def convkit_failed(output, name):
    """The grade ids that `python -m convkit.validate` named as failed."""
    if output.strip() == f"{name}: Success! Your notebook passes all the visible checks of its autograded cells.":
        return []
    assert output.startswith(f"{name}: "), output
    return re.findall(r"^  (test-[\w-]+) \([\d.]+ points\):$", output, re.M)


@pytest.mark.parametrize("case", sorted(CASES))
def test_nbgrader_validate_and_convkit_validate_agree_with_the_notebook(course, folders, case):
    """Do `nbgrader validate` and `python -m convkit.validate` both fail exactly the autograded cells whose
    function is unwritten or wrong on the worked example (untouched: all of them), and pass a correct notebook?"""
    name, _, expected = CASES[case]
    path = folders[case] / name
    notebook = nbformat.read(str(path), as_version=4)

    by_nbgrader = nbgrader(course, "validate", str(path))   # the course's config and kernel
    assert nbgrader_failed(by_nbgrader.stdout, notebook) == expected, by_nbgrader.stdout

    by_convkit = subprocess.run([sys.executable, "-m", "convkit.validate", name], cwd=folders[case],
                                capture_output=True, text=True, timeout=900)
    assert by_convkit.returncode == (1 if expected else 0), by_convkit.stdout + by_convkit.stderr
    assert convkit_failed(by_convkit.stdout, name) == expected, by_convkit.stdout

    if case.startswith("untouched"):   # each says why in the one line of convkit.checks
        for output in (by_nbgrader.stdout, by_convkit.stdout):
            assert re.search(r"conv\w+ is not written yet", output), output
