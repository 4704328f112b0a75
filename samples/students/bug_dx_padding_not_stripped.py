"""Bug: conv_backward_chw returns the gradient of the padded input, shape (C, H+2*pad, W+2*pad), without cutting the padding off."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_forward, conv_backward,
)


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """Backward pass of conv_forward_chw."""
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, Ho, Wo = dy.shape
    x_pad = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    dx = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                hs, ws = i * stride, j * stride
                dw[f] += dy[f, i, j] * x_pad[:, hs:hs + KH, ws:ws + KW]
                dx[:, hs:hs + KH, ws:ws + KW] += dy[f, i, j] * w[f]
    db = np.sum(dy, axis=(1, 2))
    return dx, dw, db
