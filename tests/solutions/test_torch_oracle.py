"""PyTorch in float64 as a third, independent oracle. Skipped when torch is
not installed (it is not a dependency of the kit)."""
import numpy as np
import pytest

from solutions.reference import vectorized

torch = pytest.importorskip("torch")

SHAPES = [  # (N, C, H, W, F, KH, KW, stride, pad)
    (2, 3, 7, 5, 4, 3, 2, 2, 1), (1, 1, 5, 5, 1, 3, 3, 1, 0), (3, 2, 9, 6, 2, 4, 2, 3, 2),
    (2, 2, 3, 4, 3, 5, 6, 1, 1), (4, 1, 8, 8, 8, 3, 3, 1, 1), (2, 4, 6, 7, 3, 1, 1, 2, 0),
]


@pytest.mark.parametrize("shape", SHAPES)
def test_reference_matches_torch_conv2d_in_float64(shape):
    """Do the forward pass and all three gradients equal torch.nn.functional.conv2d's?"""
    n, c, h, w, f, kh, kw, stride, pad = shape
    rng = np.random.default_rng(7)
    x, weights, b = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw)), rng.standard_normal(f)
    out = vectorized.conv_forward(x, weights, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weights, b))
    tout = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=pad)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    for mine, theirs in zip(vectorized.conv_backward(dout, x, weights, stride, pad), (tx, tw, tb)):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
