"""The empty template a student starts from: every function is still a stub."""
import numpy as np


def conv1d_forward(x, w, b):
    """x (L,), w (K,), b float -> y (L-K+1,)."""
    raise NotImplementedError


def conv1d_backward(dy, x, w):
    """Return (dx, dw, db) with the shapes of (x, w, b)."""
    raise NotImplementedError


def conv2d_forward(x, w, b, stride=1, pad=0):
    """x (H, W), w (KH, KW), b float -> y (Ho, Wo)."""
    raise NotImplementedError


def conv2d_backward(dy, x, w, stride=1, pad=0):
    """Return (dx, dw, db) with the shapes of (x, w, b)."""
    raise NotImplementedError


def conv_forward_chw(x, w, b, stride=1, pad=0):
    """x (C, H, W), w (F, C, KH, KW), b (F,) -> y (F, Ho, Wo)."""
    raise NotImplementedError


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    """Return (dx, dw, db) with the shapes of (x, w, b)."""
    raise NotImplementedError


def conv_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> y (N, F, Ho, Wo)."""
    raise NotImplementedError


def conv_backward(dout, x, w, stride=1, pad=0):
    """Return (dx, dw, db) with the shapes of (x, w, b)."""
    raise NotImplementedError
