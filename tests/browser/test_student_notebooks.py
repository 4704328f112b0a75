"""What a student sees, in JupyterLab in a real headless Chromium: the release folder alone (a lone
copy, its kernel without the kit's packages), Run All on the fresh notebooks, then the solution
cells typed in with correct loop code, Run All again and nbgrader's Validate.

The time from clicking Run All to idle is recorded for each notebook in
``<basetemp>/browser-timings.json`` and printed at the end (``-s``).
By default the solved run covers 01 and 05 (05 trains the tiny CNN) and Validate 01; set
``CONVKIT_BROWSER_NOTEBOOKS=all`` to solve, time and validate every notebook. A picture of every
figure cell, as the student sees it, is saved in ``<basetemp>/figures/``.
"""
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

import labdriver
from autograder.config import ASSIGNMENT, RELEASE_FOLDER, ROOT
from autograder.spec.parts import NOTEBOOK_PARTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# The release folder under test: the repository's, or another copy of it (CONVKIT_BROWSER_RELEASE).
RELEASE = Path(os.environ.get("CONVKIT_BROWSER_RELEASE") or ROOT / RELEASE_FOLDER / ASSIGNMENT)
NOTEBOOKS = sorted(NOTEBOOK_PARTS)
ALL = os.environ.get("CONVKIT_BROWSER_NOTEBOOKS") == "all"
SOLVED = NOTEBOOKS if ALL else ["01_conv1d.ipynb", "05_batch.ipynb"]
# Validate runs the whole notebook again (05: the tiny CNN's training, twice as long as the rest).
VALIDATED = NOTEBOOKS if ALL else ["01_conv1d.ipynb"]
RAN = re.compile(r"^\[\d+\]:$")


