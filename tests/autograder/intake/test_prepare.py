"""Preparing a submission copy: each accident is repaired and reported, the student's code kept."""
import shutil

import nbformat
import pytest

import tampering
from autograder.intake.prepare import prepare
from autograder.pipeline import cell_metadata


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
    assert prepare(folder, release) == []
    assert (folder / "01_conv1d.ipynb").read_text() == before


def test_damaged_json_is_set_aside_and_the_rest_kept(tmp_path, release):
    """Is a notebook that is not JSON set aside with a note, and the other notebook still there?"""
    folder = _submission(tmp_path, release)
    (folder / "02_conv2d.ipynb").write_text("{ not json")
    notes = prepare(folder, release)
    assert any("02_conv2d.ipynb is not a valid notebook" in n for n in notes)
    assert any("02_conv2d.ipynb is missing" in n for n in notes)
    assert (folder / "01_conv1d.ipynb").is_file() and not (folder / "02_conv2d.ipynb").exists()


def test_a_renamed_notebook_is_renamed_back(tmp_path, release):
    """Is 'my conv.ipynb' holding notebook 01's cells graded as 01_conv1d.ipynb, and a stray notebook ignored?"""
    folder = _submission(tmp_path, release)
    (folder / "01_conv1d.ipynb").rename(folder / "my conv.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), str(folder / "scratch.ipynb"))
    notes = prepare(folder, release)
    assert (folder / "01_conv1d.ipynb").is_file()
    assert ("my conv.ipynb is 01_conv1d.ipynb renamed (recognised by the cells only that notebook has): "
            "graded as 01_conv1d.ipynb.") in notes
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
    notes = prepare(folder, release)
    repaired = nbformat.read(str(folder / "01_conv1d.ipynb"), as_version=4)
    ids = [cell_metadata.grade_id(c) for c in repaired.cells]
    # Put back right after the nearest earlier nbgrader cell that is still there.
    assert ids == ["solution-1d", None, "test-1d-forward", "test-1d-dx", None]
    assert repaired.cells[1].source == "def f():\n    return 42"
    assert "nbgrader" not in repaired.cells[1].metadata  # not even empty: nbgrader would take {} for an old format
    assert len(notes) == 2


def _tamper(folder, kind):
    """Apply one kind of tampering of ``tampering.KINDS`` to the submission's 01_conv1d.ipynb."""
    path = folder / "01_conv1d.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    tampering.KINDS[kind][0](notebook)
    nbformat.write(notebook, str(path))
    return notebook


def _markings(path):
    """``{grade id: nbgrader metadata}`` of a notebook's marked cells."""
    notebook = nbformat.read(str(path), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]
            for cell in notebook.cells if "nbgrader" in cell.metadata}


def _tidied(tmp_path, release, kind):
    """Tamper, tidy; returns the notes and the repaired notebook, after checking the code is untouched."""
    folder = _submission(tmp_path, release)
    tampered = _tamper(folder, kind)
    notes = prepare(folder, release)
    repaired = nbformat.read(str(folder / "01_conv1d.ipynb"), as_version=4)
    submitted = {c.id for c in tampered.cells}  # a cell put back is new
    assert [(c.id, c.source) for c in repaired.cells if c.id in submitted] == [(c.id, c.source) for c in tampered.cells]
    assert _markings(folder / "02_conv2d.ipynb") == _markings(release / "02_conv2d.ipynb")
    assert all(note.startswith("01_conv1d.ipynb: ") for note in notes)
    for words in tampering.KINDS[kind][1]:
        assert any(words in note for note in notes), (words, notes)
    return notes, repaired


def test_a_grade_cell_the_release_does_not_know_is_stripped_and_reported(tmp_path, release):
    """Is a grade cell the release does not know stripped of its marking (its code kept) and reported?"""
    notes, repaired = _tidied(tmp_path, release, "adds a grade cell of its own")
    assert notes == ["01_conv1d.ipynb: cell 5 carries nbgrader metadata that is not the assignment's "
                     "(unknown id my-bonus); it was removed and the cell counts as the student's own."]
    assert repaired.cells[-1].source == "15.0" and "nbgrader" not in repaired.cells[-1].metadata
    assert _markings(tmp_path / "submission" / "01_conv1d.ipynb") == _markings(release / "01_conv1d.ipynb")


def test_an_autograded_cell_with_a_changed_id_is_stripped_and_put_back(tmp_path, release):
    """Does an autograded cell whose grade id was changed lose that marking, and the real cell come back?"""
    notes, repaired = _tidied(tmp_path, release, "renames an autograded cell")
    assert len(notes) == 2
    ids = [cell_metadata.grade_id(c) for c in repaired.cells]
    assert ids == ["solution-1d", "test-1d-forward", "test-1d-dx", None, None]
    assert _markings(tmp_path / "submission" / "01_conv1d.ipynb") == _markings(release / "01_conv1d.ipynb")


