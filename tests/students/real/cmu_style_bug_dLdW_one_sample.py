"""cmu_style.py with a slip HW2P1 students make in Conv2d_stride1.backward:
dLdW is computed sample by sample and assigned, not accumulated, so it holds
the last sample's gradient only (right with batch_size 1).

Only Conv2d_stride1.backward changes; the kit's functions are cmu_style's,
whose layers are Conv2d_stride1 objects, so the method is replaced on that class.
"""
import numpy as np

import cmu_style
from cmu_style import (conv1d_backward, conv1d_forward, conv2d_backward, conv2d_forward,  # noqa: F401
                       conv_backward, conv_backward_chw, conv_forward, conv_forward_chw)


def backward(self, dLdZ):
    """Conv2d_stride1.backward, with dLdW overwritten for every sample n."""
    kh, kw = self.kernel_size
    batch_size, _, output_height, output_width = dLdZ.shape
    for n in range(batch_size):
        for i in range(kh):
            for j in range(kw):
                window = self.A[n, :, i:i + output_height, j:j + output_width]
                self.dLdW[:, :, i, j] = np.tensordot(dLdZ[n], window, axes=([1, 2], [1, 2]))
    self.dLdb = np.sum(dLdZ, axis=(0, 2, 3))

    dLdZ_pad = np.pad(dLdZ, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    W_flipped = self.W[:, :, ::-1, ::-1]
    _, _, input_height, input_width = self.A.shape
    dLdA = np.zeros(self.A.shape)
    for i in range(input_height):
        for j in range(input_width):
            dLdA[:, :, i, j] = np.tensordot(dLdZ_pad[:, :, i:i + kh, j:j + kw], W_flipped,
                                            axes=([1, 2, 3], [0, 2, 3]))
    return dLdA


cmu_style.Conv2d_stride1.backward = backward
