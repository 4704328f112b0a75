"""The steps the course's nbgrader config adds to nbgrader's autograde pipeline (unit level; the
real pipeline runs in tests/notebooks)."""

from autograder.engine.check import PartResult
from autograder.pipeline.engine_grades import SafeExecute, results_entry


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
