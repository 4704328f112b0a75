"""A correct submission, written with loops the way the lecture derives it.

Forward: slide the kernel over the (zero-padded) input, one output position
at a time (cross-correlation, the kernel is not flipped).
Backward: for every output position, dW += dy * window and the window of
dX_padded += dy * W (scatter), then strip the padding off dX.
"""
import numpy as np


def _out_size(n, k, stride, pad):
    """Number of output positions along one axis."""
    return (n + 2 * pad - k) // stride + 1


# ---------------------------------------------------------------- part 1: 1d

def conv1d_forward(x, w, b):
    """y[i] = sum_k w[k] * x[i + k] + b for a 1d signal x (L,) and kernel w (K,)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    L, K = x.shape[0], w.shape[0]
    out = L - K + 1
    y = np.zeros(out)
    for i in range(out):
        y[i] = np.sum(x[i:i + K] * w) + b
    return y


def conv1d_backward(dy, x, w):
    """Gradients (dx, dw, db) of conv1d_forward, db as a float."""
    dy = np.asarray(dy, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    L, K = x.shape[0], w.shape[0]
    dx = np.zeros(L)
    dw = np.zeros(K)
    for i in range(dy.shape[0]):
        dw += dy[i] * x[i:i + K]       # dW is the correlation of x with dy
        dx[i:i + K] += dy[i] * w       # each output spreads dy[i] * w back
    db = float(np.sum(dy))
    return dx, dw, db


# ------------------------------------------------- parts 2 and 3: 2d, stride

def conv2d_forward(x, w, b, stride=1, pad=0):
    """Single-channel 2d cross-correlation of x (H, W) with w (KH, KW), plus b."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    Ho = _out_size(H, KH, stride, pad)
    Wo = _out_size(W, KW, stride, pad)
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            y[i, j] = np.sum(xp[r:r + KH, c:c + KW] * w) + b
    return y


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Gradients (dx, dw, db) of conv2d_forward, db as a float."""
    dy = np.asarray(dy, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = dy.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros((KH, KW))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
    dx = dxp[pad:pad + H, pad:pad + W].copy()
    db = float(np.sum(dy))
    return dx, dw, db


# ------------------------------------------------------- part 4: channels

def conv_forward_chw(x, w, b, stride=1, pad=0):
    """x (C, H, W), w (F, C, KH, KW), b (F,) -> y (F, Ho, Wo)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    Ho = _out_size(H, KH, stride, pad)
    Wo = _out_size(W, KW, stride, pad)
    y = np.zeros((F, Ho, Wo))
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, c = i * stride, j * stride
                y[f, i, j] = np.sum(xp[:, r:r + KH, c:c + KW] * w[f]) + b[f]
    return y


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """Gradients (dx, dw, db) of conv_forward_chw, db of shape (F,)."""
    dy = np.asarray(dy, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, Ho, Wo = dy.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, c = i * stride, j * stride
                dw[f] += dy[f, i, j] * xp[:, r:r + KH, c:c + KW]
                dxp[:, r:r + KH, c:c + KW] += dy[f, i, j] * w[f]
    dx = dxp[:, pad:pad + H, pad:pad + W].copy()
    db = np.sum(dy, axis=(1, 2))
    return dx, dw, db


# ----------------------------------------------------------- part 5: batch

def conv_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> y (N, F, Ho, Wo)."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = _out_size(H, KH, stride, pad)
    Wo = _out_size(W, KW, stride, pad)
    y = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, c = i * stride, j * stride
                    window = xp[n, :, r:r + KH, c:c + KW]
                    y[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return y


def conv_backward(dout, x, w, stride=1, pad=0):
    """Gradients (dx, dw, db) of conv_forward; dw and db are summed over the batch."""
    dout = np.asarray(dout, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
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
                    g = dout[n, f, i, j]
                    dw[f] += g * xp[n, :, r:r + KH, c:c + KW]
                    dxp[n, :, r:r + KH, c:c + KW] += g * w[f]
    dx = dxp[:, :, pad:pad + H, pad:pad + W].copy()
    db = np.sum(dout, axis=(0, 2, 3))
    return dx, dw, db
