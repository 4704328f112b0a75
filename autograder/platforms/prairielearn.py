"""PrairieLearn: an externally graded question and the ``results.json`` of its external grader.

PrairieLearn copies the question's uploads into ``/grade/student``, the
course's ``serverFilesCourse/convkit/`` into ``/grade/serverFilesCourse/convkit``,
runs the question's entry point in the grader image (as the image's user,
root in PrairieLearn's images) with networking off, and reads
``/grade/results/results.json``: ``score`` from 0 to 1, ``gradable`` false
for a submission that cannot be graded (it then costs no attempt).
"""
import json
import shutil
import uuid
from pathlib import Path

from autograder.config import ASSIGNMENT
from autograder.platforms import bundle
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS

NAME = "prairielearn"
ROOT = Path("/grade")
SUBMISSION = ROOT / "student"
RESULTS = ROOT / "results" / "results.json"
FOLDER = "convkit"                       # in the course's serverFilesCourse/
ENGINE = ROOT / "serverFilesCourse" / FOLDER
DEFAULT_IMAGE = "prairielearn/grader-python"
TIMEOUT_SECONDS = 600                    # PrairieLearn's most for one grading job
QUESTION_UUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "convkit/conv_backprop"))


def total_points(document):
    """The points of a results file, out of the assignment's (its score is a fraction of them)."""
    return round(document.get("score", 0.0) * sum(part.points for part in PARTS.values()), 2)


def results(outcome, settings):
    """``results.json``: the score as a fraction, a message, and one test per part and output."""
    if not outcome.gradable:
        return {"gradable": False, "message": outcome.problem, "format_errors": [outcome.problem]}
    return {
        "gradable": True,
        "score": round(outcome.score / outcome.max_score, 4) if outcome.max_score else 0.0,
        "message": "\n".join(outcome.summary),
        "tests": [{"name": test.name, "description": test.grade_id, "points": test.score,
                   "max_points": test.max_score, "output": "\n".join(test.lines)} for test in outcome.tests],
    }


def info(image):
    """The question's ``info.json``: graded externally by ``run_grader`` in ``image``."""
    return {
        "uuid": QUESTION_UUID,
        "title": "Convolution layers: forward and backward (convkit)",
        "topic": "Convolutional layers",
        "tags": ["convkit", "autograded"],
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "externalGradingOptions": {
            # Deprecated in today's PrairieLearn, which grades externally without it; older ones need it.
            "enabled": True,
            "image": image,
            "serverFilesCourse": [f"{FOLDER}/"],
            "entrypoint": f"{ENGINE}/run_grader",
            "timeout": TIMEOUT_SECONDS,
            "enableNetworking": False,
        },
    }


def export(out, image=DEFAULT_IMAGE):
    """Write ``out/questions/convkit/conv_backprop/`` and ``out/serverFilesCourse/convkit/``,
    to be copied into a PrairieLearn course; returns the two folders."""
    out = Path(out)
    question = out / "questions" / FOLDER / ASSIGNMENT
    grader = out / "serverFilesCourse" / FOLDER
    for folder in (question, grader):
        if folder.exists():
            shutil.rmtree(folder)
    question.mkdir(parents=True)
    (question / "info.json").write_text(json.dumps(info(image), indent=2) + "\n")
    html = (bundle.TEMPLATES / "question.html").read_text().replace("__NOTEBOOKS__", ",".join(NOTEBOOK_PARTS))
    (question / "question.html").write_text(html)
    bundle.write(grader, NAME, {"image": image})
    for name in ("run_grader", "Dockerfile"):
        shutil.copy2(bundle.TEMPLATES / name, grader / name)
    return question, grader
