"""The hidden reference solution of convkit.

Every function of the student API exists twice:

* :mod:`solutions.loops`: plain loops that follow the derivation a student
  reads in the notebooks (the worked solutions are written this way);
* :mod:`solutions.vectorized`: strided windows and matrix products, no Python
  loop over samples or output positions. This is the one the grader uses, and
  the one exported here.

This folder never ships to students.
"""
from solutions.vectorized import (
    conv1d_backward,
    conv1d_forward,
    conv2d_backward,
    conv2d_forward,
    conv_backward,
    conv_backward_chw,
    conv_forward,
    conv_forward_chw,
)

__all__ = [
    "conv1d_forward", "conv1d_backward",
    "conv2d_forward", "conv2d_backward",
    "conv_forward_chw", "conv_backward_chw",
    "conv_forward", "conv_backward",
]
