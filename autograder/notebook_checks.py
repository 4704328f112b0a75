"""What the hidden test cells of the notebooks call during ``nbgrader autograde``.

A grade cell's score is the number its last expression evaluates to (nbgrader's
partial credit), so each hidden test is one call::

    from autograder.notebook_checks import earned
    earned("stride", "dx", "03_stride_padding.ipynb")

It grades the notebook file with the same engine as ``python -m autograder
grade`` (the student's definitions run in a child process, never in this
kernel's namespace), prints the feedback lines about that output, and returns
the points as a plain float. A part is graded once per kernel and cached.
Nothing here holds reference code or expected numbers, because nbgrader shows
the source of hidden tests in the students' feedback.

``CONVKIT_SEED`` in the environment fixes the cases' seed (tests use it to
compare this path with the command line); otherwise every run draws a new one.

When the class is graded with ``python -m autograder grade-class``, the engine
has already graded the submission outside nbgrader (sandboxed) and
``CONVKIT_PRECOMPUTED`` names its results: the hidden cells then only show
them. Those cells' scores are replaced in the gradebook by the engine's
afterwards, so nothing the student's code does in this kernel (patching
``earned``, printing a number) can change a grade.
"""
import json
import os
from pathlib import Path

from autograder import sandbox
from autograder.check import check_part
from autograder.cnn import check_cnn
from autograder.grade import CNN_TIMEOUT, PART_TIMEOUT, part_seed
from autograder.parts import PARTS, api_functions
from autograder.source import load_source

_cache = {}


def _part_result(key, notebook):
    sandbox.check()
    path = Path(notebook).resolve()
    stamp = (str(path), path.stat().st_mtime_ns, key)
    if stamp not in _cache:
        source = load_source(path, api_functions())
        part = PARTS[key]
        if key == "cnn":
            batch = _part_result("batch", notebook)
            blocked = f"{' and '.join(sorted(batch.broken))} not working yet" if batch.broken else None
            _cache[stamp] = check_cnn(part, source, CNN_TIMEOUT, blocked)
        else:
            _cache[stamp] = check_part(part, source, part_seed(os.environ.get("CONVKIT_SEED")), PART_TIMEOUT)
    return _cache[stamp]


def precomputed_entry(result, output):
    """What a hidden cell shows for one output: its points and feedback lines."""
    return {"points": result.points_for(output), "feedback": result.feedback_for(output)}


def earned(part, output, notebook):
    """Points earned for one output of one part ("accuracy" for the cnn part)."""
    if os.environ.get("CONVKIT_PRECOMPUTED"):
        with open(os.environ["CONVKIT_PRECOMPUTED"]) as handle:
            entry = json.load(handle)[notebook][part][output]
    else:
        entry = precomputed_entry(_part_result(part, notebook), output)
    for line in entry["feedback"]:
        print(line)
    # A plain float: nbgrader reads the cell's text/plain output as the score.
    return float(entry["points"])
