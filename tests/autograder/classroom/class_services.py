"""Real services for the class-grading tests, started by the tests on loopback and stopped after them:
a PostgreSQL server (Debian's binaries, as the ``postgres`` user when the tests run as root) and a
Dask scheduler with three workers, each its own process; and a small class to grade on them."""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import hostile_outputs
from autograder.classroom import certs as autograder_certs
from autograder.classroom import grading
from autograder.config import ROOT
from autograder.course.demo_class import student_notebook, submissions
from autograder.course.nbgrader_course import hand_in, make_course

BIN = Path(sys.executable).parent
SEED = "7"
# Four students of the demo class, handing in notebooks 01 and 02 only (the rest is graded as missing),
# so that a class grades in seconds: all right, a flipped 2D forward, an unrotated 1D dx, an off-by-one;
# and mallory, whose right notebook 02 displays every payload of hostile_outputs.py.
DEMO_STUDENTS = ("ada", "cho", "eli", "gia")
STUDENTS = (*DEMO_STUDENTS, hostile_outputs.STUDENT)
NOTEBOOKS = ("01_conv1d.ipynb", "02_conv2d.ipynb")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process):
    """SIGKILL a process started in its own session, with everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# A role that signs in with a password (scram-sha-256), as a shared database server asks of a grader.
PASSWORD_ROLE = "marker"
PASSWORD = "c0nvkit-Gradebook-Secret-7"


@dataclass
class Postgres:
    port: int
    folder: Path
    databases: list = field(default_factory=list)

    def new_database(self, owner="grader"):
        """An empty database on the server, owned by ``owner``; its URL (with no password in it)."""
        import psycopg

        name = f"gradebook{len(self.databases)}"
        with psycopg.connect(f"postgresql://grader@127.0.0.1:{self.port}/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name} OWNER {owner}")
        self.databases.append(name)
        return f"postgresql://{owner}@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL server in a temporary folder: trust authentication, 127.0.0.1, a free port."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.skip("needs PostgreSQL's server binaries: the Debian package postgresql (scripts/system-packages)")
    pg_bin = Path(found[-1]).parent
    # The server refuses to run as root: as root, run it as the package's postgres user.
    as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="convkit-pg-"))
    folder.chmod(0o777)
    port = free_port()
    subprocess.run([*as_server, pg_bin / "initdb", "-D", folder / "data", "-A", "trust", "-U", "grader"],
                   check=True, capture_output=True)
    # The password role first in pg_hba.conf: scram-sha-256 for it, trust for the tests' own role.
    hba = folder / "data" / "pg_hba.conf"
    hba.write_text(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    subprocess.run([*as_server, pg_bin / "pg_ctl", "-D", folder / "data", "-o", f"-p {port} -k {folder} -h 127.0.0.1",
                    "-l", folder / "server.log", "-w", "start"], check=True, capture_output=True)
    import psycopg
    with psycopg.connect(f"postgresql://grader@127.0.0.1:{port}/postgres", autocommit=True) as db:
        db.execute("SET password_encryption = 'scram-sha-256'")
        db.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")
    try:
        yield Postgres(port, folder)
    finally:
        subprocess.run([*as_server, pg_bin / "pg_ctl", "-D", folder / "data", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class DaskCluster:
    """A scheduler and its workers on 127.0.0.1, over mutual TLS with the certificates of ``python -m autograder
    cluster-certs`` (``certs``), the command lines it prints."""
    address: str
    scheduler: subprocess.Popen
    workers: list
    logs: Path
    certs: Path

    @property
    def tls(self):
        """The grader's (CA file, certificate, key), as grade_class takes them."""
        cert, key = autograder_certs.files(self.certs, "grader")
        return str(self.certs / autograder_certs.CA), str(cert), str(key)

    def tls_options(self):
        """The same as grade-class's command-line options."""
        return autograder_certs.tls_options(self.certs, "grader")

    def add_worker(self, certified=True):
        log = open(self.logs / f"worker{len(self.workers)}.log", "w")
        options = autograder_certs.tls_options(self.certs, "worker") if certified else []
        # No nanny: the process killed is the worker itself, with the nbgrader and kernels it started.
        worker = subprocess.Popen([BIN / "dask", "worker", self.address, "--nthreads", "1", "--no-dashboard",
                                   "--no-nanny", "--host", "127.0.0.1", *options], env=ENCRYPTED,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.logs)
        if certified:
            self.workers.append(worker)
        return worker

    @staticmethod
    def stop(process):
        _stop(process)

    def worker_by_pid(self, pid):
        return next(worker for worker in self.workers if worker.pid == pid)

    def client(self):
        from distributed import Client
        return Client(self.address, security=autograder_certs.security(*self.tls), timeout=60)

    def wait_for_workers(self, count):
        with self.client() as client:
            client.wait_for_workers(count, timeout=120)


