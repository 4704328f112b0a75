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
"""
import os
from pathlib import Path

from autograder import sandbox
from autograder.check import check_part
from autograder.cnn import check_cnn
from autograder.grade import CNN_TIMEOUT, PART_TIMEOUT, part_seed
from autograder.parts import OUTPUT_WEIGHTS, PARTS, api_functions
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


def earned(part, output, notebook):
    """Points earned for one output of one part ("accuracy" for the cnn part)."""
    result = _part_result(part, notebook)
    for line in result.feedback_for(output):
        print(line)
    if part == "cnn":
        points, fraction = result.max_score, result.score / result.max_score
    else:
        points, fraction = PARTS[part].points * OUTPUT_WEIGHTS[output], result.outputs[output]
    # A plain float: nbgrader reads the cell's text/plain output as the score.
    return float(min(points, round(points * fraction, 4)))
