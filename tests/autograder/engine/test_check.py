"""Feedback of a graded part: what the failing cases share (computed from which cases pass and which
fail), how many cases each output passes (once per function), and points rounded once."""
import functools
import re
import shutil

import numpy as np
import pytest

from autograder.engine.check import PartResult, exception_type, hundredths
from autograder.engine.grade import grade
from autograder.pipeline.engine_grades import results_entry
from autograder.spec.cases import make_cases, only_values, what_sets_apart
from autograder.spec.parts import OUTPUTS, PARTS
from manifest import BUGS

GRADED = [key for key in PARTS if key != "cnn"]


def _questions(lead):
    """Each question a case is asked, as its two answers."""
    questions = [("pad = 0", "pad > 0"), ("stride 1", "stride > 1"),
                 ("a stride that divides in + 2*pad - k", "a stride that does not divide in + 2*pad - k"),
                 ("a kernel larger than 1x1", "a 1x1 kernel"),
                 ("a kernel smaller than the padded input", "a kernel as large as the padded input"),
                 ("overlapping windows", "no overlapping windows")]
    if lead == 0:
        questions.append(("N = 1", "N > 1"))
    if lead <= 1:
        questions += [("C = 1", "C > 1"), ("F = 1", "F > 1"), ("C = F", "C != F")]
    if lead <= 2:
        questions += [("H = W", "H != W"), ("KH = KW", "KH != KW")]
    return questions


@pytest.mark.parametrize("key", GRADED)
def test_every_question_is_answered_from_one_side_or_the_other(key):
    """Does every case meet exactly one answer of each question (pad = 0 or pad > 0, N = 1 or N > 1, ...)?"""
    for case in make_cases(key, 0):
        met = case.conditions(PARTS[key].lead)
        for plain, other in _questions(PARTS[key].lead):
            assert (plain in met) != (other in met), (case.index, plain, other)
        assert ("pad = 1" in met) == (case.pad == 1) and ("pad > 1" in met) == (case.pad > 1)
        assert ("stride 2" in met) == (case.stride == 2) and ("stride 3" in met) == (case.stride == 3)


@pytest.mark.parametrize("key", GRADED)
def test_what_sets_the_failing_cases_apart_holds_in_all_of_them_and_in_no_passing_case(key):
    """For many ways of failing, does every reported condition (or pair) hold in all failing cases and no passing one?"""
    cases, lead = make_cases(key, 0), PARTS[key].lead
    rng = np.random.default_rng(0)
    for _ in range(300):
        failing = frozenset(int(i) for i in np.flatnonzero(rng.random(len(cases)) < rng.random()))
        if not 0 < len(failing) < len(cases):
            continue
        for found in what_sets_apart(cases, failing, lead):
            conditions = found.split(" and ")
            for k, case in enumerate(cases):
                assert all(c in case.conditions(lead) for c in conditions) == (k in failing), (found, failing)


@pytest.mark.parametrize("key", GRADED)
def test_a_condition_that_splits_the_cases_is_found_from_either_side(key):
    """When the failing cases are exactly those meeting a condition (pad = 0 as well as pad > 0), is it reported?"""
    cases, lead = make_cases(key, 0), PARTS[key].lead
    for condition in {c for case in cases for c in case.conditions(lead)}:
        failing = frozenset(k for k, case in enumerate(cases) if condition in case.conditions(lead))
        if 0 < len(failing) < len(cases):
            assert condition in what_sets_apart(cases, failing, lead), condition


@pytest.mark.parametrize("key", ["stride", "chw", "batch"])
def test_working_for_a_single_pad_is_recognised(key):
    """When exactly the cases with one value of pad pass, is that value reported (and not when one of them fails)?"""
    cases = make_cases(key, 0)
    for pad in {case.pad for case in cases}:
        failing = frozenset(k for k, case in enumerate(cases) if case.pad != pad)
        assert ("pad", pad) in only_values(cases, failing)
        one_more = failing | {min(set(range(len(cases))) - failing)}
        if len(one_more) < len(cases):
            assert ("pad", pad) not in only_values(cases, one_more)


