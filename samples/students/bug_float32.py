"""Bug: conv2d_forward and conv2d_backward cast everything to float32 "to save memory" and return float32 results."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Single-channel convolution, computed in single precision."""
    x = x.astype(np.float32)
    w = w.astype(np.float32)
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    y = np.zeros((Ho, Wo), dtype=np.float32)
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            y[i, j] = np.sum(xp[r:r + KH, c:c + KW] * w) + b
    return y


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Backward pass of conv2d_forward, computed in single precision."""
    dy = dy.astype(np.float32)
    x = x.astype(np.float32)
    w = w.astype(np.float32)
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape, dtype=np.float32)
    dw = np.zeros((KH, KW), dtype=np.float32)
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
    dx = dxp[pad:pad + H, pad:pad + W]
    db = np.sum(dy)
    return dx, dw, db
