import numpy as np

try:
    import a_module_that_is_not_installed as fast  # noqa: F401
except ImportError:
    def conv1d_forward(x, w, b):
        k = len(w)
        return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)]) + b

if np.__version__:
    def conv1d_backward(dy, x, w):
        from conv1d_core import backward
        return backward(dy, x, w)
else:
    def conv1d_backward(dy, x, w):
        raise RuntimeError("never defined this way")
