import numpy as np
import pytest

from autograder.spec.cases import SHAPES, make_cases
from autograder.spec.parts import PARTS

GRADED = [key for key in PARTS if key != "cnn"]


@pytest.mark.parametrize("key", GRADED)
def test_cases_are_reproducible_from_the_seed_and_fresh_for_another(key):
    """Does one seed give the same inputs twice, and another seed new values?"""
    first, again, other = make_cases(key, 11), make_cases(key, 11), make_cases(key, 12)
    np.testing.assert_array_equal(first[0].x, again[0].x)
    assert not np.allclose(first[0].x, other[0].x)


@pytest.mark.parametrize("key", GRADED)
def test_dy_has_the_output_shape(key):
    """Does every case's dy have the shape out = (in + 2*pad - k) // stride + 1 gives?"""
    for case in make_cases(key, 0):
        n, _, h, w = case.x.shape
        f, _, kh, kw = case.w.shape
        assert case.dy.shape == (n, f, (h + 2 * case.pad - kh) // case.stride + 1,
                                 (w + 2 * case.pad - kw) // case.stride + 1)


REQUIRED = {
    "1d": {"a 1x1 kernel"},
    "2d": {"H != W", "KH != KW", "a 1x1 kernel", "a kernel as large as the padded input"},
    "stride": {"H != W", "KH != KW", "pad > 0", "a stride that does not divide in + 2*pad - k",
               "a 1x1 kernel", "a kernel as large as the padded input"},
    "chw": {"C != F", "C = F > 1", "H != W", "KH != KW", "pad > 0", "a stride that does not divide in + 2*pad - k",
            "a 1x1 kernel", "a kernel as large as the padded input"},
    "batch": {"N > 1", "C != F", "C = F > 1", "H != W", "KH != KW", "pad > 0",
              "a stride that does not divide in + 2*pad - k", "a 1x1 kernel",
              "a kernel as large as the padded input"},
}


@pytest.mark.parametrize("key", GRADED)
def test_each_part_covers_the_awkward_shapes(key):
    """Does each part have cases with every feature a sloppy implementation gets wrong, and a plain one?"""
    cases = make_cases(key, 0)
    seen = set().union(*(case.features(PARTS[key].lead) for case in cases))
    assert REQUIRED[key] <= seen
    assert any(not case.features(PARTS[key].lead) for case in cases)  # the plainest case comes first
    assert len(SHAPES[key]) == len(cases)


def test_features_that_do_not_exist_in_a_part_are_not_named():
    """Does the 1D part never speak of H != W or C != F?"""
    for case in make_cases("1d", 0):
        assert not {"H != W", "KH != KW", "C != F", "N > 1"} & set(case.features(PARTS["1d"].lead))
