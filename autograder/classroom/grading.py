"""Grade a whole class through nbgrader, several students at a time, safely.

nbgrader autogrades one student at a time and its SQLite gradebook is not
safe for concurrent writers. So each student is autograded in a *shard*: a
private course folder holding the config, a copy of the gradebook and that
student's submission, where ``nbgrader autograde`` runs untouched. Shards run
side by side (``jobs``). Their results then enter the real course one at a
time, each in a single SQLite transaction that replaces that student's
submission rows: a crash or a kill half-way leaves every grade either the old
one or the new one, and running again finishes the job.
"""
import csv
import json
import os
import shutil
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from autograder.classroom import findings, intake
from autograder.config import ASSIGNMENT, AUTOGRADED_FOLDER, RELEASE_FOLDER, SUBMITTED_FOLDER
from autograder.course.release import nbgrader
from autograder.engine.grade import grade, part_seed
from autograder.pipeline.engine_grades import results_entry
from autograder.sandbox import bubblewrap
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS, parse_grade_id

# The rows of one submission, parent tables first.
SUBMISSION_TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")


@dataclass
class Outcome:
    student: str
    ok: bool
    seconds: float
    message: str = ""
    notes: tuple = ()        # what intake tidied in the submission


def students(course):
    """Students with a submission of the assignment under ``submitted/``."""
    submitted = Path(course) / SUBMITTED_FOLDER
    return sorted(p.name for p in submitted.iterdir() if (p / ASSIGNMENT).is_dir()) if submitted.is_dir() else []


def autograde_in_shard(course, student, shard):
    """Autograde one student in a private copy of the course; returns (shard folder, intake notes)."""
    course, shard = Path(course), Path(shard)
    shard.mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", shard)
    shutil.copy(course / "gradebook.db", shard)
    copy = shard / SUBMITTED_FOLDER / student / ASSIGNMENT
    shutil.copytree(course / SUBMITTED_FOLDER / student / ASSIGNMENT, copy)
    notes = intake.tidy(copy, course / RELEASE_FOLDER / ASSIGNMENT)
    if not list(copy.glob("*.ipynb")):
        raise NoNotebooks("no notebook of the assignment could be graded: " + " ".join(notes))
    # The engine grades here, outside nbgrader, so that students are graded
    # side by side; nbgrader's EngineGrades step writes these results into
    # the hidden cells instead of grading again.
    seed = part_seed(os.environ.get("CONVKIT_SEED"))
    _, results = grade(copy, seed=seed)
    findings.write_shard(shard, results, seed, notes)  # what the class report reads
    precomputed = shard / "convkit-results.json"
    precomputed.write_text(json.dumps({
        notebook: {key: {output: results_entry(results[key], output) for output in PARTS[key].outputs}
                   for key in keys}
        for notebook, keys in NOTEBOOK_PARTS.items()}))
    nbgrader(shard, "autograde", ASSIGNMENT, "--student", student, "--force", "--log-level=WARN",
             env={"CONVKIT_PRECOMPUTED": str(precomputed), "CONVKIT_SEED": str(seed)})
    return shard, notes


class NoNotebooks(Exception):
    """A submission with nothing to grade: the student's problem, reported, not a failure of the run."""


def merge_shard(course, shard, student):
    """Bring one student's autograded notebooks and grades from the shard into the course."""
    course, shard = Path(course), Path(shard)
    target = course / AUTOGRADED_FOLDER / student / ASSIGNMENT
    staging = target.with_name(ASSIGNMENT + ".incoming")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(shard / AUTOGRADED_FOLDER / student / ASSIGNMENT, staging)
    with sqlite3.connect(course / "gradebook.db", isolation_level=None) as db:
        db.execute("ATTACH DATABASE ? AS shard", (str(shard / "gradebook.db"),))
        db.execute("BEGIN IMMEDIATE")
        try:
            _replace_submission(db, student)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.execute("DETACH DATABASE shard")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    findings.bring_in(course, shard, student)  # the engine's findings, for the class report


