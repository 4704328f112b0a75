"""Bug: conv1d_backward uses `dx = x` as its accumulator (an alias, not a copy), so it overwrites the caller's x with dx."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv1d_backward(dy, x, w):
    """Gradients of y = conv1d(x, w) + b."""
    L = x.shape[0]
    K = w.shape[0]
    out = dy.shape[0]
    # dW first: it needs the input values
    dw = np.zeros(K)
    for i in range(out):
        dw += dy[i] * x[i:i + K]
    # dX has the same shape as x
    dx = x
    dx[:] = 0.0
    for i in range(out):
        dx[i:i + K] += dy[i] * w
    db = float(np.sum(dy))
    return dx, dw, db