def test_a_line_about_several_outputs_is_shown_in_the_first_cell_only():
    """Does a line about dx, dw and db show in the dx cell, with the dw and db cells pointing to it?"""
    result = PartResult("stride", 0.0, 20.0)
    result.say(("dx", "dw", "db"), "conv2d_backward raised IndexError for x (7, 7), w (3, 3), stride 2, pad 0.")
    result.say(("dw",), "dw has wrong values.")
    result.say(("dx", "dw", "db"), "conv2d_backward raised IndexError for x (7, 7), w (3, 3), stride 2, pad 0.")
    cells = {output: results_entry(result, output)["feedback"] for output in OUTPUTS}
    assert result.feedback == ["conv2d_backward raised IndexError for x (7, 7), w (3, 3), stride 2, pad 0.",
                               "dw has wrong values."]
    assert cells["forward"] == []
    assert cells["dx"] == [result.feedback[0]]
    assert cells["dw"] == ["dw has wrong values.", "(More on this output in the feedback of the dx cell above.)"]
    assert cells["db"] == ["(More on this output in the feedback of the dx cell above.)"]


@pytest.mark.parametrize("seed", range(5))
def test_cell_points_add_up_to_the_part_score_for_any_fractions(seed):
    """For random fractions of credit, is the part score the sum of its cells' points, each in whole hundredths?"""
    rng = np.random.default_rng(seed)
    for key in GRADED:
        result = PartResult(key, 0.0, PARTS[key].points)
        halves = 2 * len(make_cases(key, 0))  # float32 cases earn half
        result.outputs = {output: int(rng.integers(0, halves + 1)) / halves for output in OUTPUTS}
        result.score = sum(result.points_for(output) for output in OUTPUTS)  # as check_part does
        points = [result.points_for(output) for output in OUTPUTS]
        assert all(round(p, 2) == p for p in points)
        assert sum(hundredths(p) for p in points) == hundredths(result.as_report()["score"])


def test_the_cnn_score_is_rounded_once_for_both_paths():
    """Does the cnn part report the same points in its cell as in the CLI report?"""
    result = PartResult("cnn", 0.0, 20.0)
    result.score = 20.0 * (0.9 - 0.5) / (0.92 - 0.5)
    assert result.points_for("accuracy") == result.as_report()["score"] == 19.05


@pytest.mark.parametrize("key, output", [("cnn", "dx"), ("1d", "accuracy"), ("2d", "dX")])
def test_the_points_of_an_output_the_part_does_not_have_are_an_error(key, output):
    """Is asking for the points of an output the part does not have an error instead of a score?"""
    with pytest.raises(KeyError, match=output):
        PartResult(key, 5.0, PARTS[key].points).points_for(output)


# --- graded submissions --------------------------------------------------------------------------

def _submission(folder, students, name, code):
    """A submission file beside a copy of honest_loops, from which it imports the functions it does not break."""
    shutil.copy(students / "honest_loops.py", folder)
    path = folder / f"{name}.py"
    path.write_text("import numpy as np\n\n" + code)
    return path


WIDTH_FROM_HEIGHT = '''
from honest_loops import conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (H + 2 * pad - KW) // stride + 1
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            y[i, j] = np.sum(xp[r:r + KH, c:c + KW] * w) + b
    return y
'''

CACHE_SLICE = '''
from honest_loops import conv2d_forward


def conv2d_backward(dy, x, w, stride=1, pad=0):
    KH, KW = w.shape
    H, W = x.shape
    xp = np.pad(x, ((pad, pad), (pad, pad)))
    cache = {"xp": xp, "x": xp[pad:-pad, pad:-pad]}   # the forward pass's cache
    Ho = (cache["x"].shape[0] + 2 * pad - KH) // stride + 1
    Wo = (cache["x"].shape[1] + 2 * pad - KW) // stride + 1
    dxp = np.zeros(xp.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dxp[i * stride:i * stride + KH, j * stride:j * stride + KW] += dy[i, j] * w
    dw, db = np.zeros((KH, KW)), 0.0
    for i in range(max(Ho, 0)):
        for j in range(max(Wo, 0)):
            dw += dy[i, j] * cache["xp"][i * stride:i * stride + KH, j * stride:j * stride + KW]
            db += dy[i, j]
    return dxp[pad:pad + H, pad:pad + W], dw, float(db)
'''

