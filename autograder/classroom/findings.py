"""What the engine found in each student's submission, kept for the class report.

``grade-class`` grades each student in a private shard (see
:mod:`autograder.classroom.grading`). Right after the engine's grade,
:func:`write_shard` writes what it found into the shard
(:data:`SHARD_FILE`); when the shard's grades enter the course,
:func:`bring_in` moves that file to ``<course>/findings/<student>.json``,
replacing the student's earlier one whole (written under a temporary name,
then renamed). So the findings survive re-runs and are replaced student by
student, like the grades. :func:`load_class` reads them back.

One student's findings::

    {"seed": 2026, "total": 77.5, "intake": ["renamed ..."],
     "parts": {"stride": {"score": 14.0, "max_score": 20.0, "broken": [],
                          "accuracy": null,
                          "outputs": {"dx": {"fraction": 0.33, "misconception": "dx_dout_not_dilated",
                                             "features": ["stride > 1"], "trouble": null,
                                             "single_precision": false, "mutated": false}, ...}}, ...}}

``fraction`` is the share of the output's points earned (for the cnn part's
one output, of the part's points); ``misconception`` the id the engine
named (:mod:`autograder.engine.misconceptions`) or null; ``features`` what
the failing cases share that no passing case has
(:func:`autograder.spec.cases.what_sets_apart`); ``trouble`` "timeout",
"crash" or the type of an exception the student's code raised.
"""
import json
import os
from pathlib import Path

from autograder.config import FINDINGS_FOLDER
from autograder.spec.parts import PARTS

SHARD_FILE = "convkit-findings.json"


def _output_findings(result, output):
    # The cnn part's one output is its accuracy, not a layer's: its share is the part's.
    if result.key == "cnn":
        fraction = result.score / result.max_score if result.max_score else 0.0
    else:
        fraction = result.outputs.get(output, 0.0)
    return {
        "fraction": round(float(fraction), 6),
        "misconception": result.named.get(output),
        "features": list(result.features.get(output, [])),
        "trouble": result.troubles.get(output),
        "single_precision": output in result.single_precision,
        "mutated": output in result.mutated,
    }


def of_results(results, seed, intake_notes=()):
    """One student's findings from the engine's results.

    Parameters
    ----------
    results : dict
        ``{part key: PartResult}``, as :func:`autograder.engine.grade.grade` returns.
    seed : int
        The seed of the test cases.
    intake_notes : sequence of str
        What intake repaired in the submission (:func:`autograder.intake.prepare.prepare`).

    Returns
    -------
    dict
        The findings, as described in the module's docstring (JSON-ready).
    """
    parts = {}
    for key, part in PARTS.items():
        result = results[key]
        parts[key] = {
            "score": result.score,
            "max_score": result.max_score,
            "broken": sorted(result.broken),
            "accuracy": result.outputs.get("accuracy") if key == "cnn" else None,
            "outputs": {output: _output_findings(result, output) for output in part.outputs},
        }
    return {"seed": seed, "total": round(sum(p["score"] for p in parts.values()), 2),
            "intake": list(intake_notes), "parts": parts}


def _write_atomically(path, findings):
    """Write ``findings`` to ``path`` whole or not at all: a temporary name, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.incoming")
    temporary.write_text(json.dumps(findings, indent=1))
    os.replace(temporary, path)
    return path


def write_shard(shard, results, seed, intake_notes=()):
    """Write what the engine found into the shard (:data:`SHARD_FILE`); returns its path."""
    return _write_atomically(Path(shard) / SHARD_FILE, of_results(results, seed, intake_notes))


def student_file(course, student):
    """Where a student's findings are kept in the course: ``<course>/findings/<student>.json``."""
    return Path(course) / FINDINGS_FOLDER / f"{student}.json"


def bring_in(course, shard, student):
    """Move a shard's findings into the course, replacing the student's earlier ones whole.

    A shard without findings (graded before they were kept) changes nothing.
    """
    source = Path(shard) / SHARD_FILE
    if not source.is_file():
        return None
    return _write_atomically(student_file(course, student), json.loads(source.read_text()))


def load_class(course, only=None):
    """``{student: findings}`` for every student with findings in the course (or those in ``only``)."""
    folder = Path(course) / FINDINGS_FOLDER
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if only is None or path.stem in only:
            found[path.stem] = json.loads(path.read_text())
    return found
