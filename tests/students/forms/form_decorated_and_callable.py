import functools

import conv1d_core


def as_float64(function):
    @functools.wraps(function)
    def wrapper(*args):
        return function(*args)
    return wrapper


class Backward:
    def __call__(self, dy, x, w):
        return conv1d_core.backward(dy, x, w)


@as_float64
def conv1d_forward(x, w, b):
    return conv1d_core.forward(x, w, b)


conv1d_backward = Backward()