PAD_ONE_FORWARD = '''
from honest_loops import conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, 1)
    Ho = (H + 2 * pad - KH) // stride + 1
    Wo = (W + 2 * pad - KW) // stride + 1
    y = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            r, c = i * stride, j * stride
            y[i, j] = np.sum(xp[r:r + KH, c:c + KW] * w) + b
    return y
'''

PAD_ONE_BACKWARD = '''
from honest_loops import conv2d_forward


def conv2d_backward(dy, x, w, stride=1, pad=0):
    H, W = x.shape
    KH, KW = w.shape
    xp = np.pad(x, 1)
    dxp, dw = np.zeros(xp.shape), np.zeros((KH, KW))
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            r, c = i * stride, j * stride
            dw += dy[i, j] * xp[r:r + KH, c:c + KW]
            dxp[r:r + KH, c:c + KW] += dy[i, j] * w
    return dxp[1:1 + H, 1:1 + W], dw, float(np.sum(dy))
'''


def _line(result, start):
    lines = [line for line in result.feedback if line.startswith(start)]
    assert len(lines) == 1, result.feedback
    return lines[0]


def test_a_width_taken_from_the_height_is_not_called_rounding_up(tmp_path, students):
    """Does a forward that sizes its width from H hear no formula the other cases contradict?"""
    path = _submission(tmp_path, students, "width_from_height", WIDTH_FROM_HEIGHT)
    _, results = grade(path, seed=3, parts=["2d", "stride"], part_timeout=5)
    for key in ("2d", "stride"):
        result = results[key]
        assert 0.0 < result.outputs["forward"] < 1.0
        text = " ".join(result.feedback)
        assert "rounds up" not in text and "forward" not in result.named, result.feedback
        assert "The forward output has the wrong shape in " in text, result.feedback
        assert "nothing unusual" not in text


def test_dw_and_db_from_a_pad_slice_fail_exactly_when_pad_is_0(tmp_path, students):
    """Is a backward whose dw and db come from a [pad:-pad] slice told that they fail exactly when pad = 0?"""
    path = _submission(tmp_path, students, "cache_slice", CACHE_SLICE)
    _, results = grade(path, seed=3, parts=["stride"], part_timeout=5)
    result = results["stride"]
    line = _line(result, "conv2d_backward: ")
    assert "dx passes 9 of 9 cases, dw 5 of 9, db 5 of 9." in line
    assert "The 4 failing cases of dw and db are exactly those with pad = 0" in line
    assert "[pad:-pad]" in line  # the hint


@pytest.mark.parametrize("code, counts, who", [(PAD_ONE_FORWARD, "conv2d_forward passes 4 of 9", "It works"),
                                              (PAD_ONE_BACKWARD, "conv2d_backward: dx passes 4 of 9", "dx and dw work")])
def test_padding_hard_coded_to_1_is_told_it_works_only_for_pad_1(code, counts, who, tmp_path, students):
    """Is code that always pads by 1 told that it works only for pad = 1?"""
    path = _submission(tmp_path, students, "pad_one", code)
    _, results = grade(path, seed=3, parts=["stride"], part_timeout=5)
    line = _line(results["stride"], counts)
    assert f"{who} only for pad = 1" in line and "pad 0 or 2" in line, line
    assert "pad argument" in line  # the hint


def test_partial_credit_says_how_many_cases_each_output_passes_once(students):
    """With 1.33/6 on dx, is the error line shown once (not under dx, dw and db) with the counts of passing cases?"""
    _, results = grade(students / "bug_raises_stride.py", seed=3, parts=["stride"], part_timeout=5)
    result = results["stride"]
    cells = {output: results_entry(result, output)["feedback"] for output in OUTPUTS}
    counts = "conv2d_backward: dx passes 2 of 9 cases, dw 2 of 9, db 2 of 9."
    line = _line(result, counts)
    assert "exactly those with stride > 1" in line
    assert line in cells["dx"] and not any(counts in text for text in cells["dw"] + cells["db"])
    raised = _line(result, "conv2d_backward raised IndexError")
    assert [output for output, lines in cells.items() if raised in lines] == ["dx"]


