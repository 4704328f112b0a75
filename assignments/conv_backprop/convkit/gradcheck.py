"""Float64 central-difference gradient checks.

Use them to test a backward pass against its own forward pass::

    dx_num = numerical_gradient(lambda x: conv1d_forward(x, w, b), x, dy)
    assert_gradients_close(dx, dx_num, name="dx")
"""
import numpy as np


def numerical_gradient(f, x, upstream, h=1e-5):
    """Gradient of ``sum(f(x) * upstream)`` with respect to ``x`` by central differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns an array (or a float).
    x : ndarray, any shape, float64
        The point; it is perturbed one entry at a time and restored.
    upstream : ndarray, shape of ``f(x)``
        The gradient flowing in from above (``dy``).
    h : float
        Step size. 1e-5 in float64 gives about 1e-9 relative error.

    Returns
    -------
    grad : ndarray, shape of ``x``
    """
    x = np.array(x, dtype=np.float64)  # a private copy: the caller's array is never touched
    upstream = np.asarray(upstream, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = np.sum(np.asarray(f(x), dtype=np.float64) * upstream)
        x[index] = saved - h
        minus = np.sum(np.asarray(f(x), dtype=np.float64) * upstream)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(actual, expected, floor=1e-8):
    """Largest elementwise ``|a - e| / max(|a| + |e|, floor)``.

    The floor keeps entries that are both (nearly) zero from dividing by zero.
    Well below 1e-6 means the two agree to float64 precision; above 1e-3 means
    a real bug.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise ValueError(f"shapes differ: {actual.shape} vs {expected.shape}")
    if actual.size == 0:
        return 0.0
    scale = np.maximum(np.abs(actual) + np.abs(expected), floor)
    return float(np.max(np.abs(actual - expected) / scale))


def assert_gradients_close(analytic, numeric, name="gradient", tol=1e-6):
    """Raise AssertionError with a readable message unless the two gradients agree."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise AssertionError(
            f"{name} has shape {analytic.shape}, but the numerical gradient has shape {numeric.shape}")
    error = relative_error(analytic, numeric)
    if not error <= tol:
        worst = np.unravel_index(np.argmax(np.abs(analytic - numeric)), analytic.shape)
        raise AssertionError(
            f"{name} disagrees with the numerical gradient: relative error {error:.2e} "
            f"(should be below {tol:.0e}); worst at index {tuple(int(i) for i in worst)}: "
            f"yours {analytic[worst]:.6g}, numerical {numeric[worst]:.6g}")
    return error


def check_layer_gradients(forward, backward, x, w, b, seed=0, **conv_args):
    """Check all three gradients of a convolution layer numerically.

    ``forward(x, w, b, **conv_args)`` and ``backward(dy, x, w, **conv_args)``
    follow the student API. Returns the relative errors as a dict and raises
    AssertionError on the first gradient that is wrong.
    """
    rng = np.random.default_rng(seed)
    dy = rng.standard_normal(np.shape(forward(x, w, b, **conv_args)))
    dx, dw, db = backward(dy, x, w, **conv_args)
    numeric = {
        "dx": numerical_gradient(lambda v: forward(v, w, b, **conv_args), x, dy),
        "dw": numerical_gradient(lambda v: forward(x, v, b, **conv_args), w, dy),
        "db": numerical_gradient(lambda v: forward(x, w, v if np.ndim(b) else float(v), **conv_args),
                                 np.asarray(b, dtype=np.float64), dy),
    }
    analytic = {"dx": dx, "dw": dw, "db": db}
    return {name: assert_gradients_close(analytic[name], numeric[name], name) for name in numeric}
