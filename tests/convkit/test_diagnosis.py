"""convkit.diagnosis and NotebookChecks: is a wrong answer named only by a mistake that fits every visible
input, and otherwise described by what its wrong entries share?"""
import importlib

import numpy as np
import pytest

from convkit import diagnosis
from convkit.checks import NotebookChecks

import manifest

AXES_2D = ["row", "column"]
# The ids of the catalogued mistakes the release's data holds (not "crash", "hang", "float32", ...).
CATALOGUED = {m["id"] for part in ("1d", "2d", "stride", "chw", "batch")
              for m in diagnosis.part_data(part)["mistakes"] + diagnosis.part_data(part)["shape_mistakes"]}


def test_correct_code_gets_no_diagnosis(capsys):
    """Does the honest submission pass every probe of every part, with no "Why" or "Where" line?"""
    honest = importlib.import_module("honest_loops")
    for part in ("1d", "2d", "stride", "chw", "batch"):
        data = diagnosis.part_data(part)
        checks = NotebookChecks(part)
        assert checks.probe(getattr(honest, data["forward"]))
        assert checks.probe(getattr(honest, data["backward"]))
    captured = capsys.readouterr()
    assert captured.err == "" and "Why" not in captured.out and "Where" not in captured.out


@pytest.mark.parametrize("stem", sorted(stem for stem, bug in manifest.BUGS.items() if bug["id"] in CATALOGUED))
def test_a_catalogued_bug_is_named_by_the_probes_as_the_grader_names_it(stem, capsys):
    """Do the probes name, for each output a catalogued bug breaks on the visible inputs, the words of the
    very misconception the manifest (and the grader) gives it?"""
    bug = manifest.BUGS[stem]
    module = importlib.import_module(stem)
    for part, outputs in bug["wrong"].items():
        data = diagnosis.part_data(part)
        messages = {m["message"] for m in data["mistakes"] + data["shape_mistakes"] if m["id"] == bug["id"]}
        for kind in ("forward", "backward"):
            mine = [o for o in outputs if (o == "forward") == (kind == "forward")]
            if not mine:
                continue
            runs = diagnosis.run_on_visible_inputs(part, getattr(module, data[kind]), kind)
            for output in mine:
                if diagnosis.right_on_every_input(part, output, runs):
                    continue  # the visible inputs cannot show it
                assert diagnosis.name_mistake(part, output, runs) in messages, (stem, part, output)


def test_a_wrong_answer_that_no_mistake_explains_is_not_named():
    """Is an answer that fits no catalogued mistake on every visible input left unnamed?"""
    def conv2d_forward(x, w, b):
        y = np.zeros((x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1))
        for i in range(y.shape[0]):
            for j in range(y.shape[1]):
                y[i, j] = np.sum(w * x[i:i + w.shape[0], j:j + w.shape[1]]) + b
        y[0, 0] += 1.0  # a slip no catalogue holds
        return y

    runs = diagnosis.run_on_visible_inputs("2d", conv2d_forward, "forward")
    assert not diagnosis.right_on_every_input("2d", "forward", runs)
    assert diagnosis.name_mistake("2d", "forward", runs) is None


def test_a_mistake_that_fits_one_input_but_not_another_is_not_named():
    """Is a misconception that gives the student's answer on the hand-worked example, but not on a probe,
    left unnamed (one input alone can look like several mistakes)?"""
    data = diagnosis.part_data("2d")
    flipped = next(m for m in data["mistakes"] if m["id"] == "forward_kernel_flipped")
    answers = [np.asarray(flipped["answers"][0])] + [np.asarray(r) + 1.0 for r in data["right"]["forward"][1:]]
    runs = [diagnosis.VisibleRun(i["name"], {"forward": a}) for i, a in zip(data["inputs"], answers)]
    assert diagnosis.name_mistake("2d", "forward", runs) is None


def test_a_call_that_fails_on_one_input_names_nothing():
    """When the function raises on one visible input, is no mistake named?"""
    calls = []

    def conv2d_forward(x, w, b):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("only on the probe")
        return np.zeros((x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1))

    runs = diagnosis.run_on_visible_inputs("2d", conv2d_forward, "forward")
    assert runs[1].error == "ValueError: only on the probe"
    assert diagnosis.name_mistake("2d", "forward", runs) is None


