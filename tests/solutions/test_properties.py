"""Property tests over shapes, strides and padding: the loop and vectorised
references agree, match float64 central differences, and never touch their
inputs."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from convkit.gradcheck import numerical_gradient, relative_error
from solutions.reference import loops, vectorized


@st.composite
def layers(draw, max_n=3, max_c=3, max_f=3, max_hw=8):
    n, c, f = draw(st.integers(1, max_n)), draw(st.integers(1, max_c)), draw(st.integers(1, max_f))
    h, w = draw(st.integers(1, max_hw)), draw(st.integers(1, max_hw))
    pad = draw(st.integers(0, 2))
    kh, kw = draw(st.integers(1, h + 2 * pad)), draw(st.integers(1, w + 2 * pad))
    stride = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    weights = rng.standard_normal((f, c, kh, kw))
    b = rng.standard_normal(f)
    ho, wo = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    dout = rng.standard_normal((n, f, ho, wo))
    return x, weights, b, dout, stride, pad


@settings(max_examples=60, deadline=None)
@given(layers())
def test_loops_and_vectorized_agree(layer):
    """Do the two independent versions give the same outputs and gradients on any valid shape?"""
    x, w, b, dout, stride, pad = layer
    out = vectorized.conv_forward(x, w, b, stride, pad)
    assert out.shape == dout.shape and out.dtype == np.float64
    assert relative_error(out, loops.conv_forward(x, w, b, stride, pad)) < 1e-10
    for mine, theirs in zip(vectorized.conv_backward(dout, x, w, stride, pad),
                            loops.conv_backward(dout, x, w, stride, pad)):
        assert relative_error(mine, theirs) < 1e-10


@settings(max_examples=25, deadline=None)
@given(layers(max_n=2, max_c=2, max_hw=6))
def test_vectorized_gradients_match_central_differences(layer):
    """Are dx, dw and db the derivatives of sum(forward * dout)?"""
    x, w, b, dout, stride, pad = layer
    dx, dw, db = vectorized.conv_backward(dout, x, w, stride, pad)
    f = vectorized.conv_forward
    assert relative_error(dx, numerical_gradient(lambda v: f(v, w, b, stride, pad), x, dout)) < 1e-6
    assert relative_error(dw, numerical_gradient(lambda v: f(x, v, b, stride, pad), w, dout)) < 1e-6
    assert relative_error(db, numerical_gradient(lambda v: f(x, w, v, stride, pad), b, dout)) < 1e-6


@settings(max_examples=20, deadline=None)
@given(layers(max_n=2, max_c=2, max_hw=6))
def test_inputs_are_never_modified(layer):
    """Do both versions leave every argument exactly as it was?"""
    originals = [a.copy() for a in layer[:4]]
    x, w, b, dout, stride, pad = layer
    for ref in (loops, vectorized):
        ref.conv_forward(x, w, b, stride, pad)
        ref.conv_backward(dout, x, w, stride, pad)
    for before, after in zip(originals, layer[:4]):
        np.testing.assert_array_equal(before, after)


@settings(max_examples=30, deadline=None)
@given(layers(max_n=1, max_c=1, max_f=1))
def test_single_image_parts_are_the_batch_layer(layer):
    """Are the 1D, 2D and (C, H, W) functions the batch layer with axes removed, in both versions?"""
    x, w, b, dout, stride, pad = layer
    for ref in (loops, vectorized):
        y = ref.conv_forward(x, w, b, stride, pad)
        assert relative_error(ref.conv_forward_chw(x[0], w, b, stride, pad), y[0]) < 1e-10
        assert relative_error(ref.conv2d_forward(x[0, 0], w[0, 0], float(b[0]), stride, pad), y[0, 0]) < 1e-10
        dx, dw, db = ref.conv2d_backward(dout[0, 0], x[0, 0], w[0, 0], stride, pad)
        full = ref.conv_backward(dout, x, w, stride, pad)
        assert relative_error(dx, full[0][0, 0]) < 1e-10 and relative_error(dw, full[1][0, 0]) < 1e-10
        assert isinstance(db, float) and abs(db - full[2][0]) < 1e-9 * (1 + abs(db))
        if stride == 1 and pad == 0:
            y1 = ref.conv1d_forward(x[0, 0, 0], w[0, 0, 0], float(b[0]))
            assert y1.shape == (x.shape[3] - w.shape[3] + 1,)
