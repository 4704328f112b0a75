"""A correct 1D layer that the forms below bind under the API's names in different ways."""
import numpy as np


def forward(x, w, b):
    k = len(w)
    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)]) + b


def backward(dy, x, w):
    k = len(w)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i, g in enumerate(dy):
        dx[i:i + k] += g * w
        dw += g * x[i:i + k]
    return dx, dw, float(np.sum(dy))
