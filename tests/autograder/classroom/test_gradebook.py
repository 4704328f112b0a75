"""The gradebook on SQLite and on a real PostgreSQL server: set up from nothing, and several graders at once."""
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from nbgrader.api import Gradebook

from autograder.classroom import gradebook, grading

from class_services import (PASSWORD, PASSWORD_ROLE, SEED, STUDENTS, command_environment, copy_course,
                            grade_class_command)

# The first test also pays for the session's class, reference run and services: on a loaded
# 2-core machine that alone can take most of the default 900 s.
pytestmark = [pytest.mark.slow, pytest.mark.cluster, pytest.mark.timeout(2400)]


def _definitions(url):
    """``{notebook: {grade cell: max score}}`` as nbgrader reads the assignment."""
    with Gradebook(gradebook.normalize(url)) as book:
        return {notebook.name: {cell.name: cell.max_score for cell in notebook.grade_cells}
                for notebook in book.find_assignment("conv_backprop").notebooks}


def test_an_empty_postgresql_database_is_set_up_as_generate_assignment_would(small_class, postgres):
    """Does an empty database get nbgrader's schema and the assignment's notebooks and grade cells, once?"""
    url = postgres.new_database()
    assert gradebook.ensure_assignment(url, small_class) is True
    assert gradebook.ensure_assignment(url, small_class) is False
    assert _definitions(url) == _definitions(gradebook.sqlite_url(small_class / "gradebook.db"))
    assert sum(sum(cells.values()) for cells in _definitions(url).values()) == pytest.approx(100.0)


@pytest.fixture(scope="module")
def postgres_shards(small_class, postgres, tmp_path_factory):
    """A PostgreSQL gradebook set up for the small class, and each student autograded (seed 7) in a shard
    made from its snapshot, not yet merged: (url, {student: shard})."""
    url = postgres.new_database()
    gradebook.ensure_assignment(url, small_class)
    folder = tmp_path_factory.mktemp("shards")
    snapshot = gradebook.snapshot(url, folder / "definitions.db")
    with ThreadPoolExecutor(2) as pool:
        shards = dict(zip(STUDENTS, pool.map(
            lambda s: grading.autograde_in_shard(small_class, s, folder / s, snapshot=snapshot, seed=SEED)[0],
            STUDENTS)))
    return url, shards


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_graders_merging_at_once_lose_nothing(database, postgres_shards, sqlite_reference, tmp_path):
    """Every student merged twice, all at the same moment from eight threads: one submission each, and
    exactly the grades of a one-machine run?"""
    url, shards = postgres_shards
    if database == "sqlite":  # a SQLite gradebook with the same assignment rows as the shards'
        url = gradebook.sqlite_url(gradebook.snapshot(url, tmp_path / "gradebook.db"))
    else:
        for table in reversed(gradebook.SUBMISSION_TABLES):  # undo an earlier parameter's merges
            with gradebook.engine_for(url) as engine, engine.begin() as write:
                write.execute(gradebook.TABLES[table].delete())
    merges = [student for student in STUDENTS for _ in range(2)]
    start = threading.Barrier(len(merges))

    def merge(student):
        start.wait()
        gradebook.replace_submission(url, shards[student] / "gradebook.db", student)

    with ThreadPoolExecutor(len(merges)) as pool:
        list(pool.map(merge, merges))  # raises what any merge raised
    assert gradebook.submission_counts(url) == {student: 1 for student in STUDENTS}
    assert grading.part_scores(None, url) == sqlite_reference


def _grade_with_password_from(place, small_class, postgres, tmp_path):
    """grade-class on the small class's ada into a database of the password role, the URL without the password,
    libpq finding it in ``place`` ("PGPASSWORD" or ".pgpass"): (course, the command's output)."""
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database(owner=PASSWORD_ROLE)
    env = dict(command_environment(), HOME=str(tmp_path / "home"))
    env.pop("PGPASSWORD", None)
    if place == "PGPASSWORD":
        env["PGPASSWORD"] = PASSWORD
    else:
        (tmp_path / "home").mkdir()
        pgpass = tmp_path / "home" / ".pgpass"
        pgpass.write_text(f"127.0.0.1:{postgres.port}:*:{PASSWORD_ROLE}:{PASSWORD}\n")
        pgpass.chmod(0o600)  # libpq ignores a password file others can read
    done = subprocess.run(grade_class_command(course, "--db", url, "--student", "ada", "--jobs", "1"), env=env,
                          capture_output=True, text=True, timeout=900)
    return course, url, done


@pytest.mark.parametrize("place", ["PGPASSWORD", ".pgpass"])
def test_a_password_from_libpqs_own_places_grades_and_is_written_nowhere(place, small_class, postgres, tmp_path,
                                                                           monkeypatch):
    """A role that signs in with scram-sha-256, the URL on the command line without its password: does grading
    work with the password from PGPASSWORD and from ~/.pgpass, the password appearing in no output, log or file
    the kit writes?"""
    course, url, done = _grade_with_password_from(place, small_class, postgres, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # this process reads the grades back as the same role
    assert grading.part_scores(course, url)["ada"]["1d"] == pytest.approx(15.0)
    assert PASSWORD not in done.stdout + done.stderr
    written = [path for path in course.rglob("*") if path.is_file() and PASSWORD.encode() in path.read_bytes()]
    assert written == []


def test_a_wrong_password_fails_without_showing_it(small_class, postgres, tmp_path, monkeypatch):
    """With a wrong password in PGPASSWORD, does grade-class fail saying authentication failed, and show neither
    password?"""
    course = copy_course(small_class, tmp_path / "course")
    url = postgres.new_database(owner=PASSWORD_ROLE)
    env = dict(command_environment(), PGPASSWORD="not-the-password")
    done = subprocess.run(grade_class_command(course, "--db", url, "--student", "ada"), env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "password authentication failed" in done.stdout + done.stderr
    assert "not-the-password" not in done.stdout + done.stderr and PASSWORD not in done.stdout + done.stderr