@pytest.mark.parametrize("kind, grade_id", [
    ("marks a test cell as a solution", "test-1d-forward"),
    ("changes a test cell's points", "test-1d-forward"),
    ("drops keys from a marking and adds one", "test-1d-forward"),
    ("locks a solution cell", "solution-1d"),
    ("makes a solution cell a grade cell", "solution-1d"),
])
def test_a_changed_marking_is_restored_as_released_and_reported(tmp_path, release, kind, grade_id):
    """Is a test cell marked as a solution, with other points or with keys dropped or added, or a solution cell
    made locked or graded, given the release's marking back, with one note naming the cell?"""
    notes, _ = _tidied(tmp_path, release, kind)
    assert len(notes) == 1 and f"cell {grade_id} had its nbgrader metadata changed" in notes[0]
    assert _markings(tmp_path / "submission" / "01_conv1d.ipynb") == _markings(release / "01_conv1d.ipynb")


def test_an_old_or_missing_schema_version_is_restored_and_reported(tmp_path, release):
    """Does a stale schema version on one cell and none on another each get the release's back, one note each?"""
    notes, _ = _tidied(tmp_path, release, "sets an old schema version and drops another")
    assert len(notes) == 2
    assert _markings(tmp_path / "submission" / "01_conv1d.ipynb") == _markings(release / "01_conv1d.ipynb")


def test_a_marking_that_is_not_a_dict_is_removed_and_the_code_kept(tmp_path, release):
    """Does a solution cell whose nbgrader metadata is a string become the student's own code, reported?"""
    notes, repaired = _tidied(tmp_path, release, "replaces a marking with text")
    assert notes == ["01_conv1d.ipynb: cell 1 carries nbgrader metadata that is not the assignment's "
                     "(not a dict); it was removed and the cell counts as the student's own."]
    assert "nbgrader" not in repaired.cells[0].metadata
    assert repaired.cells[0].source.startswith("def f():")


def test_one_note_per_tampered_cell_and_nothing_left_to_fix(tmp_path, release):
    """Is each tampered cell reported once, and does tidying the tidied copy find nothing more?"""
    folder = _submission(tmp_path, release)
    for kind in ("marks a test cell as a solution", "locks a solution cell", "adds a grade cell of its own"):
        _tamper(folder, kind)
    assert len(prepare(folder, release)) == 3
    assert prepare(folder, release) == []


def test_a_missing_cell_type_record_is_left_alone_and_a_wrong_one_restored(tmp_path, release):
    """Is a marking without nbgrader's cell type record (a solved source notebook) left alone, a wrong one restored?"""
    folder = _submission(tmp_path, release)
    released = nbformat.read(str(release / "01_conv1d.ipynb"), as_version=4)
    for cell in released.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["cell_type"] = cell.cell_type
    nbformat.write(released, str(release / "01_conv1d.ipynb"))
    assert prepare(folder, release) == []
    submitted = nbformat.read(str(folder / "01_conv1d.ipynb"), as_version=4)
    submitted.cells[0].metadata["nbgrader"]["cell_type"] = "markdown"
    nbformat.write(submitted, str(folder / "01_conv1d.ipynb"))
    notes = prepare(folder, release)
    assert len(notes) == 1 and "cell_type 'markdown' instead of 'code'" in notes[0]


# --- With the real release ---------------------------------------------------------------------------------

from autograder.config import RELEASE_NOTEBOOKS, SOURCE_NOTEBOOKS  # noqa: E402
from autograder.intake.prepare import notes_cell  # noqa: E402


def _stripped_copy(name, target):
    """The solved notebook ``name`` as an editor that keeps no cell metadata, no cell ids and CRLF line ends saves it."""
    notebook = nbformat.read(str(SOURCE_NOTEBOOKS / name), as_version=4)
    for cell in notebook.cells:
        cell.metadata = {}
        cell.pop("id", None)
        cell.source = cell.source.replace("\n", "\r\n")
    notebook.nbformat_minor = 4
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(target))
    return notebook


