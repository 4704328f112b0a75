import functools

import conv1d_core


def _general_backward(dy, x, w, scale=2.0):
    dx, dw, db = conv1d_core.backward(dy, x, w)
    return dx * scale, dw * scale, db * scale


conv1d_forward = lambda x, w, b: conv1d_core.forward(x, w, b)  # noqa: E731
conv1d_backward = functools.partial(_general_backward, scale=1.0)
