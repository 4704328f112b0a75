import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.engine.grade import grade
from autograder.spec.parts import PARTS

ROOT = Path(__file__).resolve().parents[3]


API = ("conv1d_forward", "conv1d_backward", "conv2d_forward", "conv2d_backward",
       "conv_forward_chw", "conv_backward_chw", "conv_forward", "conv_backward")


def _reference_submission(folder, module):
    """A submission file that imports the reference (copied beside it: the sandbox shows nothing else)."""
    shutil.copytree(ROOT / "solutions", folder / "solutions", ignore=shutil.ignore_patterns("worked"))
    path = folder / f"reference_{module}.py"
    path.write_text(f"from solutions.reference.{module} import (\n" + "".join(f"    {name},\n" for name in API) + ")\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("which", ["vectorized", "loops", "honest"])
def test_correct_implementations_get_full_marks(which, tmp_path, students):
    """Do the reference (both versions) and an honest loop submission earn 100 with no feedback?"""
    path = students / "honest_loops.py" if which == "honest" else _reference_submission(tmp_path, which)
    report, _ = grade(path, seed=17)
    assert report["score"] == 100.0, report
    assert all(not part["feedback"] for part in report["parts"].values())


def test_stubs_get_zero_and_are_told_so(students):
    """Does every part of the untouched stubs score 0 with a NotImplementedError line?"""
    report, _ = grade(students / "stubs.py", seed=1)
    assert report["score"] == 0.0
    for key, part in report["parts"].items():
        assert part["score"] == 0.0
        assert part["feedback"], key
    assert "NotImplementedError" in " ".join(report["parts"]["stride"]["feedback"])
    assert "not trained" in report["parts"]["cnn"]["feedback"][0]


def test_cli_json_report_follows_the_contract(students):
    """Does `python -m autograder grade PATH --json` print the README's grade report, every part key included?"""
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(students / "bug_db_averaged.py"),
                          "--json", "--seed", "3", "--part", "2d", "--part", "stride"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert set(report["parts"]) == set(PARTS)
    assert report["max_score"] == 100.0 and report["seed"] == 3
    for part in report["parts"].values():
        assert set(part) == {"score", "max_score", "feedback"}
    # db is 10% of the part, earned case by case: the mean equals the sum only
    # in the one case whose output is a single number (a kernel as large as x).
    assert report["parts"]["2d"]["score"] == pytest.approx(15.0 - 1.5 * 5 / 6)
    assert report["score"] == pytest.approx(sum(p["score"] for p in report["parts"].values()))


def test_cli_table_shows_scores_and_feedback(students):
    """Does the readable table list each part and the feedback lines?"""
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(students / "bug_dw_rotated.py"),
                          "--quiet", "--part", "2d"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "total" in out.stdout and "[2d] dw comes out rotated by 180 degrees" in out.stdout


def _notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A student's notebook"),
                nbformat.v4.new_code_cell("import numpy as np"),
                nbformat.v4.new_code_cell(code),
                nbformat.v4.new_code_cell("print(conv2d_forward(np.ones((3, 3)), np.ones((2, 2)), 0.0))")]
    nbformat.write(nb, str(path))


def test_a_folder_of_notebooks_is_graded_notebook_by_notebook(tmp_path, students):
    """Is each notebook graded for its own parts, and is a missing notebook reported as such?"""
    honest = (students / "honest_loops.py").read_text()
    for name in ("01_conv1d.ipynb", "02_conv2d.ipynb", "04_channels.ipynb"):
        _notebook(tmp_path / name, honest)
    report, _ = grade(tmp_path, seed=2, parts=["1d", "2d", "stride", "chw"])
    assert report["parts"]["1d"]["score"] == 15.0
    assert report["parts"]["2d"]["score"] == 15.0
    assert report["parts"]["chw"]["score"] == 15.0
    assert report["parts"]["stride"]["score"] == 0.0
    assert "03_stride_padding.ipynb is not in" in report["parts"]["stride"]["feedback"][0]


def test_a_single_notebook_grades_only_its_parts(tmp_path, students):
    """Does grading 02_conv2d.ipynb alone grade part 2d and say the others were not given?"""
    _notebook(tmp_path / "02_conv2d.ipynb", (students / "honest_loops.py").read_text())
    report, _ = grade(tmp_path / "02_conv2d.ipynb", seed=2)
    assert report["score"] == 15.0
    assert "only 02_conv2d.ipynb was given" in report["parts"]["1d"]["feedback"][0]


def test_a_crash_in_one_case_costs_only_that_case(tmp_path, students):
    """When a function kills Python for stride 2 only, are its other cases still graded?"""
    shutil.copy(students / "honest_loops.py", tmp_path)
    path = tmp_path / "crashy.py"
    path.write_text(
        "import os\n"
        "from honest_loops import conv2d_forward as _forward, conv2d_backward\n"
        "def conv2d_forward(x, w, b, stride=1, pad=0):\n"
        "    if stride == 2:\n"
        "        os._exit(3)\n"
        "    return _forward(x, w, b, stride, pad)\n")
    _, results = grade(path, seed=4, parts=["stride"])
    stride = results["stride"]
    assert 0.0 < stride.outputs["forward"] < 1.0
    assert stride.outputs["dx"] == stride.outputs["dw"] == stride.outputs["db"] == 1.0
    assert any("ended the Python process (exit code 3)" in line for line in stride.feedback)


def test_a_hang_is_cut_off_and_the_other_function_still_graded(tmp_path, students):
    """Does a forward pass that never returns cost only the forward points, within the time limit?"""
    shutil.copy(students / "honest_loops.py", tmp_path)
    path = tmp_path / "hangs.py"
    path.write_text(
        "from honest_loops import conv_backward_chw\n"
        "def conv_forward_chw(x, w, b, stride=1, pad=0):\n"
        "    while True:\n"
        "        pass\n")
    _, results = grade(path, seed=4, part_timeout=2.0, parts=["chw"])
    chw = results["chw"]
    assert chw.outputs["forward"] == 0.0 and chw.outputs["dx"] == 1.0
    assert any("did not finish within 2 s" in line for line in chw.feedback)
