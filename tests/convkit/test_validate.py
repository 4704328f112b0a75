"""convkit.validate: nbgrader's Validate for students without nbgrader."""
import subprocess
import sys

import nbformat
import pytest

from convkit.validate import SUCCESS, failed_cells, report


def _grade_cell(grade_id, source, points=2.0):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False}
    return cell


def _stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_a_grade_cell_with_stderr_an_error_or_a_low_score_fails():
    """Does failed_cells name exactly the grade cells nbgrader counts as failed, with what they said?"""
    quiet = _grade_cell("test-quiet", "pass")
    printing = _grade_cell("test-printing", "print('fine')")
    printing.outputs = [_stream("stdout", "fine\n")]
    unwritten = _grade_cell("test-unwritten", "...")
    unwritten.outputs = [_stream("stderr", "conv1d_forward is not written yet: write it ...\n")]
    wrong = _grade_cell("test-wrong", "...", points=4.5)
    wrong.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="\x1b[0;31mdw should be\x1b[0m",
                                            traceback=[])]
    partial = _grade_cell("test-partial", "...", points=3.0)
    partial.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1.5"}, execution_count=1)]
    full = _grade_cell("test-full", "...", points=3.0)
    full.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "3.0"}, execution_count=1)]
    lesson = nbformat.v4.new_code_cell("1 / 0")   # not autograded: nbgrader's Validate does not look at it
    lesson.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])]
    notebook = nbformat.v4.new_notebook(cells=[quiet, printing, unwritten, wrong, partial, full, lesson])

    failed = failed_cells(notebook)
    assert [(cell.grade_id, cell.points) for cell in failed] == [
        ("test-unwritten", 2.0), ("test-wrong", 4.5), ("test-partial", 3.0)]
    assert failed[0].message == "conv1d_forward is not written yet: write it ..."
    assert failed[1].message == "AssertionError: dw should be"
    assert failed[2].message == "partial credit: 1.5 of 3 points"
    lines = report("01_conv1d.ipynb", failed)
    assert lines[0].startswith("01_conv1d.ipynb: 3 autograded cells failed")
    assert "  test-wrong (4.5 points):" in lines and "    AssertionError: dw should be" in lines
    assert report("01_conv1d.ipynb", []) == [f"01_conv1d.ipynb: {SUCCESS}"]


def _run(folder, *names):
    return subprocess.run([sys.executable, "-m", "convkit.validate", *names], cwd=folder,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_command_runs_the_notebook_and_names_the_failed_cells(tmp_path):
    """Does `python -m convkit.validate` run a notebook, exit 1 naming each failed autograded cell, and exit 0
    with the success line once they pass, without changing the file?"""
    setup = nbformat.v4.new_code_cell("import sys\nanswer = None")
    checked = _grade_cell("test-answer", "assert answer == 42, f'answer is {answer}, not 42'")
    reported = _grade_cell("test-reported", "if answer is None:\n    print('answer is not written yet', file=sys.stderr)")
    after = _grade_cell("test-after", "print('the notebook went on')")
    failing = tmp_path / "failing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[setup, checked, reported, after]), str(failing))
    before = failing.read_text()

    done = _run(tmp_path, "failing.ipynb")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "failing.ipynb: 2 autograded cells failed (Validate fails while a cell's visible check fails):",
        "  test-answer (2 points):",
        "    AssertionError: answer is None, not 42",
        "  test-reported (2 points):",
        "    answer is not written yet"]
    assert failing.read_text() == before

    setup.source = "import sys\nanswer = 42"
    nbformat.write(nbformat.v4.new_notebook(cells=[setup, checked, reported, after]), str(tmp_path / "passing.ipynb"))
    done = _run(tmp_path, "passing.ipynb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"passing.ipynb: {SUCCESS}"]
