"""Grading a class on a Dask cluster: one task per student, the results shipped back as bytes.

Each task grades one student on a worker exactly as a local job does
(:func:`autograder.classroom.grading.autograde_in_shard`: the sandboxed
engine, then a real ``nbgrader autograde`` in a private shard) and returns
the shard's results; the submitting process merges them into the course's
gradebook one student at a time (:func:`grading.merge_shard`).

Nothing is shared between the machines but the scheduler: a task carries the
student's submission, and every task reads one bundle of the course, sent to
each worker once (``scatter``): ``nbgrader_config.py``, a SQLite snapshot of
the assignment's definitions (:func:`gradebook.snapshot`) and the release
notebooks (for intake). It returns a tar of the shard's gradebook, its
autograded notebooks and every ``convkit-*.json`` at the shard's root.

A worker needs the kit installed at the same version (``requirements.txt``,
which installs it too) and bubblewrap; student code runs in bubblewrap's
unshared network namespace, so it cannot reach the scheduler, the workers or
the database. The cluster itself is reached over mutual TLS
(:mod:`autograder.classroom.certs`): a plain Dask cluster runs any code that
anyone who reaches its port sends, so :func:`security_for` takes a plain
``tcp://`` address on loopback only, unless the instructor insists. A worker that dies mid-task costs nothing: the scheduler runs
its task again elsewhere, and the merge replaces the student's rows, so a
student is graded once whatever ran twice.
"""
import functools
import io
import os
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

from autograder.config import ASSIGNMENT, AUTOGRADED_FOLDER, RELEASE_FOLDER, SUBMITTED_FOLDER


def _no_links(member):
    """Leave links out of a tar: a student's link is never followed, and the worker's unpacking refuses one."""
    return None if member.issym() or member.islnk() else member


def _tar(members):
    """A gzip tar of ``{name in the archive: path}`` (folders whole, links left out)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, path in members.items():
            archive.add(path, arcname=name, filter=_no_links)
    return buffer.getvalue()


def _untar(data, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(folder, filter="data")
    return folder


def course_bundle(course, snapshot):
    """What every task needs of the course: its config, the gradebook snapshot, the release notebooks."""
    release = Path(course) / RELEASE_FOLDER / ASSIGNMENT
    members = {"nbgrader_config.py": Path(course) / "nbgrader_config.py", "gradebook.db": Path(snapshot)}
    members.update({f"{RELEASE_FOLDER}/{ASSIGNMENT}/{p.name}": p for p in sorted(release.glob("*.ipynb"))})
    return _tar(members)


def submission_bundle(course, student):
    """The student's submission, laid out on the worker as nbgrader's ``submitted/<student>/<assignment>/``."""
    from autograder.classroom.grading import submission_folder

    return _tar({f"{SUBMITTED_FOLDER}/{student}/{ASSIGNMENT}": submission_folder(course, student)})


def shard_results(shard, student):
    """What the submitting process merges: the shard's gradebook, autograded notebooks and convkit-*.json files."""
    members = {"gradebook.db": shard / "gradebook.db"}
    members.update({p.name: p for p in sorted(shard.glob("convkit-*.json"))})
    autograded = f"{AUTOGRADED_FOLDER}/{student}/{ASSIGNMENT}"
    members[autograded] = shard / autograded
    return _tar(members)


def grade_student(course_bytes, submission_bytes, student, seed, run_notebooks=False):
    """The task, run on a worker: ``(shard results as bytes, intake notes, seconds)``."""
    from autograder.classroom import grading

    with tempfile.TemporaryDirectory(prefix="convkit-task-") as tmp:
        course = _untar(course_bytes, Path(tmp) / "course")
        _untar(submission_bytes, course)
        start = time.perf_counter()
        shard, notes = grading.autograde_in_shard(course, student, Path(tmp) / "shard",
                                                  snapshot=course / "gradebook.db", seed=seed,
                                                  run_notebooks=run_notebooks)
        return shard_results(shard, student), notes, time.perf_counter() - start


def _landed(future, shard):
    results, notes, seconds = future.result()
    return _untar(results, shard), notes, seconds


LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class InsecureCluster(ValueError):
    """A cluster address that anyone on the network could use to run code on the workers."""


def security_for(address, tls=None, insecure=False):
    """The Dask ``Security`` to reach the scheduler at ``address`` with, or None for plain TCP on loopback.

    ``tls``: ``(ca file, certificate, key)``, each None to take Dask's configuration
    (:func:`autograder.classroom.certs.security`). A ``tcp://`` address off this machine is refused,
    unless ``insecure``: a plain Dask cluster runs any code anyone who reaches its port sends it.
    """
    from urllib.parse import urlsplit

    from autograder.classroom import certs

    scheme = address.split("://", 1)[0] if "://" in address else "tcp"
    if scheme == "tls":
        return certs.security(*(tls or (None, None, None)))
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if scheme == "tcp" and (host in LOOPBACK or host.startswith("127.")):
        return None
    if insecure:
        return None
    raise InsecureCluster(
        f"refusing the plain {scheme}:// cluster at {address}: a Dask cluster without TLS runs any code that "
        "anyone who reaches its port sends it (they could read the hidden reference on a worker, or change every "
        "grade). Set it up with mutual TLS: `python -m autograder cluster-certs DIR` writes the certificates and "
        "prints the scheduler's and workers' command lines; then grade with --cluster tls://HOST:PORT and "
        "--tls-ca-file, --tls-cert and --tls-key (README, Grading at scale). --insecure-cluster grades on it "
        "anyway, on a network you trust.")


def graded_on_cluster(address, course, names, tmp, snapshot, run_notebooks=False, security=None):
    """``(student, result)`` as each student's task ends on the cluster at ``address`` (reached with the
    Dask ``security``, see :func:`security_for`); ``result()`` unpacks the shard into ``tmp/<student>``
    and gives (shard, intake notes, seconds), or raises what grading raised on the worker."""
    from distributed import Client, as_completed

    seed = os.environ.get("CONVKIT_SEED")
    with Client(address, security=security) as client:
        bundle = client.scatter(course_bundle(course, snapshot), broadcast=True)
        # A fresh key per run: a restarted submitting process never picks up a stale result.
        futures = {client.submit(grade_student, bundle, submission_bundle(course, student), student, seed,
                                 run_notebooks,
                                 key=f"convkit-grade-{student}-{uuid.uuid4().hex}", pure=False): student
                   for student in names}
        for future in as_completed(futures):
            student = futures[future]
            yield student, functools.partial(_landed, future, Path(tmp) / student)