@functools.lru_cache(maxsize=None)
def _graded(students, stem):
    """The grade of a sample submission, on the parts where its bug is (once for both tests below)."""
    return grade(students / f"{stem}.py", seed=5, part_timeout=5, parts=list(BUGS[stem]["wrong"]))


COUNTS = re.compile(r"(forward|dx|dw|db) (?:passes )?(\d+) of (\d+)")


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(BUGS))
def test_each_function_with_partial_credit_gets_one_line_of_counts(stem, students):
    """Does every function with partial credit get one line with each output's count of passing cases, shown in one cell?"""
    _, results = _graded(students, stem)
    for key in BUGS[stem]["wrong"]:
        result, part = results[key], PARTS[key]
        assert len(set(result.feedback)) == len(result.feedback), result.feedback
        for function in part.functions:
            outputs = part.outputs_of(function)
            lines = [line for line in result.feedback
                     if line.startswith(f"{function} passes ") or line.startswith(f"{function}: ")]
            fractions = [result.outputs[output] for output in outputs]
            partial = any(f < 1.0 for f in fractions) and any(f > 0.0 for f in fractions)
            if BUGS[stem]["id"] in ("float32", "modified_input") or function in result.broken:
                continue  # half credit in every case, or no function to grade: nothing to count
            assert len(lines) == (1 if partial else 0), (key, function, result.feedback)
            if partial:
                said = {output: int(k) / int(n) for output, k, n in COUNTS.findall(lines[0].replace(
                    f"{function} passes", "forward passes"))}
                assert said == pytest.approx(dict(zip(outputs, fractions))), (key, lines[0])
                shown = [output for output in part.outputs if lines[0] in results_entry(result, output)["feedback"]]
                assert len(shown) == 1, (key, shown)
                assert "nothing unusual" not in lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(BUGS))
def test_cell_points_add_up_to_the_reported_scores(stem, students):
    """Is each part's score the exact sum of its nbgrader cells' points, and the total the sum of the parts?"""
    report, results = _graded(students, stem)
    for key, result in results.items():
        points = [results_entry(result, output)["points"] for output in PARTS[key].outputs]
        assert all(round(p, 2) == p for p in points), (key, points)
        assert sum(hundredths(p) for p in points) == hundredths(report["parts"][key]["score"]), key
    assert hundredths(report["score"]) == sum(hundredths(part["score"]) for part in report["parts"].values())


@pytest.mark.parametrize("stem, part, found", [
    ("bug_raises_stride", "stride", {"troubles": {"dx": "IndexError", "dw": "IndexError", "db": "IndexError"}}),
    ("bug_float32", "2d", {"single_precision": set(OUTPUTS)}),
    ("bug_modifies_input", "1d", {"mutated": {"dx", "dw", "db"}}),
    ("bug_dx_not_dilated", "stride", {"troubles": {}, "single_precision": set(), "mutated": set()}),
])
def test_what_a_part_found_is_kept_beside_its_feedback(stem, part, found, students):
    """Does a graded part keep what the class report needs: the exception type, float32 answers, changed arguments?"""
    _, results = grade(students / f"{stem}.py", seed=3, parts=[part], part_timeout=5)
    for name, value in found.items():
        assert getattr(results[part], name) == value, (name, results[part].feedback)


def test_the_features_of_the_failing_cases_are_kept_per_output(students):
    """Does a dx that fails exactly for stride > 1 keep that feature, and the right outputs none?"""
    _, results = grade(students / "bug_dx_not_dilated.py", seed=3, parts=["stride"], part_timeout=5)
    assert "stride > 1" in results["stride"].features["dx"][0].split(" and "), results["stride"].features
    assert set(results["stride"].features) == {"dx"}


