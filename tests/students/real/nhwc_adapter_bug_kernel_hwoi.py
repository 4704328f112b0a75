"""nhwc_adapter.py with the kernel moved to the wrong TensorFlow layout: the
OIHW kernel is transposed to HWOI (height, width, out, in), the layout of
tf.nn.conv2d_transpose's filters, and then used as HWIO. With one channel and
one filter nothing changes; with C = F the channels are mixed up, and with
C != F the einsum shapes do not match and it raises.

Only oihw_to_hwio changes; the kit's functions are nhwc_adapter's, which look
oihw_to_hwio up in their own module, so the wrong one is put there.
"""
import nhwc_adapter
from nhwc_adapter import (conv1d_backward, conv1d_forward, conv2d_backward, conv2d_forward,  # noqa: F401
                          conv_backward, conv_backward_chw, conv_forward, conv_forward_chw)


def oihw_to_hwio(w):
    # (out, in, kh, kw) -> (kh, kw, out, in): HWOI, read as HWIO by the layer
    return w.transpose(2, 3, 0, 1)


nhwc_adapter.oihw_to_hwio = oihw_to_hwio
