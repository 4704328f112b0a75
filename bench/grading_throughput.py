"""Seconds per submission: the kit's class grading against nbgrader's floor, with where the kit's time goes.

* kit, jobs 1 and jobs N: ``grading.grade_class`` on copies of the demo
  class (real ``nbgrader autograde`` of the five notebooks, hidden tests and all);
* kit without the sandbox, jobs 1: the same with ``CONVKIT_SANDBOX=off``
  (student code runs with the grader's rights), for the sandbox's cost;
* kit, jobs 1, ``run_notebooks``: each notebook run again in the sandboxed
  kernel for the feedback (``grade-class --run-notebooks``, what grade-class
  did before it kept the student's own outputs);
* floor: a bare ``nbgrader autograde`` (nbgrader's default pipeline and
  kernel) of five trivial notebooks with the same cells (same grade ids and
  points, every cell's code a constant), one student after another.

The JSON also holds, for the kit at jobs 1, the mean seconds of each phase of
a submission (``grading.Phases``: intake, engine, nbgrader, merge) and the
gradebook of every run, which must be the same.

    python -m bench.grading_throughput [--students 4] [--jobs 2] [--smoke] [--out DIR]
"""
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.classroom import grading
from autograder.config import (ASSIGNMENT, AUTOGRADED_FOLDER, COURSE_ID, FEEDBACK_FOLDER, RELEASE_FOLDER, ROOT,
                               SOURCE_FOLDER, SUBMITTED_FOLDER)
from autograder.course.demo_class import submissions
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.course.release import nbgrader
from bench import results

# nbgrader's defaults but for where the course's folders are: the floor runs nbgrader as it ships.
FLOOR_CONFIG = f'''import os
c = get_config()  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {COURSE_ID!r}
c.CourseDirectory.source_directory = {SOURCE_FOLDER!r}
c.CourseDirectory.release_directory = {RELEASE_FOLDER!r}
c.CourseDirectory.submitted_directory = {SUBMITTED_FOLDER!r}
c.CourseDirectory.autograded_directory = {AUTOGRADED_FOLDER!r}
c.CourseDirectory.feedback_directory = {FEEDBACK_FOLDER!r}
'''


def trivial_root(folder):
    """A course root whose notebooks have the real cells' structure and trivial content."""
    root = Path(folder)
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(FLOOR_CONFIG)
    for path in sorted((ROOT / "source" / ASSIGNMENT).glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = "### BEGIN SOLUTION\nvalue = 1\n### END SOLUTION"
            elif meta.get("grade"):
                cell.source = f"### BEGIN HIDDEN TESTS\n{float(meta['points'])}\n### END HIDDEN TESTS"
            else:
                cell.source = "1"
        nbformat.write(notebook, str(root / "source" / ASSIGNMENT / path.name))
    return root


def _class(course, count):
    release = course / "assignments" / ASSIGNMENT
    everyone = submissions(release)
    names = sorted(everyone)[:count]
    for index, name in enumerate(names):
        hand_in(course, f"s{index:02d}-{name}", everyone[name])
    return count


def kit(course, students, jobs, sandboxed=True, run_notebooks=False):
    """Seconds per submission of grade_class, the mean seconds of each phase, and the gradebook."""
    saved = {name: os.environ.get(name) for name in ("CONVKIT_SANDBOX", "CONVKIT_UNSAFE")}
    if not sandboxed:
        os.environ.update(CONVKIT_SANDBOX="off", CONVKIT_UNSAFE="1")
    try:
        start = time.perf_counter()
        outcomes = grading.grade_class(course, jobs=jobs, run_notebooks=run_notebooks)
        seconds = (time.perf_counter() - start) / students
        assert all(o.ok for o in outcomes), outcomes
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    phases = {}
    for outcome in outcomes:
        for phase, spent in (outcome.phases or {}).items():
            phases[phase] = phases.get(phase, 0.0) + spent / len(outcomes)
    return seconds, phases, grading.part_scores(course)


def seconds_per_submission_floor(course, students):
    start = time.perf_counter()
    nbgrader(course, "autograde", ASSIGNMENT, "--force", "--log-level=WARN")
    return (time.perf_counter() - start) / students


def run(students=4, jobs=2, smoke=False):
    os.environ["CONVKIT_SEED"] = "1"
    with tempfile.TemporaryDirectory(prefix="convkit-bench-") as tmp:
        tmp = Path(tmp)
        real = make_course(tmp / "kit")
        _class(real, students)
        copies = {name: shutil.copytree(real, tmp / name) for name in ("serial", "unsandboxed", "rerun")}
        floor_course = make_course(tmp / "floor", root=trivial_root(tmp / "floor-root"))
        release = floor_course / "assignments" / ASSIGNMENT
        for index in range(students):
            hand_in(floor_course, f"s{index:02d}", {p.name: p for p in release.glob("*.ipynb")})
        floor = seconds_per_submission_floor(floor_course, students)
        serial, phases, grades = kit(copies["serial"], students, 1)
        runs = {"kit_jobs1": serial}
        if not smoke:
            runs["kit_jobs1_no_sandbox"], _, unsandboxed = kit(copies["unsandboxed"], students, 1, sandboxed=False)
            runs["kit_jobs1_run_notebooks"], _, rerun = kit(copies["rerun"], students, 1, run_notebooks=True)
            assert unsandboxed == rerun == grades, "the runs graded differently"
        runs[f"kit_jobs{jobs}"], _, parallel = kit(real, students, jobs)
        assert parallel == grades, "the parallel run graded differently"
    return {"students": students, "jobs": jobs, "cores": os.cpu_count(), "python": platform.python_version(),
            "floor_s_per_submission": floor,
            **{f"{name}_s_per_submission": seconds for name, seconds in runs.items()},
            "kit_jobs1_phases_s_per_submission": phases, "gradebook": grades}


def main(argv=None):
    parser = results.parser(__doc__)
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    result = run(1 if args.smoke else args.students, 1 if args.smoke else args.jobs, args.smoke)
    floor = result["floor_s_per_submission"]
    lines = ["| what | s per submission | x floor |", "|---|---|---|"]
    for key, value in result.items():
        if key.endswith("_s_per_submission") and not isinstance(value, dict):
            lines.append(f"| {key.replace('_s_per_submission', '')} | {value:.1f} | {value / floor:.2f} |")
    phases = result["kit_jobs1_phases_s_per_submission"]
    lines += ["", "| phase of one submission (kit, jobs 1) | s |", "|---|---|"]
    lines += [f"| {phase} | {seconds:.1f} |" for phase, seconds in phases.items()]
    heading = f"{result['students']} submissions, {result['cores']} cores, Python {result['python']}"
    results.save("grading_throughput", result, heading, "\n".join(lines), args.out, args.smoke)


if __name__ == "__main__":
    main()
