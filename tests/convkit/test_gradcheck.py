import numpy as np
import pytest

from convkit.gradcheck import (assert_gradients_close, check_layer_gradients, numerical_gradient,
                               relative_error)
from solutions.reference import vectorized


def test_numerical_gradient_of_a_known_function():
    """Is the central difference of sum(x**3 * up) equal to 3 x**2 * up, and x left untouched?"""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    up = np.array([[1.0, 2.0], [-1.0, 0.5]])
    saved = x.copy()
    grad = numerical_gradient(lambda v: v ** 3, x, up)
    np.testing.assert_allclose(grad, 3 * x ** 2 * up, rtol=1e-8)
    np.testing.assert_array_equal(x, saved)


def test_relative_error_is_zero_for_equal_arrays_and_refuses_shape_mismatch():
    """Does relative_error treat two zeros as equal and refuse arrays of different shapes?"""
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError):
        relative_error(np.zeros(3), np.zeros(4))


def test_assert_gradients_close_names_the_worst_entry():
    """Does a wrong gradient raise an AssertionError that says where and by how much?"""
    with pytest.raises(AssertionError, match=r"dw disagrees .* index \(1,\)"):
        assert_gradients_close(np.array([1.0, 5.0]), np.array([1.0, 2.0]), name="dw")


def test_check_layer_gradients_accepts_the_reference_and_catches_a_bug():
    """Does the layer check pass the reference (stride 2, pad 1) and fail a backward with a wrong sign?"""
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    errors = check_layer_gradients(vectorized.conv_forward, vectorized.conv_backward, x, w, b, stride=2, pad=1)
    assert set(errors) == {"dx", "dw", "db"} and max(errors.values()) < 1e-7

    def wrong_backward(dout, x, w, stride=1, pad=0):
        dx, dw, db = vectorized.conv_backward(dout, x, w, stride, pad)
        return dx, -dw, db
    with pytest.raises(AssertionError, match="dw"):
        check_layer_gradients(vectorized.conv_forward, wrong_backward, x, w, b, stride=2, pad=1)


def test_check_layer_gradients_handles_a_scalar_bias():
    """Does the check work for the single-image API, where b and db are floats?"""
    rng = np.random.default_rng(1)
    errors = check_layer_gradients(vectorized.conv2d_forward, vectorized.conv2d_backward,
                                   rng.standard_normal((5, 6)), rng.standard_normal((2, 3)), 0.3)
    assert max(errors.values()) < 1e-7
