"""``make demo``: what an instructor does at the end of the assignment, end to end.

1. generate the student release (nbgrader ``generate_assignment``);
2. fill ``submitted/`` with a demo class: the solved notebooks, the untouched
   stubs, and the students of :mod:`autograder.course.demo_class`, whose names
   and e-mails go into nbgrader's student table (Formgrader lists them);
3. autograde the class through nbgrader, several students at a time;
4. ``nbgrader generate_feedback``; export the grades as CSV;
5. print the gradebook, student by part; write the class report (:mod:`autograder.classroom.report`).

The seed of the test cases is fixed, so running it again gives the same grades.
"""
import os
import shutil
import sys
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.classroom import grading, report
from autograder.config import ASSIGNMENT, COURSE_ID, ROOT
from autograder.course.demo_class import roster, submissions
from autograder.course.nbgrader_course import hand_in
from autograder.course.release import build_release, nbgrader
from autograder.sandbox import bubblewrap
from autograder.spec.parts import NOTEBOOK_PARTS

SEED = "2026"


def _step(text, out):
    print(f"\n== {text}", file=out, flush=True)


def fill_class(root, release, out):
    """Write the demo class into ``submitted/`` (replacing an earlier demo's)."""
    notebooks = sorted(NOTEBOOK_PARTS)
    everyone = {"reference": {name: root / "source" / ASSIGNMENT / name for name in notebooks},
                "stubs": {name: release / name for name in notebooks}}
    everyone.update(submissions(release))
    for student, files in everyone.items():
        shutil.rmtree(root / "submitted" / student / ASSIGNMENT, ignore_errors=True)
        hand_in(root, student, files)
    print(f"{len(everyone)} submissions in submitted/: {', '.join(everyone)}", file=out)
    return list(everyone)


def register_students(root, students):
    """Put the students' names and e-mails in the course's gradebook, as an instructor
    enters the class list, with nbgrader's own API (Formgrader reads them there)."""
    names = roster()
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student, **names[student])


def run_demo(root=ROOT, jobs=None, out=sys.stdout):
    root = Path(root)
    os.environ["CONVKIT_SEED"] = SEED  # the grading kernels inherit it
    if bubblewrap.bubblewrap() is None:
        # The demo class is the kit's own sample code, so it may run unsandboxed; real classes may not.
        print("WARNING: bubblewrap is not available: the demo grades its own sample submissions without "
              "a sandbox. Install it (apt-get install bubblewrap) before grading real students.", file=out)
        os.environ["CONVKIT_UNSAFE"] = "1"
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()

    _step("1/5 generating the student release (nbgrader generate_assignment)", out)
    release = build_release(root)
    print(f"release in {release.relative_to(root)}/", file=out)

    _step("2/5 handing in the demo class", out)
    students = fill_class(root, release, out)
    register_students(root, students)  # before grading: each student's grading copy of the gradebook keeps them

    _step(f"3/5 autograding {len(students)} submissions through nbgrader, {jobs} at a time", out)

    def progress(outcome, done, total):
        print(grading.describe(outcome, done, total), file=out, flush=True)
    outcomes = grading.grade_class(root, jobs=jobs, only=students, progress=progress)

    _step("4/5 generating feedback (nbgrader generate_feedback) and exporting grades", out)
    nbgrader(root, "generate_feedback", ASSIGNMENT, "--force", "--log-level=WARN")
    table = {s: scores for s, scores in grading.part_scores(root).items() if s in students}
    csv_path = grading.export_csv(table, root / "grades.csv")

    _step(f"5/5 gradebook (seed {SEED})", out)
    print(grading.format_gradebook(table), file=out)
    summary, report_path, mistakes_path = report.write_report(root, only=students)  # from grade_class's findings
    print(f"\n{summary}", file=out)
    print(f"\nfeedback: {root / 'feedback'}/<student>/{ASSIGNMENT}/*.html", file=out)
    print(f"grades:   {csv_path}", file=out)
    print(f"report:   {report_path} (what the class got wrong; per student and misconception: "
          f"{mistakes_path.name})", file=out)
    print(f"gradebook: {root / 'gradebook.db'} (nbgrader's own; `nbgrader export` works too)", file=out)
    print(f"done in {time.perf_counter() - started:.0f} s", file=out)
    return 0 if all(o.ok for o in outcomes) else 1
