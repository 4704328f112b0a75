"""Bug: conv2d_backward rotates dw by 180 degrees ("the backward pass rotates the kernel"), although only dx involves the rotation."""
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
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
    dw = np.rot90(dw, 2)   # rotate 180 degrees, like in the lecture
    dx = dxp[pad:pad + H, pad:pad + W]
    db = float(np.sum(dy))
    return dx, dw, db
