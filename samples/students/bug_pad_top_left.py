"""Bug: the student's padding helper puts x in the top-left corner of the zero array (all 2*pad zeros at the bottom/right), used in both conv2d_forward and conv2d_backward."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def zero_pad(a, pad):
    """Return a with pad rows/columns of zeros added around it."""
    H, W = a.shape
    out = np.zeros((H + 2 * pad, W + 2 * pad))
    out[:H, :W] = a
    return out


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Single-channel convolution with stride and zero padding."""
    H, W = x.shape
    KH, KW = w.shape
    xp = zero_pad(x, pad)
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            y[i, j] = np.sum(xp[r:r + KH, c:c + KW] * w) + b
    return y


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Backward pass of conv2d_forward."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = zero_pad(x, pad)
    dxp = np.zeros(xp.shape)
    dw = np.zeros((KH, KW))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
    dx = dxp[:H, :W]   # undo zero_pad
    db = float(np.sum(dy))
    return dx, dw, db
