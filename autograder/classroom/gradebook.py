"""The course's gradebook in any database nbgrader's SQLAlchemy takes: SQLite (the default) or PostgreSQL.

nbgrader keeps its gradebook through SQLAlchemy (``c.CourseDirectory.db_url``).
The kit reads and writes it with SQLAlchemy Core over nbgrader's own tables
(``nbgrader.api.Base.metadata``), so the same code serves both databases:

* :func:`ensure_assignment` sets up an empty database: nbgrader's schema,
  then the assignment, its notebooks and cells as ``generate_assignment``
  writes them;
* :func:`snapshot` writes the assignment's definitions into a small private
  SQLite gradebook, where ``nbgrader autograde`` grades one student (a shard);
* :func:`replace_submission` brings one student's graded rows from a shard
  into the course's gradebook in one transaction;
* :func:`part_scores_rows` reads the grades back.

Several graders may merge at once (threads, processes, machines). Row ids
are nbgrader's random UUIDs, so rows from different shards never collide;
the assignment's definitions are read-only while grading. A merge first
takes the student's row (``SELECT ... FOR UPDATE`` on PostgreSQL, the
database's write lock on SQLite, ``BEGIN IMMEDIATE``), so two merges of the
same student run one after the other, the second replacing the first;
merges of different students touch disjoint rows and do not wait for each other.
"""
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from nbgrader.api import Base, Gradebook
from sqlalchemy.dialects import postgresql, sqlite

from autograder.config import ASSIGNMENT, COURSE_ID, SOURCE_FOLDER

TABLES = Base.metadata.tables
# The assignment's definitions, parents first, and one submission's rows, parents first.
DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell",
                     "grade_cells", "solution_cells", "task_cells")
SUBMISSION_TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")
# Seconds a SQLite writer waits for another's lock before it fails.
SQLITE_BUSY_SECONDS = 300


def sqlite_url(path):
    return f"sqlite:///{Path(path).resolve()}"


