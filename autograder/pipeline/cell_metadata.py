"""The nbgrader marking of a submission's cells, made what the release says it is.

nbgrader trusts the ``nbgrader`` metadata that a submitted cell carries. A
grade id its gradebook does not know, a marking that is not a dict or lacks a
key, a schema version other than its own: any of these makes it reject the
whole notebook (an old schema version, the whole submission), and a test cell
marked as a solution waits for a manual grade instead of its points. So
:func:`restore` makes every marked cell of a submission the release's cell
again, or plain student code when the release has no such cell, and puts
back a deleted autograded cell. A cell whose marking an editor stripped
(some save no cell metadata at all) is recognised by its text: when it reads
exactly as one of the release's read-only cells, it gets that cell's marking
back. The student's code stays as it is, so each part is graded on what the
code earns.

One rule serves both grading paths:

* ``python -m autograder grade-class`` and ``python -m autograder grade``:
  :func:`autograder.intake.prepare.prepare` applies it to the grading copy
  against the release notebooks and reports each fix;
* plain ``nbgrader autograde``:
  :class:`autograder.pipeline.restore_metadata.RestoreCellMetadata`, the first
  step of the course's sanitize pipeline (``nbgrader_config.py``), applies it
  against the gradebook, which holds the release as ``generate_assignment``
  recorded it, and logs each fix.

This module needs nbformat only (not nbgrader), so that the engine and its
intake run where nbgrader is not installed (the platform exports).
"""
import copy
import re

import nbformat

# nbgrader's records of the released cell, not its marking. OverwriteCells sets
# every cell's checksum from the gradebook (whose checksum of a cell with hidden
# tests differs from the release's), so a checksum needs no repair here; and a
# cell type is checked only when present (an instructor's source notebook,
# handed in as a test, has none).
NOT_COMPARED = {"checksum"}
MAY_BE_MISSING = {"cell_type"}


# nbgrader's markers of the hidden part of a test cell (its ClearHiddenTests' defaults).
HIDDEN_TESTS = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?END HIDDEN TESTS[^\n]*(\n|$)", re.S | re.M)


def cell_text(source):
    """A cell's text as it reads, whatever saved it: one line ending, no trailing spaces, no blank
    lines around it (editors differ in these, a reader does not see them)."""
    text = "".join(source) if isinstance(source, list) else str(source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def visible_text(source):
    """:func:`cell_text` of what a student sees of a cell: the hidden tests removed, as the release has it."""
    text = "".join(source) if isinstance(source, list) else str(source)
    return cell_text(HIDDEN_TESTS.sub("", text.replace("\r\n", "\n")))


def grade_id(cell):
    """A cell's nbgrader id, or None when it has none or its marking is damaged."""
    marking = cell.metadata.get("nbgrader")
    found = marking.get("grade_id") if isinstance(marking, dict) else None
    return found if isinstance(found, str) else None


def is_graded(cell):
    """Whether a cell earns points: nbgrader's ``utils.is_grade``, read by hand (nbgrader is not needed here)."""
    marking = cell.metadata.get("nbgrader")
    return isinstance(marking, dict) and bool(marking.get("grade", False))


def release_cells(notebook):
    """The nbgrader cells of a release notebook, ``{grade id: cell}`` in notebook order."""
    return {grade_id(cell): cell for cell in notebook.cells if grade_id(cell) is not None}


def restore(notebook, release):
    """Make the nbgrader marking of ``notebook``'s cells the release's; returns one line per fix.

    ``release`` is ``{grade id: cell}`` (:func:`release_cells` or
    :func:`autograder.pipeline.restore_metadata.gradebook_cells`). A cell keeps its source: nbgrader itself puts
    back the source of locked cells, and the student's code is what is graded.
    """
    notes = remark_by_text(notebook, release)
    present = set()
    for position, cell in enumerate(notebook.cells, start=1):
        if "nbgrader" not in cell.metadata:
            continue
        marking, name = cell.metadata["nbgrader"], grade_id(cell)
        if name not in release:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {position} carries nbgrader metadata that is not the assignment's "
                         f"({_why_unknown(marking, name)}); it was removed and the cell counts as the student's own.")
        elif name in present:  # a copy: keep the student's code, drop the duplicate marking
            del cell.metadata["nbgrader"]
            notes.append(f"cell {name} appears twice; the copy was graded as ordinary code.")
        else:
            present.add(name)
            wanted = release[name].metadata["nbgrader"]
            changes = _changes(marking, wanted)
            if changes:
                cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(dict(wanted)))
                notes.append(f"cell {name} had its nbgrader metadata changed ({', '.join(changes)}); "
                             "it was restored as released.")
    return notes + put_back(notebook, release)


