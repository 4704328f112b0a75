"""Seconds per submission: the kit's class grading against nbgrader's floor.

* kit, jobs 1 and jobs N: ``grading.grade_class`` on copies of the demo
  class (real ``nbgrader autograde`` of the five notebooks, hidden tests and all);
* kit without the sandbox, jobs 1: the same with ``CONVKIT_SANDBOX=off``
  (student code runs with the grader's rights), for the sandbox's cost;
* floor: a bare ``nbgrader autograde`` (nbgrader's default pipeline and
  kernel) of five trivial notebooks with the same cells (same grade ids and
  points, every cell's code a constant), one student after another.

    python -m bench.grading_throughput [--students 4] [--jobs 2]
"""
import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.classroom import grading
from autograder.course.demo_class import submissions
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.course.release import ASSIGNMENT, ROOT, nbgrader

RESULTS = Path(__file__).resolve().parent / "results"


def trivial_root(folder):
    """A course root whose notebooks have the real cells' structure and trivial content."""
    root = Path(folder)
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    # nbgrader's defaults: only where the course's folders are.
    (root / "nbgrader_config.py").write_text("\n".join(
        line for line in (ROOT / "nbgrader_config.py").read_text().splitlines()
        if line.startswith(("c = get_config", "c.CourseDirectory", "import os", "COURSE ="))) + "\n")
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


def seconds_per_submission_kit(course, students, jobs, sandboxed=True):
    saved = {name: os.environ.get(name) for name in ("CONVKIT_SANDBOX", "CONVKIT_UNSAFE")}
    if not sandboxed:
        os.environ.update(CONVKIT_SANDBOX="off", CONVKIT_UNSAFE="1")
    try:
        start = time.perf_counter()
        outcomes = grading.grade_class(course, jobs=jobs)
        assert all(o.ok for o in outcomes), outcomes
        return (time.perf_counter() - start) / students
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)


def seconds_per_submission_floor(course, students):
    start = time.perf_counter()
    nbgrader(course, "autograde", ASSIGNMENT, "--force", "--log-level=WARN")
    return (time.perf_counter() - start) / students


def run(students=4, jobs=2):
    os.environ["CONVKIT_SEED"] = "1"
    with tempfile.TemporaryDirectory(prefix="convkit-bench-") as tmp:
        tmp = Path(tmp)
        real = make_course(tmp / "kit")
        _class(real, students)
        serial = tmp / "kit-serial"
        shutil.copytree(real, serial)
        unsandboxed = tmp / "kit-unsandboxed"
        shutil.copytree(real, unsandboxed)
        floor_course = make_course(tmp / "floor", root=trivial_root(tmp / "floor-root"))
        release = floor_course / "assignments" / ASSIGNMENT
        for index in range(students):
            hand_in(floor_course, f"s{index:02d}", {p.name: p for p in release.glob("*.ipynb")})
        result = {
            "students": students, "jobs": jobs, "cores": os.cpu_count(), "python": platform.python_version(),
            "floor_s_per_submission": seconds_per_submission_floor(floor_course, students),
            "kit_jobs1_s_per_submission": seconds_per_submission_kit(serial, students, 1),
            "kit_jobs1_no_sandbox_s_per_submission": seconds_per_submission_kit(unsandboxed, students, 1, False),
            f"kit_jobs{jobs}_s_per_submission": seconds_per_submission_kit(real, students, jobs),
        }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    result = run(args.students, args.jobs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "grading_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    floor = result["floor_s_per_submission"]
    lines = ["| what | s per submission | x floor |", "|---|---|---|"]
    for key, value in result.items():
        if key.endswith("_s_per_submission"):
            lines.append(f"| {key.replace('_s_per_submission', '')} | {value:.1f} | {value / floor:.1f} |")
    table = "\n".join(lines)
    (RESULTS / "grading_throughput.md").write_text(
        f"{result['students']} submissions, {result['cores']} cores, Python {result['python']}\n\n{table}\n")
    print(table)


if __name__ == "__main__":
    main()
