"""The small geometric tools every convolution derivation uses.

They work on the last two axes, so the same call serves a single image
``(H, W)``, a stack of channels ``(C, H, W)`` and a batch ``(N, C, H, W)``.
"""
import numpy as np


def output_size(size, kernel, stride=1, pad=0):
    """Length of the output along one axis.

    ``out = (size + 2*pad - kernel) // stride + 1``. The floor means that when
    the stride does not divide ``size + 2*pad - kernel`` the last rows or
    columns of the input are never covered by a window.
    """
    if kernel > size + 2 * pad:
        raise ValueError(f"kernel {kernel} is larger than the padded input {size + 2 * pad}")
    return (size + 2 * pad - kernel) // stride + 1


def pad_spatial(x, pad):
    """Zero-pad the last two axes by ``pad`` on every side.

    ``(..., H, W) -> (..., H + 2*pad, W + 2*pad)``; a new array even for pad 0.
    """
    widths = [(0, 0)] * (x.ndim - 2) + [(pad, pad), (pad, pad)]
    return np.pad(x, widths)


def strip_padding(xp, pad, height, width):
    """Undo :func:`pad_spatial`: keep rows ``pad:pad+height``, columns ``pad:pad+width``.

    Written with explicit ends because ``xp[pad:-pad]`` is empty when pad is 0.
    """
    return xp[..., pad:pad + height, pad:pad + width]


def dilate(dy, stride):
    """Insert ``stride - 1`` zeros between neighbouring entries of the last two axes.

    ``(..., Ho, Wo) -> (..., stride*(Ho-1) + 1, stride*(Wo-1) + 1)``. A strided
    convolution is a stride-1 convolution whose output is subsampled; dilating
    dY puts each gradient back at the position its output had before the
    subsampling.
    """
    ho, wo = dy.shape[-2:]
    out = np.zeros(dy.shape[:-2] + (stride * (ho - 1) + 1, stride * (wo - 1) + 1))
    out[..., ::stride, ::stride] = dy
    return out


def rot180(w):
    """Rotate the kernel by 180 degrees (flip both spatial axes)."""
    return w[..., ::-1, ::-1]
