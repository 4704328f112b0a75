"""The tiny CNN's other layers. Each backward sits right below its forward and
takes the upstream gradient first, then what the forward pass saw.
"""
import numpy as np


def relu_forward(x):
    """Elementwise max(x, 0); any shape."""
    return np.maximum(x, 0.0)


def relu_backward(dout, x):
    """The gradient passes where the input was positive."""
    return dout * (x > 0)


def max_pool_forward(x):
    """2x2 max pooling with stride 2.

    x : (N, C, H, W) with H and W even -> (N, C, H/2, W/2)
    """
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
    return blocks.max(axis=(3, 5))


def max_pool_backward(dout, x):
    """Send each gradient to the position of its block's maximum.

    dout : (N, C, H/2, W/2), x : (N, C, H, W) -> dx (N, C, H, W). Ties share
    the gradient equally, so the result is still an exact subgradient.
    """
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
    is_max = blocks == blocks.max(axis=(3, 5), keepdims=True)
    share = is_max / is_max.sum(axis=(3, 5), keepdims=True)
    return (share * dout[:, :, :, None, :, None]).reshape(x.shape)


def affine_forward(x, w, b):
    """Fully connected layer: x (N, D...) flattened to (N, D), w (D, M), b (M,) -> (N, M)."""
    return x.reshape(x.shape[0], -1) @ w + b


def affine_backward(dout, x, w):
    """dout (N, M) -> dx (shape of x), dw (D, M), db (M,)."""
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)


def softmax_cross_entropy(scores, labels):
    """Mean cross-entropy loss and its gradient.

    scores : (N, classes), labels : (N,) ints -> (loss float, dscores (N, classes))
    """
    shifted = scores - scores.max(axis=1, keepdims=True)  # no overflow in exp
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -log_probs[np.arange(n), labels].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), labels] -= 1.0
    return float(loss), dscores / n
