"""Bug: conv2d_forward computes the output size as (H + 2*pad - KH + 1) // stride, which is only right when stride == 1."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Single-channel convolution with stride and zero padding."""
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, pad)
    # without stride there are H - KH + 1 positions, so divide that by the stride
    Ho = (H + 2 * pad - KH + 1) // stride
    Wo = (W + 2 * pad - KW + 1) // stride
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            y[i, j] = np.sum(xp[i * stride:i * stride + KH, j * stride:j * stride + KW] * w) + b
    return y
