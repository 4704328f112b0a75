import conv1d_core


def conv1d_forward(x, w, b):
    raise NotImplementedError


del conv1d_forward
conv1d_forward = conv1d_core.forward
conv1d_backward = None
conv1d_backward = conv1d_core.backward
