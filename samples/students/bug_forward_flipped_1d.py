"""Bug: conv1d_forward uses np.convolve, which flips the kernel, instead of a cross-correlation."""
import numpy as np

from honest_loops import (
    conv1d_backward, conv2d_forward, conv2d_backward,
    conv_forward_chw, conv_backward_chw, conv_forward, conv_backward,
)


def conv1d_forward(x, w, b):
    """Valid 1d convolution of x with w, plus b."""
    y = np.convolve(x, w, mode="valid")
    return y + b
