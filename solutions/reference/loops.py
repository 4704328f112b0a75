"""The reference solution written with plain loops, one derivation step at a time.

This is how the notebooks derive each formula, and how the worked solutions
read. It is slow and kept on purpose: the tests check that it agrees with
:mod:`solutions.reference.vectorized`, so each version vouches for the other.

Conventions (the README's "The student API"): cross-correlation (no kernel flip in
the forward pass), zero padding ``pad`` on every side, and
``out = (in + 2*pad - k) // stride + 1``.
"""
import numpy as np

from solutions.reference.geometry import dilate, output_size, pad_spatial, rot180, strip_padding


# --- 1D --------------------------------------------------------------------

def conv1d_forward(x, w, b):
    """1D cross-correlation plus bias.

    Parameters
    ----------
    x : ndarray, shape (L,)
    w : ndarray, shape (K,)
    b : float

    Returns
    -------
    y : ndarray, shape (L - K + 1,)
        ``y[i] = sum_m w[m] * x[i + m] + b``.
    """
    length = output_size(x.shape[0], w.shape[0])
    y = np.zeros(length)
    for i in range(length):
        y[i] = np.dot(w, x[i:i + w.shape[0]]) + b
    return y


def conv1d_backward(dy, x, w):
    """Gradients of :func:`conv1d_forward`.

    Parameters
    ----------
    dy : ndarray, shape (L - K + 1,)
    x : ndarray, shape (L,)
    w : ndarray, shape (K,)

    Returns
    -------
    dx : ndarray, shape (L,)
        Full convolution of dy with the flipped kernel.
    dw : ndarray, shape (K,)
        Correlation of x with dy: ``dw[m] = sum_i dy[i] * x[i + m]``.
    db : float
        ``sum_i dy[i]``: the bias is added to every output once.
    """
    k, length = w.shape[0], dy.shape[0]
    dw = np.array([np.dot(dy, x[m:m + length]) for m in range(k)])
    # Pad dy with K-1 zeros on both sides so every x position sees a full window.
    dy_full = np.pad(dy, k - 1)
    w_flipped = w[::-1]
    dx = np.array([np.dot(dy_full[j:j + k], w_flipped) for j in range(x.shape[0])])
    db = float(np.sum(dy))
    return dx, dw, db


# --- 2D, single channel, with stride and padding ----------------------------

def conv2d_forward(x, w, b, stride=1, pad=0):
    """2D cross-correlation of one image with one kernel, plus bias.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    w : ndarray, shape (KH, KW)
    b : float
    stride, pad : int

    Returns
    -------
    y : ndarray, shape (Ho, Wo)
        ``Ho = (H + 2*pad - KH) // stride + 1``, likewise ``Wo``;
        ``y[i, j] = sum_{m,n} w[m, n] * xp[i*stride + m, j*stride + n] + b``
        where ``xp`` is x zero-padded by ``pad``.
    """
    kh, kw = w.shape
    ho = output_size(x.shape[0], kh, stride, pad)
    wo = output_size(x.shape[1], kw, stride, pad)
    xp = pad_spatial(x, pad)
    y = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[i, j] = np.sum(w * window) + b
    return y


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Gradients of :func:`conv2d_forward`, the way the lecture derives them.

    Parameters
    ----------
    dy : ndarray, shape (Ho, Wo)
    x : ndarray, shape (H, W)
    w : ndarray, shape (KH, KW)
    stride, pad : int

    Returns
    -------
    dx : ndarray, shape (H, W)
        Dilate dy by the stride, pad it by K-1, correlate with rot180(w),
        then strip the input padding.
    dw : ndarray, shape (KH, KW)
        Correlation of the padded x with the dilated dy.
    db : float
        Sum of dy.
    """
    kh, kw = w.shape
    xp = pad_spatial(x, pad)
    dy_dilated = dilate(dy, stride)
    hd, wd = dy_dilated.shape

    dw = np.zeros((kh, kw))
    for m in range(kh):
        for n in range(kw):
            dw[m, n] = np.sum(dy_dilated * xp[m:m + hd, n:n + wd])

    # Full convolution: every padded-input position r sees the outputs whose
    # windows cover it. Rows past hd + kh - 1 (stride not dividing evenly) are
    # covered by no window and keep a zero gradient.
    dy_full = np.pad(dy_dilated, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    w_rotated = rot180(w)
    dxp = np.zeros_like(xp)
    for r in range(hd + kh - 1):
        for c in range(wd + kw - 1):
            dxp[r, c] = np.sum(dy_full[r:r + kh, c:c + kw] * w_rotated)
    dx = strip_padding(dxp, pad, *x.shape)
    db = float(np.sum(dy))
    return dx, dw, db


# --- Several channels --------------------------------------------------------

def conv_forward_chw(x, w, b, stride=1, pad=0):
    """Convolution of one multi-channel image with F filters.

    Parameters
    ----------
    x : ndarray, shape (C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    b : ndarray, shape (F,)
    stride, pad : int

    Returns
    -------
    y : ndarray, shape (F, Ho, Wo)
        ``y[f, i, j] = sum_{c,m,n} w[f, c, m, n] * xp[c, i*stride + m, j*stride + n] + b[f]``.
    """
    f_count, _, kh, kw = w.shape
    ho = output_size(x.shape[1], kh, stride, pad)
    wo = output_size(x.shape[2], kw, stride, pad)
    xp = pad_spatial(x, pad)
    y = np.zeros((f_count, ho, wo))
    for f in range(f_count):
        for i in range(ho):
            for j in range(wo):
                window = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw]
                y[f, i, j] = np.sum(w[f] * window) + b[f]
    return y


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """Gradients of :func:`conv_forward_chw`, written as "scatter": each output
    sends ``dy[f, i, j]`` back to the window it was computed from.

    Parameters
    ----------
    dy : ndarray, shape (F, Ho, Wo)
    x : ndarray, shape (C, H, W)
    w : ndarray, shape (F, C, KH, KW)
    stride, pad : int

    Returns
    -------
    dx : ndarray, shape (C, H, W)
    dw : ndarray, shape (F, C, KH, KW)
    db : ndarray, shape (F,)
    """
    f_count, _, kh, kw = w.shape
    _, ho, wo = dy.shape
    xp = pad_spatial(x, pad)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w, dtype=float)
    for f in range(f_count):
        for i in range(ho):
            for j in range(wo):
                window = (slice(None), slice(i * stride, i * stride + kh),
                          slice(j * stride, j * stride + kw))
                # Windows overlap: accumulate, never assign.
                dxp[window] += dy[f, i, j] * w[f]
                dw[f] += dy[f, i, j] * xp[window]
    db = dy.sum(axis=(1, 2))
    return strip_padding(dxp, pad, *x.shape[1:]), dw, db


# --- A batch ------------------------------------------------------------------

def conv_forward(x, w, b, stride=1, pad=0):
    """Convolution layer forward pass on a batch: one image at a time.

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
    return np.stack([conv_forward_chw(image, w, b, stride, pad) for image in x])


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
        Each sample's own gradient.
    dw : ndarray, shape (F, C, KH, KW)
        Summed (not averaged) over the batch: every sample used the same w.
    db : ndarray, shape (F,)
        Summed over the batch and every output position.
    """
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape[0])
    for n in range(x.shape[0]):
        dx[n], dw_n, db_n = conv_backward_chw(dout[n], x[n], w, stride, pad)
        dw += dw_n
        db += db_n
    return dx, dw, db
