"""A correct submission from a student who thinks in TensorFlow layouts.

The layer is written once, natively channels-last: images NHWC
(batch, height, width, channels) and filters HWIO (height, width, in, out),
as tf.nn.conv2d takes them, vectorised with sliding_window_view and einsum.
The kit's functions are adapters: NCHW -> NHWC and OIHW -> HWIO on the way
in, and back on the way out.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


# ----------------------------------------------------------------- layouts

def nchw_to_nhwc(x):
    return x.transpose(0, 2, 3, 1)


def nhwc_to_nchw(x):
    return x.transpose(0, 3, 1, 2)


def oihw_to_hwio(w):
    # (out, in, kh, kw) -> (kh, kw, in, out)
    return w.transpose(2, 3, 1, 0)


def hwio_to_oihw(w):
    # (kh, kw, in, out) -> (out, in, kh, kw)
    return w.transpose(3, 2, 0, 1)


# -------------------------------------------------------- the NHWC layer

def _pad_nhwc(x, pad):
    # explicit padding, like tf.nn.conv2d(..., padding=[[0, 0], [p, p], [p, p], [0, 0]])
    return np.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]])


def conv2d_nhwc(inputs, filters, bias, strides=1, padding=0):
    """inputs (N, H, W, C_in), filters (KH, KW, C_in, C_out), bias (C_out,) -> (N, Ho, Wo, C_out)."""
    kh, kw = filters.shape[:2]
    padded = _pad_nhwc(inputs, padding)
    # every kh x kw patch: (N, H', W', C_in, KH, KW), then keep every strides-th one
    patches = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::strides, ::strides]
    return np.einsum('nhwcij,ijco->nhwo', patches, filters) + bias


def conv2d_nhwc_grad(grad, inputs, filters, strides=1, padding=0):
    """Gradients of conv2d_nhwc for the upstream grad (N, Ho, Wo, C_out): (d_inputs, d_filters, d_bias)."""
    kh, kw = filters.shape[:2]
    n, h, w, c = inputs.shape
    _, ho, wo, _ = grad.shape
    padded = _pad_nhwc(inputs, padding)
    d_padded = np.zeros(padded.shape)
    d_filters = np.zeros(filters.shape)
    # one kernel tap (i, j) at a time: it saw padded[:, i + s*r, j + s*q, :] for every output (r, q)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + strides * (ho - 1) + 1, strides)
            cols = slice(j, j + strides * (wo - 1) + 1, strides)
            d_filters[i, j] = np.einsum('nhwc,nhwo->co', padded[:, rows, cols, :], grad)
            d_padded[:, rows, cols, :] += np.einsum('nhwo,co->nhwc', grad, filters[i, j])
    d_inputs = d_padded[:, padding:padding + h, padding:padding + w, :]
    d_bias = grad.sum(axis=(0, 1, 2))
    return d_inputs, d_filters, d_bias


# ---------------------------------------------- the kit's API (NCHW, OIHW)

def conv_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    y = conv2d_nhwc(nchw_to_nhwc(x), oihw_to_hwio(w), b, stride, pad)
    return nhwc_to_nchw(y)


def conv_backward(dout, x, w, stride=1, pad=0):
    dout, x, w = (np.asarray(a, dtype=np.float64) for a in (dout, x, w))
    dx, dw, db = conv2d_nhwc_grad(nchw_to_nhwc(dout), nchw_to_nhwc(x), oihw_to_hwio(w), stride, pad)
    return nhwc_to_nchw(dx), hwio_to_oihw(dw), db


def conv_forward_chw(x, w, b, stride=1, pad=0):
    return conv_forward(np.asarray(x)[None], w, b, stride, pad)[0]


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    dx, dw, db = conv_backward(np.asarray(dy)[None], np.asarray(x)[None], w, stride, pad)
    return dx[0], dw, db


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w = np.asarray(x), np.asarray(w)
    return conv_forward(x[None, None], w[None, None], [b], stride, pad)[0, 0]


def conv2d_backward(dy, x, w, stride=1, pad=0):
    dy, x, w = np.asarray(dy), np.asarray(x), np.asarray(w)
    dx, dw, db = conv_backward(dy[None, None], x[None, None], w[None, None], stride, pad)
    return dx[0, 0], dw[0, 0], float(db[0])


def conv1d_forward(x, w, b):
    # a 1d signal is a 1 x L image
    return conv2d_forward(np.asarray(x)[None], np.asarray(w)[None], b)[0]


def conv1d_backward(dy, x, w):
    dx, dw, db = conv2d_backward(np.asarray(dy)[None], np.asarray(x)[None], np.asarray(w)[None])
    return dx[0], dw[0], db
