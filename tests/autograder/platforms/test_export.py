"""Do the exports hold what each platform asks for, and nothing of the instructor's that a grader does not need?"""
import json
import zipfile
from html.parser import HTMLParser

import pytest

from autograder.cli import main
from autograder.config import ROOT
from autograder.platforms import bundle, prairielearn
from autograder.spec.parts import NOTEBOOK_PARTS


@pytest.fixture(scope="module")
def gradescope_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope")
    assert main(["export", "gradescope", "--out", str(out), "--visibility", "visible"]) == 0
    return out / "autograder.zip"


@pytest.fixture(scope="module")
def prairielearn_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("prairielearn")
    assert main(["export", "prairielearn", "--out", str(out), "--image", "course/convkit-grader"]) == 0
    return out / "questions" / "convkit" / "conv_backprop", out / "serverFilesCourse" / "convkit"


def test_gradescope_zip_has_its_scripts_at_the_root_and_runnable(gradescope_zip):
    """Are setup.sh and run_autograder at the zip's root (not in a folder), with their execute bits?"""
    with zipfile.ZipFile(gradescope_zip) as zipped:
        modes = {info.filename: info.external_attr >> 16 for info in zipped.infolist()}
        settings = json.loads(zipped.read(bundle.SETTINGS))
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & 0o111 == 0o111, script
    assert settings == {"platform": "gradescope", "visibility": "visible"}


def test_the_bundle_holds_the_reference_and_release_but_no_worked_solutions_or_source(gradescope_zip):
    """Does the grader get the hidden reference and the release notebooks, and not the instructor's notebooks?"""
    with zipfile.ZipFile(gradescope_zip) as zipped:
        names = set(zipped.namelist())
    assert "solutions/reference/vectorized.py" in names
    assert {f"assignments/conv_backprop/{name}" for name in NOTEBOOK_PARTS} <= names
    assert not [n for n in names if n.startswith(("source/", "solutions/worked/")) or "__pycache__" in n]


def test_the_grader_installs_the_engines_packages_pinned_and_not_the_kits_jupyter():
    """Does the grader pin NumPy, nbformat and what nbformat needs, each to the version requirements.txt gives,
    and leave out nbgrader and Jupyter's server, which the engine does not import?"""
    lines = bundle.grader_requirements()
    names = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    assert {"numpy", "nbformat", "fastjsonschema", "jsonschema", "jupyter-core", "traitlets"} <= names
    assert not names & {"nbgrader", "jupyter-server", "notebook", "matplotlib", "nbclient"}
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert all(line in requirements for line in lines), lines


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = {}

    def handle_starttag(self, tag, attrs):
        self.found[tag] = dict(attrs)


def test_prairielearn_question_is_graded_externally_by_the_exported_grader(prairielearn_export):
    """Does info.json name the image, the entry point in serverFilesCourse and the time limit, and does the
    question take the five notebooks (and renamed ones or a zip) and show the grader's results?"""
    question, grader = prairielearn_export
    info = json.loads((question / "info.json").read_text())
    assert info["gradingMethod"] == "External"
    options = info["externalGradingOptions"]
    assert options["image"] == "course/convkit-grader"
    assert options["entrypoint"] == f"/grade/serverFilesCourse/{prairielearn.FOLDER}/run_grader"
    assert options["serverFilesCourse"] == [f"{prairielearn.FOLDER}/"]
    assert options["timeout"] <= 600 and options["enableNetworking"] is False
    assert (grader / "run_grader").stat().st_mode & 0o111
    assert (grader / "solutions" / "reference" / "vectorized.py").is_file()
    parser = _Elements()
    parser.feed((question / "question.html").read_text())
    upload = parser.found["pl-file-upload"]
    assert upload["optional-file-names"].split(",") == list(NOTEBOOK_PARTS)
    assert {"*.ipynb", "*.zip"} <= set(upload["optional-file-patterns"].split(","))
    assert "pl-external-grader-results" in parser.found
