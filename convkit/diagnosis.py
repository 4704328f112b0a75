"""Naming the mistake behind a wrong answer, from data: what a failing check says after "Why".

The release carries ``diagnoses.json``, made by ``make release`` from the
hidden reference by the kit's release step: for a few fixed visible
inputs of each part (the notebook's hand-worked examples and small probes),
the right output and the output each catalogued misconception gives, with the
grader's words for it. Nothing here computes a convolution.

* :func:`run_on_visible_inputs` calls the student's function on those inputs.
* :func:`name_mistake` names the misconception whose answers equal the
  student's on *every* visible input, and only then: one input alone can look
  like several mistakes, and a wrong name sends the student to fix the wrong
  thing.
* :func:`describe_difference` says what the wrong entries of one answer
  share when no misconception fits: only the border, one row, every second
  row, a constant factor, the sign, a mirror image, one sample or one filter;
  or else where the largest difference is.
"""
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from convkit.tolerance import FLOAT32_TOL, FLOAT64_TOL, error_measure, same

DATA_FILE = Path(__file__).with_name("diagnoses.json")
EMPTY = "empty"  # a shape mistake's shape "any shape with a 0 in it" (x[pad:-pad] with pad 0)
# The outputs of each kind of function: the forward pass gives y, the backward pass (dx, dw, db).
OUTPUTS_OF = {"forward": ("forward",), "backward": ("dx", "dw", "db")}


@functools.lru_cache(maxsize=1)
def _data():
    return json.loads(DATA_FILE.read_text())


def part_data(part):
    """The data of one part ("1d", "2d", "stride", "chw" or "batch"), or None if the release has none."""
    if not DATA_FILE.exists():
        return None
    return _data()["parts"].get(part)


@dataclass
class VisibleRun:
    """The student's outputs on one visible input: {output: array}, or the error that stopped the call."""
    name: str
    outputs: dict
    error: str = ""


def _call(function, arrays, data, inputs):
    """Call ``function`` on copies of ``arrays``, with stride and pad by position when the part has them."""
    args = [np.array(value, dtype=float) if isinstance(value, list) else value for value in arrays]
    if data["conv_args"]:
        args += [inputs["stride"], inputs["pad"]]
    return function(*args)


def run_on_visible_inputs(part, function, kind):
    """The student's answers on every visible input of ``part``.

    Parameters
    ----------
    part : str
        The part's key.
    function : callable
        The student's forward (``kind="forward"``) or backward (``kind="backward"``) function.
    kind : str

    Returns
    -------
    list of VisibleRun
        One per visible input, in the data's order; an input where the call
        raised or returned something of the wrong kind has no outputs.
    """
    data = part_data(part)
    runs = []
    for inputs in data["inputs"]:
        try:
            if kind == "forward":
                outputs = {"forward": _call(function, [inputs["x"], inputs["w"], inputs["b"]], data, inputs)}
            else:
                outputs = dict(zip(OUTPUTS_OF["backward"],
                                   _call(function, [inputs["dy"], inputs["x"], inputs["w"]], data, inputs), strict=True))
            runs.append(VisibleRun(inputs["name"], {key: np.asarray(value) for key, value in outputs.items()}))
        except NotImplementedError:
            raise  # a stub: the check says "not written yet"
        except Exception as error:  # the student's code: any error only means "no answer here"
            runs.append(VisibleRun(inputs["name"], {}, f"{type(error).__name__}: {error}"))
    return runs


def _shape(array):
    return list(np.shape(array))


def _fits_shape(shape, wanted):
    return 0 in shape if wanted == EMPTY else shape == list(wanted)


def right_on_every_input(part, output, runs):
    """Is the student's ``output`` right (float64 precision, right shape) on every visible input?"""
    rights = part_data(part)["right"][output]
    return all(output in run.outputs and _shape(run.outputs[output]) == _shape(right)
               and error_measure(run.outputs[output], right) <= FLOAT64_TOL
               for run, right in zip(runs, rights))


def name_mistake(part, output, runs):
    """The words of the one catalogued mistake that gives the student's ``output`` on every visible input.

    Parameters
    ----------
    part : str
    output : str
        "forward", "dx", "dw" or "db".
    runs : list of VisibleRun
        From :func:`run_on_visible_inputs`.

    Returns
    -------
    str or None
        None when the output is right on every input, when a call failed,
        or when no mistake (or more than one) fits every input.
    """
    data = part_data(part)
    if data is None or any(output not in run.outputs for run in runs) or right_on_every_input(part, output, runs):
        return None
    answers = [run.outputs[output] for run in runs]
    shapes = [_shape(answer) for answer in answers]
    rights = data["right"][output]
    if any(shape != _shape(right) for shape, right in zip(shapes, rights)):
        fitting = [mistake["message"] for mistake in data["shape_mistakes"] if mistake["output"] == output
                   and all(_fits_shape(shape, wanted) for shape, wanted in zip(shapes, mistake["shapes"]))]
    else:
        fitting = [mistake["message"] for mistake in data["mistakes"] if mistake["output"] == output
                   and all(same(answer, wanted) for answer, wanted in zip(answers, mistake["answers"]))]
    fitting = list(dict.fromkeys(fitting))
    return fitting[0] if len(fitting) == 1 else None


