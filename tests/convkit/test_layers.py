import numpy as np
import pytest

from convkit import layers
from convkit.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(3)


def test_relu_backward_matches_central_differences():
    """Does the ReLU gradient pass exactly where the input is positive?"""
    x = RNG.standard_normal((3, 4)) + 0.05  # keep away from the kink at 0
    up = RNG.standard_normal((3, 4))
    assert relative_error(layers.relu_backward(up, x), numerical_gradient(layers.relu_forward, x, up)) < 1e-8


def test_max_pool_halves_the_size_and_routes_the_gradient_to_the_maximum():
    """Is the pooled output (N, C, H/2, W/2) and does the gradient match central differences?"""
    x = RNG.standard_normal((2, 3, 4, 6))
    up = RNG.standard_normal((2, 3, 2, 3))
    assert layers.max_pool_forward(x).shape == (2, 3, 2, 3)
    grad = layers.max_pool_backward(up, x)
    assert relative_error(grad, numerical_gradient(layers.max_pool_forward, x, up)) < 1e-7


def test_max_pool_splits_the_gradient_between_ties():
    """With a tie, does the block's gradient still add up to the upstream value?"""
    x = np.ones((1, 1, 2, 2))
    grad = layers.max_pool_backward(np.array([[[[4.0]]]]), x)
    np.testing.assert_allclose(grad, np.ones((1, 1, 2, 2)))


def test_affine_backward_matches_central_differences():
    """Are dx (in the input's shape), dw and db right for a 4-D input?"""
    x, w, b = RNG.standard_normal((3, 2, 2, 2)), RNG.standard_normal((8, 5)), RNG.standard_normal(5)
    up = RNG.standard_normal((3, 5))
    dx, dw, db = layers.affine_backward(up, x, w)
    assert dx.shape == x.shape
    assert relative_error(dx, numerical_gradient(lambda v: layers.affine_forward(v, w, b), x, up)) < 1e-7
    assert relative_error(dw, numerical_gradient(lambda v: layers.affine_forward(x, v, b), w, up)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: layers.affine_forward(x, w, v), b, up)) < 1e-7


def test_softmax_cross_entropy_loss_and_gradient():
    """Is the loss log(classes) for equal scores, and the gradient the derivative of the mean loss?"""
    loss, _ = layers.softmax_cross_entropy(np.zeros((4, 10)), np.arange(4))
    assert loss == pytest.approx(np.log(10))
    scores, labels = RNG.standard_normal((5, 10)) * 3, RNG.integers(0, 10, 5)
    _, dscores = layers.softmax_cross_entropy(scores, labels)
    numeric = numerical_gradient(lambda s: layers.softmax_cross_entropy(s, labels)[0], scores, 1.0)
    np.testing.assert_allclose(dscores, numeric, rtol=1e-5, atol=1e-9)  # some entries are ~1e-9
