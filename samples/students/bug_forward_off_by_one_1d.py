"""Bug: conv1d_forward allocates L-K+1 outputs but its loop runs over range(L - K), so the last output stays 0."""
import numpy as np

from honest_loops import (
    conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv1d_forward(x, w, b):
    """Slide w along x and add b."""
    L = len(x)
    K = len(w)
    y = np.zeros(L - K + 1)
    for i in range(L - K):
        y[i] = np.sum(x[i:i + K] * w) + b
    return y
