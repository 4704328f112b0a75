"""Known wrong answers, and the words that explain them.

Each :class:`Misconception` computes, in the batch form, exactly what a
student holding that misconception would return for one output. When a
student's output is wrong in some cases and equals one of these in every one
of them (and in every passing case the idea applies to), the feedback names
the misconception instead of just saying "wrong values". Shape mistakes are named from the shapes of every case: a wrong
formula is named only when it gives the student's shape in all of them.

Everything here is built from the reference and :mod:`solutions.reference.geometry`, so
a misconception differs from the right answer only where the idea differs.

Beside the catalogue: the advice for what the failing cases share
(:data:`HINTS`, :func:`hints`), and the words for an answer that is the
right one scaled by a constant or by one of the case's sizes
(:func:`explain_scale`).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.engine import compare
from solutions.reference.geometry import pad_spatial, rot180, strip_padding
from solutions.reference.vectorized import conv_backward, conv_forward


@dataclass(frozen=True)
class Misconception:
    id: str
    output: str                     # "forward", "dx", "dw" or "db"
    compute: Callable               # case -> batch-form array
    message: str                    # may use {stride}, {case}
    applies: Callable = lambda case: True


def _backward(case, **changes):
    args = dict(dout=case.dy, x=case.x, w=case.w, stride=case.stride, pad=case.pad)
    args.update(changes)
    return conv_backward(**args)


def _scatter_dx(case, step, accumulate=True, filters=None):
    """dX by sending dy[n, f, i, j] * w[f] back to the window at (i*step, j*step).

    ``step`` = stride is the right answer; ``step`` = 1 forgets the dilation.
    ``accumulate=False`` assigns each window instead of adding to it, so
    overlapping windows overwrite each other (in the row-major order of a loop).
    ``filters`` keeps only some filters' contributions.
    """
    n, c, h, w = case.x.shape
    f, _, kh, kw = case.w.shape
    _, _, ho, wo = case.dy.shape
    dxp = np.zeros(pad_spatial(case.x, case.pad).shape)
    keep = range(f) if filters is None else filters
    for i in range(ho):
        for j in range(wo):
            window = dxp[:, :, i * step:i * step + kh, j * step:j * step + kw]
            contribution = sum(case.dy[:, g, i, j][:, None, None, None] * case.w[g] for g in keep)
            if accumulate:
                window += contribution
            else:
                window[...] = contribution
    return strip_padding(dxp, case.pad, h, w)


def _dw_without_stride(case):
    """dW with x windows taken at (i + m) instead of (i*stride + m)."""
    xp = pad_spatial(case.x, case.pad)
    f, c, kh, kw = case.w.shape
    _, _, ho, wo = case.dy.shape
    dw = np.zeros(case.w.shape)
    for m in range(kh):
        for k in range(kw):
            dw[:, :, m, k] = np.einsum("nfij,ncij->fc", case.dy, xp[:, :, m:m + ho, k:k + wo])
    return dw


def _one_sample(case, output, sample):
    dx, dw, db = _backward(case, dout=case.dy[[sample]], x=case.x[[sample]])
    return {"dw": dw, "db": db}[output]


def _strided(case):
    return case.stride > 1


def _batched(case):
    return case.x.shape[0] > 1


def _several_filters(case):
    return case.w.shape[0] > 1


def _sign(output):
    index = {"dx": 0, "dw": 1, "db": 2}[output]
    return Misconception(
        "sign_flipped", output, lambda case: -_backward(case)[index],
        f"{output} has the right size but the wrong sign everywhere: the gradient of "
        f"y with respect to its input is added, not subtracted (check for a stray minus).")


CATALOGUE = [
    Misconception(
        "forward_kernel_flipped", "forward",
        lambda case: conv_forward(case.x, rot180(case.w), case.b, case.stride, case.pad),
        "The forward pass flips the kernel (a true convolution). Deep-learning layers compute "
        "cross-correlation: y[i, j] = sum over m, n of w[m, n] * x[i*stride + m, j*stride + n] + b, "
        "with w used as it is."),
    Misconception(
        "forward_bias_missing", "forward",
        lambda case: conv_forward(case.x, case.w, np.zeros_like(case.b), case.stride, case.pad),
        "The forward pass leaves out the bias: add b to every output."),
    Misconception(
        "forward_stride_ignored", "forward",
        lambda case: conv_forward(case.x, case.w, case.b, 1, case.pad)[:, :, :case.dy.shape[2], :case.dy.shape[3]],
        "The forward pass is right for stride 1 but wrong for stride {stride} (e.g. {case}): it has the "
        "right size, but output (i, j) must read the window that starts at (i*stride, j*stride), not (i, j).",
        applies=_strided),
    Misconception(
        "dx_kernel_not_rotated", "dx",
        lambda case: _backward(case, w=rot180(case.w))[0],
        "dx uses the kernel as it is, but dX is the full convolution of dY with the kernel "
        "rotated by 180 degrees: the output that sees x through w[0, 0] lies up and to the "
        "left of it. Rotate w (w[..., ::-1, ::-1]), or scatter dy[i, j] * w into the window "
        "that produced y[i, j]."),
    Misconception(
        "dx_dout_not_dilated", "dx",
        lambda case: _scatter_dx(case, step=1),
        "dx is right for stride 1 but wrong for stride {stride} (e.g. {case}): did you dilate "
        "dY? With stride s, output (i, j) came from the window at (i*s, j*s), so insert s - 1 "
        "zeros between the entries of dY before the full convolution.",
        applies=_strided),
    Misconception(
        "dx_windows_assigned", "dx",
        lambda case: _scatter_dx(case, step=case.stride, accumulate=False),
        "dx is right where windows do not overlap and wrong where they do: overlapping "
        "windows are assigned (dx[...] = ...) instead of accumulated (dx[...] += ...). An "
        "input pixel feeds every output whose window covers it, so its gradient is the sum."),
    Misconception(
        "dx_one_filter", "dx",
        lambda case: _scatter_dx(case, step=case.stride, filters=[case.w.shape[0] - 1]),
        "dx keeps only the last filter's contribution: every filter reads the input, so dX "
        "sums the contributions of all F filters (accumulate over f, don't assign).",
        applies=_several_filters),
    _sign("dx"),
    Misconception(
        "dw_rotated", "dw",
        lambda case: rot180(_backward(case)[1]),
        "dw comes out rotated by 180 degrees: dW is the correlation of the (padded) input with "
        "dY, dw[m, n] = sum over i, j of dy[i, j] * x[i*stride + m, j*stride + n], with no flip."),
    Misconception(
        "dw_stride_ignored", "dw",
        _dw_without_stride,
        "dw is right for stride 1 but wrong for stride {stride} (e.g. {case}): output (i, j) "
        "saw x at (i*stride + m, j*stride + n), so correlate x with the dilated dY.",
        applies=_strided),
    Misconception(
        "dw_averaged_over_batch", "dw",
        lambda case: _backward(case)[1] / case.x.shape[0],
        "dw is divided by the batch size: every sample used the same weights, so their "
        "gradients add up. Sum dW over the batch, don't average (the loss does any averaging).",
        applies=_batched),
    Misconception(
        "dw_one_sample", "dw",
        lambda case: _one_sample(case, "dw", -1),
        "dw holds only the last sample's gradient: it is overwritten in the loop over the "
        "batch. Accumulate dw += ... over all N samples.",
        applies=_batched),
    Misconception(
        "dw_one_sample", "dw",
        lambda case: _one_sample(case, "dw", 0),
        "dw holds only the first sample's gradient: accumulate dw over all N samples.",
        applies=_batched),
    _sign("dw"),
    Misconception(
        "db_averaged", "db",
        lambda case: _backward(case)[2] / (case.dy.size / case.dy.shape[1]),
        "db is averaged: b is added once to every output, so db is the sum of dY over every "
        "output position (and every sample), not the mean."),
    Misconception(
        "db_averaged", "db",
        lambda case: _backward(case)[2] / case.x.shape[0],
        "db is divided by the batch size: sum dY over the batch, don't average.",
        applies=_batched),
    Misconception(
        "db_one_sample", "db",
        lambda case: _one_sample(case, "db", -1),
        "db holds only the last sample's sum: accumulate db over all N samples.",
        applies=_batched),
    _sign("db"),
]


# --- Shapes ---------------------------------------------------------------------

def wrong_size_formulas():
    """Wrong output-size formulas students write, with what to tell them."""
    return [
        (lambda n, k, s, p: (n + 2 * p - k) // s, "the '+ 1' is missing"),
        (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1, "it rounds up instead of down"),
        (lambda n, k, s, p: (n - k) // s + 1, "the padding is left out"),
        (lambda n, k, s, p: (n + p - k) // s + 1, "the padding is counted on one side only"),
        (lambda n, k, s, p: n + 2 * p - k + 1, "the stride is left out"),
        (lambda n, k, s, p: (n + 2 * p - k + 1) // s, "it divides (in + 2*pad - k + 1) by the stride"),
        (lambda n, k, s, p: n, "the output keeps the input's size"),
    ]


def _fits_everywhere(fits, cases, shapes):
    """Does ``fits(case, shape)`` hold in every case that returned a shape?

    A diagnosis must agree with every case, the passing ones included: one
    case alone can look like several mistakes.
    """
    return all(shape is None or fits(case, tuple(shape)) for case, shape in zip(cases, shapes))


def _wrong_shapes(part, cases, shapes, expected):
    """'in 2 of 9 cases: (5, 5) instead of (5, 4) for x (5, 4), ...; (...)', at most three cases listed."""
    wrong = [(case, tuple(shape)) for case, shape in zip(cases, shapes)
             if shape is not None and tuple(shape) != expected(case)]
    listed = "; ".join(f"{shape} instead of {expected(case)} for {part.describe(case)}"
                       for case, shape in wrong[:3])
    more = f"; and {len(wrong) - 3} more" if len(wrong) > 3 else ""
    return f"in {len(wrong)} of {len(cases)} cases: {listed}{more}"


def _forward_shape(part, case, size):
    """The forward output's shape, in the part's own axes, when each spatial size is ``size(n, k, stride, pad)``."""
    _, _, h, w = case.x.shape
    _, _, kh, kw = case.w.shape
    batch_form = case.dy.shape[:2] + (size(h, kh, case.stride, case.pad), size(w, kw, case.stride, case.pad))
    return batch_form[part.lead:]


# The words of the shape mistakes, said by the grader (explain_*_shape) and, through the release's
# data (autograder.course.diagnoses), by the notebooks' checks.
SIZE_RULE = "The size is out = (in + 2*pad - k) // stride + 1."
PADDED_DX = "Strip the padding, keeping rows pad:pad+H and columns pad:pad+W."
PADDING_SLICE = ("slicing with [pad:-pad] selects nothing when pad is 0. "
                 "Use [pad:pad+H, pad:pad+W] instead.")
EMPTY = "empty"  # the shape of a padding-slice mistake with pad 0: any shape with a 0 in it


@dataclass(frozen=True)
class ShapeMistake:
    """A catalogued wrong shape: what it gives for a case, in the part's own axes, and the words."""
    id: str
    output: str
    message: str
    shape: Callable   # case -> tuple, or EMPTY
    right: Callable   # case -> the right shape