# --- What the wrong entries share -------------------------------------------------

def _close(actual, expected):
    return error_measure(actual, expected) <= FLOAT64_TOL


def _wrong_entries(actual, expected):
    """A boolean mask of the entries that differ (relative to the array's scale, as the checks judge)."""
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-12)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(actual - expected) <= 1e-9 * scale + 1e-9 * np.abs(expected))


def _every_kth(indices, length):
    """(k, first) when ``indices`` are exactly first, first + k, ... up to ``length`` with k >= 2, else None."""
    if len(indices) < 2:
        return None
    step = indices[1] - indices[0]
    if step < 2 or list(indices) != list(range(indices[0], length, step)):
        return None
    return step, indices[0]


def _ordinal(number):
    return {2: "second", 3: "third"}.get(number, f"{number}th")


def describe_difference(actual, expected, axes):
    """One sentence on what a wrong answer's differences share, or None when the answer is right.

    Parameters
    ----------
    actual : array_like
        The student's answer, the expected one's shape.
    expected : array_like
    axes : list of str
        What each axis is called ("sample", "filter", "channel", "row",
        "column", "position").

    Returns
    -------
    str or None
    """
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape or _close(actual, expected):
        return None
    if error_measure(actual, expected) <= FLOAT32_TOL:
        return ("Every entry agrees only to about 7 digits, single (float32) precision: compute in float64 "
                "(np.zeros(shape) is float64; dtype=np.float32 is not).")
    if not np.all(np.isfinite(actual)):
        return "Some entries are NaN or infinite: look for a division by zero or an uninitialised array (np.empty)."
    if np.any(expected) and _close(actual, -expected):
        return "Every entry has the right size and the wrong sign: look for a stray minus."
    norm = float(np.vdot(expected, expected))
    if norm > 0:
        factor = float(np.vdot(expected, actual)) / norm
        if abs(factor) > 1e-6 and _close(actual, factor * expected):
            return (f"Every entry is {factor:.4g} times the expected one: the pattern is right and the scale is "
                    f"not, so look for a stray constant factor (a mean instead of a sum, say).")
    spatial = [k for k, name in enumerate(axes) if name in ("row", "column", "position")]
    if spatial:
        flips = {"rotated by 180 degrees (flipped upside down and left to right)": tuple(spatial)}
        if len(spatial) == 2:
            flips["flipped upside down"] = (spatial[0],)
            flips["flipped left to right"] = (spatial[1],)
        else:
            flips = {"reversed (mirrored)": tuple(spatial)}
        for words, flip_axes in flips.items():
            mirrored = np.flip(expected, axis=flip_axes)
            if not _close(mirrored, expected) and _close(actual, mirrored):
                return f"Your answer is the expected one {words}: look at the order in which the kernel is read."
    wrong = _wrong_entries(actual, expected)
    count, total = int(wrong.sum()), wrong.size
    if count == 1:
        (where,) = [tuple(int(i) for i in index) for index in np.argwhere(wrong)]
        return (f"Only one entry is wrong: [{', '.join(map(str, where))}] is {actual[where]:.4g} instead of "
                f"{expected[where]:.4g}.")
    for k, name in enumerate(axes):
        if actual.shape[k] < 2:
            continue
        hit = np.flatnonzero(np.any(np.moveaxis(wrong, k, 0).reshape(actual.shape[k], -1), axis=1))
        if name in ("sample", "filter", "channel") and len(hit) == 1:
            return f"Only {name} {hit[0]} is wrong; the other {name}s are right: look at how {name} {hit[0]} is handled."
    if len(spatial) == 2 and min(actual.shape[k] for k in spatial) >= 3:
        rows, columns = spatial
        interior = np.zeros(actual.shape, dtype=bool)
        index = [slice(None)] * actual.ndim
        index[rows], index[columns] = slice(1, -1), slice(1, -1)
        interior[tuple(index)] = True
        if not np.any(wrong & interior):
            return ("Only entries on the border (the first or last row or column) are wrong; the inside is right: "
                    "look at the padding and at the windows at the edges.")
    for k in spatial:
        name = axes[k]
        hit = np.flatnonzero(np.any(np.moveaxis(wrong, k, 0).reshape(actual.shape[k], -1), axis=1))
        if len(hit) == 1 and actual.shape[k] > 1:
            return f"Only {name} {hit[0]} is wrong; every other {name} is right."
        pattern = _every_kth(hit, actual.shape[k])
        if pattern and len(hit) < actual.shape[k]:
            step, first = pattern
            return (f"Only every {_ordinal(step)} {name} is wrong ({name}s {', '.join(map(str, hit))}): "
                    f"look at the stride, which decides which {name}s a window starts on.")
    where = np.unravel_index(int(np.argmax(np.where(wrong, np.abs(actual - expected), -1.0))), actual.shape)
    at = ", ".join(f"{int(i)}" for i in where)
    return (f"{count} of {total} entries differ; the largest difference is at [{at}]: "
            f"{actual[where]:.4g} instead of {expected[where]:.4g}.")
