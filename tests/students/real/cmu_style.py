"""A correct submission written the way a CMU 11-785 (HW2P1, mytorch) student
writes the convolution layers: Conv1d_stride1 and Conv2d_stride1 with their
own forward/backward, Downsample2d for the stride, and Conv2d = padding +
stride-1 conv + downsampling. The kit's functions build a layer holding the
given weights, and call it.
"""
import numpy as np


class Conv1d_stride1():
    def __init__(self, in_channels, out_channels, kernel_size,
                 weight_init_fn=None, bias_init_fn=None):
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size

        shape = (out_channels, in_channels, kernel_size)
        self.W = np.random.normal(0, 1.0, shape) if weight_init_fn is None else weight_init_fn(*shape)
        self.b = np.zeros(out_channels) if bias_init_fn is None else bias_init_fn(out_channels)

        self.dLdW = np.zeros(self.W.shape)
        self.dLdb = np.zeros(self.b.shape)

    def forward(self, A):
        """A (batch_size, in_channels, input_size) -> Z (batch_size, out_channels, output_size)"""
        self.A = A
        batch_size, _, input_size = A.shape
        output_size = input_size - self.kernel_size + 1
        Z = np.zeros((batch_size, self.out_channels, output_size))
        for i in range(output_size):
            # (N, C_in, K) . (C_out, C_in, K) -> (N, C_out)
            Z[:, :, i] = np.tensordot(A[:, :, i:i + self.kernel_size], self.W, axes=([1, 2], [1, 2]))
        Z += self.b.reshape(1, -1, 1)
        return Z

    def backward(self, dLdZ):
        """dLdZ (batch_size, out_channels, output_size) -> dLdA (batch_size, in_channels, input_size)"""
        output_size = dLdZ.shape[2]
        # dLdW is A correlated with dLdZ (summed over the batch)
        for k in range(self.kernel_size):
            self.dLdW[:, :, k] = np.tensordot(dLdZ, self.A[:, :, k:k + output_size], axes=([0, 2], [0, 2]))
        self.dLdb = np.sum(dLdZ, axis=(0, 2))

        # dLdA: pad dLdZ with K-1 zeros on both sides, correlate with the flipped W
        K = self.kernel_size
        dLdZ_pad = np.pad(dLdZ, ((0, 0), (0, 0), (K - 1, K - 1)))
        W_flipped = self.W[:, :, ::-1]
        dLdA = np.zeros(self.A.shape)
        for i in range(self.A.shape[2]):
            # (N, C_out, K) . (C_out, C_in, K) -> (N, C_in)
            dLdA[:, :, i] = np.tensordot(dLdZ_pad[:, :, i:i + K], W_flipped, axes=([1, 2], [0, 2]))
        return dLdA


