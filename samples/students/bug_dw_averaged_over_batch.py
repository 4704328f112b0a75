"""Bug: conv_backward divides dw by the batch size N (mean over samples) instead of summing."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward,
)


def conv_backward(dout, x, w, stride=1, pad=0):
    """Backward pass of conv_forward; the weight gradient is averaged over the batch."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, c = i * stride, j * stride
                    dw[f] += dout[n, f, i, j] * xp[n, :, r:r + KH, c:c + KW]
                    dxp[n, :, r:r + KH, c:c + KW] += dout[n, f, i, j] * w[f]
    dw /= N
    db = np.sum(dout, axis=(0, 2, 3))
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