def remark_by_text(notebook, release):
    """Give a cell without any nbgrader marking the marking of the release's read-only cell it reads
    exactly as (:func:`visible_text`); returns a note when any was given.

    Only locked cells and test cells, whose text the student cannot change,
    are recognised so: a solution cell without its marking is the student's
    code, which is what it is graded as anyway. A release cell is given to
    one cell at most, and not when the notebook still has it marked.
    """
    marked = {grade_id(cell) for cell in notebook.cells} - {None}
    by_text = {}
    for name, cell in release.items():
        marking = cell.metadata.get("nbgrader", {})
        if name not in marked and (marking.get("locked") or marking.get("grade")) and not marking.get("solution"):
            by_text.setdefault((cell.cell_type, visible_text(cell.source)), name)
    remarked = []
    for cell in notebook.cells:
        if "nbgrader" in cell.metadata:
            continue
        name = by_text.pop((cell.cell_type, visible_text(cell.source)), None)
        if name is not None:
            cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(dict(release[name].metadata["nbgrader"])))
            remarked.append(name)
    if not remarked:
        return []
    return [f"{len(remarked)} cell{'s' if len(remarked) > 1 else ''} had no nbgrader metadata (some editors "
            "remove it) and read exactly as the release's: marked as released again."]


def put_back(notebook, release):
    """Put back each autograded cell of ``release`` that ``notebook`` lacks; returns one line per cell.

    A cell goes right after the nearest earlier release cell that is still
    there (at the end when there is none), so that the notebook reads as
    released; its score comes from the engine, wherever it stands.
    """
    notes = []
    present = {grade_id(cell) for cell in notebook.cells} - {None}
    names = list(release)
    for index, name in enumerate(names):
        if name in present or not is_graded(release[name]):
            continue
        earlier = [n for n in names[:index] if n in present]
        position = len(notebook.cells) if not earlier else 1 + next(
            i for i, cell in enumerate(notebook.cells) if grade_id(cell) == earlier[-1])
        released = release[name]
        new_cell = nbformat.v4.new_code_cell if released.cell_type == "code" else nbformat.v4.new_markdown_cell
        notebook.cells.insert(position, new_cell(released.source, metadata=copy.deepcopy(dict(released.metadata))))
        present.add(name)
        notes.append(f"the autograded cell {name} was missing (deleted, or its id changed); it was put back.")
    return notes


def _why_unknown(marking, name):
    if not isinstance(marking, dict):
        return "not a dict"
    return "no grade id" if name is None else f"unknown id {name}"


def _changes(marking, wanted):
    """What differs between a cell's marking and the release's, e.g. ``points 100.0 instead of 4.5``."""
    changes = []
    for key in sorted((set(marking) | set(wanted)) - NOT_COMPARED):
        if key not in marking:
            if key not in MAY_BE_MISSING:
                changes.append(f"{key} missing")
        elif key not in wanted:
            changes.append(f"{key} added")
        elif not _same(marking[key], wanted[key]):
            changes.append(f"{key} {_short(marking[key])} instead of {_short(wanted[key])}")
    return changes


def _same(value, wanted):
    # In Python 1 == True, but nbgrader's schema takes only a real boolean.
    return value == wanted and isinstance(value, bool) == isinstance(wanted, bool)


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
