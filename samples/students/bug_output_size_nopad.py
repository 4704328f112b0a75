"""Bug: conv_forward leaves the padding out of the output-size formula, Ho = (H - KH) // stride + 1."""
import numpy as np

from honest_loops import (
    conv1d_forward, conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_backward,
)


def conv_forward(x, w, b, stride=1, pad=0):
    """Batched multi-channel convolution."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho = (H - KH) // stride + 1
    Wo = (W - KW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(x_pad[n, :, hs:hs + KH, ws:ws + KW] * w[f]) + b[f]
    return out
