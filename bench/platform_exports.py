"""Seconds per submission of each platform's export against ``python -m autograder grade``.

Each export is run as its platform runs it (:mod:`autograder.platforms.trial`:
a container with the platform's paths, ``setup.sh`` once, then the
platform's script per submission), on students of the demo class, side by
side with the command line on the same submission (the order of the four
runs reversed from one student to the next):

* ``grade``: ``python -m autograder grade FOLDER --json`` (bubblewrap);
* ``gradescope``: ``run_autograder`` in bubblewrap;
* ``gradescope, unprivileged user``: ``run_autograder`` where bubblewrap cannot run (as in Docker);
* ``prairielearn``: ``run_grader`` in bubblewrap.

Every run's total must be the same for one student. ``--smoke`` grades the
release notebooks as handed out (nothing written: fast) for one student.

    python -m bench.platform_exports [--students 4] [--smoke] [--out DIR]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.config import RELEASE_NOTEBOOKS, ROOT
from autograder.course.demo_class import submissions
from autograder.platforms import gradescope, prairielearn, trial
from bench import results

SEED = "31"
MODES = ("grade", "gradescope", "gradescope, unprivileged user", "prairielearn")


def _grade_here(folder):
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--json", "--seed", SEED],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)["score"]


def _on_platform(platform_trial, files, docker_like):
    started = time.perf_counter()
    document, _ = platform_trial.grade(files, docker_like=docker_like, env={"CONVKIT_SEED": SEED})
    return time.perf_counter() - started, platform_trial.module.total_points(document)


def run(students=4, smoke=False):
    if trial.unavailable():
        raise SystemExit(f"bench.platform_exports {trial.unavailable()}")
    if smoke:
        notebooks = {"release": {p.name: nbformat.read(str(p), as_version=4)
                                 for p in sorted(RELEASE_NOTEBOOKS.glob("*.ipynb"))}}
    else:
        notebooks = dict(list(submissions(RELEASE_NOTEBOOKS).items())[:students])
    seconds = {mode: [] for mode in MODES}
    totals = {}
    with tempfile.TemporaryDirectory(prefix="convkit-bench-") as scratch:
        scratch = Path(scratch)
        trials = {name: trial.Trial(name, scratch / name) for name in (gradescope.NAME, prairielearn.NAME)}
        for number, (student, files) in enumerate(notebooks.items()):
            folder = scratch / "submissions" / student
            folder.mkdir(parents=True)
            for name, notebook in files.items():
                nbformat.write(notebook, str(folder / name))
            upload = trial.files_of(folder)
            runs = {"grade": lambda: _grade_here(folder),
                    "gradescope": lambda: _on_platform(trials[gradescope.NAME], upload, False),
                    "gradescope, unprivileged user": lambda: _on_platform(trials[gradescope.NAME], upload, True),
                    "prairielearn": lambda: _on_platform(trials[prairielearn.NAME], upload, False)}
            for mode in (MODES if number % 2 == 0 else MODES[::-1]):
                taken, score = runs[mode]()
                seconds[mode].append(taken)
                totals.setdefault(student, {})[mode] = score
            if max(totals[student].values()) - min(totals[student].values()) >= 0.005:
                raise AssertionError(f"{student}: the totals differ: {totals[student]}")
        setup = {name: round(platform_trial.setup_seconds, 1) for name, platform_trial in trials.items()}
    median = {mode: statistics.median(values) for mode, values in seconds.items()}
    return {"cores": os.cpu_count(), "students": list(notebooks), "seconds": seconds, "median": median,
            "ratio": {mode: median[mode] / median["grade"] for mode in MODES}, "setup_seconds": setup,
            "totals": totals}


def main(argv=None):
    parser = results.parser(__doc__)
    parser.add_argument("--students", type=int, default=4, help="students of the demo class (default: 4)")
    args = parser.parse_args(argv)
    result = run(args.students, args.smoke)
    lines = ["| how | s per submission (median) | against `grade` |", "|---|---|---|"]
    lines += [f"| {mode} | {result['median'][mode]:.1f} | {result['ratio'][mode]:.2f}x |" for mode in MODES]
    lines += ["", "set-up (`setup.sh`, once per image): "
              + ", ".join(f"{name} {value:.0f} s" for name, value in result["setup_seconds"].items())]
    heading = (f"Each export run as its platform runs it, against `python -m autograder grade`: "
               f"{len(result['students'])} demo students, {result['cores']} cores, the order reversed each student")
    results.save("platform_exports", result, heading, "\n".join(lines), args.out, args.smoke)


if __name__ == "__main__":
    main()
