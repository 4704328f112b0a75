"""Bug: conv1d_backward computes dx by sliding the un-flipped kernel over the zero-padded dy (correlation instead of full convolution)."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv1d_backward(dy, x, w):
    """dx is a 'full' convolution of dy with w, dw a valid correlation of x with dy."""
    L = x.shape[0]
    K = w.shape[0]
    out = dy.shape[0]
    dw = np.zeros(K)
    for k in range(K):
        dw[k] = np.sum(dy * x[k:k + out])
    dy_pad = np.pad(dy, (K - 1, K - 1))
    dx = np.zeros(L)
    for l in range(L):
        dx[l] = np.sum(dy_pad[l:l + K] * w)
    db = float(np.sum(dy))
    return dx, dw, db