class Conv2d_stride1():
    def __init__(self, in_channels, out_channels, kernel_size,
                 weight_init_fn=None, bias_init_fn=None):
        self.in_channels = in_channels
        self.out_channels = out_channels
        # the handout's kernels are square; the kit's are not, so (kh, kw) is allowed too
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        self.kernel_size = kernel_size
        kh, kw = kernel_size

        shape = (out_channels, in_channels, kh, kw)
        self.W = np.random.normal(0, 1.0, shape) if weight_init_fn is None else weight_init_fn(*shape)
        self.b = np.zeros(out_channels) if bias_init_fn is None else bias_init_fn(out_channels)

        self.dLdW = np.zeros(self.W.shape)
        self.dLdb = np.zeros(self.b.shape)

    def forward(self, A):
        """A (batch_size, in_channels, input_height, input_width) -> Z (batch_size, out_channels, out_h, out_w)"""
        self.A = A
        kh, kw = self.kernel_size
        batch_size, _, input_height, input_width = A.shape
        output_height = input_height - kh + 1
        output_width = input_width - kw + 1
        Z = np.zeros((batch_size, self.out_channels, output_height, output_width))
        for i in range(output_height):
            for j in range(output_width):
                Z[:, :, i, j] = np.tensordot(A[:, :, i:i + kh, j:j + kw], self.W, axes=([1, 2, 3], [1, 2, 3]))
        Z += self.b.reshape(1, -1, 1, 1)
        return Z

    def backward(self, dLdZ):
        """dLdZ (batch_size, out_channels, out_h, out_w) -> dLdA, shaped like A; sets dLdW and dLdb"""
        kh, kw = self.kernel_size
        _, _, output_height, output_width = dLdZ.shape
        for i in range(kh):
            for j in range(kw):
                window = self.A[:, :, i:i + output_height, j:j + output_width]
                self.dLdW[:, :, i, j] = np.tensordot(dLdZ, window, axes=([0, 2, 3], [0, 2, 3]))
        self.dLdb = np.sum(dLdZ, axis=(0, 2, 3))

        # full convolution of dLdZ with the filters flipped in both directions
        dLdZ_pad = np.pad(dLdZ, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
        W_flipped = self.W[:, :, ::-1, ::-1]
        _, _, input_height, input_width = self.A.shape
        dLdA = np.zeros(self.A.shape)
        for i in range(input_height):
            for j in range(input_width):
                dLdA[:, :, i, j] = np.tensordot(dLdZ_pad[:, :, i:i + kh, j:j + kw], W_flipped,
                                                axes=([1, 2, 3], [0, 2, 3]))
        return dLdA


class Downsample2d():
    def __init__(self, downsampling_factor):
        self.downsampling_factor = downsampling_factor

    def forward(self, A):
        # keep every k-th row and column, starting at 0: ceil(in / k) of them
        self.input_height, self.input_width = A.shape[2], A.shape[3]
        k = self.downsampling_factor
        Z = A[:, :, ::k, ::k]
        return Z

    def backward(self, dLdZ):
        # the rows and columns that were dropped get no gradient; the size is the saved input size,
        # not (out - 1) * k + 1, which loses the last rows when k does not divide evenly
        k = self.downsampling_factor
        dLdA = np.zeros(dLdZ.shape[:2] + (self.input_height, self.input_width))
        dLdA[:, :, ::k, ::k] = dLdZ
        return dLdA


class Conv2d():
    def __init__(self, in_channels, out_channels, kernel_size, stride, padding=0,
                 weight_init_fn=None, bias_init_fn=None):
        self.stride = stride
        self.pad = padding
        self.conv2d_stride1 = Conv2d_stride1(in_channels, out_channels, kernel_size,
                                             weight_init_fn, bias_init_fn)
        self.downsample2d = Downsample2d(stride)

    def forward(self, A):
        # Pad the input appropriately using np.pad() function
        p = self.pad
        A_padded = np.pad(A, ((0, 0), (0, 0), (p, p), (p, p)))
        # Call Conv2d_stride1, then downsample
        Z = self.conv2d_stride1.forward(A_padded)
        Z = self.downsample2d.forward(Z)
        return Z

    def backward(self, dLdZ):
        # Call downsample2d backward, then Conv2d_stride1 backward
        dLdZ = self.downsample2d.backward(dLdZ)
        dLdA_padded = self.conv2d_stride1.backward(dLdZ)
        # Unpad the gradient
        p = self.pad
        height, width = dLdA_padded.shape[2] - 2 * p, dLdA_padded.shape[3] - 2 * p
        return dLdA_padded[:, :, p:p + height, p:p + width]


# ------------------------------------------------------------- the kit's API

def _layer(w, b, stride=1, pad=0):
    """A Conv2d whose weights are (copies of) w and b."""
    w = np.array(w, dtype=np.float64)
    return Conv2d(w.shape[1], w.shape[0], w.shape[2:], stride, pad,
                  weight_init_fn=lambda *shape: w.copy(),
                  bias_init_fn=lambda out_channels: np.array(b, dtype=np.float64).reshape(out_channels))


def conv_forward(x, w, b, stride=1, pad=0):
    return _layer(w, b, stride, pad).forward(np.asarray(x, dtype=np.float64))


def conv_backward(dout, x, w, stride=1, pad=0):
    layer = _layer(w, np.zeros(len(w)), stride, pad)
    layer.forward(np.asarray(x, dtype=np.float64))     # backward needs the A it saw
    dLdA = layer.backward(np.asarray(dout, dtype=np.float64))
    return dLdA, layer.conv2d_stride1.dLdW, layer.conv2d_stride1.dLdb


class OneImage():
    """One image (C, H, W) is a batch of one."""
    def forward(self, x, w, b, stride=1, pad=0):
        return conv_forward(np.asarray(x)[None], w, b, stride, pad)[0]

    def backward(self, dy, x, w, stride=1, pad=0):
        dx, dw, db = conv_backward(np.asarray(dy)[None], np.asarray(x)[None], w, stride, pad)
        return dx[0], dw, db


_one_image = OneImage()
conv_forward_chw = _one_image.forward
conv_backward_chw = _one_image.backward

# one channel, one filter
conv2d_forward = lambda x, w, b, stride=1, pad=0: conv_forward_chw(  # noqa: E731
    np.asarray(x)[None], np.asarray(w)[None, None], [b], stride, pad)[0]


def conv2d_backward(dy, x, w, stride=1, pad=0):
    dx, dw, db = conv_backward_chw(np.asarray(dy)[None], np.asarray(x)[None], np.asarray(w)[None, None],
                                   stride, pad)
    return dx[0], dw[0, 0], float(db[0])


def _layer1d(w, b):
    w = np.array(w, dtype=np.float64).reshape(1, 1, -1)
    return Conv1d_stride1(1, 1, w.shape[2], weight_init_fn=lambda *shape: w.copy(),
                          bias_init_fn=lambda out_channels: np.full(out_channels, float(b)))


def conv1d_forward(x, w, b):
    return _layer1d(w, b).forward(np.asarray(x, dtype=np.float64)[None, None])[0, 0]


def conv1d_backward(dy, x, w):
    layer = _layer1d(w, 0.0)
    layer.forward(np.asarray(x, dtype=np.float64)[None, None])
    dLdA = layer.backward(np.asarray(dy, dtype=np.float64)[None, None])
    return dLdA[0, 0], layer.dLdW[0, 0], float(layer.dLdb[0])
