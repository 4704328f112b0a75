"""Grading a class through nbgrader in parallel shards loses and corrupts nothing."""
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

import tampering
from autograder.classroom import grading
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.spec.parts import OUTPUT_WEIGHTS, PARTS

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


FORWARD_1D = '''def conv1d_forward(x, w, b):
    """x (L,), w (K,), b float -> (L-K+1,)."""
    import numpy as np
    ### BEGIN SOLUTION
    k = len(w)
    return np.array([np.dot(x[i:i + k], w) + b for i in range(len(x) - k + 1)])
    ### END SOLUTION'''
BACKWARD_1D = '''def conv1d_backward(dy, x, w):
    """dy (L-K+1,), x (L,), w (K,) -> dx, dw, db float."""
    import numpy as np
    ### BEGIN SOLUTION
    k = len(w)
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(len(dy)):
        dx[i:i + k] += dy[i] * w
        dw += dy[i] * x[i:i + k]
    return dx, dw, float(dy.sum())
    ### END SOLUTION'''


def _cell(source, grade_id, **flags):
    cell = nbformat.v4.new_code_cell(source)
    meta = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    cell.metadata["nbgrader"] = meta
    return cell


def _test_cell(part, name, output):
    points = PARTS[part].points * OUTPUT_WEIGHTS[output]
    source = ("### BEGIN HIDDEN TESTS\nfrom autograder.notebook_checks import earned\n"
              f"earned({part!r}, {output!r}, {name!r})\n### END HIDDEN TESTS")
    return _cell(source, f"test-{part}-{output}", grade=True, locked=True, points=points)