@pytest.mark.parametrize("error, name", [
    ("IndexError: index 5 is out of bounds (code cell 3, line 7: dx[i] += 1)", "IndexError"),
    ("KeyError (code cell 4, line 2: d[k])", "KeyError"),
    ("LinAlgError: Singular matrix", "LinAlgError"),
    ("conv_backward raised ValueError: batch of sixteen (layer.py, line 3)", "ValueError"),
    ("conv_forward returned an output of shape (2,) where (3,) was needed", "error"),
])
def test_the_exception_type_is_read_from_the_error_text(error, name):
    """Is the type of the exception taken from each form an error text has, and none made up?"""
    assert exception_type(error) == name


SCALED_DW = '''
from honest_loops import conv2d_forward, conv2d_backward as honest_backward


def conv2d_backward(dy, x, w, stride=1, pad=0):
    dx, dw, db = honest_backward(dy, x, w, stride, pad)
    return dx, dw {how}, db
'''


@pytest.mark.parametrize("how, words", [
    ("/ dy.size", "dw is the right answer divided by Ho*Wo, the number of output positions, in every case"),
    ("* 0.5", "dw is the right answer times 0.5 in every case"),
    ("* stride", "dw is the right answer multiplied by the stride, in every case"),
])
def test_a_dw_scaled_by_a_constant_or_a_size_of_the_case_is_told_so(how, words, tmp_path, students):
    """Is a dw that is the right one divided by Ho*Wo, halved, or multiplied by the stride told exactly that, with
    an example, rather than which cases fail?"""
    path = _submission(tmp_path, students, "scaled", SCALED_DW.format(how=how))
    _, results = grade(path, seed=3, parts=["stride"], part_timeout=5)
    text = " ".join(results["stride"].feedback_for("dw"))
    assert words in text, results["stride"].feedback
    assert "exactly those with" not in text and "dw" not in results["stride"].named


def test_a_scale_is_named_only_when_it_fits_every_case():
    """Does explain_scale say nothing when one case is scaled differently, or an answer is zeros, and name a size only
    when the passing cases fit it too (their factor is 1)?"""
    from autograder.engine.misconceptions import explain_scale

    part, cases = PARTS["batch"], make_cases("batch", 5)
    rights = [np.arange(1.0, 7.0).reshape(2, 3) for _ in cases]
    batch = [case.x.shape[0] for case in cases]
    wrong = [k for k, n in enumerate(batch) if n > 1]
    by_batch = [right / n for right, n in zip(rights, batch)]
    assert "divided by N, the batch size" in explain_scale(part, "dw", cases, by_batch, rights, wrong)
    broken = list(by_batch)
    broken[wrong[0]] = rights[wrong[0]] * 0.3
    assert explain_scale(part, "dw", cases, broken, rights, wrong) is None
    zeros = [np.zeros_like(right) for right in rights]
    assert explain_scale(part, "dw", cases, zeros, rights, list(range(len(cases)))) is None
    halved_everywhere_but_one = [right * (0.5 if k else 1.0) for k, right in enumerate(rights)]
    assert explain_scale(part, "dw", cases, halved_everywhere_but_one, rights,
                         list(range(1, len(cases)))) is None


PAD_ONLY_DW = '''
from honest_loops import conv2d_forward, conv2d_backward as honest_backward


def conv2d_backward(dy, x, w, stride=1, pad=0):
    dx, dw, db = honest_backward(dy, x, w, stride, pad)
    if pad:
        dw = dw + 1.0   # wrong only with padding
    return dx, dw, db
'''


def test_a_dw_bug_that_shows_only_with_padding_gets_dws_hint(tmp_path, students):
    """Is a dw that fails exactly when pad > 0 given advice about dw and the padded input, not about dx?"""
    path = _submission(tmp_path, students, "pad_only_dw", PAD_ONLY_DW)
    _, results = grade(path, seed=3, parts=["stride"], part_timeout=5)
    line = _line(results["stride"], "conv2d_backward: ")
    assert "The 5 failing cases of dw are exactly those with pad > 0" in line, line
    assert "dw correlates the padded input with dy" in line and "stripped from dx" not in line, line
