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
entries share. A hand-worked check also draws the two arrays and their
difference. An error raised inside the student's own code shows its
traceback, trimmed to the student's lines, and the notebook goes on too; an
error in the check itself (a name not defined because a cell above was not
run) stops the cell as usual.

Only a ``NotImplementedError`` raised by the code of one of the named
functions itself (the stub's ``raise``) counts as "not written yet".
"""
import contextlib
import linecache
import os
import sys
from pathlib import Path

import numpy as np

from convkit import diagnosis
from convkit.tolerance import FLOAT32_TOL, FLOAT64_TOL, error_measure


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
        super().__init__(f"{what}: {_label(output)} is wrong. {advice}".strip())


def _label(output):
    return "the forward output" if output == "forward" else output


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


def _autograding():
    # nbgrader's autograde runs the notebook for the grader, whose feedback says why; no need here.
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def _side_by_side(left, right, titles=("yours", "expected")):
    """Two small arrays printed side by side, under their titles, indented."""
    texts = [np.array2string(np.asarray(a), precision=4, suppress_small=True, threshold=60, edgeitems=3,
                             max_line_width=60).splitlines() for a in (left, right)]
    width = max(len(titles[0]), *(len(line) for line in texts[0])) + 4
    rows = [f"{titles[0]:<{width}}{titles[1]}"]
    for k in range(max(len(texts[0]), len(texts[1]))):
        a = texts[0][k] if k < len(texts[0]) else ""
        b = texts[1][k] if k < len(texts[1]) else ""
        rows.append(f"{a:<{width}}{b}")
    return "\n".join("    " + row for row in rows)


def _kind(function, data):
    """"forward" or "backward": which of the part's functions ``function`` is, or None."""
    name = getattr(function, "__name__", "")
    if data is None:
        return None
    return "forward" if name == data["forward"] else "backward" if name == data["backward"] else None


def _named_mistakes(part, functions, outputs):
    """{output: the words of the misconception that gives the student's answers on every visible input}."""
    data = diagnosis.part_data(part) if part else None
    named = {}
    for function in functions:
        kind = _kind(function, data)
        if kind is None:
            continue
        mine = [output for output in (("forward",) if kind == "forward" else ("dx", "dw", "db")) if output in outputs]
        if not mine:
            continue
        runs = diagnosis.run_on_visible_inputs(part, function, kind)
        for output in mine:
            words = diagnosis.name_mistake(part, output, runs)
            if words:
                named[output] = words
    return named


def _axes(part, output, ndim):
    data = diagnosis.part_data(part) if part else None
    if data and len(data["axes"][output]) == ndim:
        return data["axes"][output]
    return ["row", "column"][-ndim:] if ndim <= 2 else [f"axis {k}" for k in range(ndim)]


def _failure_block(failure, functions, part):
    """The message of a :class:`CheckFailed`, and whether its figure can be drawn."""
    mine = np.asarray(failure.actual) if not isinstance(failure.actual, np.ndarray) else failure.actual
    right = np.asarray(failure.expected, dtype=float)
    lines = []
    same_shape = mine.shape == right.shape or (mine.size == 1 and right.size == 1)
    if not np.issubdtype(mine.dtype, np.number):
        lines.append(f"✗ {failure.what}: {_label(failure.output)} came back as {type(failure.actual).__name__}, "
                     f"not an array of numbers.")
    elif not same_shape:
        lines.append(f"✗ {failure.what}: {_label(failure.output)} has shape {mine.shape}, expected {right.shape}.")
    elif error_measure(mine.reshape(right.shape), right) <= FLOAT32_TOL:
        lines.append(f"✗ {failure.what}: {_label(failure.output)} is right only to single (float32) precision. "
                     f"Compute in float64: create arrays with np.zeros(shape) (float64 by default), not dtype=np.float32.")
        return "\n".join(lines), False
    else:
        lines.append(f"✗ {failure.what}: {_label(failure.output)} is wrong.")
        lines.append(_side_by_side(mine.reshape(right.shape), right))
    named = {} if _autograding() else _named_mistakes(part, functions, [failure.output])
    if failure.output in named:
        lines.append(f"  Why: {named[failure.output]}")
    else:
        if same_shape and np.issubdtype(mine.dtype, np.number):
            where = diagnosis.describe_difference(mine.reshape(right.shape), right,
                                                  _axes(part, failure.output, right.ndim))
            if where:
                lines.append(f"  Where: {where}")
        if failure.advice:
            lines.append(f"  Hint: {failure.advice}")
    drawable = (failure.figure and same_shape and np.issubdtype(mine.dtype, np.number) and right.size > 1
                and failure.output != "db" and not _autograding())
    return "\n".join(lines), drawable


def _assertion_block(error, functions, part):
    """The message of a plain failed assert, with the misconceptions the visible inputs show."""
    said = str(error).strip()
    if said.startswith("Not equal to tolerance") or "Mismatched elements" in said:
        said = _numpy_message(said)
    lines = [f"✗ {said}" if said else "✗ A check failed."]
    if not _autograding():
        for output, words in _named_mistakes(part, functions, ("forward", "dx", "dw", "db")).items():
            lines.append(f"  Why ({_label(output)}): {words}")
    return "\n".join(lines)


def _numpy_message(text):
    """The check's own words and the largest difference from NumPy's assert_allclose message."""
    kept = [line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith(("Not equal to tolerance", " x:", " y:", "x:", "y:"))
            and not line.lstrip().startswith(("Mismatched elements", "Max relative difference", "array(", "["))]
    return " ".join(kept)


# --- An error in the student's code ---------------------------------------------------

LIBRARY_FOLDERS = tuple(str(Path(folder).resolve()) for folder in
                        {Path(__file__).parent, Path(np.__file__).parent, Path(sys.prefix), Path(sys.base_prefix)})


def _students_frames(error):
    """The traceback's frames that lie in the student's own code (the notebook's cells), oldest first."""
    frames, tb = [], error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        try:
            resolved = str(Path(filename).resolve())
        except (OSError, ValueError):
            resolved = filename
        if not resolved.startswith(LIBRARY_FOLDERS):
            frames.append((filename, tb.tb_lineno, tb.tb_frame.f_code.co_name))
        tb = tb.tb_next
    return frames


def _error_block(error, functions):
    """A trimmed traceback when ``error`` was raised inside one of ``functions`` (or what they call), else None."""
    codes = {function.__code__ for function in functions if hasattr(function, "__code__")}
    tb, inside = error.__traceback__, False
    while tb is not None:
        inside = inside or tb.tb_frame.f_code in codes
        tb = tb.tb_next
    if not inside:
        return None
    lines = [f"✗ Your code raised {type(error).__name__}: {error}"]
    for filename, line_number, name in _students_frames(error)[1:]:
        code = linecache.getline(filename, line_number).strip()
        where = "in the cell" if name == "<module>" else f"in {name}"
        lines.append(f"    {where}, line {line_number}: {code}")
    return "\n".join(lines)


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
            block, drawable = _failure_block(error, functions, part)
            print(block, file=sys.stderr)
            if drawable:
                from convkit.figures.difference import difference_figure
                mine = np.asarray(error.actual, dtype=float)
                difference_figure(mine.reshape(np.shape(error.expected)), error.expected, _label(error.output),
                                  _axes(part, error.output, np.ndim(error.expected)))
            return
        if isinstance(error, AssertionError):
            print(_assertion_block(error, functions, part), file=sys.stderr)
            return
        block = _error_block(error, functions)
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
        kind = _kind(function, data)
        runs = diagnosis.run_on_visible_inputs(self.part, function, kind)
        outputs = ("forward",) if kind == "forward" else ("dx", "dw", "db")
        fine = True
        for output in outputs:
            if diagnosis.right_on_every_input(self.part, output, runs):
                continue
            fine = False
            print(self._probe_block(output, runs, data), file=sys.stderr)
        if fine:
            print(f"✓ {function.__name__} is right on all {len(runs)} visible inputs: "
                  + "; ".join(f"{inputs['name']} ({inputs['text']})" for inputs in data["inputs"]) + ".")
        return fine

    def _probe_block(self, output, runs, data):
        rights = data["right"][output]
        failing = []
        for run, right, inputs in zip(runs, rights, data["inputs"]):
            answer = run.outputs.get(output)
            if answer is None or np.shape(answer) != np.shape(right) or error_measure(answer, right) > FLOAT64_TOL:
                failing.append((run, right, inputs))
        names = ", ".join(f"{inputs['name']} ({inputs['text']})" for _, _, inputs in failing)
        lines = [f"✗ {_label(output)} is wrong on {len(failing)} of {len(runs)} visible inputs: {names}."]
        run, right, inputs = failing[0]
        if run.error:
            lines.append(f"  On {inputs['name']} it raised {run.error}")
            return "\n".join(lines)
        answer = np.asarray(run.outputs[output])
        if np.shape(answer) == np.shape(right) and np.asarray(right).size <= 60:
            lines.append(f"  On {inputs['name']}:")
            lines.append(_side_by_side(answer, right))
        elif np.shape(answer) != np.shape(right):
            lines.append(f"  On {inputs['name']} it has shape {np.shape(answer)}, expected {np.shape(right)}.")
        words = diagnosis.name_mistake(self.part, output, runs)
        if words:
            lines.append(f"  Why: {words}")
        elif np.shape(answer) == np.shape(right):
            where = diagnosis.describe_difference(answer, right, data["axes"][output])
            if where:
                lines.append(f"  Where (on {inputs['name']}): {where}")
        return "\n".join(lines)
