"""What the hidden test cells of the notebooks call.

Each hidden test is one call, whose value is the cell's score (nbgrader's
partial credit)::

    from autograder.notebook_checks import earned
    earned("stride", "dx", "03_stride_padding.ipynb")

Under ``nbgrader autograde`` the notebook runs in the sandboxed kernel
(:mod:`autograder.sandbox.kernel`), which holds only this file of the grader
and sets ``CONVKIT_SCORED_OUTSIDE=1``: ``earned`` then says that the grader
scores the cell, and
:class:`autograder.pipeline.engine_grades.EngineGrades` replaces the cell's output
with the engine's feedback and points, outside the kernel. So nothing the
student's code does in the kernel can change a grade.

In an instructor's own Jupyter session (checking the source notebooks),
``earned`` grades the notebook file itself with the same engine as ``python
-m autograder grade`` (the student's definitions run in a sandboxed child,
never in this kernel), prints the feedback lines about that output and
returns the points. A notebook is graded once per kernel and cached.
``CONVKIT_SEED`` fixes the cases' seed. Nothing here holds reference code or
expected numbers, because nbgrader shows the source of hidden tests in the
students' feedback.
"""
import os
from pathlib import Path

SANDBOXED_NOTE = "Scored by the convkit grader outside this notebook: see the points and feedback here."
_cache = {}


def _results(notebook):
    """The engine's results for the parts of ``notebook``, graded once per version of the file."""
    # The engine is imported here, not at the top: the sandboxed kernel does not have it.
    from autograder.engine.grade import grade

    path = Path(notebook).resolve()
    stamp = (str(path), path.stat().st_mtime_ns)
    if stamp not in _cache:
        _, _cache[stamp] = grade(path, seed=os.environ.get("CONVKIT_SEED"))
    return _cache[stamp]


def earned(part, output, notebook):
    """Points earned for one output of one part ("accuracy" for the cnn part)."""
    if os.environ.get("CONVKIT_SCORED_OUTSIDE") == "1":
        print(SANDBOXED_NOTE)
        return 0.0
    result = _results(notebook)[part]
    for line in result.feedback_for(output):
        print(line)
    # A plain float: nbgrader reads the cell's text/plain output as the score.
    return float(result.points_for(output))