def _right_shape(part, output):
    def right(case):
        if output == "forward":
            return case.dy.shape[part.lead:]
        return np.shape(part.native(output, {"dx": case.x, "dw": case.w, "db": case.b}[output]))
    return right


def shape_mistakes(part):
    """Every catalogued shape mistake that ``part``'s outputs can make, in the order the grader tries them."""
    found = []
    for formula, why in wrong_size_formulas():
        found.append(ShapeMistake(
            "forward_output_size", "forward",
            f"The forward output has the wrong shape: {why}. {SIZE_RULE}",
            lambda case, formula=formula: _forward_shape(part, case, formula), _right_shape(part, "forward")))
    right_dx = _right_shape(part, "dx")
    found.append(ShapeMistake(
        "dx_padding_not_stripped", "dx", f"dx has the padded shape. {PADDED_DX}",
        lambda case: right_dx(case)[:-2] + tuple(size + 2 * case.pad for size in right_dx(case)[-2:]), right_dx))
    for output in ("dx", "dw", "db"):
        if output == "db" and part.scalar_bias:
            continue
        right = _right_shape(part, output)
        found.append(ShapeMistake(
            f"{output}_padding_slice", output, f"{output} is empty exactly when pad is 0: {PADDING_SLICE}",
            lambda case, right=right: EMPTY if case.pad == 0 else right(case), right))
    return found