def normalize(url):
    """The URL SQLAlchemy needs: ``postgresql://`` means the pinned psycopg 3 driver (psycopg2 is not installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def masked(url):
    """``url`` as the kit prints or writes it: a password in it shown as ``***``."""
    try:
        return sa.engine.make_url(str(url)).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: mask what looks like user:password@
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", str(url))


def has_password(url):
    """Does ``url`` carry a password? (A command line's is readable by every user of the machine.)"""
    try:
        return sa.engine.make_url(str(url)).password is not None
    except Exception:
        return bool(re.search(r"://[^:/@]*:[^@/]*@", str(url)))


PASSWORD_ON_THE_COMMAND_LINE = (
    "the database URL carries a password, which every user of this machine can read on a command line "
    "(ps) and in the shell's history: give the URL without it, and the password as libpq reads it, "
    "from PGPASSWORD, ~/.pgpass (PGPASSFILE) or a service file (PGSERVICE); sslmode=... in the URL is "
    "honoured")


def course_url(course, db=None):
    """The course's gradebook: ``db`` when given, else the config's ``c.CourseDirectory.db_url``,
    else nbgrader's default, ``gradebook.db`` in the course root."""
    if not db:
        from traitlets.config.loader import PyFileConfigLoader
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
        db = config.CourseDirectory.get("db_url") if "CourseDirectory" in config else None
    return normalize(db) if db else sqlite_url(Path(course) / "gradebook.db")


def connect(url):
    """An engine whose transactions take the write lock at once on SQLite (no upgrade deadlocks)."""
    url = normalize(url)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _driver_leaves_transactions_to_us(connection, _):
        connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _write_lock_first(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


@contextmanager
def engine_for(url):
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _insert(connection, table):
    """INSERT that leaves an existing row alone, in the connection's dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def create_schema(url):
    """nbgrader's tables (and its alembic version), as nbgrader itself creates them."""
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs the `alembic` of its environment by name
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    Gradebook(normalize(url), course_id=COURSE_ID).close()


def _definitions(connection):
    """The assignment's definition rows, ``{table: [row dicts]}``, parents first (empty when it is missing)."""
    t = TABLES
    assignment = sa.select(t["assignment"].c.id).where(t["assignment"].c.name == ASSIGNMENT)
    notebooks = sa.select(t["notebook"].c.id).where(t["notebook"].c.assignment_id.in_(assignment))
    cells = sa.select(t["base_cell"].c.id).where(t["base_cell"].c.notebook_id.in_(notebooks))
    selects = {
        "course": sa.select(t["course"]),
        "assignment": sa.select(t["assignment"]).where(t["assignment"].c.name == ASSIGNMENT),
        "notebook": sa.select(t["notebook"]).where(t["notebook"].c.id.in_(notebooks)),
        "base_cell": sa.select(t["base_cell"]).where(t["base_cell"].c.id.in_(cells)),
        "source_cell": sa.select(t["source_cell"]).where(t["source_cell"].c.notebook_id.in_(notebooks)),
        "grade_cells": sa.select(t["grade_cells"]).where(t["grade_cells"].c.id.in_(cells)),
        "solution_cells": sa.select(t["solution_cells"]).where(t["solution_cells"].c.id.in_(cells)),
        "task_cells": sa.select(t["task_cells"]).where(t["task_cells"].c.id.in_(cells)),
    }
    return {name: [dict(row._mapping) for row in connection.execute(selects[name])] for name in DEFINITION_TABLES}


def _copy_definitions(source_url, target_url):
    """Copy the assignment's definitions into a gradebook that has the schema; a no-op when it has them.

    The assignment row goes first: when another grader sets up the same
    database at the same time, its row wins (PostgreSQL makes this insert
    wait for the other's commit) and this copy stops there.
    """
    with engine_for(source_url) as source, source.connect() as read:
        rows = _definitions(read)
    if not rows["assignment"]:
        raise LookupError(f"{masked(source_url)} has no assignment {ASSIGNMENT!r}")
    with engine_for(target_url) as target, target.begin() as write:
        write.execute(_insert(write, TABLES["course"]), rows["course"])
        if write.execute(_insert(write, TABLES["assignment"]), rows["assignment"][0]).rowcount == 0:
            return False
        for name in DEFINITION_TABLES[2:]:
            if rows[name]:
                write.execute(_insert(write, TABLES[name]), rows[name])
    return True


def has_assignment(url):
    with engine_for(url) as engine, engine.connect() as read:
        if not sa.inspect(read).has_table("assignment"):
            return False
        table = TABLES["assignment"]
        return read.execute(sa.select(table.c.id).where(table.c.name == ASSIGNMENT)).first() is not None


def ensure_assignment(url, course):
    """Set up the course's gradebook when it is empty: nbgrader's schema, then the assignment,
    its notebooks and cells exactly as ``nbgrader generate_assignment`` writes them (it runs on
    a scratch copy of the course's config and source, so the course's release is not touched)."""
    if has_assignment(url):
        return False
    from autograder.course.release import nbgrader

    create_schema(url)
    with tempfile.TemporaryDirectory(prefix="convkit-setup-") as scratch:
        scratch = Path(scratch)
        shutil.copy(Path(course) / "nbgrader_config.py", scratch)
        shutil.copytree(Path(course) / SOURCE_FOLDER, scratch / SOURCE_FOLDER,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        scratch_url = sqlite_url(scratch / "gradebook.db")
        nbgrader(scratch, "generate_assignment", ASSIGNMENT, "--force", "--log-level=WARN",
                 f"--CourseDirectory.db_url={scratch_url}")
        return _copy_definitions(scratch_url, url)


def snapshot(url, path):
    """A private SQLite gradebook at ``path`` holding the assignment's definitions only (same row ids
    as the course's), for one shard: small enough to ship to a worker, the same for every student."""
    path = Path(path)
    with engine_for(sqlite_url(path)) as engine:
        Base.metadata.create_all(engine)
    with engine_for(url) as source, source.connect() as read:
        versioned = sa.inspect(read).has_table("alembic_version")
        version = read.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() if versioned else None
    if version:  # with its alembic version in place, nbgrader takes the file as an up-to-date gradebook of its own
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            db.execute("INSERT INTO alembic_version VALUES (?)", (version,))
    _copy_definitions(url, sqlite_url(path))
    return path


def _submission_rows(connection, student):
    """One student's submission of the assignment, ``{table: [row dicts]}``, parents first, and its student row."""
    t = TABLES
    assignment = sa.select(t["assignment"].c.id).where(t["assignment"].c.name == ASSIGNMENT)
    mine = sa.select(t["submitted_assignment"].c.id).where(
        t["submitted_assignment"].c.assignment_id.in_(assignment), t["submitted_assignment"].c.student_id == student)
    notebooks = sa.select(t["submitted_notebook"].c.id).where(t["submitted_notebook"].c.assignment_id.in_(mine))
    return {
        "submitted_assignment": t["submitted_assignment"].c.id.in_(mine),
        "submitted_notebook": t["submitted_notebook"].c.id.in_(notebooks),
        "grade": t["grade"].c.notebook_id.in_(notebooks),
        "comment": t["comment"].c.notebook_id.in_(notebooks),
    }


def replace_submission(url, shard_db, student):
    """Replace ``student``'s submission rows in the gradebook at ``url`` by the shard's, in one transaction.

    The student's row is created when missing and otherwise left as the
    course has it (names and e-mail are the instructor's). Taking that row
    for update first is what serializes two merges of the same student.
    """
    with engine_for(sqlite_url(shard_db)) as shard, shard.connect() as read:
        student_rows = [dict(r._mapping) for r in read.execute(
            sa.select(TABLES["student"]).where(TABLES["student"].c.id == student))] or [{"id": student}]
        selectors = _submission_rows(read, student)
        rows = {name: [dict(r._mapping) for r in read.execute(sa.select(TABLES[name]).where(selectors[name]))]
                for name in SUBMISSION_TABLES}
    with engine_for(url) as course, course.begin() as write:
        student_table = TABLES["student"]
        write.execute(_insert(write, student_table), student_rows)
        write.execute(sa.select(student_table.c.id).where(student_table.c.id == student).with_for_update())
        selectors = _submission_rows(write, student)
        # Children first: the selectors of the children go through their parents' rows.
        for name in reversed(SUBMISSION_TABLES):
            write.execute(sa.delete(TABLES[name]).where(selectors[name]))
        for name in SUBMISSION_TABLES:
            if rows[name]:
                write.execute(sa.insert(TABLES[name]), rows[name])


def part_scores_rows(url):
    """``(student, grade cell name, score)`` for every grade of the assignment."""
    query = sa.text(
        "SELECT sa.student_id, gc.name, COALESCE(g.manual_score, g.auto_score, 0) "
        "FROM grade g JOIN base_cell gc ON g.cell_id = gc.id "
        "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
        "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
        "JOIN assignment a ON sa.assignment_id = a.id WHERE a.name = :name")
    with engine_for(url) as engine, engine.connect() as read:
        if not sa.inspect(read).has_table("grade"):
            return []
        return [tuple(row) for row in read.execute(query, {"name": ASSIGNMENT})]


def submission_counts(url):
    """``{student: number of submissions of the assignment}``: 1 each in a sound gradebook."""
    t = TABLES
    query = (sa.select(t["submitted_assignment"].c.student_id, sa.func.count())
             .join(t["assignment"], t["assignment"].c.id == t["submitted_assignment"].c.assignment_id)
             .where(t["assignment"].c.name == ASSIGNMENT).group_by(t["submitted_assignment"].c.student_id))
    with engine_for(url) as engine, engine.connect() as read:
        if not sa.inspect(read).has_table("submitted_assignment"):
            return {}
        return dict(read.execute(query).all())
