"""Bug: conv_backward sets db inside the loop over samples, so db is the bias gradient of the last sample only."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward,
)


def conv_backward(dout, x, w, stride=1, pad=0):
    """Backward pass of conv_forward for a batch."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, c = i * stride, j * stride
                    dw[f] += dout[n, f, i, j] * xp[n, :, r:r + KH, c:c + KW]
                    dxp[n, :, r:r + KH, c:c + KW] += dout[n, f, i, j] * w[f]
            db[f] = np.sum(dout[n, f])
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
