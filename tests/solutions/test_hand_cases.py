"""Small cases worked out by hand, as in the lecture notes: both versions of
the reference must reproduce them exactly (up to rounding)."""
import numpy as np
import pytest

from solutions.reference import loops, vectorized

VERSIONS = [pytest.param(loops, id="loops"), pytest.param(vectorized, id="vectorized")]


@pytest.mark.parametrize("ref", VERSIONS)
def test_1d_forward_and_backward_by_hand(ref):
    """Do y, dw = corr(x, dy), dx = full conv of dy with flipped w, and db = sum(dy) match the hand sums?"""
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    w = np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(ref.conv1d_forward(x, w, 0.5), [-1.5, -1.5, -1.5])
    dx, dw, db = ref.conv1d_backward(np.array([1.0, 2.0, 3.0]), x, w)
    np.testing.assert_allclose(dw, [14.0, 20.0, 26.0])      # 1*1+2*2+3*3, 1*2+2*3+3*4, ...
    np.testing.assert_allclose(dx, [1.0, 2.0, 2.0, -2.0, -3.0])
    assert db == pytest.approx(6.0)


@pytest.mark.parametrize("ref", VERSIONS)
def test_2d_forward_by_hand(ref):
    """Is the forward pass a cross-correlation (no kernel flip)?"""
    x = np.arange(9.0).reshape(3, 3)
    w = np.array([[1.0, 0.0], [0.0, -1.0]])
    np.testing.assert_allclose(ref.conv2d_forward(x, w, 1.0), np.full((2, 2), -3.0))  # x[i,j] - x[i+1,j+1] + 1


@pytest.mark.parametrize("ref", VERSIONS)
def test_stride_two_pad_one_by_hand(ref):
    """With stride 2 and pad 1 each pixel is in exactly one window: are y, dx and dw the hand values?"""
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.ones((2, 2))
    y = ref.conv2d_forward(x, w, 0.0, stride=2, pad=1)
    np.testing.assert_allclose(y, [[1.0, 2.0], [3.0, 4.0]])
    dx, dw, db = ref.conv2d_backward(np.ones((2, 2)), x, w, stride=2, pad=1)
    np.testing.assert_allclose(dx, np.ones((2, 2)))
    np.testing.assert_allclose(dw, [[4.0, 3.0], [2.0, 1.0]])
    assert db == pytest.approx(4.0)


@pytest.mark.parametrize("ref", VERSIONS)
def test_uncovered_columns_get_zero_gradient(ref):
    """When the stride does not divide evenly, is dx zero where no window reaches?"""
    x = np.arange(1.0, 6.0).reshape(1, 5)
    w = np.array([[1.0, 1.0]])
    assert ref.conv2d_forward(x, w, 0.0, stride=2).shape == (1, 2)
    dx, _, _ = ref.conv2d_backward(np.ones((1, 2)), x, w, stride=2)
    np.testing.assert_allclose(dx, [[1.0, 1.0, 1.0, 1.0, 0.0]])


@pytest.mark.parametrize("ref", VERSIONS)
def test_batch_sums_dw_and_db_over_samples(ref):
    """Is dW of a batch of two copies twice the dW of one image (summed, not averaged)?"""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 4, 5))
    w = rng.standard_normal((3, 2, 3, 3))
    dout = rng.standard_normal((1, 3, 2, 3))
    _, dw1, db1 = ref.conv_backward(dout, x, w)
    _, dw2, db2 = ref.conv_backward(np.concatenate([dout, dout]), np.concatenate([x, x]), w)
    np.testing.assert_allclose(dw2, 2 * dw1)
    np.testing.assert_allclose(db2, 2 * db1)
