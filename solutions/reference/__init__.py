"""The hidden reference solution of convkit.

Every function of the student API exists twice:

* :mod:`solutions.reference.loops`: plain loops that follow the derivation a
  student reads in the notebooks (the worked solutions are written this way);
* :mod:`solutions.reference.vectorized`: strided windows and matrix products,
  no Python loop over samples or output positions. This is the one the grader
  uses.

This package never ships to students.
"""
