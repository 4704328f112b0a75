"""Recognising which release notebook a handed-in file is, and matching files to notebooks."""
import ast
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils

from autograder.config import RELEASE_NOTEBOOKS, SOURCE_NOTEBOOKS
from autograder.intake import identify
from autograder.intake.finding import Found
from autograder.intake.prepare import release_notebooks

RELEASE = release_notebooks(RELEASE_NOTEBOOKS)
NAMES = sorted(RELEASE)
DESCRIBED = identify.Release.of(RELEASE)
# What tools make of a file name: a second download, Jupyter's Duplicate, a student's own suffixes.
DECORATED = ["{stem} (1)", "{stem} (2)", "{stem}-Copy1", "{stem}-Copy2", "{stem}_final", "{stem} final",
             "{stem}_v2", "{stem}-checkpoint", "Copy of {stem}", "{stem} copy"]


def _solved(name):
    """The instructor's solved notebook: the student's code in place, all of the release's cells around it."""
    return nbformat.read(str(SOURCE_NOTEBOOKS / name), as_version=4)


def _stripped(notebook):
    """The notebook as an editor that drops cell metadata and ids saves it."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        cell.metadata = {}
        cell.pop("id", None)
    return notebook


def _only_functions(name):
    """Only the solution cells of the solved notebook: what a student who rewrote the notebook from scratch keeps."""
    notebook = _solved(name)
    notebook.cells = [cell for cell in notebook.cells if utils.is_solution(cell) and cell.cell_type == "code"]
    for cell in notebook.cells:
        cell.metadata = {}
    return notebook


def _found(name, mtime=None, depth=0):
    return Found(Path("/nowhere") / name, name, time.time() if mtime is None else mtime, depth)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("edit", ["as released", "solved", "stripped", "solved and stripped"])
def test_each_notebook_is_recognised_by_its_cells_under_any_name(name, edit):
    """Is every release notebook, as released or solved, with or without its metadata, recognised as itself
    by its cells alone, under a name that says nothing?"""
    notebook = RELEASE[name] if edit == "as released" else _solved(name) if edit == "solved" else \
        _stripped(RELEASE[name]) if edit == "stripped" else _stripped(_solved(name))
    names, how = identify.candidates(identify.evidence(notebook, "Untitled3.ipynb", DESCRIBED), DESCRIBED)
    assert names == [name] and how == "the cells only that notebook has"


@pytest.mark.parametrize("name", NAMES)
def test_a_notebook_rewritten_from_scratch_is_recognised_by_its_functions(name):
    """Is a notebook that holds only the student's functions (no cell of the release) recognised by them, notebook
    02's conv2d_forward(x, w, b) told from notebook 03's conv2d_forward(x, w, b, stride, pad)?"""
    names, how = identify.candidates(identify.evidence(_only_functions(name), "work.ipynb", DESCRIBED), DESCRIBED)
    assert names == [name] and how == "the functions it defines"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pattern", DECORATED)
def test_a_decorated_name_is_most_like_its_own_notebook(name, pattern):
    """Does every decoration tools add to a name leave the name most like its own release notebook, fully?"""
    file_name = pattern.format(stem=Path(name).stem) + ".ipynb"
    scores = {other: identify.likeness(file_name, other) for other in NAMES}
    assert scores[name] == 1.0 and all(score < 1.0 for other, score in scores.items() if other != name)


def test_a_name_alone_decides_only_when_nothing_else_does():
    """Does an empty notebook named like 04 count as 04, and one named Untitled as nothing?"""
    empty = nbformat.v4.new_notebook()
    assert identify.candidates(identify.evidence(empty, "04_channels (1).ipynb", DESCRIBED), DESCRIBED)[0] == \
        ["04_channels.ipynb"]
    assert identify.candidates(identify.evidence(empty, "Untitled.ipynb", DESCRIBED), DESCRIBED) == ([], None)


def test_cells_outweigh_a_misleading_name():
    """Is a file named 03_stride_padding.ipynb that holds notebook 02's cells graded as 02?"""
    names, _ = identify.candidates(identify.evidence(_solved("02_conv2d.ipynb"), "03_stride_padding.ipynb",
                                                     DESCRIBED), DESCRIBED)
    assert names == ["02_conv2d.ipynb"]


def _match(files):
    return identify.match([(found, identify.evidence(nb, found.file_name, DESCRIBED)) for found, nb in files],
                          DESCRIBED)


def test_two_notebooks_renamed_at_once_are_both_graded():
    """The case that cost students both notebooks: 02 downloaded twice and 04 duplicated, handed in together?"""
    chosen, notes = _match([(_found("02_conv2d (1).ipynb"), _solved("02_conv2d.ipynb")),
                            (_found("04_channels-Copy1.ipynb"), _solved("04_channels.ipynb"))])
    assert {name: found.shown for name, found in chosen.items()} == {
        "02_conv2d.ipynb": "02_conv2d (1).ipynb", "04_channels.ipynb": "04_channels-Copy1.ipynb"}
    assert len(notes) == 2 and all("renamed" in note for note in notes)