def explain_forward_shape(part, cases, shapes):
    """Why the forward output has the wrong shape: (message, misconception id or None).

    ``shapes[k]`` is the shape the student returned for ``cases[k]`` (None
    when nothing came back). A wrong formula is named only when it gives
    the student's shape in every case, the right-sized ones included.
    """
    def expected(case):
        return case.dy.shape[part.lead:]  # y has the shape of dy

    wrong = _wrong_shapes(part, cases, shapes, expected)
    size_rule = SIZE_RULE
    if len(expected(cases[0])) == 2 and _fits_everywhere(
            lambda case, shape: shape == tuple(reversed(expected(case))), cases, shapes):
        return (f"The forward output is transposed ({wrong}): rows come from H and KH, "
                f"columns from W and KW."), None
    for formula, why in wrong_size_formulas():
        if _fits_everywhere(lambda case, shape: shape == _forward_shape(part, case, formula), cases, shapes):
            return (f"The forward output has the wrong shape {wrong}. {why[0].upper() + why[1:]}. {size_rule}",
                    "forward_output_size")
    return f"The forward output has the wrong shape {wrong}. {size_rule}", None


def explain_gradient_shape(part, output, cases, shapes):
    """Why dx, dw or db has the wrong shape: (message, misconception id or None).

    ``shapes`` as in :func:`explain_forward_shape`; a mistake is named only
    when it gives the student's shape in every case.
    """
    def expected(case):
        return np.shape(part.native(output, {"dx": case.x, "dw": case.w, "db": case.b}[output]))

    def padded(case, shape):
        right = expected(case)
        return shape == right[:-2] + tuple(size + 2 * case.pad for size in right[-2:])

    def emptied_when_unpadded(case, shape):
        # x[pad:-pad] is x[0:0] when pad is 0, and right otherwise.
        return 0 in shape if case.pad == 0 else shape == expected(case)

    wrong = _wrong_shapes(part, cases, shapes, expected)
    if output == "dx" and _fits_everywhere(padded, cases, shapes):
        return f"dx has the padded shape {wrong}. {PADDED_DX}", "dx_padding_not_stripped"
    if not (output == "db" and part.scalar_bias) and _fits_everywhere(emptied_when_unpadded, cases, shapes):
        return f"{output} is empty exactly when pad is 0 ({wrong}): {PADDING_SLICE}", f"{output}_padding_slice"
    if output == "db" and part.scalar_bias:
        return f"db should be a single number (the sum of dY), not an array ({wrong}).", None
    if output == "db":
        return (f"db has the wrong shape {wrong}. It has one entry per filter, the sum of dY over "
                f"every axis except F."), None
    return (f"{output} has the wrong shape {wrong}. A gradient has the shape of what it is the "
            f"gradient of."), None


