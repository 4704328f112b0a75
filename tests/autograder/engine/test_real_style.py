"""Submissions written the way students of public courses write a conv layer
(CS231n, CMU 11-785 HW2P1, a TensorFlow-minded NHWC layer), each adapted to the
kit's API: the correct ones earn full marks, and each one's typical slip loses
points exactly where it is and is explained."""
import importlib.util
from pathlib import Path

import pytest

from autograder.engine.grade import grade
from autograder.engine.misconceptions import CATALOGUE

REAL = Path(__file__).resolve().parents[2] / "students" / "real"
_spec = importlib.util.spec_from_file_location("real_manifest", REAL / "manifest.py")
manifest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(manifest)

NAMED_BY_SHAPE = {"forward_output_size", "dx_padding_not_stripped", "dx_padding_slice"}
NAMEABLE = {idea.id for idea in CATALOGUE} | NAMED_BY_SHAPE


def test_every_real_style_file_is_in_the_manifest():
    """Is every submission of the folder either a correct one or a listed bug, and does every listed one exist?"""
    stems = {path.stem for path in REAL.glob("*.py")} - {"manifest"}
    assert stems == set(manifest.CORRECT) | set(manifest.BUGS)
    for stem, bug in manifest.BUGS.items():
        assert stem.split("_bug_")[0] in manifest.CORRECT, stem
        assert bug["id"] is None or bug["id"] in NAMEABLE, stem
        assert set(bug["wrong"]) <= set(manifest.PARTS), stem


@pytest.mark.slow
@pytest.mark.parametrize("stem", manifest.CORRECT)
def test_a_correct_real_style_layer_earns_full_marks_with_no_feedback(stem):
    """Does a correct layer in a public course's style, behind the kit's API, earn 100 on every part
    (the tiny CNN included) with not a single feedback line?"""
    report, results = grade(REAL / f"{stem}.py", seed=7)
    for key, part in report["parts"].items():
        assert part["score"] == part["max_score"], (key, part["feedback"])
        assert part["feedback"] == [], (key, part["feedback"])
    assert report["score"] == report["max_score"] == 100.0


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(manifest.BUGS))
def test_a_real_style_bug_loses_points_only_where_it_is_and_is_explained(stem):
    """Do the outputs the course's typical slip gets wrong lose points, do the others keep theirs, and does
    the feedback name the misconception (or, when it has no name, say which outputs are wrong)?"""
    bug = manifest.BUGS[stem]
    report, results = grade(REAL / f"{stem}.py", seed=5, part_timeout=20.0, parts=manifest.PARTS)
    for key in manifest.PARTS:
        part = results[key]
        wrong = bug["wrong"].get(key)
        if wrong is None:
            assert part.score == part.max_score, (key, part.feedback)
            assert part.feedback == [], (key, part.feedback)
            continue
        assert part.score < part.max_score, key
        for output in manifest.OUTPUTS:
            if output in wrong:
                assert part.outputs[output] < 1.0, (key, output)
            else:
                assert part.outputs[output] == 1.0, (key, output, part.feedback)
        text = " ".join(part.feedback)
        if bug["id"] in NAMEABLE:
            assert bug["id"] in part.named.values(), (key, part.feedback)
        else:
            # Unnamed bugs: each wrong output is described, or the error it raised is quoted.
            assert all(output in text for output in wrong) or " raised " in text, (key, part.feedback)
    assert report["score"] < 80.0 + 1e-9  # cnn is not graded here
