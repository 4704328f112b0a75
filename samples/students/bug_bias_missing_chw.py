"""Bug: conv_forward_chw forgets to add the bias b[f]."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_backward_chw, conv_forward, conv_backward,
)


def conv_forward_chw(x, w, b, stride=1, pad=0):
    """Multi-channel convolution: every filter sees all C channels."""
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    out = np.zeros((F, Ho, Wo))
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                window = xp[:, i * stride:i * stride + KH, j * stride:j * stride + KW]
                out[f, i, j] = np.sum(window * w[f])
    return out
