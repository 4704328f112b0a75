"""The tolerance policy: when does a student's array count as right?

Error measure: ``max |a - r| / (|r| + floor)`` with ``floor = 1e-3 * max|r|``
(and at least 1e-12). That is a relative error per entry, except that
entries much smaller than the array's largest one are judged on an absolute
scale, so a value that should be 0 and comes out as 1e-17 is not "infinitely
wrong".

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

FLOAT64_TOL = 1e-9
FLOAT32_TOL = 1e-3
FLOOR_FRACTION = 1e-3
FLOAT32_CREDIT = 0.5


@dataclass
class Verdict:
    status: str          # "right", "float32", "shape" or "wrong"
    error: float = 0.0   # the error measure above (inf for NaN or shape)


def error_measure(actual, expected):
    """The largest relative error with an absolute floor (see module doc)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if expected.size == 0:
        return 0.0
    floor = max(FLOOR_FRACTION * float(np.max(np.abs(expected))), 1e-12)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.max(np.abs(actual - expected) / (np.abs(expected) + floor))
    return float(error) if np.isfinite(error) else float("inf")


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


def same(actual, expected):
    """Do two arrays agree to float32 precision? Used to match misconceptions."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    if actual.size == 1 and expected.size == 1:
        actual = actual.reshape(expected.shape)
    if actual.shape != expected.shape or not np.issubdtype(actual.dtype, np.number):
        return False
    return error_measure(actual, expected) <= FLOAT32_TOL
