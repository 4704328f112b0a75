"""A class graded on a real Dask cluster over mutual TLS into a real PostgreSQL gradebook: the grades one
machine gives, whatever dies on the way; and nobody without the cluster's certificates gets in."""
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
    """A TLS scheduler and three TLS workers, an empty PostgreSQL database set up by grade-class itself: same
    grades for every student and part as the SQLite run on one machine, one submission each, the notebooks back?"""
    monkeypatch.setenv("CONVKIT_SEED", "7")
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database()
    outcomes = grading.grade_class(course, db_url=url, cluster=dask_cluster.address, tls=dask_cluster.tls)
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
    run = subprocess.Popen(grade_class_command(course, "--cluster", dask_cluster.address, *dask_cluster.tls_options(),
                                               "--db", url),
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
    command = grade_class_command(course, "--cluster", dask_cluster.address, *dask_cluster.tls_options(), "--db", url)
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


# The attack of the issue: a stranger's task that reads the hidden reference on a worker. Defined in a
# namespace of its own (as a script's __main__), so that it travels by value, as a stranger's would.
ATTACK = {"__name__": "__main__"}
exec("def read_the_reference():\n"  # noqa: S102 (the test's own code)
     "    import solutions.reference.vectorized as reference\n"
     "    return open(reference.__file__).read()\n", ATTACK)
_read_the_reference = ATTACK["read_the_reference"]


def _refused(connect):
    """The error that stops ``connect()`` before a task is submitted or code is run on the workers; None when
    it got in."""
    try:
        with connect() as client:
            client.submit(_read_the_reference, pure=False).result(timeout=20)
            client.run(os.getpid)
    except Exception as error:  # refused at the handshake, or closed: what a stranger gets
        return error
    return None


def test_strangers_cannot_submit_tasks_or_run_code_on_the_cluster(dask_cluster, tmp_path):
    """A client with no certificate, one with a certificate of another authority, and a plain TCP client: is
    each refused before it can submit the task that reads the reference, or call run on the workers?"""
    from distributed import Client

    from autograder.classroom import certs

    other = certs.make(tmp_path / "other", hosts=["127.0.0.1"])
    tls_port_address = dask_cluster.address
    strangers = {
        "no certificate": lambda: Client(tls_port_address, timeout=10),
        "another authority": lambda: Client(tls_port_address, timeout=10, security=certs.security(
            other["ca"], *other["grader"])),
        "plain tcp": lambda: Client(tls_port_address.replace("tls://", "tcp://"), timeout=10),
    }
    for who, connect in strangers.items():
        assert _refused(connect) is not None, f"{who} got in"
    # The same task from the grader's side runs (so the refusals above are the certificates' doing).
    with dask_cluster.client() as client:
        assert "def conv_forward" in client.submit(_read_the_reference, pure=False).result(timeout=60)


def test_a_tls_handshake_without_a_client_certificate_is_refused(dask_cluster):
    """A TLS connection that trusts the cluster's authority but shows no certificate of its own: does the
    scheduler end it at the handshake?"""
    import socket
    import ssl

    host, port = dask_cluster.address.replace("tls://", "").rsplit(":", 1)
    context = ssl.create_default_context(cafile=dask_cluster.tls[0])
    context.check_hostname = False
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(b"\x00" * 16)
                if not tls.recv(1):  # TLS 1.3: the refusal comes with the first read
                    raise ConnectionError("closed by the scheduler")


def test_a_worker_without_a_certificate_cannot_join(dask_cluster):
    """Does a worker started without the cluster's certificates fail to join, the scheduler's workers unchanged?"""
    with dask_cluster.client() as client:
        before = set(client.scheduler_info()["workers"])
    stranger = dask_cluster.add_worker(certified=False)
    try:
        wait_until(lambda: stranger.poll() is not None, 120, "the uncertified worker to give up")
        with dask_cluster.client() as client:
            assert set(client.scheduler_info()["workers"]) == before
    finally:
        dask_cluster.stop(stranger)
