"""Grading a class through nbgrader in parallel shards loses and corrupts nothing."""
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import classroom
from autograder.course import hand_in, make_course
from autograder.parts import OUTPUT_WEIGHTS, PARTS

pytestmark = pytest.mark.slow

FORWARD = '''def conv2d_forward(x, w, b):
    """x (H, W), w (KH, KW), b float -> (H-KH+1, W-KW+1)."""
    import numpy as np
    ### BEGIN SOLUTION
    kh, kw = w.shape
    y = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = np.sum(x[i:i + kh, j:j + kw] * w) + b
    return y
    ### END SOLUTION'''
BACKWARD = '''def conv2d_backward(dy, x, w):
    """dy (Ho, Wo), x (H, W), w (KH, KW) -> dx, dw, db float."""
    import numpy as np
    ### BEGIN SOLUTION
    kh, kw = w.shape
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dx[i:i + kh, j:j + kw] += dy[i, j] * w
            dw += dy[i, j] * x[i:i + kh, j:j + kw]
    return dx, dw, float(dy.sum())
    ### END SOLUTION'''


def _cell(source, grade_id, **flags):
    cell = nbformat.v4.new_code_cell(source)
    meta = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    cell.metadata["nbgrader"] = meta
    return cell


def _test_cell(output):
    points = PARTS["2d"].points * OUTPUT_WEIGHTS[output]
    source = ("### BEGIN HIDDEN TESTS\nfrom autograder.notebook_checks import earned\n"
              f"earned('2d', {output!r}, '02_conv2d.ipynb')\n### END HIDDEN TESTS")
    return _cell(source, f"test-2d-{output}", grade=True, locked=True, points=points)


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    """A one-notebook course (part 2d) and four students: two right, one buggy dw, one untouched."""
    root = tmp_path_factory.mktemp("root")
    shutil.copy(classroom.Path(classroom.__file__).parent.parent / "nbgrader_config.py", root)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [_cell(FORWARD, "solution-f", solution=True), _test_cell("forward"),
                      _cell(BACKWARD, "solution-b", solution=True)] + [_test_cell(o) for o in ("dx", "dw", "db")]
    (root / "source" / "conv_backprop").mkdir(parents=True)
    nbformat.write(notebook, str(root / "source" / "conv_backprop" / "02_conv2d.ipynb"))
    course = make_course(tmp_path_factory.mktemp("course"), root=root)
    solved = root / "source" / "conv_backprop" / "02_conv2d.ipynb"
    buggy = nbformat.read(str(solved), as_version=4)
    buggy.cells[2].source = buggy.cells[2].source.replace("dw += dy[i, j]", "dw = dy[i, j]")
    submissions = {"ada": solved, "ben": solved, "cy": buggy,
                   "dee": course / "assignments" / "conv_backprop" / "02_conv2d.ipynb"}
    for student, notebook in submissions.items():
        hand_in(course, student, {"02_conv2d.ipynb": notebook})
    return course


def _copy(course, folder):
    shutil.copytree(course, folder)
    return folder


def test_parallel_grading_equals_serial_grading(tiny_course, tmp_path, monkeypatch):
    """Do two jobs give every student the same grades as one job, with nothing missing?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    serial, parallel = _copy(tiny_course, tmp_path / "serial"), _copy(tiny_course, tmp_path / "parallel")
    serial_outcomes = classroom.grade_class(serial, jobs=1)
    assert all(o.ok for o in serial_outcomes), [o.message for o in serial_outcomes]
    parallel_outcomes = classroom.grade_class(parallel, jobs=2)
    assert all(o.ok for o in parallel_outcomes), [o.message for o in parallel_outcomes]
    assert classroom.part_scores(serial) == classroom.part_scores(parallel)
    scores = classroom.part_scores(parallel)
    assert scores["ada"]["2d"] == scores["ben"]["2d"] == 15.0
    assert 0 < scores["cy"]["2d"] < 15.0 and scores["dee"]["2d"] == 0.0
    with Gradebook(f"sqlite:///{parallel / 'gradebook.db'}") as gradebook:  # nbgrader reads it as its own
        assert gradebook.find_submission("conv_backprop", "cy").score == pytest.approx(scores["cy"]["2d"])
    for student in scores:
        assert (parallel / "autograded" / student / "conv_backprop" / "02_conv2d.ipynb").is_file()


def test_grading_again_replaces_grades_without_duplicates(tiny_course, tmp_path, monkeypatch):
    """Does a second run over the same class leave one submission per student with the same grades?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    course = _copy(tiny_course, tmp_path / "twice")
    classroom.grade_class(course, jobs=2, only=["ada", "cy"])
    first = classroom.part_scores(course)
    classroom.grade_class(course, jobs=2, only=["ada", "cy"])
    assert classroom.part_scores(course) == first
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert len(gradebook.assignment_submissions("conv_backprop")) == 2


