"""Tidy a submission before nbgrader sees it, and say what was tidied.

nbgrader gives up on a whole submission for things a student does by
accident or on purpose: a notebook that is not valid JSON, a notebook
renamed, cell metadata that is not what the release has (a cell duplicated
with its nbgrader metadata, a grade id nbgrader does not know, a test cell
marked as a solution, ...). And an autograded cell the student deleted
simply scores 0. Each fix here works on the grading copy only (never on the
submission itself) and keeps the student's own code, so the grades are what
the code honestly earns; each fix is reported. The cell metadata rule is
:mod:`autograder.pipeline.cell_metadata`, which plain ``nbgrader autograde`` applies
too.
"""
from pathlib import Path

import nbformat

from autograder.pipeline.cell_metadata import grade_id, release_cells, restore


def _read(path):
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        return notebook
    except Exception:  # anything nbformat cannot read is "not a notebook" to the student
        return None


def _set_aside_unreadable(folder, expected, notes):
    for path in sorted(folder.glob("*.ipynb")):
        if _read(path) is None:
            path.rename(path.with_suffix(".ipynb.unreadable"))
            what = "" if path.name in expected else " (not part of the assignment)"
            notes.append(f"{path.name} is not a valid notebook (damaged JSON?){what}: it was not graded.")


def _rename_back(folder, expected, notes):
    present = {p.name for p in folder.glob("*.ipynb")}
    missing = [name for name in expected if name not in present]
    for path in sorted(folder.glob("*.ipynb")):
        if path.name in expected:
            continue
        ids = {grade_id(c) for c in _read(path).cells} - {None}
        match = [name for name in missing if ids & expected[name]]
        if len(match) == 1:
            path.rename(folder / match[0])
            missing.remove(match[0])
            notes.append(f"{path.name} is {match[0]} renamed: graded as {match[0]}.")
        else:
            notes.append(f"{path.name} is not part of the assignment: ignored.")
    for name in missing:
        notes.append(f"{name} is missing: its parts score 0.")


def _repair_cells(path, release_notebook, notes):
    notebook = _read(path)
    fixes = restore(notebook, release_cells(release_notebook))
    if fixes:
        nbformat.write(notebook, str(path))
        notes.extend(f"{path.name}: {fix}" for fix in fixes)


def tidy(folder, release):
    """Tidy the submission copy in ``folder`` against the release folder; returns the report lines."""
    folder, release = Path(folder), Path(release)
    release_notebooks = {p.name: nbformat.read(str(p), as_version=4) for p in sorted(release.glob("*.ipynb"))}
    expected = {name: {grade_id(c) for c in nb.cells} - {None} for name, nb in release_notebooks.items()}
    notes = []
    _set_aside_unreadable(folder, expected, notes)
    _rename_back(folder, expected, notes)
    for name, notebook in release_notebooks.items():
        if (folder / name).is_file():
            _repair_cells(folder / name, notebook, notes)
    return notes