# --- What the failing cases share -------------------------------------------------

# Why a condition of the cases can matter, said once after what the failing cases share (the conditions
# of cases.Case.conditions; "only pad" and "only stride" go with cases.only_values). Where the advice
# depends on the output that fails, a dict gives each output's, and "*" the layer's as a whole (the
# class report's).
HINTS = {
    "N > 1": {"*": "check that every sample is handled and that dW and db add up over the batch",
              "forward": "check that every sample of the batch gets its own output",
              "dx": "check that every sample of the batch gets its own dx",
              "dw": "dw adds up the contributions of every sample of the batch",
              "db": "db adds up dy over every sample of the batch"},
    "N = 1": "check that a batch of one sample keeps its axis (no squeeze)",
    "C != F": "check which axis is C (input channels) and which is F (filters)",
    "C = F > 1": {"*": "check the sum over input channels",
                  "forward": "each output sums over every input channel",
                  "dx": "each input channel gets its own slice of dx, summed over the filters",
                  "dw": "dw has a slice for every filter and input channel"},
    "C > 1": {"*": "check the sum over input channels",
              "forward": "each output sums over every input channel",
              "dx": "each input channel gets its own slice of dx, summed over the filters",
              "dw": "dw has a slice for every filter and input channel"},
    "C = 1": "check that a single input channel keeps its axis",
    "F > 1": {"*": "check that every filter is used and has its own output, dW and db",
              "forward": "every filter has its own output channel",
              "dx": "dx sums the contributions of every filter",
              "dw": "every filter has its own slice of dw",
              "db": "every filter has its own entry of db"},
    "F = 1": "check that a single filter keeps its axis",
    "H != W": "check that rows go with H and KH, columns with W and KW",
    "KH != KW": "check that rows go with KH and columns with KW",
    "pad > 0": {"*": "check how the input is padded and how the padding is stripped from dx",
                "forward": "pad the input with pad zeros on every side of H and W before reading the windows",
                "dx": "dx is worked out on the padded input, then the padding is stripped "
                      "(rows pad:pad+H, columns pad:pad+W)",
                "dw": "dw correlates the padded input with dy: read the windows of the padded x, as the "
                      "forward pass did",
                "db": "db does not depend on the padding: it is the sum of dy"},
    "pad = 0": "a slice like [pad:-pad] selects nothing when pad is 0: use [pad:pad+H, pad:pad+W]",
    "pad > 1": "check that the padding comes from the pad argument, not a fixed 1",
    "stride > 1": {"*": "output (i, j) goes with the window that starts at (i*stride, j*stride)",
                   "forward": "output (i, j) reads the window that starts at (i*stride, j*stride)",
                   "dx": "dy[i, j] goes back to the window that starts at (i*stride, j*stride)",
                   "dw": "dw[m, n] sums dy[i, j] * x[i*stride + m, j*stride + n]",
                   "db": "db is the sum of dy, whatever the stride"},
    "a stride that does not divide in + 2*pad - k": {
        "*": "the last rows or columns are covered by no window: their gradient is 0",
        "forward": "the output size rounds down: the last rows or columns are read by no window",
        "dw": "the last rows or columns are read by no window: they add nothing to dw"},
    "a 1x1 kernel": "check the window bounds",
    "a kernel as large as the padded input": "the output has a single position: check the loop bounds",
    "overlapping windows": "an input pixel inside several windows gets the sum of their gradients (+=, not =)",
    "only pad": "take the padding from the pad argument, not a fixed number",
    "only stride": "take the stride from the stride argument, not a fixed number",
}