def _replace_submission(db, student):
    assignment = db.execute("SELECT id FROM assignment WHERE name = ?", (ASSIGNMENT,)).fetchone()[0]
    mine = "SELECT id FROM {schema}.submitted_assignment WHERE assignment_id = ? AND student_id = ?"
    notebooks = "SELECT id FROM {schema}.submitted_notebook WHERE assignment_id IN (" + mine + ")"
    selectors = {
        "submitted_assignment": "id IN (" + mine + ")",
        "submitted_notebook": "assignment_id IN (" + mine + ")",
        "grade": "notebook_id IN (" + notebooks + ")",
        "comment": "notebook_id IN (" + notebooks + ")",
    }
    db.execute("INSERT OR REPLACE INTO main.student SELECT * FROM shard.student WHERE id = ?", (student,))
    for table in reversed(SUBMISSION_TABLES):
        db.execute(f"DELETE FROM main.{table} WHERE " + selectors[table].format(schema="main"), (assignment, student))
    for table in SUBMISSION_TABLES:
        db.execute(f"INSERT INTO main.{table} SELECT * FROM shard.{table} WHERE "
                   + selectors[table].format(schema="shard"), (assignment, student))


def grade_class(course, jobs=2, only=None, progress=None):
    """Autograde every submission (or those in ``only``); returns a list of :class:`Outcome`."""
    bubblewrap.check()
    course = Path(course)
    names = [s for s in students(course) if only is None or s in only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="convkit-class-") as tmp, ThreadPoolExecutor(max(1, jobs)) as pool:
        def run(student):
            start = time.perf_counter()
            shard, notes = autograde_in_shard(course, student, Path(tmp) / student)
            return shard, notes, time.perf_counter() - start

        futures = {pool.submit(run, student): student for student in names}
        for future in as_completed(futures):
            student = futures[future]
            try:
                shard, notes, seconds = future.result()
                merge_shard(course, shard, student)  # one writer: this thread
                outcome = Outcome(student, True, seconds, notes=tuple(notes))
            except NoNotebooks as error:
                outcome = Outcome(student, True, 0.0, notes=(str(error),))
            except Exception as error:  # one student's failure must not stop the class
                text = (str(error).strip() or repr(error)).splitlines()
                outcome = Outcome(student, False, 0.0, " | ".join(text)[-1500:])
            outcomes.append(outcome)
            if progress:
                progress(outcome, len(outcomes), len(names))
    return sorted(outcomes, key=lambda o: o.student)


def describe(outcome, done, total):
    """Progress lines for one graded student: time or failure, then what intake tidied."""
    status = f"{outcome.seconds:5.1f} s" if outcome.ok else f"FAILED: {outcome.message}"
    return "\n".join([f"[{done}/{total}] {outcome.student:<14} {status}"]
                     + [f"      note: {line}" for line in outcome.notes])


def part_scores(course):
    """``{student: {part: score}}`` from the gradebook, parts from the grade cells' ids.

    A grade cell whose id is not a hidden test's (:func:`autograder.spec.parts.parse_grade_id`)
    counts under ``"other"``: in the total, in no part.
    """
    with sqlite3.connect(Path(course) / "gradebook.db") as db:
        rows = db.execute(
            "SELECT sa.student_id, gc.name, COALESCE(g.manual_score, g.auto_score, 0) "
            "FROM grade g JOIN base_cell gc ON g.cell_id = gc.id "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
            "JOIN assignment a ON sa.assignment_id = a.id WHERE a.name = ?", (ASSIGNMENT,)).fetchall()
    table = {}
    for student, cell, score in rows:
        parsed = parse_grade_id(cell)
        part = parsed[0] if parsed else "other"
        scores = table.setdefault(student, {key: 0.0 for key in PARTS})
        scores[part] = scores.get(part, 0.0) + float(score or 0.0)
    return dict(sorted(table.items()))


def export_csv(table, path):
    """One row per student: a column per part and the total."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *PARTS, "total"])
        for student, scores in table.items():
            writer.writerow([student, *(round(scores[k], 2) for k in PARTS), round(sum(scores.values()), 2)])
    return path


def format_gradebook(table):
    """The gradebook as a table: a row per student, a column per part, and the total."""
    header = f"{'student':<14}" + "".join(f"{key:>8}" for key in PARTS) + f"{'total':>8}"
    lines = [header, "-" * len(header)]
    for student, scores in table.items():
        lines.append(f"{student:<14}" + "".join(f"{scores[k]:>8.1f}" for k in PARTS)
                     + f"{sum(scores.values()):>8.1f}")
    lines.append(f"{'max':<14}" + "".join(f"{p.points:>8.1f}" for p in PARTS.values()) + f"{100.0:>8.1f}")
    return "\n".join(lines)
