"""Whatever a platform hands over, is a valid results file written, saying in one line what went wrong?

These run the platform runner in this process, on a temporary folder laid
out as the platform's (the real paths are used in
``test_in_the_platforms_container.py``).
"""
import json
import time
import zipfile

import nbformat
import pytest

from autograder.config import RELEASE_NOTEBOOKS
from autograder.platforms import run
from autograder.sandbox import bubblewrap, unprivileged
from platform_schemas import assert_valid

# Without any isolation the runner grades nothing (test_without_any_isolation_nothing_is_run).
needs_isolation = pytest.mark.skipif(
    bubblewrap.bubblewrap() is None and not unprivileged.possible(),
    reason="needs bubblewrap (Debian package bubblewrap), or root and a Python that other users may run")


def _run(name, tmp_path, files):
    module = run.PLATFORMS[name]
    root = tmp_path / module.ROOT.name
    submission = root / module.SUBMISSION.relative_to(module.ROOT)
    submission.mkdir(parents=True)
    for file_name, data in files.items():
        (submission / file_name).write_bytes(data)
    outcome = run.run(name, root=root)
    return outcome, json.loads((root / module.RESULTS.relative_to(module.ROOT)).read_text())


@needs_isolation
@pytest.mark.parametrize("name", sorted(run.PLATFORMS))
@pytest.mark.parametrize("files, words", [
    ({}, "it is empty"),
    ({"02_conv2d.ipynb": b'{"cells": [{"cell_type": "code", "sour'}, "02_conv2d.ipynb is not a valid notebook"),
    ({"notes.txt": b"my answers are in my head"}, "notes.txt"),
    ({"two\nlines.ipynb": b"{"}, "lines.ipynb"),
], ids=["empty", "damaged notebook", "no notebook", "a line break in a name"])
def test_an_upload_without_a_gradable_notebook_gets_a_valid_file_saying_so(name, files, words, tmp_path, schemas):
    """Does an empty upload, a damaged notebook or a stray file give a valid results file with one line?"""
    outcome, document = _run(name, tmp_path, files)
    assert_valid(schemas[name], document)
    assert not outcome.gradable and "\n" not in outcome.problem
    assert words in outcome.problem, outcome.problem
    if name == "prairielearn":
        assert document["gradable"] is False   # it costs the student no attempt
    else:
        assert document["score"] == 0 and words in document["output"]


@pytest.mark.parametrize("name", sorted(run.PLATFORMS))
def test_a_failure_of_the_graders_own_still_gives_a_valid_file(name, tmp_path, schemas, monkeypatch):
    """When the grader itself fails, is there still a valid results file that says so?"""
    def broken(*args, **kwargs):
        raise RuntimeError("the reference is missing\nsecond line")
    monkeypatch.setattr(run, "grade_upload", broken)
    outcome, document = _run(name, tmp_path, {})
    assert_valid(schemas[name], document)
    assert outcome.problem.startswith("The grader failed on this submission (RuntimeError: the reference is missing)")


def test_without_any_isolation_nothing_is_run(tmp_path, schemas, monkeypatch):
    """With neither bubblewrap nor root, is the student's code left unrun and the file says why?"""
    monkeypatch.setattr(bubblewrap, "bubblewrap", lambda: None)
    monkeypatch.setattr(unprivileged, "possible", lambda: False)
    outcome, document = _run("prairielearn", tmp_path, {"01_conv1d.ipynb": (RELEASE_NOTEBOOKS / "01_conv1d.ipynb").read_bytes()})
    assert_valid(schemas["prairielearn"], document)
    assert outcome.problem == run.NO_ISOLATION


@pytest.mark.slow
@pytest.mark.skipif(bubblewrap.bubblewrap() is None, reason="needs bubblewrap (Debian package bubblewrap)")
def test_a_zipped_folder_of_renamed_notebooks_is_graded(tmp_path, schemas, students):
    """Is a zip of a nested folder holding a renamed notebook graded as the release notebook it is?"""
    notebook = nbformat.read(str(RELEASE_NOTEBOOKS / "01_conv1d.ipynb"), as_version=4)
    archive = tmp_path / "work.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("conv_backprop/01_conv1d (1).ipynb", nbformat.writes(notebook))
    outcome, document = _run("gradescope", tmp_path, {"work.zip": archive.read_bytes()})
    assert_valid(schemas["gradescope"], document)
    assert outcome.gradable, outcome.problem
    assert any("01_conv1d (1).ipynb" in line for line in outcome.summary), outcome.summary
    tests = {t["name"]: t for t in document["tests"]}
    assert "NotImplementedError" in tests["01_conv1d.ipynb · 1d · forward"]["output"] or \
        "not written" in tests["01_conv1d.ipynb · 1d · forward"]["output"]


def test_grading_that_outlives_the_platforms_time_still_writes_a_valid_file(tmp_path, schemas, monkeypatch):
    """When the grading takes longer than CONVKIT_PLATFORM_SECONDS, is a valid file saying so written in time?"""
    monkeypatch.setenv("CONVKIT_PLATFORM_SECONDS", "0.5")
    monkeypatch.setattr(run, "grade_upload", lambda *args, **kwargs: time.sleep(5))
    started = time.monotonic()
    outcome, document = _run("gradescope", tmp_path, {})
    assert time.monotonic() - started < 4
    assert_valid(schemas["gradescope"], document)
    assert outcome.out_of_time and "did not finish within 0.5 s" in document["output"]
