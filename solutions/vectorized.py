"""The reference solution without Python loops over samples or positions.

Forward and dW use the im2col view: every receptive field becomes a row of a
matrix (a strided view of the padded input, copied once), so the layer is one
matrix product. dX is the transpose of that: each of the KH*KW kernel offsets
adds one matrix product into a strided slice of the padded gradient. That
loop runs over kernel offsets only, and needs no (N*Ho*Wo, C*KH*KW) buffer.

The single-image parts are thin wrappers that add the missing axes.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.geometry import output_size, pad_spatial, strip_padding


def _im2col(xp, kh, kw, stride):
    """Receptive fields as rows.

    ``xp (N, C, Hp, Wp) -> cols (N*Ho*Wo, C*KH*KW)``, ordered like
    ``w.reshape(F, C*KH*KW)``.
    """
    n, c = xp.shape[:2]
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    ho, wo = windows.shape[2:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw), ho, wo


def conv_forward(x, w, b, stride=1, pad=0):
    """Convolution layer forward pass.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    stride, pad : int

    Returns
    -------
    out : ndarray, shape (N, F, Ho, Wo)
        ``Ho = (H + 2*pad - KH) // stride + 1``, ``Wo = (W + 2*pad - KW) // stride + 1``.
    """
    n = x.shape[0]
    f, _, kh, kw = w.shape
    output_size(x.shape[2], kh, stride, pad), output_size(x.shape[3], kw, stride, pad)  # validates
    cols, ho, wo = _im2col(pad_spatial(x, pad), kh, kw, stride)
    out = cols @ w.reshape(f, -1).T + b
    return np.ascontiguousarray(out.reshape(n, ho, wo, f).transpose(0, 3, 1, 2))


def conv_backward(dout, x, w, stride=1, pad=0):
    """Gradients of :func:`conv_forward`.

    Parameters
    ----------
    dout : ndarray, shape (N, F, Ho, Wo)
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    stride, pad : int

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw : ndarray, shape (F, C, KH, KW)
        Summed over the batch.
    db : ndarray, shape (F,)
        Summed over the batch and all output positions.
    """
    f, c, kh, kw = w.shape
    xp = pad_spatial(x, pad)
    n, _, ho, wo = dout.shape
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(n * ho * wo, f)

    cols, _, _ = _im2col(xp, kh, kw, stride)
    dw = (dout_rows.T @ cols).reshape(w.shape)
    db = dout.sum(axis=(0, 2, 3))

    # dX: for kernel offset (m, n), output (i, j) touched padded input
    # (i*stride + m, j*stride + n); those positions form a strided slice.
    dxp = np.zeros(xp.shape)
    w_offsets = w.transpose(2, 3, 0, 1)  # (KH, KW, F, C)
    for m in range(kh):
        for k in range(kw):
            contribution = (dout_rows @ w_offsets[m, k]).reshape(n, ho, wo, c)
            dxp[:, :, m:m + stride * ho:stride, k:k + stride * wo:stride] += contribution.transpose(0, 3, 1, 2)
    return strip_padding(dxp, pad, *x.shape[2:]), dw, db


# --- The single-image parts, as views of the batch layer ---------------------

def conv_forward_chw(x, w, b, stride=1, pad=0):
    """x (C, H, W), w (F, C, KH, KW), b (F,) -> (F, Ho, Wo)."""
    return conv_forward(x[None], w, b, stride, pad)[0]


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """dy (F, Ho, Wo), x (C, H, W), w (F, C, KH, KW) -> dx (C, H, W), dw, db (F,)."""
    dx, dw, db = conv_backward(dy[None], x[None], w, stride, pad)
    return dx[0], dw, db


def conv2d_forward(x, w, b, stride=1, pad=0):
    """x (H, W), w (KH, KW), b float -> (Ho, Wo)."""
    return conv_forward(x[None, None], w[None, None], np.array([b], dtype=float), stride, pad)[0, 0]


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """dy (Ho, Wo), x (H, W), w (KH, KW) -> dx (H, W), dw (KH, KW), db float."""
    dx, dw, db = conv_backward(dy[None, None], x[None, None], w[None, None], stride, pad)
    return dx[0, 0], dw[0, 0], float(db[0])


def conv1d_forward(x, w, b):
    """x (L,), w (K,), b float -> (L - K + 1,)."""
    return conv2d_forward(x[None], w[None], b)[0]


def conv1d_backward(dy, x, w):
    """dy (L - K + 1,), x (L,), w (K,) -> dx (L,), dw (K,), db float."""
    dx, dw, db = conv2d_backward(dy[None], x[None], w[None])
    return dx[0], dw[0], db
