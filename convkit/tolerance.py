"""When two arrays agree: the one error measure of the notebooks' checks and the grader.

Error measure: ``max |a - r| / (|r| + floor)`` with ``floor = 1e-3 * max|r|``
(and at least 1e-12). That is a relative error per entry, except that
entries much smaller than the array's largest one are judged on an absolute
scale, so a value that should be 0 and comes out as 1e-17 is not "infinitely
wrong".

The kit's grader adds its verdicts on top: right at
float64 precision (:data:`FLOAT64_TOL`), right only at float32 precision
(:data:`FLOAT32_TOL`), wrong. A misconception is matched at float32
precision (:func:`same`), in the grader and in the notebooks alike.
"""
import numpy as np

FLOAT64_TOL = 1e-9
FLOAT32_TOL = 1e-3
FLOOR_FRACTION = 1e-3


def error_measure(actual, expected):
    """The largest relative error with an absolute floor (see the module's docstring).

    Parameters
    ----------
    actual, expected : array_like, the same shape
        Any numeric dtype; compared in float64.

    Returns
    -------
    float
        0.0 for empty arrays; inf where a NaN or an overflow makes it undefined.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if expected.size == 0:
        return 0.0
    floor = max(FLOOR_FRACTION * float(np.max(np.abs(expected))), 1e-12)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.max(np.abs(actual - expected) / (np.abs(expected) + floor))
    return float(error) if np.isfinite(error) else float("inf")


def same(actual, expected):
    """Do two arrays agree to float32 precision? Used to match misconceptions.

    A one-element array and a scalar of the same value agree; arrays of
    different shapes, or of a non-numeric dtype, never do.
    """
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    if actual.size == 1 and expected.size == 1:
        actual = actual.reshape(expected.shape)
    if actual.shape != expected.shape or not np.issubdtype(actual.dtype, np.number) or np.iscomplexobj(actual):
        return False
    return error_measure(actual, expected) <= FLOAT32_TOL