def hints(condition, outputs=None):
    """The advice for a condition that the failing cases share.

    Parameters
    ----------
    condition : str
        A condition of :meth:`autograder.spec.cases.Case.conditions`, or "only pad" / "only stride".
    outputs : sequence of str, optional
        The outputs that fail in exactly those cases: each one's own advice, in order, each said
        once. None: the advice for the layer as a whole.

    Returns
    -------
    list of str
        Empty when the condition has no advice.
    """
    advice = HINTS.get(condition)
    if advice is None:
        return []
    if isinstance(advice, str):
        return [advice]
    if outputs is None:
        return [advice["*"]]
    return list(dict.fromkeys(advice.get(output, advice["*"]) for output in outputs))


# --- A right answer, scaled ---------------------------------------------------------

# Sizes of a case (in the batch form) that a wrong answer may be scaled by, with the words that name
# them; ``mean`` marks a count that a sum divided by it makes a mean of.
SIZES = (
    ("N, the batch size", "N", lambda case: case.x.shape[0], True),
    ("Ho*Wo, the number of output positions", "Ho*Wo", lambda case: case.dy.shape[2] * case.dy.shape[3], True),
    ("N*Ho*Wo, the number of outputs of each filter", "N*Ho*Wo",
     lambda case: case.x.shape[0] * case.dy.shape[2] * case.dy.shape[3], True),
    ("the stride", "the stride", lambda case: case.stride, False),
    ("KH*KW, the kernel's size", "KH*KW", lambda case: case.w.shape[2] * case.w.shape[3], False),
    ("C, the number of input channels", "C", lambda case: case.x.shape[1], False),
    ("F, the number of filters", "F", lambda case: case.w.shape[0], False),
    ("H*W, the input's size", "H*W", lambda case: case.x.shape[2] * case.x.shape[3], False),
)
SCALE_TOLERANCE = 1e-6


