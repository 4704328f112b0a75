"""What a notebook's checks do while a function is not written yet.

Every function a student writes starts as a stub that raises
``NotImplementedError``. The cells that call it wrap the call in one of two
context managers, so that "Run All" on a fresh notebook still runs every
lesson cell and draws every figure, and each cell that needs an unwritten
function says so in one line::

    with skip_if_not_written(conv1d_forward):
        y = conv1d_forward(x_example, w_example, b_example)
        np.testing.assert_allclose(y, [1.0, 4.0, 5.0], err_msg="...")

* :func:`skip_if_not_written` (the visible checks and the figures drawn from
  the student's results) prints the line and lets the notebook go on.
* :func:`fail_if_not_written` (the visible part of an autograded cell)
  writes the line to stderr instead: nbgrader's Validate, and
  ``python -m convkit.validate`` (:mod:`convkit.validate`), count a grade
  cell with stderr output as failed, and the notebook still goes on.

Only a ``NotImplementedError`` raised by the code of one of the named
functions itself (the stub's ``raise``) counts as "not written yet". A wrong answer (an
``AssertionError`` with the check's message) or any other error propagates
unchanged: it fails loudly, as it should.
"""
import contextlib
import sys


def not_written_line(name, unable=None):
    """The one line that says a function is not written yet.

    Parameters
    ----------
    name : str
        The function's name, e.g. ``"conv1d_forward"``.
    unable : str, optional
        What cannot happen until it is written, e.g. ``"the tiny CNN cannot
        train"``; added after "so".

    Returns
    -------
    line : str
        One line, without a newline.
    """
    consequence = f", so {unable}" if unable else ""
    return f"{name} is not written yet{consequence}: write it in its cell above, then run this cell again."


def unwritten_function(error, functions):
    """The function among ``functions`` whose own code raised ``error`` as a stub does, or None.

    Parameters
    ----------
    error : BaseException
        A raised exception, with its traceback.
    functions : sequence of callables
        The student's functions that the cell calls.

    Returns
    -------
    function : callable or None
        The function of ``functions`` whose own code raised ``error`` (the
        last frame of its traceback), when ``error`` is a
        ``NotImplementedError``; None for any other error, or one raised by
        other code, even when called from one of ``functions`` (a library,
        another function of the notebook).
    """
    if not isinstance(error, NotImplementedError) or error.__traceback__ is None:
        return None
    frame = error.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    by_code = {function.__code__: function for function in functions if hasattr(function, "__code__")}
    return by_code.get(frame.tb_frame.f_code)


@contextlib.contextmanager
def _report_unwritten(functions, unable, stream_name):
    """Leave the block at a stub's NotImplementedError, printing the line to ``sys.<stream_name>``."""
    try:
        yield
    except NotImplementedError as error:
        raiser = unwritten_function(error, functions)
        if raiser is None:
            raise
        print(not_written_line(raiser.__name__, unable), file=getattr(sys, stream_name))


def skip_if_not_written(*functions, unable=None):
    """Run the block; if one of ``functions`` is still a stub, print one line instead of failing.

    Parameters
    ----------
    *functions : callables
        The student's functions the block calls.
    unable : str, optional
        What cannot happen until the function is written (e.g. ``"its loss
        curves cannot be drawn"``), said in the same line.

    Returns
    -------
    context manager
        Leaves the block at the stub's ``NotImplementedError`` and prints
        :func:`not_written_line` to stdout; any other error propagates.
    """
    return _report_unwritten(functions, unable, "stdout")


def fail_if_not_written(*functions, unable=None):
    """Like :func:`skip_if_not_written`, but the line goes to stderr: the grade cell fails Validate.

    nbgrader (``nbgrader.utils.determine_grade``) scores a grade cell with
    stderr output as failed, so Validate reports the cell, while the
    notebook goes on running, as with :func:`skip_if_not_written`.

    Parameters
    ----------
    *functions : callables
        The student's functions the block calls.
    unable : str, optional
        What cannot happen until the function is written, said in the same line.

    Returns
    -------
    context manager
        Leaves the block at the stub's ``NotImplementedError`` and writes
        :func:`not_written_line` to stderr; any other error propagates.
    """
    return _report_unwritten(functions, unable, "stderr")
