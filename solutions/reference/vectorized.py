"""The reference solution without Python loops over samples or positions.

Forward and dW use the im2col view: every receptive field becomes a column of
a matrix (a strided view of the padded input, copied once per image), so the
layer is one matrix product per image, batched by ``np.matmul``. dX is the
transposed product followed by col2im: each of the KH*KW kernel offsets adds
one strided slice into the padded gradient. That loop runs over kernel
offsets only, never over samples or output positions.

The single-image parts are thin wrappers that add the missing axes.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from solutions.reference.geometry import output_size, pad_spatial, strip_padding


def _im2col(xp, kh, kw, stride):
    """Receptive fields as columns, one matrix per image.

    ``xp (N, C, Hp, Wp) -> cols (N, C*KH*KW, Ho*Wo)``, rows ordered like
    ``w.reshape(F, C*KH*KW)``, so that ``w.reshape(F, -1) @ cols`` is the
    output already in ``(N, F, Ho*Wo)`` order: no transpose copy afterwards.
    """
    n, c = xp.shape[:2]
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    ho, wo = windows.shape[2:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, ho * wo), ho, wo


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
    f, _, kh, kw = w.shape
    output_size(x.shape[2], kh, stride, pad), output_size(x.shape[3], kw, stride, pad)  # validates
    cols, ho, wo = _im2col(pad_spatial(x, pad), kh, kw, stride)
    out = np.matmul(w.reshape(f, -1), cols)  # (N, F, Ho*Wo), one matrix product per image
    out += b[:, None]
    return out.reshape(x.shape[0], f, ho, wo)


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
    n, _, ho, wo = dout.shape
    xp = pad_spatial(x, pad)
    dout_cols = dout.reshape(n, f, ho * wo)  # a view: no copy

    cols, _, _ = _im2col(xp, kh, kw, stride)
    dw = np.matmul(dout_cols, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    del cols  # its memory serves dcols below
    db = dout.sum(axis=(0, 2, 3))

    # dX: the transposed product gives every window's gradient; window (i, j)
    # at kernel offset (m, k) read padded input (i*stride + m, j*stride + k),
    # and those positions form one strided slice per offset (col2im).
    dcols = np.matmul(w.reshape(f, -1).T, dout_cols).reshape(n, c, kh, kw, ho, wo)
    dxp = np.zeros(xp.shape)
    for m in range(kh):
        for k in range(kw):
            dxp[:, :, m:m + stride * ho:stride, k:k + stride * wo:stride] += dcols[:, :, m, k]
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
