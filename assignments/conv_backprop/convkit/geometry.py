"""The size arithmetic of a convolution, written once for the figures, the grader's test cases and its checks.

The notebooks teach the same formula; the students write their own.
"""


def output_size(size, kernel, stride=1, pad=0):
    """How many window positions fit along one axis: ``(size + 2*pad - kernel) // stride + 1``.

    Parameters
    ----------
    size : int
        The input's length along the axis, before padding.
    kernel : int
        The kernel's length along the axis.
    stride : int
        The step between two windows.
    pad : int
        The zeros added at each end of the axis.

    Returns
    -------
    int
        The output's length. The floor means that when the stride does not
        divide ``size + 2*pad - kernel`` the last rows or columns of the
        padded input are read by no window.
    """
    return (size + 2 * pad - kernel) // stride + 1
