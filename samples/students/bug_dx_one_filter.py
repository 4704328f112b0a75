"""Bug: conv_backward_chw resets dx inside the filter loop, so dx only holds the last filter's contribution instead of the sum over filters."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_forward, conv_backward,
)


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """Backward pass of conv_forward_chw, one filter at a time."""
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, Ho, Wo = dy.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for f in range(F):
        dxp = np.zeros(xp.shape)   # gradient w.r.t. the input from filter f
        for i in range(Ho):
            for j in range(Wo):
                r, c = i * stride, j * stride
                dw[f] += dy[f, i, j] * xp[:, r:r + KH, c:c + KW]
                dxp[:, r:r + KH, c:c + KW] += dy[f, i, j] * w[f]
        db[f] = np.sum(dy[f])
    dx = dxp[:, pad:pad + H, pad:pad + W]
    return dx, dw, db
