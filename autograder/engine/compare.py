"""The tolerance policy: when does a student's array count as right?

The error measure and the float32 match of misconceptions are
:mod:`convkit.tolerance`'s, shared with the notebooks' checks.

* ``right``: float64 dtype and error <= 1e-9. A float64 implementation that
  sums in another order is off by about 1e-13; nothing honest comes close.
* ``float32``: error <= 1e-3 and either a float32 dtype or an error that
  float64 arithmetic cannot produce, i.e. the student computed in single
  precision. It earns half the points of that output and the feedback says
  why: the course asks for float64, and gradient checks cannot work at
  float32 precision.
* ``wrong``: anything else, including a wrong shape or NaN.
"""
from dataclasses import dataclass

import numpy as np

from convkit.tolerance import FLOAT32_TOL, FLOAT64_TOL, error_measure, same

FLOAT32_CREDIT = 0.5


@dataclass
class Verdict:
    status: str          # "right", "float32", "shape" or "wrong"
    error: float = 0.0   # the error measure above (inf for NaN or shape)


def judge(actual, expected):
    """A :class:`Verdict` for one output of one case.

    ``actual`` is whatever the student returned, already made an ndarray (any
    numeric dtype); ``expected`` is the float64 reference in the same shape.
    """
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual)
    if actual.shape != expected.shape:
        # A scalar output given as a 1-element array is fine.
        if actual.size == 1 and expected.size == 1:
            actual = actual.reshape(expected.shape)
        else:
            return Verdict("shape", float("inf"))
    if not np.issubdtype(actual.dtype, np.number) or np.iscomplexobj(actual):
        return Verdict("wrong", float("inf"))
    error = error_measure(actual, expected)
    single = actual.dtype in (np.float32, np.float16)
    if error <= FLOAT64_TOL and not single:
        return Verdict("right", error)
    if error <= FLOAT32_TOL and (single or error > FLOAT64_TOL):
        return Verdict("float32", error)
    return Verdict("wrong", error)


__all__ = ["FLOAT32_CREDIT", "FLOAT32_TOL", "FLOAT64_TOL", "Verdict", "error_measure", "judge", "same"]
