import numpy as np

from autograder.engine.compare import FLOAT64_TOL, judge, same


def test_float64_rounding_differences_are_right():
    """Is a float64 answer summed in another order (error ~1e-15) judged right?"""
    expected = np.array([1.0, -2.0, 3.0])
    assert judge(expected + 1e-15, expected).status == "right"


def test_tiny_values_are_judged_against_the_arrays_scale():
    """Is 1e-17 where 0 is expected fine, thanks to the absolute floor?"""
    assert judge(np.array([1e-17, 5.0]), np.array([0.0, 5.0])).status == "right"


def test_float32_answers_get_their_own_verdict():
    """Is a float32 array that is right to single precision told apart from a wrong one?"""
    expected = np.random.default_rng(0).standard_normal(50)
    assert judge(expected.astype(np.float32), expected).status == "float32"
    assert judge(expected.astype(np.float32).astype(np.float64), expected).status == "float32"
    assert judge(expected * 1.01, expected).status == "wrong"


def test_shape_nan_and_non_numbers_are_wrong():
    """Are a wrong shape, a NaN and an array of strings never right?"""
    expected = np.ones((2, 3))
    assert judge(np.ones((3, 2)), expected).status == "shape"
    assert judge(np.full((2, 3), np.nan), expected).status == "wrong"
    assert judge(np.full((2, 3), "1"), expected).status == "wrong"


def test_a_scalar_may_come_as_a_one_element_array():
    """Is db returned as np.array([s]) accepted where a float is expected?"""
    assert judge(np.array([2.5]), np.array(2.5)).status == "right"


def test_same_is_looser_than_right():
    """Does the misconception matcher accept single-precision agreement but not a real difference?"""
    a = np.linspace(-1, 1, 10)
    assert same(a + FLOAT64_TOL * 10, a)
    assert not same(a + 0.1, a)
