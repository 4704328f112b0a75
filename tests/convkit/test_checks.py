"""convkit.checks: a stub's NotImplementedError becomes one line; a wrong answer or an error in the
student's code becomes one message on stderr and the notebook goes on; an error in the check itself stays loud."""
import numpy as np
import pytest

from convkit.checks import fail_if_not_written, not_written_line, skip_if_not_written, unwritten_function


def conv1d_forward(x, w, b):
    """The release's stub, as nbgrader writes it."""
    # YOUR CODE HERE
    raise NotImplementedError()


def conv1d_backward(dy, x, w):
    """A written function that is wrong on the worked example."""
    return np.zeros_like(x), np.zeros_like(w), 0.0


def train(forward, x):
    """Library code between the notebook and the student's function, like tiny_cnn.train."""
    return forward(x, np.ones(3), 0.0)


def test_a_stub_prints_one_line_and_the_cell_goes_on(capsys):
    """Does a check that calls a stub print exactly the one "not written yet" line, and run the code after it?"""
    with skip_if_not_written(conv1d_forward):
        conv1d_forward(np.ones(5), np.ones(3), 0.0)
        raise AssertionError("the block must stop at the stub")
    after_the_block = True
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "conv1d_forward is not written yet: write it in its cell above, then run this cell again."]
    assert captured.err == "" and after_the_block


def test_the_stub_is_found_under_library_code(capsys):
    """When the stub is called from deeper code (the tiny CNN's training), is the stub still named?"""
    with skip_if_not_written(conv1d_backward, conv1d_forward, unable="the tiny CNN cannot train"):
        train(conv1d_forward, np.ones(5))
    assert capsys.readouterr().out == (
        "conv1d_forward is not written yet, so the tiny CNN cannot train: "
        "write it in its cell above, then run this cell again.\n")


def test_a_wrong_answer_is_said_on_stderr_and_the_cell_goes_on(capsys):
    """Does a failed assertion about a written but wrong function end the block with its message on stderr,
    with no traceback, and let the code after the block run?"""
    with skip_if_not_written(conv1d_backward):
        _, dw, _ = conv1d_backward(np.ones(3), np.ones(5), np.ones(3))
        np.testing.assert_allclose(dw, [5.0, 3.0, -5.0], err_msg="dw should be (5, 3, -5)")
        raise RuntimeError("the block must stop at the failed check")
    after_the_block = True
    captured = capsys.readouterr()
    assert captured.out == "" and after_the_block
    assert "dw should be (5, 3, -5)" in captured.err
    assert "Traceback" not in captured.err and "numpy" not in captured.err and "Mismatched" not in captured.err


def test_not_implemented_elsewhere_is_not_taken_for_a_stub(capsys):
    """Is a NotImplementedError raised by code other than the named functions said as the error it is, never
    as "not written yet"?"""
    with skip_if_not_written(conv1d_forward):
        raise NotImplementedError("a library's own")
    captured = capsys.readouterr()
    assert "not written yet" not in captured.out + captured.err
    assert "NotImplementedError: a library's own" in captured.err


def test_a_name_not_defined_in_the_check_propagates():
    """Does a NameError in the check's own lines (a cell above was not run) stop the cell as usual?"""
    with pytest.raises(NameError):
        with skip_if_not_written(conv1d_forward):
            x_never_defined  # noqa: B018, F821


def test_a_return_value_the_check_cannot_use_is_said_and_the_cell_goes_on(capsys):
    """When the check cannot use what the student's function returned (two values where three are due), is the
    error said on stderr with the check's line, and does the notebook go on?"""
    def conv1d_backward(dy, x, w):
        return np.zeros_like(x), np.zeros_like(w)

    with skip_if_not_written(conv1d_backward):
        dx, dw, db = conv1d_backward(np.ones(3), np.ones(5), np.ones(3))
    after_the_block = True
    err = capsys.readouterr().err
    assert after_the_block
    assert err.startswith("✗ The check could not use what your code returned: ValueError: not enough values to unpack")
    assert "in the check, line" in err and "dx, dw, db = conv1d_backward" in err and "Traceback" not in err


def test_an_error_in_the_students_code_shows_the_students_lines_and_goes_on(capsys):
    """Does an error raised inside the student's function print its type, message and the student's own lines
    (not NumPy's, not the kit's) to stderr, and let the notebook go on?"""
    def conv1d_forward(x, w, b):
        window = x[10]  # the student's bug
        return window

    with skip_if_not_written(conv1d_forward):
        conv1d_forward(np.ones(5), np.ones(3), 0.0)
    after_the_block = True
    err = capsys.readouterr().err
    assert after_the_block and err.startswith("✗ Your code raised IndexError: index 10 is out of bounds")
    assert "in conv1d_forward, line" in err and "window = x[10]" in err
    assert "convkit" not in err and "Traceback" not in err


def test_an_autograded_cell_reports_the_stub_on_stderr(capsys):
    """Does fail_if_not_written write the one line to stderr (which nbgrader's Validate counts as a failure)?"""
    with fail_if_not_written(conv1d_forward):
        conv1d_forward(np.ones(5), np.ones(3), 0.0)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == not_written_line("conv1d_forward") + "\n"


def test_unwritten_function_names_the_function_whose_own_code_raised():
    """Is the function named the one whose own code raised, and not one that merely called it?"""
    def conv_forward(x):
        return conv_backward(x)

    def conv_backward(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError) as raised:
        conv_forward(1.0)
    assert unwritten_function(raised.value, [conv_forward, conv_backward]) is conv_backward
    assert unwritten_function(raised.value, [conv_forward]) is None
    assert unwritten_function(ValueError(), [conv_forward]) is None


def test_not_implemented_from_a_library_inside_the_function_is_the_students_error(capsys):
    """Is a NotImplementedError that a library raises inside a written function shown as an error of the
    student's code, and not taken for "not written yet"?"""
    def conv_forward(x):
        return library_call(x)

    def library_call(x):
        raise NotImplementedError("this mode is not supported")

    with skip_if_not_written(conv_forward):
        conv_forward(1.0)
    captured = capsys.readouterr()
    assert "not written yet" not in captured.out + captured.err
    assert "raised NotImplementedError: this mode is not supported" in captured.err
