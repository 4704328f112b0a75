"""Gradescope: ``autograder.zip`` and the ``results.json`` its autograder specification asks for.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh``
once as root when it builds the image, and then, as root in a fresh Docker
container per submission, ``/autograder/run_autograder``; the student's
files are in ``/autograder/submission`` and the grade goes to
``/autograder/results/results.json``.
"""
import tempfile
import zipfile
from pathlib import Path

from autograder.platforms import bundle

NAME = "gradescope"
ROOT = Path("/autograder")
SUBMISSION = ROOT / "submission"
RESULTS = ROOT / "results" / "results.json"
ENGINE = ROOT / "source"
# When students see a test, in Gradescope's words; the export's --visibility.
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
DEFAULT_VISIBILITY = "after_published"


def total_points(document):
    """The points of a results file, out of the assignment's 100."""
    return document["score"]


def results(outcome, settings):
    """``results.json``: one test per part and output, the total, a summary and the time taken.

    Every text is ``output_format: text``: feedback can quote the student's
    own lines, which must not become Markdown or HTML on Gradescope's page.
    """
    visibility = settings.get("visibility", DEFAULT_VISIBILITY)
    document = {
        "score": outcome.score,
        "execution_time": round(outcome.seconds, 1),
        "output": "\n".join(outcome.summary),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [{"name": test.name, "score": test.score, "max_score": test.max_score,
                   "status": "passed" if test.passed else "failed", "output": "\n".join(test.lines),
                   "output_format": "text", "visibility": visibility}
                  for test in outcome.tests],
    }
    return document


def export(out, visibility=DEFAULT_VISIBILITY):
    """Write ``out/autograder.zip``: ``setup.sh`` and ``run_autograder`` at its root, beside the engine."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    archive = out / "autograder.zip"
    with tempfile.TemporaryDirectory(prefix="convkit-export-") as scratch:
        folder = bundle.write(Path(scratch) / "autograder", NAME, {"visibility": visibility})
        (folder / "run_autograder").write_bytes((bundle.TEMPLATES / "run_autograder").read_bytes())
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo.from_file(path, path.relative_to(folder).as_posix())
                    executable = path.name in ("setup.sh", "run_autograder")
                    info.external_attr = (0o100755 if executable else 0o100644) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zipped.writestr(info, path.read_bytes())
    return archive