def _notebook(part, name, forward, backward):
    """A solved notebook of one part: forward, its test cell, backward, the dx, dw and db test cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Ids that differ between notebooks, so that a renamed notebook is recognised.
    notebook.cells = [_cell(forward, f"solution-{part}-forward", solution=True), _test_cell(part, name, "forward"),
                      _cell(backward, f"solution-{part}-backward", solution=True)]
    notebook.cells += [_test_cell(part, name, output) for output in ("dx", "dw", "db")]
    return notebook


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    """A two-notebook course (parts 1d and 2d) and four students who hand in notebook 02 only:
    two right, one buggy dw, one untouched."""
    root = tmp_path_factory.mktemp("root")
    shutil.copy(grading.Path(grading.__file__).parents[2] / "nbgrader_config.py", root)
    (root / "source" / "conv_backprop").mkdir(parents=True)
    nbformat.write(_notebook("1d", "01_conv1d.ipynb", FORWARD_1D, BACKWARD_1D),
                   str(root / "source" / "conv_backprop" / "01_conv1d.ipynb"))
    nbformat.write(_notebook("2d", "02_conv2d.ipynb", FORWARD, BACKWARD),
                   str(root / "source" / "conv_backprop" / "02_conv2d.ipynb"))
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
    serial_outcomes = grading.grade_class(serial, jobs=1)
    assert all(o.ok for o in serial_outcomes), [o.message for o in serial_outcomes]
    parallel_outcomes = grading.grade_class(parallel, jobs=2)
    assert all(o.ok for o in parallel_outcomes), [o.message for o in parallel_outcomes]
    assert grading.part_scores(serial) == grading.part_scores(parallel)
    scores = grading.part_scores(parallel)
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
    grading.grade_class(course, jobs=2, only=["ada", "cy"])
    first = grading.part_scores(course)
    grading.grade_class(course, jobs=2, only=["ada", "cy"])
    assert grading.part_scores(course) == first
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert len(gradebook.assignment_submissions("conv_backprop")) == 2


def test_csv_has_a_row_per_student_and_a_column_per_part(tiny_course, tmp_path):
    """Does the export list every part and the total for each student?"""
    table = {"ada": {key: 1.0 for key in PARTS}}
    text = grading.export_csv(table, tmp_path / "grades.csv").read_text().splitlines()
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
    outcomes = {o.student: o for o in grading.grade_class(course, jobs=2, only=["eve", "fay", "gil", "hal"])}
    assert all(o.ok for o in outcomes.values())
    scores = grading.part_scores(course)
    assert scores["eve"]["2d"] == scores["fay"]["2d"] == scores["gil"]["2d"] == 15.0
    # Nothing gradable is still a student: a submission of zeros in the gradebook, the notes saying why.
    assert sum(scores["hal"].values()) == 0.0 and "not a valid notebook" in " ".join(outcomes["hal"].notes)
    assert "appears twice" in " ".join(outcomes["eve"].notes)
    assert "was put back" in " ".join(outcomes["fay"].notes)
    assert "renamed" in " ".join(outcomes["gil"].notes)


@pytest.fixture(scope="module")
def tampered_class(tiny_course, tmp_path_factory):
    """One student per kind of tampering, each handing in solved notebooks 01 and 02 with the tampering in 02,
    graded by `python -m autograder grade-class`: (course, its exit code, {student: intake notes})."""
    course = _copy(tiny_course, tmp_path_factory.mktemp("tampered") / "course")
    source = course / "source" / "conv_backprop"
    for kind, (change, _) in tampering.KINDS.items():
        notebook = nbformat.read(str(source / "02_conv2d.ipynb"), as_version=4)
        change(notebook)
        hand_in(course, _slug(kind), {"01_conv1d.ipynb": source / "01_conv1d.ipynb", "02_conv2d.ipynb": notebook})
    command = [sys.executable, "-m", "autograder", "grade-class", "--jobs", "2", "--course", str(course),
               "--csv", str(course / "grades.csv")]
    command += [arg for kind in tampering.KINDS for arg in ("--student", _slug(kind))]
    done = subprocess.run(command, env=dict(os.environ, CONVKIT_SEED="7"), capture_output=True, text=True)
    notes, student = {}, None
    for line in done.stderr.splitlines():  # "[3/9] student   12.0 s", then "      note: ..." lines
        if line.startswith("["):
            student = line.split()[1]
        elif line.strip().startswith("note: "):
            notes.setdefault(student, []).append(line.strip()[len("note: "):])
    return course, done.returncode, notes


def _slug(kind):
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


@pytest.mark.parametrize("kind", sorted(tampering.KINDS))
def test_tampered_cell_metadata_costs_nothing_in_grade_class(kind, tampered_class):
    """Do both notebooks of a submission with tampered cell metadata earn their full points, with the command
    exiting 0 and each fix reported under the student?"""
    course, exit_code, notes = tampered_class
    assert exit_code == 0
    scores = grading.part_scores(course)[_slug(kind)]
    assert scores["1d"] == pytest.approx(15.0) and scores["2d"] == pytest.approx(15.0)
    for words in tampering.KINDS[kind][1]:
        assert any(words in note for note in notes[_slug(kind)]), (words, notes.get(_slug(kind)))


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
    outcomes = grading.grade_class(course, jobs=1, only=["mal"])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    assert grading.part_scores(course)["mal"]["2d"] == 0.0


def test_a_run_killed_half_way_finishes_with_the_same_grades_when_started_again(tiny_course, tmp_path):
    """Killed (with its nbgrader and kernels) after one student, then run again: same grades, sound gradebook?"""
    import signal
    import sqlite3
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
    assert len(grading.part_scores(killed)) < 4, "the run finished before it was killed"
    subprocess.run(command + ["--course", str(killed)], env=environment, check=True, capture_output=True)
    assert grading.part_scores(killed) == grading.part_scores(whole)
    with sqlite3.connect(killed / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] == 4
    assert not list((killed / "autograded").glob("*/*.incoming"))


def test_a_submission_is_found_with_or_without_the_assignments_folder(tmp_path):
    """Is a student folder a submission when it has the assignment's folder, or notebooks or a zip of its own,
    and not when it holds only another assignment's folder?"""
    course = tmp_path / "course"
    (course / "submitted" / "ada" / "conv_backprop").mkdir(parents=True)
    (course / "submitted" / "ben").mkdir(parents=True)
    (course / "submitted" / "ben" / "02_conv2d.ipynb").write_text("{}")
    (course / "submitted" / "cy").mkdir(parents=True)
    (course / "submitted" / "cy" / "work.zip").write_bytes(b"PK")
    (course / "submitted" / "dee" / "hw1").mkdir(parents=True)
    (course / "submitted" / "dee" / "hw1" / "a.ipynb").write_text("{}")
    assert grading.students(course) == ["ada", "ben", "cy"]
    assert grading.submission_folder(course, "ada") == course / "submitted" / "ada" / "conv_backprop"
    assert grading.submission_folder(course, "ben") == course / "submitted" / "ben"
    assert grading.submission_folder(course, "dee") is None
