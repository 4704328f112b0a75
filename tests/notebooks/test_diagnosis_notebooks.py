"""Typed into the release notebooks and run top to bottom (Run All): do the visible checks name the
misconception the grader names, wherever the visible inputs can show it, and never another one?

Each bug of ``samples/students/`` that the grader names or leaves unnamed (not a crash or a hang, which
stop any kernel) is put into the notebook of every part it breaks, the other functions written
correctly. Notebook 05 stops before the tiny CNN's training, which the checks of the layer do not need
(its own Run All is tested with correct code below and in tests/browser).
"""
import importlib
import re
import shutil

import pytest
from nbclient import NotebookClient

import manifest
from autograder.config import RELEASE_NOTEBOOKS as RELEASE
from autograder.course.demo_class import student_notebook
from autograder.spec.parts import PARTS
from convkit import diagnosis

pytestmark = pytest.mark.slow

CATALOGUED = {m["id"] for key in ("1d", "2d", "stride", "chw", "batch")
              for m in diagnosis.part_data(key)["mistakes"] + diagnosis.part_data(key)["shape_mistakes"]}
STOPS_THE_KERNEL = {"crash", "hang"}
WHY = re.compile(r"^\s*Why(?: \(([^)]*)\))?: (.*)$")


def _runs():
    layer_parts = ("1d", "2d", "stride", "chw", "batch")
    return sorted((stem, part) for stem, bug in manifest.BUGS.items()
                  if bug["id"] not in STOPS_THE_KERNEL for part in bug["wrong"] if part in layer_parts)


def _run(tmp_path, name, choices, stop_before_training=False):
    """Run the release notebook ``name`` with its functions filled as ``choices`` says; return the cells."""
    folder = tmp_path / "conv_backprop"
    shutil.copytree(RELEASE, folder, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    notebook = student_notebook(RELEASE / name, choices)
    if stop_before_training:
        ids = [cell.metadata.get("nbgrader", {}).get("grade_id", "") for cell in notebook.cells]
        notebook.cells = notebook.cells[:ids.index("code-digits")]
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()  # Run All: raises if it stops
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _stream(cell, name):
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == name)


def _named(cells):
    """Every misconception named in the run: a set of the words after "Why"."""
    return {match.group(2) for cell in cells for line in _stream(cell, "stderr").splitlines()
            if (match := WHY.match(line))}


def _showable(stem, part):
    """The outputs the bug gets wrong on the notebook's visible inputs."""
    module = importlib.import_module(stem)
    data = diagnosis.part_data(part)
    wrong = []
    for kind in ("forward", "backward"):
        runs = diagnosis.run_on_visible_inputs(part, getattr(module, data[kind]), kind)
        wrong += [o for o in diagnosis.OUTPUTS_OF[kind]
                  if o in manifest.BUGS[stem]["wrong"][part] and not diagnosis.right_on_every_input(part, o, runs)]
    return wrong


@pytest.mark.parametrize("stem, part", _runs())
def test_the_checks_name_the_graders_misconception_and_no_other(tmp_path, stem, part):
    """Does Run All of the bug's notebook reach the end, name the grader's misconception for every output the
    visible inputs show wrong, and name nothing that is not that misconception?"""
    bug = manifest.BUGS[stem]
    functions = PARTS[part].functions
    cells = _run(tmp_path, PARTS[part].notebook, {function: stem for function in functions},
                 stop_before_training=part == "batch")
    data = diagnosis.part_data(part)
    words = {m["message"] for m in data["mistakes"] + data["shape_mistakes"] if m["id"] == bug["id"]}
    named = _named(cells)
    assert named <= words, f"named {named - words}, but the grader's misconception is {bug['id']}"
    showable = _showable(stem, part)
    assert not showable or any("✗" in _stream(cell, "stderr") for cell in cells), "a wrong output passed every check"
    if bug["id"] in CATALOGUED and showable:
        assert named, f"{bug['id']} is not named, though the visible inputs show {showable}"


@pytest.mark.parametrize("name", sorted({part.notebook for part in PARTS.values()}))
def test_correct_code_gets_no_diagnosis_anywhere(tmp_path, name):
    """With correct code in every function, does Run All write nothing to stderr and no diagnosis line?"""
    cells = _run(tmp_path, name, {})
    for cell in cells:
        assert _stream(cell, "stderr") == "", cell.source
        assert not any(WHY.match(line) or line.lstrip().startswith("Where") for line in _stream(cell, "stdout").splitlines())

