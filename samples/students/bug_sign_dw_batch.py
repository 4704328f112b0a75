"""Bug: conv_backward subtracts each contribution from dw (dw -= ...), as in a gradient-descent step, so dw has the wrong sign."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward,
)


def conv_backward(dout, x, w, stride=1, pad=0):
    """Backward pass of conv_forward for a batch of N samples."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, _, Ho, Wo = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    dw[f] -= dout[n, f, i, j] * x_pad[n, :, hs:hs + KH, ws:ws + KW]
                    dx_pad[n, :, hs:hs + KH, ws:ws + KW] += dout[n, f, i, j] * w[f]
    db = dout.sum(axis=(0, 2, 3))
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
