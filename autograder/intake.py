"""Tidy a submission before nbgrader sees it, and say what was tidied.

nbgrader gives up on a whole submission for things a student does by
accident: a notebook that is not valid JSON, a cell duplicated with its
nbgrader metadata, a notebook renamed. And an autograded cell the student
deleted simply scores 0. Each fix here works on the grading copy only
(never on the submission itself) and keeps the student's own code, so the
grades are what the code honestly earns; each fix is reported.
"""
import copy
import json
from pathlib import Path

import nbformat


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


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
        ids = {_grade_id(c) for c in _read(path).cells} - {None}
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
    changed = False
    seen = set()
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if grade_id is None:
            continue
        if grade_id in seen:  # a copy: keep the student's code, drop the duplicate marking
            del cell.metadata["nbgrader"]
            notes.append(f"{path.name}: cell {grade_id} appears twice; the copy was graded as ordinary code.")
            changed = True
        seen.add(grade_id)
    release_cells = release_notebook.cells
    for index, cell in enumerate(release_cells):
        grade_id = _grade_id(cell)
        if grade_id is None or grade_id in seen or not cell.metadata["nbgrader"].get("grade"):
            continue
        # Put the autograded cell back after the nearest earlier cell that is still there.
        earlier = [_grade_id(c) for c in release_cells[:index] if _grade_id(c) in seen]
        position = len(notebook.cells) if not earlier else 1 + max(
            i for i, c in enumerate(notebook.cells) if _grade_id(c) == earlier[-1])
        notebook.cells.insert(position, copy.deepcopy(cell))
        seen.add(grade_id)
        notes.append(f"{path.name}: the autograded cell {grade_id} was deleted; it was put back.")
        changed = True
    if changed:
        nbformat.write(notebook, str(path))


def tidy(folder, release):
    """Tidy the submission copy in ``folder`` against the release folder; returns the report lines."""
    folder, release = Path(folder), Path(release)
    release_notebooks = {p.name: nbformat.read(str(p), as_version=4) for p in sorted(release.glob("*.ipynb"))}
    expected = {name: {_grade_id(c) for c in nb.cells} - {None} for name, nb in release_notebooks.items()}
    notes = []
    _set_aside_unreadable(folder, expected, notes)
    _rename_back(folder, expected, notes)
    for name, notebook in release_notebooks.items():
        if (folder / name).is_file():
            _repair_cells(folder / name, notebook, notes)
    return notes
