"""Bug: conv2d_backward computes dw[m, n] from the x window starting at (m, n) with step 1, ignoring the stride (x[i + m] instead of x[i*stride + m])."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """dW is the correlation of the padded x with dy; dx by scattering dy * w."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))

    dw = np.zeros((KH, KW))
    for m in range(KH):
        for n in range(KW):
            dw[m, n] = np.sum(dy * xp[m:m + Ho, n:n + Wo])

    dxp = np.zeros(xp.shape)
    for i in range(Ho):
        for j in range(Wo):
            dxp[i * stride:i * stride + KH, j * stride:j * stride + KW] += dy[i, j] * w
    dx = dxp[pad:pad + H, pad:pad + W]
    db = float(np.sum(dy))
    return dx, dw, db