def scale(answer, right):
    """The factor c for which ``answer`` is ``c * right`` to float32 precision, or None.

    None also when ``right`` is all zeros (it shows no factor) or c is 0
    (an answer of zeros is not the right one scaled).
    """
    answer, right = np.asarray(answer), np.asarray(right, dtype=np.float64)
    if answer.size == 1 and right.size == 1:
        answer = answer.reshape(right.shape)
    if answer.shape != right.shape or not np.issubdtype(answer.dtype, np.number) or np.iscomplexobj(answer):
        return None
    norm = float(np.vdot(right, right))
    if norm == 0.0 or not np.isfinite(norm):
        return None
    factor = float(np.vdot(right, answer.astype(np.float64)) / norm)
    if not np.isfinite(factor) or abs(factor) < SCALE_TOLERANCE:
        return None
    return factor if compare.same(answer, factor * right) else None


def _close(value, wanted):
    return abs(value - wanted) <= SCALE_TOLERANCE * max(abs(value), abs(wanted))


def explain_scale(part, label, cases, answers, rights, wrong):
    """Words for an output that is the right one times a constant, or times (or divided by) a size of
    each case, in every case: the passing ones fit too (their factor is 1). None otherwise.

    Parameters
    ----------
    part : Part
    label : str
        How the output is named in a sentence ("dw", "The forward output").
    cases : list of Case
    answers : list
        The student's answer per case (None where the call failed).
    rights : list of ndarray
        The right answer per case, in the part's own shape.
    wrong : list of int
        The cases where the answer is wrong.
    """
    factors = {}
    for index, (answer, right) in enumerate(zip(answers, rights)):
        if answer is None:
            return None
        if not np.any(np.asarray(right)):
            continue  # zeros are zeros at any scale
        factors[index] = scale(answer, right)
        if factors[index] is None:
            return None
    if not any(index in factors for index in wrong):
        return None
    first = cases[next(index for index in wrong if index in factors)]
    values = list(factors.values())
    if all(_close(value, values[0]) for value in values):
        return (f"{label} is the right answer times {values[0]:.4g} in every case: the values have the right "
                f"pattern and the wrong scale, so look for a stray constant factor.")
    fitting, seen = [], []
    for words, short, size, mean in SIZES:
        sizes = [size(case) for case in cases]
        if sizes in seen:
            continue  # the same number as an earlier size in every case (N*Ho*Wo is Ho*Wo when N is 1)
        seen.append(sizes)
        fitting += [(words, short, size, mean, power) for power in (1, -1)
                    if all(_close(value, float(sizes[index]) ** power) for index, value in factors.items())]
    if not fitting:
        return None
    words, short, size, mean, power = fitting[0]
    others = [other_short for _, other_short, _, _, other_power in fitting[1:] if other_power == power]
    also = f" (or, on these cases alike, by {' or '.join(others)})" if others else ""
    value = size(first)
    if power == -1:
        return (f"{label} is the right answer divided by {words}{also}, in every case (e.g. {part.describe(first)}: "
                f"{short} = {value}, and every value is 1/{value} of the right one)."
                + (" A gradient adds up these contributions; it does not average them." if mean else ""))
    return (f"{label} is the right answer multiplied by {words}{also}, in every case (e.g. {part.describe(first)}: "
            f"{short} = {value}, and every value is {value} times the right one).")