@pytest.fixture(scope="module")
def student_lab(browser, tmp_path_factory):
    """JupyterLab serving a lone copy of the release folder, as a student unpacks it."""
    home = tmp_path_factory.mktemp("student")
    folder = home / ASSIGNMENT
    shutil.copytree(RELEASE, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    server = labdriver.JupyterServer(folder, folder, tmp_path_factory.mktemp("student-jupyter"), lone_kernel=True)
    yield server, folder
    server.stop()


@pytest.fixture
def lab(student_lab):
    server, folder = student_lab
    yield server, folder
    server.close_sessions()


@pytest.fixture(scope="module")
def timings(tmp_path_factory):
    """Seconds from Run All to idle, per notebook and run; written and printed when the module ends."""
    table = {}
    yield table
    path = tmp_path_factory.getbasetemp() / "browser-timings.json"
    path.write_text(json.dumps(table, indent=1))
    lines = [f"{'notebook':26} {'run':7} {'Run All s':>9} {'images':>6} {'figure cells':>12} "
             f"{'of them not written':>19} {'not written lines':>17} {'Validate s':>10}"]
    for name, runs in sorted(table.items()):
        for run, row in runs.items():
            lines.append(f"{name:26} {run:7} {row['seconds']:9.1f} {row['images']:6d} {row['figure_cells']:12d} "
                         f"{row['figure_cells_not_written']:19d} {row['not_written_lines']:17d} "
                         f"{row.get('validate_seconds', float('nan')):10.1f}")
    print("\n" + "\n".join(lines) + f"\n(written to {path})")


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """Where the pictures of the figure cells go."""
    return tmp_path_factory.getbasetemp() / "figures"


def _ran_every_code_cell(cells):
    unrun = [i for i, cell in enumerate(cells) if cell["code"] and not RAN.match(cell["prompt"])]
    assert not unrun, f"Run All did not run cells {unrun} (prompts {[cells[i]['prompt'] for i in unrun]})"


def _says_not_written(cell):
    return any(labdriver.NOT_WRITTEN in out["text"] for out in cell["outputs"])


def _drew_every_figure(cells, path, fresh=False):
    """Every cell that calls a figure helper shows an image; on the fresh release, a figure of the
    student's own results (the tiny CNN's training) may say instead that its function is not written yet."""
    figures = labdriver.figure_cells(path)
    assert figures, f"{path.name} draws no figure: has the figure call style changed?"
    missing = [i for i in figures if not labdriver.images(cells[i]) and not (fresh and _says_not_written(cells[i]))]
    assert not missing, f"cells {missing} call a figure helper but show no image"
    broken = [(i, image) for i, cell in enumerate(cells) for image in labdriver.images(cell) if not image["loaded"]]
    assert not broken, f"images that did not render: {broken}"
    return {"images": sum(len(labdriver.images(cell)) for cell in cells), "figure_cells": len(figures),
            "figure_cells_not_written": sum(1 for i in figures if not labdriver.images(cells[i])),
            "not_written_lines": sum(out["text"].count(labdriver.NOT_WRITTEN) for c in cells for out in c["outputs"])}


def _nothing_cut_off(cells):
    wide = [(i, out["text"][:80]) for i, cell in enumerate(cells) for out in cell["outputs"] if out["scrolls"]]
    assert not wide, f"outputs wider than the notebook (their ends are out of sight): {wide}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_fresh_release_runs_to_the_end(name, lab, page, timings, figures):
    """Does Run All on the fresh release run every cell, draw every figure, and say only 'not written yet'?"""
    server, folder = lab
    notebook = labdriver.Notebook(server, page, name)
    seconds = notebook.run_all()
    cells = notebook.cells()
    _ran_every_code_cell(cells)
    seen = _drew_every_figure(cells, folder / name, fresh=True)
    notebook.screenshot_cells(labdriver.figure_cells(folder / name), figures, f"fresh-{name[:2]}")
    timings.setdefault(name, {})["fresh"] = dict(seen, seconds=seconds)

    errors = [(i, text) for i, cell in enumerate(cells) for text in labdriver.error_texts(cell)]
    unexpected = [(i, line) for i, text in errors for line in text.splitlines()
                  if line.strip() and labdriver.NOT_WRITTEN not in line]
    assert not unexpected, f"errors other than 'not written yet': {unexpected}"
    said = [line for cell in cells for out in cell["outputs"] for line in out["text"].splitlines()
            if labdriver.NOT_WRITTEN in line]
    for _, function in labdriver.solution_cells(folder / name):
        assert any(function in line for line in said), f"no check says that {function} is {labdriver.NOT_WRITTEN}"
    _nothing_cut_off(cells)


def test_validate_fails_on_an_untouched_notebook(lab, page):
    """Does nbgrader's Validate fail on an untouched notebook, saying the function is not written yet?"""
    server, folder = lab
    notebook = labdriver.Notebook(server, page, "01_conv1d.ipynb")
    result = notebook.validate()
    assert "Success" not in result, result
    assert "failed" in result, result
    assert labdriver.NOT_WRITTEN in result, result
    notebook.close_dialog()


@pytest.mark.parametrize("name", SOLVED)
def test_correct_code_passes_the_checks_and_validate(name, lab, page, timings, figures):
    """With correct loop code typed into the solution cells, does Run All pass every check, and Validate succeed?"""
    server, folder = lab
    notebook = labdriver.Notebook(server, page, name)
    functions = labdriver.solution_cells(folder / name)
    assert functions, f"{name} has no solution cell"
    for index, function in functions:
        notebook.type_into_cell(index, labdriver.correct_code(function))
    notebook.save()
    saved = labdriver.notebook_cells(folder / name)
    for index, function in functions:
        assert saved[index].source == labdriver.correct_code(function), f"the typed {function} was not saved as typed"

    seconds = notebook.run_all()
    cells = notebook.cells()
    _ran_every_code_cell(cells)
    seen = _drew_every_figure(cells, folder / name)
    errors = [(i, text) for i, cell in enumerate(cells) for text in labdriver.error_texts(cell)]
    assert not errors, f"checks that failed on correct code: {errors}"
    assert not any(labdriver.NOT_WRITTEN in out["text"] for cell in cells for out in cell["outputs"])
    _nothing_cut_off(cells)
    row = timings.setdefault(name, {})["solved"] = dict(seen, seconds=seconds)
    notebook.screenshot_cells(labdriver.figure_cells(folder / name), figures, f"solved-{name[:2]}")
    if name not in VALIDATED:
        return

    started = time.perf_counter()
    result = notebook.validate()
    row["validate_seconds"] = time.perf_counter() - started
    assert "Success! Your notebook passes all the tests." in result, result
    notebook.close_dialog()


def test_a_wrong_dx_is_named_and_run_all_goes_on(lab, page, figures):
    """With dx written without the 180-degree rotation in 02, does Run All go on to the end, the failing checks
    name that misconception and draw the difference, the gradient check and every later figure show, no NumPy
    traceback appears, and Validate fail the notebook?"""
    from autograder.course.demo_class import function_source
    from autograder.engine.misconceptions import CATALOGUE

    server, folder = lab
    name = "02_conv2d.ipynb"
    notebook = labdriver.Notebook(server, page, name)
    functions = dict((function, index) for index, function in labdriver.solution_cells(folder / name))
    notebook.type_into_cell(functions["conv2d_forward"], labdriver.correct_code("conv2d_forward"))
    notebook.type_into_cell(functions["conv2d_backward"], function_source("bug_dx_not_rotated", "conv2d_backward"))
    notebook.save()
    notebook.run_all()
    cells = notebook.cells()
    _ran_every_code_cell(cells)
    _drew_every_figure(cells, folder / name)   # every lesson figure, before and after the failing checks

    source = labdriver.notebook_cells(folder / name)
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id", "") for cell in source]
    words = next(idea.message for idea in CATALOGUE if idea.id == "dx_kernel_not_rotated")
    text = lambda index: "\n".join(out["text"] for out in cells[index]["outputs"])  # noqa: E731
    hand = ids.index("code-check-backward-example")
    assert f"Why: {words}" in text(hand), text(hand)
    assert labdriver.images(cells[hand]), "the hand-worked check draws yours, expected and the difference"
    assert f"Why: {words}" in text(ids.index("test-2d-dx"))
    assert "Why" not in text(ids.index("test-2d-dw")) and "Why" not in text(ids.index("test-2d-forward"))
    notebook.screenshot_cells([hand, ids.index("code-check-backward-gradcheck"), ids.index("code-probe-conv2d_backward")],
                              figures, "wrong-dx-02")
    gradient_check = text(ids.index("code-check-backward-gradcheck"))
    assert "dx disagrees with the numerical gradient: relative error" in gradient_check, gradient_check
    assert f"Why (dx): {words}" in gradient_check
    everything = "\n".join(out["text"] for cell in cells for out in cell["outputs"])
    assert "Traceback" not in everything and "numpy/testing" not in everything and "AssertionError" not in everything

    result = notebook.validate()
    assert "Success" not in result and "failed" in result, result
    assert words[:40] in result, "Validate's dialog shows the failing cell's message"
    notebook.close_dialog()
