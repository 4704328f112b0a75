"""The gradebook on SQLite and on a real PostgreSQL server: set up from nothing, and several graders at once."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from nbgrader.api import Gradebook

from autograder.classroom import gradebook, grading

from class_services import SEED, STUDENTS

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
