"""What a notebook's checks do when a function is not written yet, or gives a wrong answer.

Every function a student writes starts as a stub that raises
``NotImplementedError``. The cells that call it wrap the call in one of two
context managers of the notebook's :class:`NotebookChecks`, so that "Run
All" runs every cell, draws every figure, and shows every check's verdict::

    checks = NotebookChecks("2d")          # in the notebook's setup cell
    ...
    with checks.skip_if_not_written(conv2d_forward):
        y = conv2d_forward(x_example, w_example, b_example)
        checks.expect_close("forward", y, [[0.0, 5.0, 6.0], [4.0, -1.0, 7.0]], "the hand-worked example")

* :meth:`~NotebookChecks.skip_if_not_written` (the visible checks and the
  figures drawn from the student's results): a function that is not written
  yet prints one line to stdout.
* :meth:`~NotebookChecks.fail_if_not_written` (the visible part of an
  autograded cell) writes that line to stderr instead: nbgrader's Validate,
  and ``python -m convkit.validate`` (:mod:`convkit.validate`), count a grade
  cell with stderr output as failed.

Either way a wrong answer does not stop the notebook: the block ends, and one
short message goes to stderr (so Validate still fails the cell) saying what
was checked, what came back beside what was expected, and why: the
catalogued misconception that gives exactly the student's answers on the
notebook's visible inputs (:mod:`convkit.diagnosis`), or else what the wrong
entries share (the words are :mod:`convkit.verdicts`'). A hand-worked
check also draws the two arrays and their difference. An error raised inside the student's own code shows its
traceback, trimmed to the student's lines, and the notebook goes on too, as
it does when the check cannot use what the student's code returned (two
values where three are due); only a name not defined (a cell above was not
run) stops the cell as usual.

Only a ``NotImplementedError`` raised by the code of one of the named
functions itself (the stub's ``raise``) counts as "not written yet".
"""
import contextlib
import sys

import numpy as np

from convkit import diagnosis, verdicts
from convkit.tolerance import FLOAT64_TOL, error_measure


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


# --- A wrong answer -----------------------------------------------------------------

class CheckFailed(AssertionError):
    """A visible check's wrong answer, with what the message and the figure need."""

    def __init__(self, output, actual, expected, what, advice="", figure=True):
        self.output, self.actual, self.expected = output, actual, expected
        self.what, self.advice, self.figure = what, advice, figure
        super().__init__(f"{what}: {verdicts.label(output)} is wrong. {advice}".strip())


def expect_close(output, actual, expected, what, advice="", figure=True):
    """Check one output against the expected values; raise :class:`CheckFailed` when it differs.

    Parameters
    ----------
    output : str
        "forward", "dx", "dw" or "db": which output of the layer is checked.
    actual : array_like
        The student's answer.
    expected : array_like
        The right answer, worked out by hand in the notebook.
    what : str
        What was checked, e.g. "the hand-worked example of Step 2".
    advice : str, optional
        What to look at, said when no known mistake explains the answer.
    figure : bool
        Draw the student's array, the expected one and their difference when it differs.

    The answer counts as right at float64 precision (:data:`convkit.tolerance.FLOAT64_TOL`).
    """
    try:
        mine = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(output, actual, expected, what, advice, figure=False) from None
    right = np.asarray(expected, dtype=float)
    if mine.size == 1 and right.size == 1:
        mine = mine.reshape(right.shape)
    if mine.shape != right.shape or error_measure(mine, right) > FLOAT64_TOL:
        raise CheckFailed(output, actual, expected, what, advice, figure)


# --- The context managers ----------------------------------------------------------------

@contextlib.contextmanager
def _checking(functions, unable, stream_name, part):
    """Run a check's block: say "not written yet" on ``sys.<stream_name>``, a failure on stderr, and go on."""
    try:
        yield
    except Exception as error:
        raiser = unwritten_function(error, functions)
        if raiser is not None:
            print(not_written_line(raiser.__name__, unable), file=getattr(sys, stream_name))
            return
        if isinstance(error, CheckFailed):
            block, drawable = verdicts.failure_block(error, functions, part)
            print(block, file=sys.stderr)
            if drawable:
                from convkit.figures.difference import difference_figure
                mine = np.asarray(error.actual, dtype=float)
                difference_figure(mine.reshape(np.shape(error.expected)), error.expected, verdicts.label(error.output),
                                  verdicts.axes_of(part, error.output, np.ndim(error.expected)))
            return
        if isinstance(error, AssertionError):
            print(verdicts.assertion_block(error, functions, part), file=sys.stderr)
            return
        block = verdicts.error_block(error, functions, part)
        if block is None:
            raise
        print(block, file=sys.stderr)


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
        :func:`not_written_line` to stdout; a wrong answer or an error in
        the student's code is said on stderr (see the module's docstring),
        without naming a misconception (that needs :class:`NotebookChecks`).
    """
    return _checking(functions, unable, "stdout", None)


def fail_if_not_written(*functions, unable=None):
    """Like :func:`skip_if_not_written`, but the line goes to stderr: the grade cell fails Validate.

    nbgrader (``nbgrader.utils.determine_grade``) scores a grade cell with
    stderr output as failed, so Validate reports the cell, while the
    notebook goes on running, as with :func:`skip_if_not_written`.
    """
    return _checking(functions, unable, "stderr", None)


class NotebookChecks:
    """The checks of one notebook, which name the mistake behind a wrong answer as the grader does.

    Parameters
    ----------
    part : str
        The part the notebook teaches: "1d", "2d", "stride", "chw" or "batch".
    """

    def __init__(self, part):
        self.part = part

    def skip_if_not_written(self, *functions, unable=None):
        """:func:`skip_if_not_written`, naming the misconception behind a wrong answer."""
        return _checking(functions, unable, "stdout", self.part)

    def fail_if_not_written(self, *functions, unable=None):
        """:func:`fail_if_not_written`, naming the misconception behind a wrong answer."""
        return _checking(functions, unable, "stderr", self.part)

    expect_close = staticmethod(expect_close)

    def probe(self, function):
        """Run ``function`` on the part's probe inputs (and its hand-worked examples); say what is wrong.

        The probes are small inputs chosen so that every catalogued mistake
        of this part gives a different answer on them: a failing output is
        named when one mistake explains all of its answers.

        Parameters
        ----------
        function : callable
            The student's forward or backward function of this part.

        Returns
        -------
        bool
            True when every output is right on every input.
        """
        data = diagnosis.part_data(self.part)
        kind = verdicts.kind_of(function, data)
        runs = diagnosis.run_on_visible_inputs(self.part, function, kind)
        outputs = diagnosis.OUTPUTS_OF[kind]
        fine = True
        for output in outputs:
            if diagnosis.right_on_every_input(self.part, output, runs):
                continue
            fine = False
            print(verdicts.probe_block(self.part, output, runs, data), file=sys.stderr)
        if fine:
            print(f"✓ {function.__name__} is right on all {len(runs)} visible inputs: "
                  + "; ".join(f"{inputs['name']} ({inputs['text']})" for inputs in data["inputs"]) + ".")
        return fine