# What the certificates' command lines set: no plain connection is taken or made.
ENCRYPTED = dict(os.environ, DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION="True")


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A Dask scheduler and three one-thread workers on 127.0.0.1, each a separate process, over mutual TLS."""
    logs = tmp_path_factory.mktemp("dask")
    folder = tmp_path_factory.mktemp("certs") / "cluster"
    autograder_certs.make(folder, hosts=["127.0.0.1", "localhost"])
    port = free_port()
    scheduler = subprocess.Popen([BIN / "dask", "scheduler", "--protocol", "tls", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard",
                                  *autograder_certs.tls_options(folder, "scheduler")], env=ENCRYPTED,
                                 stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT,
                                 start_new_session=True, cwd=logs)
    cluster = DaskCluster(f"tls://127.0.0.1:{port}", scheduler, [], logs, folder)
    try:
        for _ in range(3):
            cluster.add_worker()
        cluster.wait_for_workers(3)
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            _stop(process)


@pytest.fixture(scope="session")
def small_class(tmp_path_factory):
    """A course from this repository's source with four demo students (notebooks 01 and 02) and mallory (02,
    with payloads), nothing graded."""
    course = make_course(tmp_path_factory.mktemp("small-class") / "course", root=ROOT)
    release = course / "assignments" / "conv_backprop"
    everyone = submissions(release)
    for student in DEMO_STUDENTS:
        hand_in(course, student, {name: everyone[student][name] for name in NOTEBOOKS})
    # As handed in after the student's own Run All: grade-class keeps those outputs, made inert.
    hand_in(course, hostile_outputs.STUDENT, {hostile_outputs.NOTEBOOK: hostile_outputs.run_as_the_student(
        hostile_outputs.with_payloads(student_notebook(release / hostile_outputs.NOTEBOOK, {})))})
    return course


def copy_course(course, folder):
    shutil.copytree(course, folder)
    return folder


@pytest.fixture(scope="session")
def sqlite_reference(small_class, tmp_path_factory):
    """The small class graded on this machine into its SQLite gradebook, seed 7: ``{student: {part: score}}``."""
    course = copy_course(small_class, tmp_path_factory.mktemp("reference") / "course")
    saved = os.environ.get("CONVKIT_SEED")
    os.environ["CONVKIT_SEED"] = SEED
    try:
        outcomes = grading.grade_class(course, jobs=2)
    finally:
        os.environ.pop("CONVKIT_SEED") if saved is None else os.environ.__setitem__("CONVKIT_SEED", saved)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    scores = grading.part_scores(course)
    assert sorted(scores) == sorted(STUDENTS)
    return scores


def grade_class_command(course, *options):
    """``python -m autograder grade-class`` on ``course`` with ``options``, as the instructor types it."""
    return [sys.executable, "-m", "autograder", "grade-class", "--course", str(course),
            "--csv", str(Path(course) / "grades.csv"), *options]


def command_environment():
    return dict(os.environ, CONVKIT_SEED=SEED)


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)
