import numpy as np
import pytest

from solutions.reference.geometry import dilate, output_size, pad_spatial, rot180, strip_padding


def test_output_size_floors():
    """Does the output size use the floor when the stride does not divide evenly?"""
    assert output_size(5, 3) == 3
    assert output_size(5, 3, stride=1, pad=1) == 5
    assert output_size(6, 3, stride=2, pad=1) == 3   # (6 + 2 - 3) // 2 + 1
    assert output_size(7, 2, stride=3) == 2          # the last column is never covered


def test_output_size_rejects_a_kernel_larger_than_the_padded_input():
    """Is a kernel that does not fit refused instead of giving a size of 0 or less?"""
    with pytest.raises(ValueError):
        output_size(3, 6, pad=1)


def test_strip_padding_undoes_pad_spatial_even_for_pad_zero():
    """Is x restored exactly, including the pad = 0 case where x[p:-p] would be empty?"""
    x = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    for pad in (0, 1, 2):
        padded = pad_spatial(x, pad)
        assert padded.shape == (2, 3 + 2 * pad, 4 + 2 * pad)
        np.testing.assert_array_equal(strip_padding(padded, pad, 3, 4), x)


def test_dilate_inserts_stride_minus_one_zeros():
    """Does dilation put dy[i, j] at (i*s, j*s) with zeros between?"""
    dy = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = np.array([[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4]], dtype=float)
    np.testing.assert_array_equal(dilate(dy, 3), expected)
    np.testing.assert_array_equal(dilate(dy, 1), dy)


def test_rot180_flips_both_spatial_axes_only():
    """Are the two last axes reversed and the others kept?"""
    w = np.arange(12.0).reshape(1, 2, 2, 3)
    np.testing.assert_array_equal(rot180(w)[0, 1], w[0, 1][::-1, ::-1])
