"""Bug: when stride > 1, conv2d_backward allocates the dilated dy one row and one column too small and raises IndexError."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """dx = full convolution of the dilated dy with the rotated kernel."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))

    dw = np.zeros((KH, KW))
    for i in range(Ho):
        for j in range(Wo):
            dw += dy[i, j] * xp[i * stride:i * stride + KH, j * stride:j * stride + KW]
    db = float(np.sum(dy))

    if stride > 1:
        # insert stride-1 zeros between the entries of dy
        dyd = np.zeros(((Ho - 1) * stride, (Wo - 1) * stride))
        for i in range(Ho):
            for j in range(Wo):
                dyd[i * stride, j * stride] = dy[i, j]
    else:
        dyd = dy
    dyd_p = np.pad(dyd, ((KH - 1, KH - 1), (KW - 1, KW - 1)))
    w_rot = w[::-1, ::-1]
    dxp = np.zeros(xp.shape)
    for i in range(dyd.shape[0] + KH - 1):
        for j in range(dyd.shape[1] + KW - 1):
            dxp[i, j] = np.sum(dyd_p[i:i + KH, j:j + KW] * w_rot)
    dx = dxp[pad:pad + H, pad:pad + W]
    return dx, dw, db