def test_csv_has_a_row_per_student_and_a_column_per_part(tiny_course, tmp_path):
    """Does the export list every part and the total for each student?"""
    table = {"ada": {key: 1.0 for key in PARTS}}
    text = classroom.export_csv(table, tmp_path / "grades.csv").read_text().splitlines()
    assert text[0] == "student," + ",".join(PARTS) + ",total"
    assert text[1] == "ada," + ",".join("1.0" for _ in PARTS) + ",6.0"


def test_messy_submissions_get_what_their_code_earns(tiny_course, tmp_path, monkeypatch):
    """Renamed, duplicated-cell, deleted-cell and damaged submissions: honest grades, a note each, no failure?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    course = _copy(tiny_course, tmp_path / "messy")
    solved = nbformat.read(str(course / "source" / "conv_backprop" / "02_conv2d.ipynb"), as_version=4)
    release = nbformat.read(str(course / "assignments" / "conv_backprop" / "02_conv2d.ipynb"), as_version=4)
    duplicated = nbformat.from_dict(release)  # the stub left in place, the real code in a copy below it
    copy = nbformat.from_dict(dict(solved.cells[0]))
    copy.id = "student-copy"
    duplicated.cells.insert(1, copy)
    duplicated.cells[2:] = [nbformat.from_dict(dict(c)) for c in solved.cells[1:]]
    deleted = nbformat.from_dict(solved)
    deleted.cells = [c for c in deleted.cells if c.metadata["nbgrader"]["grade_id"] != "test-2d-dx"]
    hand_in(course, "eve", {"02_conv2d.ipynb": duplicated})
    hand_in(course, "fay", {"02_conv2d.ipynb": deleted})
    hand_in(course, "gil", {"conv2d (1).ipynb": solved})
    hal = course / "submitted" / "hal" / "conv_backprop"
    hal.mkdir(parents=True)
    (hal / "02_conv2d.ipynb").write_text('{"cells": [')
    outcomes = {o.student: o for o in classroom.grade_class(course, jobs=2, only=["eve", "fay", "gil", "hal"])}
    assert all(o.ok for o in outcomes.values())
    scores = classroom.part_scores(course)
    assert scores["eve"]["2d"] == scores["fay"]["2d"] == scores["gil"]["2d"] == 15.0
    assert "hal" not in scores and "not a valid notebook" in " ".join(outcomes["hal"].notes)
    assert "appears twice" in " ".join(outcomes["eve"].notes)
    assert "was put back" in " ".join(outcomes["fay"].notes)
    assert "renamed" in " ".join(outcomes["gil"].notes)


def test_code_in_the_kernel_cannot_change_a_grade(tiny_course, tmp_path, monkeypatch):
    """A stub notebook that patches the hidden tests' `earned` and prints numbers: does it still get 0?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    course = _copy(tiny_course, tmp_path / "cheat")
    notebook = nbformat.read(str(course / "assignments" / "conv_backprop" / "02_conv2d.ipynb"), as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(
        "import autograder.notebook_checks as checks\n"
        "checks.earned = lambda *args: 1.5\n"
        "print(1.5)"))
    hand_in(course, "mal", {"02_conv2d.ipynb": notebook})
    outcomes = classroom.grade_class(course, jobs=1, only=["mal"])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    assert classroom.part_scores(course)["mal"]["2d"] == 0.0


def test_a_run_killed_half_way_finishes_with_the_same_grades_when_started_again(tiny_course, tmp_path):
    """Killed (with its nbgrader and kernels) after one student, then run again: same grades, sound gradebook?"""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    environment = dict(os.environ, CONVKIT_SEED="7")
    command = [sys.executable, "-m", "autograder", "grade-class", "--jobs", "1", "--csv", "grades.csv"]
    whole = _copy(tiny_course, tmp_path / "whole")
    subprocess.run(command + ["--course", str(whole)], env=environment, check=True, capture_output=True)
    killed = _copy(tiny_course, tmp_path / "killed")
    run = subprocess.Popen(command + ["--course", str(killed)], env=environment, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list((killed / "autograded").glob("*/conv_backprop/02_conv2d.ipynb")):
        assert run.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.2)
    time.sleep(1.0)  # well into the next student
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert len(classroom.part_scores(killed)) < 4, "the run finished before it was killed"
    subprocess.run(command + ["--course", str(killed)], env=environment, check=True, capture_output=True)
    assert classroom.part_scores(killed) == classroom.part_scores(whole)
    with sqlite3.connect(killed / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] == 4
    assert not list((killed / "autograded").glob("*/*.incoming"))
