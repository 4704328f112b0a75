"""Tidying a submission copy: each accident is repaired and reported, the student's code kept."""
import shutil

import nbformat
import pytest

from autograder.intake import tidy


def _cell(source, grade_id=None, **flags):
    cell = nbformat.v4.new_code_cell(source)
    if grade_id:
        meta = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id, "schema_version": 3}
        meta.update(flags)
        cell.metadata["nbgrader"] = meta
    return cell


@pytest.fixture
def release(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    for name, part in (("01_conv1d.ipynb", "1d"), ("02_conv2d.ipynb", "2d")):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [_cell("def f():\n    raise NotImplementedError()", f"solution-{part}", solution=True),
                          _cell("# hidden", f"test-{part}-forward", grade=True, locked=True, points=1),
                          _cell("x = 1"),
                          _cell("# hidden", f"test-{part}-dx", grade=True, locked=True, points=1)]
        nbformat.write(notebook, str(folder / name))
    return folder


def _submission(tmp_path, release):
    folder = tmp_path / "submission"
    shutil.copytree(release, folder)
    return folder


def test_a_tidy_submission_is_left_alone(tmp_path, release):
    """Does a complete, untouched submission get no note and no change?"""
    folder = _submission(tmp_path, release)
    before = (folder / "01_conv1d.ipynb").read_text()
    assert tidy(folder, release) == []
    assert (folder / "01_conv1d.ipynb").read_text() == before


def test_damaged_json_is_set_aside_and_the_rest_kept(tmp_path, release):
    """Is a notebook that is not JSON set aside with a note, and the other notebook still there?"""
    folder = _submission(tmp_path, release)
    (folder / "02_conv2d.ipynb").write_text("{ not json")
    notes = tidy(folder, release)
    assert any("02_conv2d.ipynb is not a valid notebook" in n for n in notes)
    assert any("02_conv2d.ipynb is missing" in n for n in notes)
    assert (folder / "01_conv1d.ipynb").is_file() and not (folder / "02_conv2d.ipynb").exists()


def test_a_renamed_notebook_is_renamed_back(tmp_path, release):
    """Is 'my conv.ipynb' holding notebook 01's cells graded as 01_conv1d.ipynb, and a stray notebook ignored?"""
    folder = _submission(tmp_path, release)
    (folder / "01_conv1d.ipynb").rename(folder / "my conv.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), str(folder / "scratch.ipynb"))
    notes = tidy(folder, release)
    assert (folder / "01_conv1d.ipynb").is_file()
    assert "my conv.ipynb is 01_conv1d.ipynb renamed: graded as 01_conv1d.ipynb." in notes
    assert "scratch.ipynb is not part of the assignment: ignored." in notes


def test_duplicated_and_deleted_cells_are_repaired(tmp_path, release):
    """Is a duplicated solution cell kept as plain code, and a deleted autograded cell put back in place?"""
    folder = _submission(tmp_path, release)
    notebook = nbformat.read(str(folder / "01_conv1d.ipynb"), as_version=4)
    copy = nbformat.from_dict(dict(notebook.cells[0]))
    copy.source = "def f():\n    return 42"
    copy.id = "student-copy"
    notebook.cells.insert(1, copy)
    del notebook.cells[-1]  # test-1d-dx
    nbformat.write(notebook, str(folder / "01_conv1d.ipynb"))
    notes = tidy(folder, release)
    repaired = nbformat.read(str(folder / "01_conv1d.ipynb"), as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in repaired.cells]
    # Put back right after the nearest earlier nbgrader cell that is still there.
    assert ids == ["solution-1d", None, "test-1d-forward", "test-1d-dx", None]
    assert repaired.cells[1].source == "def f():\n    return 42"
    assert len(notes) == 2
