"""``make demo``: grade the reference, the untouched stubs and a few sample
buggy submissions, and print the gradebook with every feedback line.

(The full instructor run through nbgrader replaces this once the notebooks
exist; the grading engine underneath stays the same.)
"""
import sys
import time
from pathlib import Path

from autograder.grade import grade
from autograder.parts import PARTS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "reference": ROOT / "solutions" / "loops.py",
    "stubs": ROOT / "tests" / "students" / "stubs.py",
    "honest-loops": ROOT / "tests" / "students" / "honest_loops.py",
    "forgot-dilation": ROOT / "tests" / "students" / "bug_dx_not_dilated.py",
    "dw-one-sample": ROOT / "tests" / "students" / "bug_dw_one_sample.py",
    "flipped-forward": ROOT / "tests" / "students" / "bug_forward_flipped_2d.py",
}


def run_demo(seed=2026, out=sys.stdout):
    rows, notes = [], []
    for name, path in SAMPLES.items():
        start = time.perf_counter()
        print(f"grading {name:<16} ({path.relative_to(ROOT)}) ...", end="", flush=True, file=out)
        report, _ = grade(path, seed=seed)
        print(f" {report['score']:6.1f}  [{time.perf_counter() - start:.1f} s]", file=out)
        rows.append((name, report))
        notes += [(name, key, line) for key, part in report["parts"].items() for line in part["feedback"]]
    header = f"{'student':<18}" + "".join(f"{key:>8}" for key in PARTS) + f"{'total':>8}"
    print(f"\nGradebook (seed {seed})\n{header}\n{'-' * len(header)}", file=out)
    for name, report in rows:
        cells = "".join(f"{report['parts'][key]['score']:>8.1f}" for key in PARTS)
        print(f"{name:<18}{cells}{report['score']:>8.1f}", file=out)
    print(f"{'max':<18}" + "".join(f"{part.points:>8.1f}" for part in PARTS.values()) + f"{100.0:>8.1f}", file=out)
    print("\nFeedback", file=out)
    for name, key, line in notes:
        print(f"  {name} [{key}] {line}", file=out)
    return 0
