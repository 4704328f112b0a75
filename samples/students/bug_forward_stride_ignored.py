"""Bug: conv2d_forward computes the strided output size correctly but reads the window at (i, j) instead of (i*stride, j*stride)."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Single-channel convolution with stride and zero padding."""
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            y[i, j] = np.sum(xp[i:i + KH, j:j + KW] * w) + b
    return y
