"""Grade a whole class through nbgrader, several students at a time, safely.

nbgrader autogrades one student at a time and its SQLite gradebook is not
safe for concurrent writers. So each student is autograded in a *shard*: a
private course folder holding the config, a copy of the gradebook and that
student's submission, where ``nbgrader autograde`` runs untouched. Shards run
side by side (``jobs``), or on the workers of a Dask cluster (``cluster``,
:mod:`autograder.classroom.cluster`). Their results then enter the course's
gradebook (SQLite or PostgreSQL, :mod:`autograder.classroom.gradebook`) one
at a time, each in a single transaction that replaces that student's
submission rows: a crash or a kill half-way leaves every grade either the old
one or the new one, and running again finishes the job.
"""
import csv
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from autograder.classroom import findings, gradebook
from autograder.config import ASSIGNMENT, AUTOGRADED_FOLDER, RELEASE_FOLDER, SUBMITTED_FOLDER
from autograder.course.release import nbgrader
from autograder.engine.grade import grade, part_seed
from autograder.intake.prepare import add_notes, prepare
from autograder.pipeline.engine_grades import results_entry
from autograder.sandbox import bubblewrap
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS, parse_grade_id

SUBMISSION_TABLES = gradebook.SUBMISSION_TABLES


@dataclass
class Outcome:
    student: str
    ok: bool
    seconds: float
    message: str = ""
    notes: tuple = ()        # what intake tidied in the submission
    phases: dict = None      # seconds per phase (see Phases), merge included


def submission_folder(course, student):
    """Where a student's submission is: ``submitted/<student>/<assignment>/`` as nbgrader lays it out,
    or, when that folder is missing, the student's own folder, if it holds notebooks or zip files
    itself (copied there by hand, or unpacked without the assignment's folder); else None."""
    folder = Path(course) / SUBMITTED_FOLDER / student
    if (folder / ASSIGNMENT).is_dir():
        return folder / ASSIGNMENT
    if folder.is_dir() and not folder.is_symlink() and any(
            path.suffix.lower() in (".ipynb", ".zip") for path in folder.iterdir() if path.is_file()):
        return folder
    return None


def students(course):
    """Students with a submission of the assignment under ``submitted/`` (see :func:`submission_folder`)."""
    submitted = Path(course) / SUBMITTED_FOLDER
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if p.is_dir() and submission_folder(course, p.name))


def autograde_in_shard(course, student, shard, snapshot=None, seed=None, run_notebooks=False):
    """Autograde one student in a private copy of the course; returns (shard folder, intake notes).

    ``snapshot``: a SQLite gradebook of the assignment's definitions
    (:func:`gradebook.snapshot`), made from the course's gradebook when not
    given; ``seed``: the test cases' seed, else ``CONVKIT_SEED``, else a fresh one;
    ``run_notebooks``: run each notebook again in the sandboxed kernel for the
    feedback, instead of keeping the outputs of the student's own run
    (:func:`autograder.pipeline.engine_grades.runs_notebooks`).
    """
    course, shard = Path(course), Path(shard)
    clock = Phases()
    shard.mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", shard)
    if snapshot is None:
        gradebook.snapshot(gradebook.course_url(course), shard / "gradebook.db")
    else:
        shutil.copy(snapshot, shard / "gradebook.db")
    copy = shard / SUBMITTED_FOLDER / student / ASSIGNMENT
    # Links are copied as links (intake never follows one): a link could name any file of this machine.
    shutil.copytree(submission_folder(course, student), copy, symlinks=True)
    release = course / RELEASE_FOLDER / ASSIGNMENT
    notes = prepare(copy, release)
    if not list(copy.glob("*.ipynb")):
        # Never lose a student: the notebooks as released stand in for nothing, so the student gets
        # a submission in the gradebook (0 points), feedback that says what was found, and a findings
        # file for the class report.
        for path in sorted(release.glob("*.ipynb")):
            shutil.copy(path, copy / path.name)
    add_notes(copy, notes)  # in front of the student's feedback and the instructor's view
    clock.done("intake")
    # The engine grades here, outside nbgrader, so that students are graded
    # side by side; nbgrader's EngineGrades step writes these results into
    # the hidden cells instead of grading again.
    seed = part_seed(os.environ.get("CONVKIT_SEED") if seed is None else seed)
    _, results = grade(copy, seed=seed, tidy=False)
    findings.write_shard(shard, results, seed, notes)  # what the class report reads
    precomputed = shard / "convkit-results.json"
    precomputed.write_text(json.dumps({
        notebook: {key: {output: results_entry(results[key], output) for output in PARTS[key].outputs}
                   for key in keys}
        for notebook, keys in NOTEBOOK_PARTS.items()}))
    clock.done("engine")
    # The shard's own gradebook, whatever database the course's config names.
    nbgrader(shard, "autograde", ASSIGNMENT, "--student", student, "--force", "--log-level=WARN",
             f"--CourseDirectory.db_url={gradebook.sqlite_url(shard / 'gradebook.db')}",
             env={"CONVKIT_PRECOMPUTED": str(precomputed), "CONVKIT_SEED": str(seed),
                  "CONVKIT_RUN_NOTEBOOKS": "1" if run_notebooks else "0"})
    clock.done("nbgrader")
    clock.save(shard)
    return shard, notes