EXPECTED = np.arange(1.0, 26.0).reshape(5, 5)


def _with(changes):
    answer = EXPECTED.copy()
    changes(answer)
    return answer


@pytest.mark.parametrize("answer, words", [
    (-EXPECTED, "wrong sign"),
    (EXPECTED.astype(np.float32) * np.float32(1 + 1e-7), "float32"),
    (EXPECTED / 3.0, "0.3333 times the expected one"),
    (EXPECTED[::-1, ::-1], "rotated by 180 degrees"),
    (EXPECTED[::-1, :], "flipped upside down"),
    (EXPECTED[:, ::-1], "flipped left to right"),
    (_with(lambda a: a.__setitem__((0, slice(None)), 0.0)), "Only entries on the border"),
    (_with(lambda a: a.__setitem__((2, slice(None)), 0.0)), "Only row 2 is wrong"),
    (_with(lambda a: a.__setitem__((slice(None), 3), 0.0)), "Only column 3 is wrong"),
    (_with(lambda a: a.__setitem__((slice(1, None, 2), slice(1, 4)), 0.0)), "Only every second row is wrong (rows 1, 3)"),
    (_with(lambda a: a.__setitem__((2, 2), 99.0)), "Only one entry is wrong: [2, 2] is 99 instead of 13"),
    (_with(lambda a: a.__setitem__((2, 2), np.nan)), "NaN"),
    (_with(lambda a: a.__setitem__((slice(1, 3), slice(1, 3)), 0.0)), "4 of 25 entries differ; the largest difference is at [2, 2]"),
])
def test_what_the_wrong_entries_share(answer, words):
    """Does describe_difference say what the wrong entries of a 5x5 answer share?"""
    assert words in diagnosis.describe_difference(answer, EXPECTED, AXES_2D)


def test_one_sample_or_one_filter_is_named():
    """In a batch-shaped answer, is a difference confined to one sample, or to one filter, said so?"""
    expected = np.arange(1.0, 1.0 + 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    one_sample = expected.copy()
    one_sample[1] *= 0.5
    one_filter = expected.copy()
    one_filter[:, 2] = 0.0
    axes = ["sample", "filter", "row", "column"]
    assert diagnosis.describe_difference(one_sample, expected, axes).startswith("Only sample 1 is wrong")
    assert diagnosis.describe_difference(one_filter, expected, axes).startswith("Only filter 2 is wrong")


def test_a_right_answer_has_no_description():
    """Is an answer right to float64 precision described as nothing at all?"""
    assert diagnosis.describe_difference(EXPECTED * (1 + 1e-13), EXPECTED, AXES_2D) is None


def test_a_failing_check_writes_one_block_with_the_name_and_draws_the_difference(capsys, monkeypatch):
    """Does a hand-worked check with dx not rotated print what was checked, both arrays, the misconception's
    words and no hint, on stderr, and draw one figure of yours, expected and the difference?"""
    drawn = []
    monkeypatch.setattr("convkit.figures.difference.difference_figure",
                        lambda *args: drawn.append(args))
    bug = importlib.import_module("bug_dx_not_rotated")
    checks = NotebookChecks("2d")
    x = np.array([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, -1.0], [2.0, 0.0, 1.0, 1.0]])
    w = np.array([[1.0, -1.0], [2.0, 0.0]])
    dy = np.array([[1.0, 2.0, -1.0], [1.0, -1.0, 1.0]])
    with checks.skip_if_not_written(bug.conv2d_backward):
        dx, dw, db = bug.conv2d_backward(dy, x, w)
        checks.expect_close("dx", dx, [[1.0, 1.0, -3.0, 1.0], [3.0, 2.0, 0.0, -1.0], [2.0, -2.0, 2.0, 0.0]],
                            "the hand-worked example", "check the rotation and the padding")
    err = capsys.readouterr().err
    assert err.startswith("✗ the hand-worked example: dx is wrong.")
    assert "yours" in err and "expected" in err
    assert "Why: dx uses the kernel as it is" in err and "Hint" not in err
    assert len(drawn) == 1 and drawn[0][2] == "dx"
