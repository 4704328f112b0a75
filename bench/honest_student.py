"""How long the grader takes, part by part, on the slowest honest student:
the straightforward loop implementation of ``samples/students/honest_loops.py``
(targets: every part within 10 s, the cnn check within 30 s).

    python -m bench.honest_student
"""
import json
import os
import time
from pathlib import Path

from autograder.engine.grade import grade
from autograder.spec.parts import PARTS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SUBMISSION = ROOT / "samples" / "students" / "honest_loops.py"


def run():
    seconds = {}
    for key in PARTS:
        start = time.perf_counter()
        report, _ = grade(SUBMISSION, seed=1, parts=[key], jobs=1)
        seconds[key] = time.perf_counter() - start
        assert report["parts"][key]["score"] == PARTS[key].points, report
    return {"cores": os.cpu_count(), "seconds": seconds}


def main():
    result = run()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "honest_student.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["| part | seconds | target |", "|---|---|---|"]
    lines += [f"| {key} | {value:.1f} | {30 if key == 'cnn' else 10} |" for key, value in result["seconds"].items()]
    table = "\n".join(lines)
    (RESULTS / "honest_student.md").write_text(f"{SUBMISSION.name}, {result['cores']} cores\n\n{table}\n")
    print(table)


if __name__ == "__main__":
    main()
