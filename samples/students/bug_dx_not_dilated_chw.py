"""Bug: conv_backward_chw computes dx as the full convolution of dy with the rotated kernel without dilating dy when stride > 1."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_forward, conv_backward,
)


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """dx_pad[c] = sum_f full_conv(dy[f], rot180(w[f, c])); dw[f, c] = corr(x_pad[c], dy[f])."""
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, Ho, Wo = dy.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))

    dw = np.zeros(w.shape)
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                dw[f] += dy[f, i, j] * xp[:, i * stride:i * stride + KH, j * stride:j * stride + KW]
    db = dy.sum(axis=(1, 2))

    w_rot = w[:, :, ::-1, ::-1]
    dy_p = np.pad(dy, ((0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    Hf, Wf = Ho + KH - 1, Wo + KW - 1
    dxp = np.zeros(xp.shape)
    for c in range(C):
        for i in range(Hf):
            for j in range(Wf):
                dxp[c, i, j] = np.sum(dy_p[:, i:i + KH, j:j + KW] * w_rot[:, c])
    dx = dxp[:, pad:pad + H, pad:pad + W]
    return dx, dw, db
