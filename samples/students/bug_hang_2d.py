"""Bug: conv2d_backward walks the output rows with a while loop and never increments the row counter, so it loops forever."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Backward pass of conv2d_forward."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros((KH, KW))
    i = 0
    while i < Ho:
        j = 0
        while j < Wo:
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
            j += 1
    dx = dxp[pad:pad + H, pad:pad + W]
    db = float(np.sum(dy))
    return dx, dw, db
