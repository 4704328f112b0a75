"""cs231n_style.py with the classic slip in conv_backward_naive: the padding
is stripped off dx with [pad:-pad]. With the notebook's pad = 1 the gradient
check passes; with pad = 0, x[0:-0] is x[0:0] and dx comes out empty.

Only conv_backward_naive changes; the kit's functions are the ones of
cs231n_style.py, which look conv_backward_naive up in their own module, so
the buggy one is put there.
"""
import numpy as np

import cs231n_style
from cs231n_style import (conv1d_backward, conv1d_forward, conv2d_backward, conv2d_forward,  # noqa: F401
                          conv_backward, conv_backward_chw, conv_forward, conv_forward_chw)


def conv_backward_naive(dout, cache):
    """The naive backward pass, with the padding taken off as x[pad:-pad]."""
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape

    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, h0:h0 + HH, w0:w0 + WW]
                    dx_pad[n, :, h0:h0 + HH, w0:w0 + WW] += dout[n, f, i, j] * w[f]
    dx = dx_pad[:, :, pad:-pad, pad:-pad]
    return dx, dw, db


cs231n_style.conv_backward_naive = conv_backward_naive
