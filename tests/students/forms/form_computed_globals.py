import numpy as np

import conv1d_core

_EPS = float(np.finfo(float).eps)
_SCALE = 1 + _EPS
_ONE = _SCALE - _EPS   # 1.0, computed from another computed global


def conv1d_forward(x, w, b):
    return conv1d_core.forward(x, w, b) * _ONE


def conv1d_backward(dy, x, w):
    dx, dw, db = conv1d_core.backward(dy, x, w)
    return dx * _ONE, dw * _ONE, db * _ONE
