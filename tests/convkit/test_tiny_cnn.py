import numpy as np

from convkit import tiny_cnn
from convkit.digits import load_digits
from convkit.gradcheck import numerical_gradient, relative_error
from solutions.reference import vectorized


def test_digits_split_is_fixed_and_disjoint():
    """Are the 1,797 digits split the same way every time, scaled to [0, 1], with no image in both sets?"""
    x_train, y_train, x_test, y_test = load_digits()
    again = load_digits()
    assert x_train.shape == (1438, 1, 8, 8) and x_test.shape == (359, 1, 8, 8)
    np.testing.assert_array_equal(x_test, again[2])
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert set(np.unique(y_train)) == set(range(10))
    train_rows = {row.tobytes() for row in x_train}
    assert sum(row.tobytes() in train_rows for row in x_test) < 10  # only true duplicate images


def test_network_gradients_match_central_differences():
    """Is the whole network's gradient right, so that training tests the conv layer alone?"""
    x_train, y_train, _, _ = load_digits()
    params = tiny_cnn.init_params(filters=2, seed=1)
    # A non-zero bias keeps the blank background away from ReLU's kink at 0.
    params["conv_b"] = np.array([0.1, -0.2])
    x, y = x_train[:4], y_train[:4]
    _, grads = tiny_cnn.loss_and_grads(params, x, y, vectorized.conv_forward, vectorized.conv_backward)
    for name in ("conv_w", "conv_b"):
        def loss_of(value, name=name):
            changed = dict(params, **{name: value})
            return tiny_cnn.loss_and_grads(changed, x, y, vectorized.conv_forward, vectorized.conv_backward)[0]
        assert relative_error(grads[name], numerical_gradient(loss_of, params[name], 1.0)) < 1e-5


def test_reference_layer_trains_past_the_pass_mark():
    """Does the reference layer reach the documented accuracy within the fixed budget, and does the loss fall?"""
    x_train, y_train, x_test, y_test = load_digits()
    params, history = tiny_cnn.train(vectorized.conv_forward, vectorized.conv_backward,
                                     x_train, y_train, x_test, y_test)
    accuracy = np.mean(tiny_cnn.predict(params, x_test, vectorized.conv_forward) == y_test)
    assert accuracy >= tiny_cnn.PASS_ACCURACY
    assert np.mean(history.losses[-20:]) < 0.5 * np.mean(history.losses[:20])
    assert history.accuracies[-1] == accuracy
