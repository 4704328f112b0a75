"""How long the grader takes, part by part, on the slowest honest student:
the straightforward loop implementation of ``samples/students/honest_loops.py``
(targets: every part within 10 s, the cnn check within 30 s).

    python -m bench.honest_student [--smoke] [--out DIR]
"""
import os
import time
from pathlib import Path

from autograder.engine.grade import grade
from bench import results
from autograder.spec.parts import PARTS

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "samples" / "students" / "honest_loops.py"


def run(smoke=False):
    seconds = {}
    for key in (["1d"] if smoke else PARTS):
        start = time.perf_counter()
        report, _ = grade(SUBMISSION, seed=1, parts=[key], jobs=1)
        seconds[key] = time.perf_counter() - start
        assert report["parts"][key]["score"] == PARTS[key].points, report
    return {"cores": os.cpu_count(), "seconds": seconds}


def main(argv=None):
    args = results.parser(__doc__).parse_args(argv)
    result = run(args.smoke)
    lines = ["| part | seconds | target |", "|---|---|---|"]
    lines += [f"| {key} | {value:.1f} | {30 if key == 'cnn' else 10} |" for key, value in result["seconds"].items()]
    results.save("honest_student", result, f"{SUBMISSION.name}, {result['cores']} cores", "\n".join(lines),
                 args.out, args.smoke)


if __name__ == "__main__":
    main()
