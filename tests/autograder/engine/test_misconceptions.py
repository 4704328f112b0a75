"""Shape diagnoses agree with every case: a wrong formula or a named slip is given only when it
reproduces the student's shape in all the cases that returned one, the right-sized ones included."""
import numpy as np
import pytest

from autograder.engine.misconceptions import explain_forward_shape, explain_gradient_shape, wrong_size_formulas
from autograder.spec.cases import make_cases
from autograder.spec.parts import PARTS

GRADED = [key for key in PARTS if key != "cnn"]


def right(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def _sizes(rule_h, rule_w):
    """A student's forward sizes: (rows, columns) from the case's (h, w, kh, kw, stride, pad)."""
    return lambda h, w, kh, kw, s, p: (rule_h(h, w, kh, kw, s, p), rule_w(h, w, kh, kw, s, p))


# Ways students size the forward output, each as the (rows, columns) it gives.
STUDENT_SIZES = {
    **{why: _sizes(lambda h, w, kh, kw, s, p, f=formula: f(h, kh, s, p),
                   lambda h, w, kh, kw, s, p, f=formula: f(w, kw, s, p))
       for formula, why in wrong_size_formulas()},
    "width from the height, with KW": _sizes(lambda h, w, kh, kw, s, p: right(h, kh, s, p),
                                            lambda h, w, kh, kw, s, p: right(h, kw, s, p)),
    "width from the height, with KH": _sizes(lambda h, w, kh, kw, s, p: right(h, kh, s, p),
                                            lambda h, w, kh, kw, s, p: right(h, kh, s, p)),
    "height and width swapped": _sizes(lambda h, w, kh, kw, s, p: right(w, kw, s, p),
                                       lambda h, w, kh, kw, s, p: right(h, kh, s, p)),
    "padding fixed at 1": _sizes(lambda h, w, kh, kw, s, p: right(h, kh, s, 1),
                                 lambda h, w, kh, kw, s, p: right(w, kw, s, 1)),
    "stride fixed at 1": _sizes(lambda h, w, kh, kw, s, p: right(h, kh, 1, p),
                                lambda h, w, kh, kw, s, p: right(w, kw, 1, p)),
    "'+ 1' missing in the width only": _sizes(lambda h, w, kh, kw, s, p: right(h, kh, s, p),
                                              lambda h, w, kh, kw, s, p: (w + 2 * p - kw) // s),
}


def _forward_shapes(key, sizes, raises_when_wider=False):
    """The shapes a student with ``sizes`` returns; None where a naive loop would run off the input."""
    shapes = []
    for case in make_cases(key, 0):
        _, _, h, w = case.x.shape
        _, _, kh, kw = case.w.shape
        rows, columns = sizes(h, w, kh, kw, case.stride, case.pad)
        full = case.dy.shape[:2] + (rows, columns)
        too_wide = rows > case.dy.shape[2] or columns > case.dy.shape[3]
        shapes.append(None if raises_when_wider and too_wide else full[PARTS[key].lead:])
    return shapes


def _named_formula(line):
    return [formula for formula, why in wrong_size_formulas() if why[0].upper() + why[1:] in line]


@pytest.mark.parametrize("key", GRADED)
@pytest.mark.parametrize("raises_when_wider", [False, True])
def test_a_named_size_formula_gives_the_students_shape_in_every_case(key, raises_when_wider):
    """Is a size formula named only when it gives the student's shape in every case that returned one?"""
    part, cases = PARTS[key], make_cases(key, 0)
    for name, sizes in STUDENT_SIZES.items():
        shapes = _forward_shapes(key, sizes, raises_when_wider)
        wrong = [shape for shape, case in zip(shapes, cases)
                 if shape is not None and shape != case.dy.shape[part.lead:]]
        if not wrong:
            continue
        line, named = explain_forward_shape(part, cases, shapes)
        assert f"in {len(wrong)} of {len(cases)} cases" in line, (key, name, line)
        formulas = _named_formula(line)
        assert (named == "forward_output_size") == bool(formulas), (key, name, line)
        for formula in formulas:
            for case, shape in zip(cases, shapes):
                _, _, h, w = case.x.shape
                _, _, kh, kw = case.w.shape
                size = (formula(h, kh, case.stride, case.pad), formula(w, kw, case.stride, case.pad))
                assert shape is None or shape == (case.dy.shape[:2] + size)[part.lead:], (key, name, line)


@pytest.mark.parametrize("key", GRADED)
def test_a_students_own_wrong_formula_is_still_named(key):
    """When a student uses one of the catalogued wrong formulas, is a formula named (and it is one that fits)?"""
    part, cases = PARTS[key], make_cases(key, 0)
    for formula, why in wrong_size_formulas():
        shapes = _forward_shapes(key, STUDENT_SIZES[why])
        if all(shape == case.dy.shape[part.lead:] for shape, case in zip(shapes, cases)):
            continue  # this part's cases cannot tell this formula from the right one
        _, named = explain_forward_shape(part, cases, shapes)
        assert named == "forward_output_size", (key, why)


@pytest.mark.parametrize("key", ["2d", "stride", "chw", "batch"])
@pytest.mark.parametrize("raises_when_wider", [False, True])
def test_taking_the_width_from_the_height_is_not_called_rounding_up(key, raises_when_wider):
    """Does a forward that sizes its width from H get the neutral shape message, never "it rounds up"?"""
    part, cases = PARTS[key], make_cases(key, 0)
    for name in ("width from the height, with KW", "width from the height, with KH"):
        line, named = explain_forward_shape(part, cases, _forward_shapes(key, STUDENT_SIZES[name], raises_when_wider))
        assert named is None and "rounds up" not in line, (name, line)


def test_one_case_that_looks_like_rounding_up_is_not_enough():
    """When the only wrong shape looks like rounding up but the right-sized cases contradict it, is nothing named?"""
    part, cases = PARTS["stride"], make_cases("stride", 0)
    lookalike = [k for k, case in enumerate(cases) if case.x.shape[2:] == (8, 7) and case.stride == 3][0]
    shapes = [case.dy.shape[2:] for case in cases]
    shapes[lookalike] = (3, 3)  # the true (3, 2); ceil((7 - 2) / 3) + 1 = 3
    line, named = explain_forward_shape(part, cases, shapes)
    assert named is None and "rounds up" not in line
    assert "(3, 3) instead of (3, 2) for x (8, 7), w (2, 2), stride 3, pad 0" in line


def _dx_shapes(key, rule):
    """The dx shapes a student with ``rule(case, right shape) -> shape`` returns."""
    return [rule(case, np.shape(PARTS[key].native("dx", case.x))) for case in make_cases(key, 0)]


def _padded(case, right):
    return right[:-2] + tuple(size + 2 * case.pad for size in right[-2:])


def _emptied(case, right):
    return right[:-2] + (0,) * len(right[-2:])


# Ways students get dx's shape wrong, each as (case, the right shape) -> the student's shape.
DX_RULES = {
    "padding kept": _padded,
    "[pad:-pad] slice": lambda case, right: _emptied(case, right) if case.pad == 0 else right,
    "padding kept for stride > 1 only": lambda case, right: _padded(case, right) if case.stride > 1 else right,
    "[pad:-pad] slice for stride 1 only": lambda case, right: (
        _emptied(case, right) if case.pad == 0 and case.stride == 1 else right),
    "transposed": lambda case, right: right[:-2] + right[-2:][::-1],
}


@pytest.mark.parametrize("key", GRADED)
def test_a_named_dx_shape_slip_gives_the_students_shape_in_every_case(key):
    """Is "padding not stripped" or "[pad:-pad] slice" named exactly when it gives every case's dx shape?"""
    part, cases = PARTS[key], make_cases(key, 0)
    for name, rule in DX_RULES.items():
        shapes = _dx_shapes(key, rule)
        right = _dx_shapes(key, lambda case, shape: shape)
        if shapes == right:
            continue
        line, named = explain_gradient_shape(part, "dx", cases, shapes)
        padded = _dx_shapes(key, DX_RULES["padding kept"])
        emptied = all((0 in shape) if case.pad == 0 else shape == ok
                      for case, shape, ok in zip(cases, shapes, right))
        if named == "dx_padding_not_stripped":
            assert shapes == padded, (key, name)
        elif named == "dx_padding_slice":
            assert emptied, (key, name)
        else:
            assert named is None and shapes != padded and not emptied, (key, name, line)
