"""Hostile submissions through the command-line grader: whatever the student's
code does, it earns only what its honest parts earn, and nothing outside its
scratch folder changes.

The cases (``tests/students/hostile.py``) break conv2d_backward of part "2d"
and take everything else from the honest sample, so the expected grade is
exact: the forward pass keeps its 4.5 points of the part's 15, the hostile
backward's dx, dw and db earn 0, and the other parts are not graded here.
The nbgrader suite runs the same cases through ``nbgrader autograde``.
"""
import shutil
from pathlib import Path

import pytest

import hostile
from autograder.engine.grade import grade
from autograder.sandbox import bubblewrap

ROOT = Path(__file__).resolve().parents[3]
HONEST = ROOT / "samples" / "students" / "honest_loops.py"
pytestmark = pytest.mark.skipif(bubblewrap.bubblewrap() is None, reason="bubblewrap is not installed")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(hostile.CASES))
def test_hostile_code_earns_only_its_honest_points(name, tmp_path, listener):
    """Does the hostile backward earn 0, the honest forward 4.5, and nothing outside the scratch folder change?"""
    port, received = listener
    words = hostile.CASES[name][1]
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(HONEST, folder)
    (folder / "hostile.py").write_text(hostile.module(name, ROOT, folder, port))
    guarded = [ROOT / "solutions", ROOT / "autograder", ROOT / "source", folder]
    before = hostile.tree_digest(*guarded)
    report, results = grade(folder / "hostile.py", seed=3, parts=["2d"], part_timeout=5.0)
    part = results["2d"]
    assert part.outputs == {"forward": 1.0, "dx": 0.0, "dw": 0.0, "db": 0.0}, part.feedback
    assert report["score"] == pytest.approx(4.5)
    assert words in " ".join(part.feedback), part.feedback
    assert hostile.tree_digest(*guarded) == before
    assert not (ROOT / "PWNED").exists()
    assert received == []