def test_stripped_metadata_is_given_back_by_text_and_the_code_kept(tmp_path):
    """A renamed notebook 03 with no cell metadata, no ids and CRLF line ends: is it graded as 03 with every
    read-only and autograded cell marked as released, and the student's code unchanged?"""
    folder = tmp_path / "submission"
    stripped = _stripped_copy("03_stride_padding.ipynb", folder / "03_stride_padding_final.ipynb")
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    notes = prepare(folder, RELEASE_NOTEBOOKS)
    assert sorted(p.name for p in folder.iterdir()) == ["03_stride_padding.ipynb", "timestamp.txt"]
    assert notes[0].startswith("03_stride_padding_final.ipynb is 03_stride_padding.ipynb renamed")
    assert any("had no nbgrader metadata" in note for note in notes)
    graded = nbformat.read(str(folder / "03_stride_padding.ipynb"), as_version=4)
    release = nbformat.read(str(RELEASE_NOTEBOOKS / "03_stride_padding.ipynb"), as_version=4)
    fixed = {c.metadata["nbgrader"]["grade_id"] for c in release.cells
             if not c.metadata["nbgrader"].get("solution")}
    assert {cell_metadata.grade_id(c) for c in graded.cells} - {None} == fixed
    assert [c.source for c in graded.cells][:len(stripped.cells)] == [c.source for c in stripped.cells]


@pytest.mark.parametrize("name", sorted(p.name for p in SOURCE_NOTEBOOKS.glob("*.ipynb")))
def test_every_autograded_cell_reads_in_the_release_as_its_visible_part(name):
    """Does each test cell of the instructor's notebook, hidden tests removed, read exactly as the release's cell,
    so that plain nbgrader autograde (which knows the instructor's cells) recognises a stripped one too?"""
    source = nbformat.read(str(SOURCE_NOTEBOOKS / name), as_version=4)
    release = cell_metadata.release_cells(nbformat.read(str(RELEASE_NOTEBOOKS / name), as_version=4))
    for cell in source.cells:
        cell_id = cell_metadata.grade_id(cell)
        if cell_id and cell.metadata["nbgrader"].get("grade") and not cell.metadata["nbgrader"].get("solution"):
            assert cell_metadata.visible_text(cell.source) == cell_metadata.visible_text(release[cell_id].source)


def test_a_submission_with_no_notebook_says_what_it_holds(tmp_path):
    """Does a submission holding only a PDF get one note naming it, and an empty folder left to grade?"""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "my answers.pdf").write_bytes(b"%PDF")
    notes = prepare(folder, RELEASE_NOTEBOOKS)
    assert notes == ["No notebook of the assignment was found in the submission (it holds: my answers.pdf): "
                     "every part scores 0."]
    assert not list(folder.glob("*.ipynb"))


def test_folders_zips_and_notebooks_not_graded_leave_the_grading_copy(tmp_path):
    """After intake, does the copy hold only the graded notebooks and the submission's other top-level files?"""
    folder = tmp_path / "submission"
    (folder / "deep").mkdir(parents=True)
    shutil.copy(SOURCE_NOTEBOOKS / "01_conv1d.ipynb", folder / "deep" / "01_conv1d.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), str(folder / "scratch.ipynb"))
    (folder / "data.csv").write_text("1,2")
    notes = prepare(folder, RELEASE_NOTEBOOKS)
    assert sorted(p.name for p in folder.iterdir()) == ["01_conv1d.ipynb", "data.csv"]
    assert "deep/01_conv1d.ipynb was graded as 01_conv1d.ipynb." in notes
    assert "scratch.ipynb is not part of the assignment: ignored." in notes


def test_the_notes_cell_shows_hostile_names_as_plain_text():
    """Rendered as nbconvert renders feedback, do notes naming files like '<img onerror=...>' and '```' stay text?"""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    notes = ["<img src=x onerror=alert(1)>.ipynb is not part of the assignment: ignored.",
             "```\n<script>alert(2)</script>.ipynb is not part of the assignment: ignored."]
    html = markdown2html_mistune(notes_cell(notes).source)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("minor", [4, 5])
def test_the_notes_go_first_in_every_notebook_which_stays_valid(tmp_path, minor):
    """Does add_notes put the notes cell first in each notebook, an nbformat 4.4 one (no cell ids) included?"""
    from autograder.intake.prepare import NOTES_HEADING, add_notes

    notebook = nbformat.v4.new_notebook()
    notebook.nbformat_minor = minor
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    if minor < 5:
        del notebook.cells[0]["id"]
    nbformat.write(notebook, str(tmp_path / "01_conv1d.ipynb"))
    add_notes(tmp_path, ["01_conv1d (1).ipynb is 01_conv1d.ipynb renamed"])
    written = nbformat.read(str(tmp_path / "01_conv1d.ipynb"), as_version=4)
    nbformat.validate(written)
    assert NOTES_HEADING in written.cells[0].source and written.cells[1].source == "x = 1"
