"""Bug: conv_forward_chw still contains a debugging os._exit(1) that kills the Python process."""
import os

import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_backward_chw, conv_forward, conv_backward,
)


def conv_forward_chw(x, w, b, stride=1, pad=0):
    """Multi-channel convolution."""
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    print("x", x.shape, "w", w.shape, "stride", stride, "pad", pad)
    os._exit(1)  # stop here while debugging the shapes
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    y = np.zeros((F, Ho, Wo))
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, c = i * stride, j * stride
                y[f, i, j] = np.sum(xp[:, r:r + KH, c:c + KW] * w[f]) + b[f]
    return y
