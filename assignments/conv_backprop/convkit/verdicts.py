"""What a failing check says: one short block for a wrong answer, an error in the student's code, or a probe.

Each block says what was checked, shows the student's array beside the
expected one, and then why: "Why" for the catalogued misconception that
gives the student's answers on every visible input (:mod:`convkit.diagnosis`),
"Where" for what the wrong entries share when none does. No traceback of
NumPy's or the kit's code: only the student's own lines.
"""
import linecache
import os
import sys
from pathlib import Path

import numpy as np

from convkit import diagnosis
from convkit.tolerance import FLOAT32_TOL, FLOAT64_TOL, error_measure


def label(output):
    """How an output is named in a sentence."""
    return "the forward output" if output == "forward" else output


def autograding():
    # nbgrader's autograde runs the notebook for the grader, whose feedback says why; no need here.
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def side_by_side(left, right, titles=("yours", "expected")):
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


def kind_of(function, data):
    """"forward" or "backward": which of the part's functions ``function`` is, or None."""
    name = getattr(function, "__name__", "")
    if data is None:
        return None
    return "forward" if name == data["forward"] else "backward" if name == data["backward"] else None


def named_mistakes(part, functions, outputs):
    """{output: the words of the misconception that gives the student's answers on every visible input}."""
    data = diagnosis.part_data(part) if part else None
    named = {}
    for function in functions:
        kind = kind_of(function, data)
        if kind is None:
            continue
        mine = [output for output in diagnosis.OUTPUTS_OF[kind] if output in outputs]
        if not mine:
            continue
        runs = diagnosis.run_on_visible_inputs(part, function, kind)
        for output in mine:
            words = diagnosis.name_mistake(part, output, runs)
            if words:
                named[output] = words
    return named


def axes_of(part, output, ndim):
    data = diagnosis.part_data(part) if part else None
    if data and len(data["axes"][output]) == ndim:
        return data["axes"][output]
    return ["row", "column"][-ndim:] if ndim <= 2 else [f"axis {k}" for k in range(ndim)]


def failure_block(failure, functions, part):
    """The message of a :class:`CheckFailed`, and whether its figure can be drawn."""
    mine = np.asarray(failure.actual)
    right = np.asarray(failure.expected, dtype=float)
    lines = []
    same_shape = mine.shape == right.shape or (mine.size == 1 and right.size == 1)
    if not np.issubdtype(mine.dtype, np.number):
        lines.append(f"✗ {failure.what}: {label(failure.output)} came back as {type(failure.actual).__name__}, "
                     f"not an array of numbers.")
    elif not same_shape:
        lines.append(f"✗ {failure.what}: {label(failure.output)} has shape {mine.shape}, expected {right.shape}.")
    elif error_measure(mine.reshape(right.shape), right) <= FLOAT32_TOL:
        lines.append(f"✗ {failure.what}: {label(failure.output)} is right only to single (float32) precision. "
                     f"Compute in float64: create arrays with np.zeros(shape) (float64 by default), not dtype=np.float32.")
        return "\n".join(lines), False
    else:
        lines.append(f"✗ {failure.what}: {label(failure.output)} is wrong.")
        lines.append(side_by_side(mine.reshape(right.shape), right))
    named = {} if autograding() else named_mistakes(part, functions, [failure.output])
    if failure.output in named:
        lines.append(f"  Why: {named[failure.output]}")
    else:
        if same_shape and np.issubdtype(mine.dtype, np.number):
            where = diagnosis.describe_difference(mine.reshape(right.shape), right,
                                                  axes_of(part, failure.output, right.ndim))
            if where:
                lines.append(f"  Where: {where}")
        if failure.advice:
            lines.append(f"  Hint: {failure.advice}")
    drawable = (failure.figure and same_shape and np.issubdtype(mine.dtype, np.number) and right.size > 1
                and failure.output != "db" and not autograding())
    return "\n".join(lines), drawable


def assertion_block(error, functions, part):
    """The message of a plain failed assert, with the misconceptions the visible inputs show."""
    said = str(error).strip()
    if said.startswith("Not equal to tolerance") or "Mismatched elements" in said:
        said = _numpy_message(said)
    lines = [f"✗ {said}" if said else "✗ A check failed."]
    if not autograding():
        for output, words in named_mistakes(part, functions, ("forward", "dx", "dw", "db")).items():
            lines.append(f"  Why ({label(output)}): {words}")
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


def error_block(error, functions, part):
    """The message of an error raised in a check's block, or None for one that must stop the cell.

    An error inside one of ``functions`` (or what they call) is the student's:
    its type, message and the student's own lines. An error in the check's
    own lines (unpacking two values where three are due, ``.shape`` of None)
    comes from what the student's code returned: the check's line, and the
    mistakes the visible inputs show. A ``NameError`` there means a cell
    above was not run: None, so that it stops the cell as usual.
    """
    codes = {function.__code__ for function in functions if hasattr(function, "__code__")}
    tb, inside = error.__traceback__, False
    while tb is not None:
        inside = inside or tb.tb_frame.f_code in codes
        tb = tb.tb_next
    frames = _students_frames(error)
    if inside:
        lines = [f"✗ Your code raised {type(error).__name__}: {error}"]
        frames = frames[1:]
    elif isinstance(error, NameError) or not frames:
        return None
    else:
        lines = [f"✗ The check could not use what your code returned: {type(error).__name__}: {error}"]
        frames = frames[:1]
    for filename, line_number, name in frames:
        code = linecache.getline(filename, line_number).strip()
        where = "in the check" if not inside else "in the cell" if name == "<module>" else f"in {name}"
        lines.append(f"    {where}, line {line_number}: {code}")
    if not inside and not autograding():
        for output, words in named_mistakes(part, functions, ("forward", "dx", "dw", "db")).items():
            lines.append(f"  Why ({label(output)}): {words}")
    return "\n".join(lines)


def probe_block(part, output, runs, data):
    """The message of an output that is wrong on some of the part's visible inputs (:meth:`NotebookChecks.probe`)."""
    rights = data["right"][output]
    failing = []
    for run, right, inputs in zip(runs, rights, data["inputs"]):
        answer = run.outputs.get(output)
        if answer is None or np.shape(answer) != np.shape(right) or error_measure(answer, right) > FLOAT64_TOL:
            failing.append((run, right, inputs))
    names = ", ".join(f"{inputs['name']} ({inputs['text']})" for _, _, inputs in failing)
    lines = [f"✗ {label(output)} is wrong on {len(failing)} of {len(runs)} visible inputs: {names}."]
    run, right, inputs = failing[0]
    if run.error:
        lines.append(f"  On {inputs['name']} it raised {run.error}")
        return "\n".join(lines)
    answer = np.asarray(run.outputs[output])
    if np.shape(answer) == np.shape(right) and np.asarray(right).size <= 60:
        lines.append(f"  On {inputs['name']}:")
        lines.append(side_by_side(answer, right))
    elif np.shape(answer) != np.shape(right):
        lines.append(f"  On {inputs['name']} it has shape {np.shape(answer)}, expected {np.shape(right)}.")
    words = diagnosis.name_mistake(part, output, runs)
    if words:
        lines.append(f"  Why: {words}")
    elif np.shape(answer) == np.shape(right):
        where = diagnosis.describe_difference(answer, right, data["axes"][output])
        if where:
            lines.append(f"  Where (on {inputs['name']}): {where}")
    return "\n".join(lines)