def test_all_five_downloaded_again_are_all_graded():
    """Are five ' (1)' names, metadata stripped too, each graded as its own notebook?"""
    chosen, _ = _match([(_found(name.replace(".ipynb", " (1).ipynb")), _stripped(_solved(name))) for name in NAMES])
    assert {name: found.shown for name, found in chosen.items()} == {
        name: name.replace(".ipynb", " (1).ipynb") for name in NAMES}


def test_the_newer_of_two_copies_is_graded_and_the_notes_say_why():
    """Two solved copies of 02: is the newer graded, the older named as not graded because it is older?"""
    old, new = _found("02_conv2d.ipynb", mtime=1_000_000_000), _found("02_conv2d-Copy1.ipynb")
    chosen, notes = _match([(old, _solved("02_conv2d.ipynb")), (new, _solved("02_conv2d.ipynb"))])
    assert chosen == {"02_conv2d.ipynb": new}
    assert any("02_conv2d.ipynb was not graded: it is older" in note for note in notes), notes


def test_an_untouched_release_copy_never_replaces_the_students_work():
    """A fresh download of 04, newer than the solved one: is the solved one graded all the same?"""
    solved, fresh = _found("04_channels.ipynb", mtime=1_000_000_000), _found("04_channels (1).ipynb")
    chosen, notes = _match([(solved, _solved("04_channels.ipynb")), (fresh, RELEASE["04_channels.ipynb"])])
    assert chosen == {"04_channels.ipynb": solved}
    assert any("with nothing written in it" in note for note in notes), notes


def test_no_file_goes_to_two_notebooks_and_no_notebook_gets_two_files():
    """A file that holds both 02's and 03's cells, beside a real 03: is each notebook given exactly one file?"""
    merged = _solved("02_conv2d.ipynb")
    merged.cells += _solved("03_stride_padding.ipynb").cells[:3]
    files = [(_found("everything.ipynb"), merged), (_found("03_stride_padding.ipynb"), _solved("03_stride_padding.ipynb"))]
    chosen, _ = _match(files)
    assert chosen["02_conv2d.ipynb"].shown == "everything.ipynb"
    assert chosen["03_stride_padding.ipynb"].shown == "03_stride_padding.ipynb"
    assert len({found.shown for found in chosen.values()}) == len(chosen)


def _functions_bound_by_assignment():
    """conv2d_forward and conv2d_backward bound to other functions: their signatures cannot be read, so they fit
    02 and 03 alike."""
    source = ("def my_forward(*args):\n    return args[0]\n\n\n"
              "def my_backward(*args):\n    return args[1], args[2], 0.0\n\n\n"
              "conv2d_forward, conv2d_backward = my_forward, my_backward\n"
              "conv2d_forward = my_forward\nconv2d_backward = my_backward\n")
    ast.parse(source)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return notebook


def test_a_file_that_could_be_two_notebooks_goes_to_the_missing_one():
    """Functions that fit both 02 and 03, in a file named 'scratch', beside a real 02: graded as 03, said so?"""
    chosen, notes = _match([(_found("scratch.ipynb"), _functions_bound_by_assignment()),
                            (_found("02_conv2d.ipynb"), _solved("02_conv2d.ipynb"))])
    assert chosen["03_stride_padding.ipynb"].shown == "scratch.ipynb"
    assert any("could be 02_conv2d.ipynb or 03_stride_padding.ipynb" in note for note in notes)


def test_a_file_that_could_be_either_of_two_missing_notebooks_is_not_guessed():
    """With both 02 and 03 missing, is such a file left out with advice, rather than guessed?"""
    chosen, notes = _match([(_found("scratch.ipynb"), _functions_bound_by_assignment())])
    assert chosen == {}
    assert any("give it the notebook's own name" in note for note in notes)


def test_functions_that_take_stride_and_pad_are_notebook_03s():
    """Does conv2d_forward(x, w, b, stride=1, pad=0) point to 03, and conv2d_forward(x, w, b) to 02?"""
    for signature, expected in (("x, w, b, stride=1, pad=0", "03_stride_padding.ipynb"),
                                ("x, w, b, s, p", "03_stride_padding.ipynb"), ("x, w, b", "02_conv2d.ipynb")):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(f"def conv2d_forward({signature}):\n    return x\n")]
        names, _ = identify.candidates(identify.evidence(notebook, "work.ipynb", DESCRIBED), DESCRIBED)
        assert names == [expected], signature


def test_a_notebook_with_nothing_of_the_assignment_is_ignored():
    """Is a scratch notebook of the student's own experiments left out, named in the notes?"""
    scratch = nbformat.v4.new_notebook()
    scratch.cells = [nbformat.v4.new_code_cell("import numpy as np\nprint(np.ones(3))")]
    chosen, notes = _match([(_found("experiments.ipynb"), scratch)])
    assert chosen == {} and notes == ["experiments.ipynb is not part of the assignment: ignored."]


def test_release_cells_of_every_notebook_are_told_apart():
    """Does every release notebook have cells of its own (by id and by text), so that each can be recognised?"""
    for name in NAMES:
        own = DESCRIBED.own[name]
        assert sum(1 for cell_id, _ in own if cell_id) >= 5 and sum(1 for _, text in own if text) >= 5, name
