"""The cnn part's feedback says what the student's layer did, never a guess that
the other parts contradict, and never an error of the kit's own layers."""
import shutil

import pytest

from autograder.engine.grade import grade

HONEST = "from honest_loops import *  # noqa: F401,F403\nimport honest_loops\n"


def _grade_cnn(tmp_path, students, code):
    shutil.copy(students / "honest_loops.py", tmp_path / "honest_loops.py")
    path = tmp_path / "layer.py"
    path.write_text(HONEST + code)
    report, results = grade(path, seed=4, parts=["batch", "cnn"], part_timeout=20)
    return report["parts"]["cnn"], results


def test_a_forward_of_the_wrong_size_is_named_with_both_shapes(tmp_path, students):
    """Does a forward that drops the padding hear its own shape and the one needed, with no error of the kit's layers?"""
    code = ("def conv_forward(x, w, b, stride=1, pad=0):\n"
            "    return honest_loops.conv_forward(x, w, b, stride, 0)\n")
    cnn, _ = _grade_cnn(tmp_path, students, code)
    text = " ".join(cnn["feedback"])
    assert cnn["score"] == 0.0
    assert "conv_forward returned an output of shape (16, 4, 6, 6) where (16, 4, 8, 8) was needed" in text
    assert "matmul" not in text and "affine" not in text


def test_an_exception_in_the_students_backward_is_quoted_with_the_students_line(tmp_path, students):
    """Does a backward that raises during training name conv_backward and quote its line?"""
    code = ("def conv_backward(dout, x, w, stride=1, pad=0):\n"
            "    if x.shape[0] == 16:\n"
            "        raise ValueError('batch of sixteen')\n"
            "    return honest_loops.conv_backward(dout, x, w, stride, pad)\n")
    cnn, results = _grade_cnn(tmp_path, students, code)
    text = " ".join(cnn["feedback"])
    assert "conv_backward raised ValueError: batch of sixteen" in text and "raise ValueError" in text
    assert results["cnn"].troubles == {"accuracy": "ValueError"}  # for the class report


@pytest.mark.slow
def test_a_backward_that_steps_w_in_place_is_told_so_not_to_check_dw(tmp_path, students):
    """Is a backward that updates w in place told that it changes w, rather than to check its right dw and db?"""
    code = ("def conv_backward(dout, x, w, stride=1, pad=0):\n"
            "    dx, dw, db = honest_loops.conv_backward(dout, x, w, stride, pad)\n"
            "    w -= 0.5 * dw   # an optimiser step where it does not belong\n"
            "    return dx, dw, db\n")
    cnn, results = _grade_cnn(tmp_path, students, code)
    text = " ".join(cnn["feedback"])
    assert "conv_backward changes its argument w in place" in text
    assert "Check conv_backward's dw and db" not in text
    assert results["batch"].outputs["dw"] < 1.0 or "in place" in " ".join(results["batch"].feedback)


@pytest.mark.slow
@pytest.mark.parametrize("dx", ["dx[..., 1:-1, 1:-1]", "None", "dx * 2"])
def test_a_dx_only_bug_costs_nothing_in_the_cnn_part(tmp_path, students, dx):
    """The tiny CNN's conv layer is its first, so its dx feeds nothing: does a backward whose only fault is dx (the
    wrong shape, missing, wrong values) still earn the cnn part's full marks, its dx graded in the batch part only?"""
    code = ("def conv_backward(dout, x, w, stride=1, pad=0):\n"
            "    dx, dw, db = honest_loops.conv_backward(dout, x, w, stride, pad)\n"
            f"    return {dx}, dw, db\n")
    cnn, results = _grade_cnn(tmp_path, students, code)
    assert cnn["score"] == 20.0, cnn["feedback"]
    assert results["batch"].outputs["dx"] == 0.0