class Phases:
    """Seconds spent in each phase of grading one student, kept in the shard (``convkit-phases.json``,
    which travels back from a Dask worker like the other ``convkit-*.json``) for the benchmarks."""
    FILE = "convkit-phases.json"

    def __init__(self):
        self.seconds, self._last = {}, time.perf_counter()

    def done(self, phase):
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    def save(self, shard):
        (Path(shard) / self.FILE).write_text(json.dumps(self.seconds))

    @classmethod
    def read(cls, shard):
        path = Path(shard) / cls.FILE
        return json.loads(path.read_text()) if path.is_file() else {}


def merge_shard(course, shard, student, db_url=None):
    """Bring one student's autograded notebooks and grades from the shard into the course
    (``db_url``: the course's gradebook, default :func:`gradebook.course_url`)."""
    course, shard = Path(course), Path(shard)
    target = course / AUTOGRADED_FOLDER / student / ASSIGNMENT
    staging = target.with_name(ASSIGNMENT + ".incoming")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(shard / AUTOGRADED_FOLDER / student / ASSIGNMENT, staging)
    gradebook.replace_submission(db_url or gradebook.course_url(course), shard / "gradebook.db", student)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    findings.bring_in(course, shard, student)  # the engine's findings, for the class report


def grade_class(course, jobs=2, only=None, progress=None, db_url=None, cluster=None, run_notebooks=False,
                tls=None, insecure_cluster=False):
    """Autograde every submission (or those in ``only``); returns a list of :class:`Outcome`.

    ``db_url``: the course's gradebook (default :func:`gradebook.course_url`),
    set up first when it is empty; ``cluster``: a Dask scheduler's address,
    where the students are graded instead of ``jobs`` at a time here, reached
    over mutual TLS for a ``tls://`` address (``tls``: the CA file, the
    grader's certificate and key; see
    :func:`autograder.classroom.cluster.security_for`, which refuses a plain
    ``tcp://`` address off this machine unless ``insecure_cluster``);
    ``run_notebooks``: see :func:`autograde_in_shard`.
    """
    course = Path(course)
    security = None
    if cluster is None:
        bubblewrap.check()  # on a cluster, each worker checks its own
    else:
        from autograder.classroom.cluster import security_for
        security = security_for(cluster, tls, insecure_cluster)  # before anything is sent
    db_url = db_url or gradebook.course_url(course)
    gradebook.ensure_assignment(db_url, course)
    names = [s for s in students(course) if only is None or s in only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="convkit-class-") as tmp:
        snapshot = gradebook.snapshot(db_url, Path(tmp) / "definitions.db")
        if cluster is None:
            graded = _graded_here(course, names, Path(tmp), snapshot, jobs, run_notebooks)
        else:
            from autograder.classroom import cluster as dask_cluster
            graded = dask_cluster.graded_on_cluster(cluster, course, names, Path(tmp), snapshot, run_notebooks,
                                                    security)
        for student, result in graded:  # one writer at a time: this thread
            try:
                shard, notes, seconds = result()
                merging = time.perf_counter()
                merge_shard(course, shard, student, db_url)
                phases = dict(Phases.read(shard), merge=time.perf_counter() - merging)
                outcome = Outcome(student, True, seconds, notes=tuple(notes), phases=phases)
            except Exception as error:  # one student's failure must not stop the class
                text = (str(error).strip() or repr(error)).splitlines()
                outcome = Outcome(student, False, 0.0, " | ".join(text)[-1500:])
            outcomes.append(outcome)
            if progress:
                progress(outcome, len(outcomes), len(names))
    return sorted(outcomes, key=lambda o: o.student)


def _graded_here(course, names, tmp, snapshot, jobs, run_notebooks=False):
    """``(student, result)`` as each student is autograded on this machine, ``jobs`` at a time;
    ``result()`` gives (shard, intake notes, seconds) or raises what grading raised."""
    def run(student):
        start = time.perf_counter()
        shard, notes = autograde_in_shard(course, student, tmp / student, snapshot=snapshot,
                                          run_notebooks=run_notebooks)
        return shard, notes, time.perf_counter() - start

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(run, student): student for student in names}
        for future in as_completed(futures):
            yield futures[future], future.result


def describe(outcome, done, total):
    """Progress lines for one graded student: time or failure, then what intake tidied."""
    status = f"{outcome.seconds:5.1f} s" if outcome.ok else f"FAILED: {outcome.message}"
    return "\n".join([f"[{done}/{total}] {outcome.student:<14} {status}"]
                     + [f"      note: {line}" for line in outcome.notes])


def part_scores(course, db_url=None):
    """``{student: {part: score}}`` from the gradebook, parts from the grade cells' ids.

    A grade cell whose id is not a hidden test's (:func:`autograder.spec.parts.parse_grade_id`)
    counts under ``"other"``: in the total, in no part.
    """
    rows = gradebook.part_scores_rows(db_url or gradebook.course_url(course))
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
