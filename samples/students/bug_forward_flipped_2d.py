"""Bug: conv2d_forward flips the kernel by 180 degrees (true convolution) instead of cross-correlating."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_forward(x, w, b, stride=1, pad=0):
    """2d convolution of x with w (the kernel is flipped, as in the maths textbook)."""
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    wf = np.flip(w)  # convolution = flip the kernel first
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[i * stride:i * stride + KH, j * stride:j * stride + KW]
            y[i, j] = np.sum(patch * wf) + b
    return y
