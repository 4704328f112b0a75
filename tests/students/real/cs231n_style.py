"""A correct submission written the way a CS231n (assignment 2, layers.py)
student writes the convolutional layer: the naive forward and backward passes
with a conv_param dict and a cache, then thin wrappers for the kit's API.

Every kit function adds the missing leading axes (N, C, F), calls the naive
layer and takes those axes off again.
"""
import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    The input consists of N data points, each with C channels, height H and
    width W. We convolve each input with F different filters, where each filter
    spans all C channels and has height HH and width WW.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields in the
        horizontal and vertical directions.
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W') where H' and W' are given by
      H' = 1 + (H + 2 * pad - HH) / stride
      W' = 1 + (W + 2 * pad - WW) / stride
    - cache: (x, w, b, conv_param)
    """
    out = None
    ###########################################################################
    # TODO: Implement the convolutional forward pass.                         #
    # Hint: you can use the function np.pad for padding.                      #
    ###########################################################################
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride

    # zero-pad only the two spatial dimensions
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    receptive_field = x_pad[n, :, h0:h0 + HH, w0:w0 + WW]
                    out[n, f, i, j] = np.sum(receptive_field * w[f]) + b[f]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives.
    - cache: A tuple of (x, w, b, conv_param) as in conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x
    - dw: Gradient with respect to w
    - db: Gradient with respect to b
    """
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Implement the convolutional backward pass.                        #
    ###########################################################################
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape

    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))   # b[f] is added to every output of filter f

    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    # out[n, f, i, j] = sum(x_pad[window] * w[f]) + b[f]
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, h0:h0 + HH, w0:w0 + WW]
                    dx_pad[n, :, h0:h0 + HH, w0:w0 + WW] += dout[n, f, i, j] * w[f]

    # throw away the gradient of the zeros we padded with
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


# ---------------------------------------------------------------------------
# The kit's API on top of the naive layer.
# ---------------------------------------------------------------------------

def conv_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    out, _ = conv_forward_naive(x, w, b, {'stride': stride, 'pad': pad})
    return out


def conv_backward(dout, x, w, stride=1, pad=0):
    dout, x, w = (np.asarray(a, dtype=np.float64) for a in (dout, x, w))
    b = np.zeros(w.shape[0])   # the backward pass never reads b
    cache = (x, w, b, {'stride': stride, 'pad': pad})
    return conv_backward_naive(dout, cache)


def conv_forward_chw(x, w, b, stride=1, pad=0):
    # one image: add the batch axis N = 1, then take it off
    return conv_forward(np.asarray(x)[None], w, b, stride, pad)[0]


def conv_backward_chw(dy, x, w, stride=1, pad=0):
    dx, dw, db = conv_backward(np.asarray(dy)[None], np.asarray(x)[None], w, stride, pad)
    return dx[0], dw, db


def conv2d_forward(x, w, b, stride=1, pad=0):
    # one channel, one filter: x (H, W) -> (1, 1, H, W), w (HH, WW) -> (1, 1, HH, WW)
    x, w = np.asarray(x), np.asarray(w)
    out = conv_forward(x[None, None], w[None, None], np.array([b]), stride, pad)
    return out[0, 0]


def conv2d_backward(dy, x, w, stride=1, pad=0):
    dy, x, w = np.asarray(dy), np.asarray(x), np.asarray(w)
    dx, dw, db = conv_backward(dy[None, None], x[None, None], w[None, None], stride, pad)
    return dx[0, 0], dw[0, 0], float(db[0])


def conv1d_forward(x, w, b):
    # a signal is an image with one row
    x, w = np.asarray(x), np.asarray(w)
    return conv2d_forward(x[None, :], w[None, :], b).ravel()


def conv1d_backward(dy, x, w):
    dy, x, w = np.asarray(dy), np.asarray(x), np.asarray(w)
    dx, dw, db = conv2d_backward(dy[None, :], x[None, :], w[None, :])
    return dx.ravel(), dw.ravel(), db
