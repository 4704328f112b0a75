"""Bug: conv2d_backward scatters dy[i, j] * w at (i, j) instead of (i*stride, j*stride), i.e. dy is not dilated."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Backward pass of the strided, padded single-channel convolution."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(Ho):
        for j in range(Wo):
            dw += dy[i, j] * xp[i * stride:i * stride + KH, j * stride:j * stride + KW]
            dxp[i:i + KH, j:j + KW] += dy[i, j] * w
    dx = dxp[pad:pad + H, pad:pad + W]
    db = float(dy.sum())
    return dx, dw, db
