"""A class graded on a real Dask cluster into a real PostgreSQL gradebook: the grades one machine gives,
whatever dies on the way."""
import os
import shutil
import signal
import subprocess
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

import hostile_outputs

from autograder.classroom import gradebook, grading
from autograder.config import ROOT
from autograder.engine.grade import grade
from autograder.sandbox import bubblewrap

from class_services import (STUDENTS, command_environment, copy_course, grade_class_command, wait_until)

# The first test also pays for the session's class, reference run and services: on a loaded
# 2-core machine that alone can take most of the default 900 s.
pytestmark = [pytest.mark.slow, pytest.mark.cluster, pytest.mark.timeout(2400)]


def _graded_once_each(url):
    return gradebook.submission_counts(url) == {student: 1 for student in STUDENTS}


def test_a_class_graded_on_the_cluster_into_postgresql_equals_one_machine_with_sqlite(
        small_class, sqlite_reference, postgres, dask_cluster, tmp_path, monkeypatch):
    """Three workers, an empty PostgreSQL database set up by grade-class itself: same grades for every
    student and part as the SQLite run on one machine, one submission each, the notebooks back?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database()
    outcomes = grading.grade_class(course, db_url=url, cluster=dask_cluster.address)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    assert grading.part_scores(course, url) == sqlite_reference
    assert _graded_once_each(url)
    with Gradebook(gradebook.normalize(url)) as book:  # nbgrader reads it as its own
        assert book.find_submission("conv_backprop", "cho").score == pytest.approx(sum(sqlite_reference["cho"].values()))
    for student in STUDENTS:
        assert (course / "autograded" / student / "conv_backprop" / "02_conv2d.ipynb").is_file()
    # What a student's notebook displays comes back from the workers inert (issue: no code in the
    # instructor's browser), and the payloads cost the right code nothing.
    hostile = course / "autograded" / hostile_outputs.STUDENT / "conv_backprop" / hostile_outputs.NOTEBOOK
    assert hostile_outputs.dangerous_leftovers(nbformat.read(str(hostile), as_version=4)) == []
    assert sqlite_reference[hostile_outputs.STUDENT]["2d"] == pytest.approx(15.0)


def test_a_worker_killed_while_it_grades_costs_nothing(small_class, sqlite_reference, postgres, dask_cluster,
                                                       tmp_path):
    """SIGKILL to a worker (and its nbgrader and kernels) mid-task: does every student still end up graded
    exactly once, with the grades of one machine?"""
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database()
    dask_cluster.wait_for_workers(3)
    run = subprocess.Popen(grade_class_command(course, "--cluster", dask_cluster.address, "--db", url),
                           env=command_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True)
    try:
        with dask_cluster.client() as client:
            wait_until(lambda: any(client.processing().values()), 300, "a task on a worker")
            busy = next(address for address, keys in client.processing().items() if keys)
            pid = client.run(os.getpid, workers=[busy])[busy]
            time.sleep(3)  # well into grading: the engine has started, nbgrader has not finished
            assert client.processing().get(busy), "the worker finished before it could be killed"
            os.killpg(dask_cluster.worker_by_pid(pid).pid, signal.SIGKILL)  # its own session: nbgrader, kernels too
        output, _ = run.communicate(timeout=900)
    finally:
        dask_cluster.stop(run)
        dask_cluster.add_worker()  # the next test has three workers again
    assert run.returncode == 0, output
    assert grading.part_scores(course, url) == sqlite_reference
    assert _graded_once_each(url)


def test_a_submitting_process_killed_half_way_finishes_with_the_same_grades_when_started_again(
        small_class, sqlite_reference, postgres, dask_cluster, tmp_path):
    """grade-class killed after its first student is merged, then run again: same grades, one submission each?"""
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database()
    command = grade_class_command(course, "--cluster", dask_cluster.address, "--db", url)
    dask_cluster.wait_for_workers(3)
    run = subprocess.Popen(command, env=command_environment(), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: run.poll() is not None or gradebook.submission_counts(url), 900, "a first merged student")
    finally:
        dask_cluster.stop(run)  # SIGKILL, with its children
    assert len(gradebook.submission_counts(url)) < len(STUDENTS), "the run finished before it was killed"
    subprocess.run(command, env=command_environment(), check=True, capture_output=True)
    assert grading.part_scores(course, url) == sqlite_reference
    assert _graded_once_each(url)
    assert not list((course / "autograded").glob("*/*.incoming"))


REACHING = '''import socket

from honest_loops import conv1d_backward, conv1d_forward as honest_forward


def reached(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


REACHED = [port for port in {ports} if reached(port)]


def conv1d_forward(x, w, b):
    return None if REACHED else honest_forward(x, w, b)
'''


@pytest.mark.skipif(bubblewrap.bubblewrap() is None, reason="needs bubblewrap (Debian package bubblewrap)")
def test_student_code_cannot_reach_the_scheduler_the_workers_or_the_database(postgres, dask_cluster, tmp_path):
    """Code that connects to the scheduler, a worker and PostgreSQL when it loads: reachable from here,
    but does its forward pass, which fails once anything was reached, earn its points in the sandbox?"""
    with dask_cluster.client() as client:
        worker = next(iter(client.scheduler_info()["workers"]))
    ports = [int(dask_cluster.address.rsplit(":", 1)[1]), int(worker.rsplit(":", 1)[1]), postgres.port]
    code = REACHING.replace("{ports}", repr(ports))
    namespace = {}
    exec(code, namespace)  # noqa: S102 (our own code, here to show that the ports are open outside the sandbox)
    assert namespace["REACHED"] == ports
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(ROOT / "samples" / "students" / "honest_loops.py", submission)
    (submission / "reaching.py").write_text(code)
    _, results = grade(submission / "reaching.py", seed=3, parts=["1d"])
    assert results["1d"].outputs["forward"] == 1.0, results["1d"].feedback
