"""The steps the course's nbgrader config adds to nbgrader's autograde pipeline (unit level; the
real pipeline runs in tests/notebooks)."""
import json

import nbformat
import pytest

from autograder.engine.check import PartResult
from autograder.pipeline.engine_grades import EngineGrades, SafeExecute, results_entry
from autograder.spec.parts import PARTS, grade_id

NAME = "02_conv2d.ipynb"


def _precomputed(tmp_path, monkeypatch):
    """Results for notebook 02 as grade-class hands them to EngineGrades: 1 point and a line per output."""
    entries = {output: {"points": 1.0, "feedback": [f"about {output}"]} for output in PARTS["2d"].outputs}
    path = tmp_path / "results.json"
    path.write_text(json.dumps({NAME: {"2d": entries}}))
    monkeypatch.setenv("CONVKIT_PRECOMPUTED", str(path))


def _notebook(outputs):
    cells = [nbformat.v4.new_code_cell("def conv2d_forward(x, w, b): ...")]
    for output in outputs:
        cell = nbformat.v4.new_code_cell("# hidden test")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id("2d", output), "locked": True,
                                     "points": 4.5, "solution": False, "schema_version": 3}
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_every_hidden_test_cell_gets_its_points_and_feedback(tmp_path, monkeypatch):
    """Does each hidden test cell show its own output's feedback and points, whatever it printed before?"""
    _precomputed(tmp_path, monkeypatch)
    notebook = _notebook(PARTS["2d"].outputs)
    notebook.cells[1].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "100.0"})]
    graded, _ = EngineGrades().preprocess(notebook, {"unique_key": NAME[:-6]})
    for cell, output in zip(graded.cells[1:], PARTS["2d"].outputs):
        assert [o.get("text") for o in cell.outputs] == [f"about {output}\n", None]
        assert cell.outputs[-1].data["text/plain"] == "1.0"


def test_what_the_visible_part_printed_or_raised_never_changes_the_engine_grade(tmp_path, monkeypatch):
    """When a grade cell's visible part wrote to stderr or raised in the kernel (which nbgrader's determine_grade
    scores 0), does nbgrader score each cell exactly the engine's points, full or partial, after EngineGrades?"""
    from nbgrader.utils import determine_grade

    points = {"forward": 4.5, "dx": 2.25, "dw": 0.0, "db": 1.5}   # full, partial, none, full
    path = tmp_path / "results.json"
    path.write_text(json.dumps({NAME: {"2d": {output: {"points": value, "feedback": []}
                                              for output, value in points.items()}}}))
    monkeypatch.setenv("CONVKIT_PRECOMPUTED", str(path))
    notebook = _notebook(PARTS["2d"].outputs)
    notebook.cells[4].metadata["nbgrader"]["points"] = 1.5
    left_by_the_kernel = [
        [nbformat.v4.new_output("stream", name="stderr", text="conv2d_forward is not written yet: ...\n")],
        [nbformat.v4.new_output("error", ename="AssertionError", evalue="dx should match Step 4", traceback=[])],
        [nbformat.v4.new_output("stream", name="stdout", text="worked example OK\n"),
         nbformat.v4.new_output("execute_result", data={"text/plain": "4.5"}, execution_count=3)],
        [nbformat.v4.new_output("stream", name="stderr", text="conv2d_backward is not written yet: ...\n"),
         nbformat.v4.new_output("error", ename="NameError", evalue="x_demo", traceback=[])],
    ]
    for cell, outputs in zip(notebook.cells[1:], left_by_the_kernel):
        cell.outputs = outputs
    graded, _ = EngineGrades().preprocess(notebook, {"unique_key": NAME[:-6]})
    scored = {output: determine_grade(cell)[0] for cell, output in zip(graded.cells[1:], PARTS["2d"].outputs)}
    assert scored == pytest.approx(points)


def test_a_missing_hidden_test_cell_says_that_restoring_the_metadata_must_come_first(tmp_path, monkeypatch):
    """Does a notebook lacking a hidden test cell (RestoreCellMetadata left out) stop with words that say so?"""
    _precomputed(tmp_path, monkeypatch)
    notebook = _notebook([output for output in PARTS["2d"].outputs if output != "dx"])
    with pytest.raises(RuntimeError, match="test-2d-dx.*RestoreCellMetadata"):
        EngineGrades().preprocess(notebook, {"unique_key": NAME[:-6]})


def test_a_passing_cnn_cell_says_what_accuracy_the_grader_reached():
    """Does the cnn test cell show the grader's accuracy when there is no problem to report?"""
    result = PartResult("cnn", 20.0, 20.0)
    result.outputs["accuracy"] = 0.939
    entry = results_entry(result, "accuracy")
    assert entry["points"] == 20.0
    assert entry["feedback"] == ["The tiny CNN trained with your layer reaches 93.9% held-out accuracy "
                                 "(full marks from 92%)."]


def test_endless_output_is_cut_at_the_cell_limit(monkeypatch):
    """Does a cell keep at most CONVKIT_CELL_OUTPUT_KB of output, with one note saying the rest was dropped?"""
    monkeypatch.setenv("CONVKIT_CELL_OUTPUT_KB", "10")
    execute = SafeExecute()
    execute.reset_execution_trackers()  # what nbclient does before a run and before a cell
    execute.clear_before_next_output = False
    execute._output_used = {}
    outs = []
    for _ in range(100):
        message = {"msg_type": "stream", "parent_header": {"msg_id": "m"}, "header": {"msg_type": "stream"},
                   "content": {"name": "stdout", "text": "spam" * 250}}
        execute.output(outs, message, None, 0)
    kept = sum(len(out.get("text", "")) for out in outs)
    assert kept < 12 * 1024
    assert sum("the rest of its output was dropped" in out.get("text", "") for out in outs) == 1
