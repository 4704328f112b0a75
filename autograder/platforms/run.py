"""What runs on a platform for each submission: ``python -m autograder.platforms.run gradescope|prairielearn``.

1. Isolation: the platform's folder (the grader, the hidden reference, the
   results, the submission's metadata) is made readable by root only. Student
   code runs in bubblewrap where the container allows it, else as an
   unprivileged user (:mod:`autograder.sandbox.unprivileged`); with neither,
   nothing is run and the results say why.
2. Intake and grading: whatever was uploaded (renamed notebooks, a folder
   one level down, a zip) is graded as ``grade-class`` grades it
   (:func:`autograder.engine.grade.grade` on a copy).
3. The results file, written whatever happened: a damaged upload, an empty
   one or a failure of the grader's own gives a valid file that says so in
   one line. Student code cannot write it: it runs as another user or
   outside the folder, and the file is written after every child has ended.
"""
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder.config import RELEASE_NOTEBOOKS, ROOT as ENGINE_ROOT, limit
from autograder.platforms import bundle, gradescope, prairielearn
from autograder.platforms.outcome import Outcome, from_engine
from autograder.sandbox import bubblewrap, unprivileged
from autograder.spec.parts import NOTEBOOK_PARTS

PLATFORMS = {platform.NAME: platform for platform in (gradescope, prairielearn)}
ISOLATION_WORDS = {
    "bubblewrap": "student code ran in a bubblewrap sandbox (no network, none of the grader's files)",
    "unprivileged user": "student code ran as an unprivileged user of its own (the container does not allow "
                         "a bubblewrap sandbox; the grader's files are readable by root only)",
}
NO_ISOLATION = ("This submission was not graded: student code can be run neither in a bubblewrap sandbox nor "
                "as an unprivileged user here (the grader must run as root, or bubblewrap must work).")
OUT_OF_TIME = ("The grading did not finish within {seconds:g} s (CONVKIT_PLATFORM_SECONDS), the time the platform "
               "allows it, so nothing was graded. Code that runs long (a cell that waits, a loop without end) is "
               "the likely cause: fix it and upload again.")
NOTHING_TO_GRADE = (f"No notebook of the assignment was found in the upload: hand in "
                    f"{', '.join(NOTEBOOK_PARTS)} (a zip of their folder is fine too).")


def isolate(platform_root):
    """Choose the isolation (its name, or None) and hide the platform's folder from other users.

    The folder holds the grader (the export is unpacked in it), the hidden
    reference, the results and the platform's metadata about the student.
    Student code runs as an unprivileged user only when the grader's own
    files are in that folder, where they can be hidden.
    """
    platform_root = Path(platform_root).resolve()
    if bubblewrap.bubblewrap() is None:
        if not (unprivileged.possible() and ENGINE_ROOT.is_relative_to(platform_root)):
            return None
        os.environ[unprivileged.ISOLATION_VARIABLE] = "user"
    chosen = bubblewrap.isolation()   # the one place that names what student code runs under
    if os.geteuid() == 0:   # as the platforms run their graders: only root may enter the folder from now on
        platform_root.chmod(0o700)
    return chosen


def available_cores():
    """The cores this container may use: its CPU quota (cgroup v2 ``cpu.max``), else the machine's."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def grade_upload(submission, seed=None):
    """Grade a copy of the uploaded folder, laid out by intake as ``grade-class`` lays it out; returns an
    :class:`Outcome` (not gradable when no notebook of the assignment was found in it)."""
    from autograder.engine.grade import grade, part_seed
    from autograder.intake.prepare import prepare

    submission = Path(submission)
    with tempfile.TemporaryDirectory(prefix="convkit-upload-") as scratch:
        copy = Path(scratch) / "submission"
        if submission.is_dir():
            shutil.copytree(submission, copy, symlinks=True)
        else:
            copy.mkdir()
        notes = prepare(copy, RELEASE_NOTEBOOKS)
        if not any((copy / name).is_file() for name in NOTEBOOK_PARTS):
            return Outcome.not_gradable(" ".join(notes) or NOTHING_TO_GRADE)
        seed = part_seed(seed)
        report, results = grade(copy, seed=seed, jobs=available_cores(), tidy=False)
    summary = [f"convkit: {report['score']:g} of {report['max_score']:g} points (test cases' seed {seed})."]
    summary += [f"Intake: {note}" for note in notes]
    return from_engine(results, summary)


def write_results(path, document):
    """Write the results file whole (aside, then renamed), its folder made first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(document, indent=2) + "\n")
    partial.replace(path)


def _grade_isolated(root, platform):
    isolation = isolate(root)
    if isolation is None:
        return Outcome.not_gradable(NO_ISOLATION)
    outcome = grade_upload(root / platform.SUBMISSION.relative_to(platform.ROOT), os.environ.get("CONVKIT_SEED"))
    if outcome.gradable:
        outcome.summary.append(f"Isolation: {ISOLATION_WORDS[isolation]}.")
    return outcome


def _failed(error):
    """The grader's own failure, in one line for the student."""
    first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return Outcome.not_gradable(f"The grader failed on this submission ({type(error).__name__}"
                                f"{': ' + first if first else ''}); please tell your instructor.")


def run(name, root=None):
    """Grade the platform's submission and write its results file; returns the :class:`Outcome`.

    The grading runs in a thread of its own and has ``CONVKIT_PLATFORM_SECONDS``:
    a platform that ends a job itself shows no results at all, so the file
    must be written before it does (:func:`main` then ends the process).
    """
    platform = PLATFORMS[name]
    root = Path(root or platform.ROOT)
    started = time.monotonic()
    seconds = limit("CONVKIT_PLATFORM_SECONDS")
    found = []

    def grade_it():
        try:
            found.append(_grade_isolated(root, platform))
        except Exception as error:  # the grader's own failure: the student still gets a valid results file
            found.append(_failed(error))

    grading = threading.Thread(target=grade_it, name="convkit-platform-grading", daemon=True)
    grading.start()
    grading.join(seconds)
    if found:
        outcome = found[0]
    else:
        outcome = Outcome.not_gradable(OUT_OF_TIME.format(seconds=seconds))
        outcome.out_of_time = True
    outcome.seconds = time.monotonic() - started
    unprivileged.sweep_all()   # nothing of the student's runs on while the results are written
    write_results(root / platform.RESULTS.relative_to(platform.ROOT), platform.results(outcome, bundle.settings()))
    return outcome


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in PLATFORMS:
        print(f"usage: python -m autograder.platforms.run {'|'.join(PLATFORMS)}", file=sys.stderr)
        return 2
    outcome = run(argv[0])
    print(f"convkit: {outcome.score:g} / {outcome.max_score:g}" if outcome.gradable else outcome.problem, flush=True)
    if outcome.out_of_time:
        # The grading threads may still wait on children: end now, the results are written (a sandboxed child
        # dies with its parent; an unprivileged one was swept).
        os._exit(0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
