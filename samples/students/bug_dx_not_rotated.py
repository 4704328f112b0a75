"""Bug: conv2d_backward computes dx as the full convolution of the dilated dy with the kernel, but forgets to rotate the kernel by 180 degrees."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """dx = full convolution of dilated dy with W, dW = correlation of x with dy."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))

    # dW[m, n] = sum_ij dy[i, j] * x_pad[i*s + m, j*s + n]
    dw = np.zeros((KH, KW))
    for m in range(KH):
        for n in range(KW):
            dw[m, n] = np.sum(dy * xp[m:m + stride * (Ho - 1) + 1:stride,
                                      n:n + stride * (Wo - 1) + 1:stride])

    # dilate dy: put stride-1 zeros between its entries
    dyd = np.zeros((stride * (Ho - 1) + 1, stride * (Wo - 1) + 1))
    dyd[::stride, ::stride] = dy
    # full convolution: pad by K-1 and slide the kernel over it
    dyd_p = np.pad(dyd, ((KH - 1, KH - 1), (KW - 1, KW - 1)))
    Hf = dyd.shape[0] + KH - 1
    Wf = dyd.shape[1] + KW - 1
    dxp = np.zeros(xp.shape)
    for i in range(Hf):
        for j in range(Wf):
            dxp[i, j] = np.sum(dyd_p[i:i + KH, j:j + KW] * w)
    dx = dxp[pad:pad + H, pad:pad + W]

    db = float(np.sum(dy))
    return dx, dw, db
