"""The grading copy of a submission, laid out as released, and what was done to it in words.

:func:`prepare` turns the copy of one submission into a folder that holds
the release's notebooks under their own names, top level, as nbgrader and
the engine expect: the notebooks are found wherever the submission put them
(:mod:`autograder.intake.finding`), recognised and matched to the release
(:mod:`autograder.intake.identify`), and each one's nbgrader cell metadata
is made the release's (:mod:`autograder.pipeline.cell_metadata`), because
nbgrader refuses a whole notebook, or a whole submission, over metadata it
cannot place. The student's code is never changed, so the grades are what it
honestly earns. The copy keeps the submission's other top-level files
(nbgrader's ``timestamp.txt``, for late penalties); its folders, zip files
and the notebooks not graded are removed from it. Every step is said in the
notes it returns; :func:`notes_cell` puts them in front of the student.
"""
import shutil
import tempfile
import textwrap
from pathlib import Path

import nbformat

from autograder.intake import finding, identify
from autograder.pipeline.cell_metadata import release_cells, restore


def read_notebook(path):
    """The notebook at ``path``, or None when nbformat cannot read it as a valid notebook."""
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        return notebook
    except Exception:  # anything nbformat cannot read is "not a notebook" to the student
        return None


def release_notebooks(release):
    """``{file name: NotebookNode}`` of the release folder's notebooks."""
    return {p.name: nbformat.read(str(p), as_version=4) for p in sorted(Path(release).glob("*.ipynb"))}


def _clear(folder):
    """Remove what the graded copy must not hold: folders, links, notebooks and zip files."""
    for entry in sorted(Path(folder).iterdir()):
        if entry.is_symlink() or entry.is_file() and entry.suffix.lower() in (".ipynb", ".zip"):
            entry.unlink()
        elif entry.is_dir():
            shutil.rmtree(entry)


def _nothing_found(contents):
    held = ", ".join(contents.others[:8]) + (f" and {len(contents.others) - 8} more" if len(contents.others) > 8
                                            else "")
    return ("No notebook of the assignment was found in the submission"
            + (f" (it holds: {held})" if held else " (it is empty)") + ": every part scores 0.")


def prepare(folder, release):
    """Lay out the submission copy in ``folder`` as the release folder ``release`` is; returns the notes.

    Afterwards ``folder`` holds, top level, each release notebook that the
    submission was found to hold (under the release's name, its cell
    metadata the release's) and the submission's other top-level files.
    """
    folder = Path(folder)
    released = release_notebooks(release)
    described = identify.Release.of(released)
    with tempfile.TemporaryDirectory(prefix="convkit-intake-") as scratch:
        scratch = Path(scratch)
        (scratch / "zips").mkdir()
        contents = finding.find(folder, scratch / "zips")
        notes, files = list(contents.notes), []
        for found in contents.notebooks:
            notebook = read_notebook(found.path)
            if notebook is None:
                what = "" if found.file_name in released else " (not part of the assignment)"
                notes.append(f"{found.shown} is not a valid notebook (damaged JSON?){what}: it was not graded.")
            else:
                files.append((found, identify.evidence(notebook, found.file_name, described)))
        chosen, matched = identify.match(files, described)
        notes += matched
        staged = scratch / "chosen"
        staged.mkdir()
        for name, found in chosen.items():
            shutil.copy2(found.path, staged / name)
        _clear(folder)
        for name in chosen:
            shutil.move(str(staged / name), str(folder / name))
    if not chosen:
        return notes + [_nothing_found(contents)]
    notes += [f"{name} is missing: its parts score 0." for name in released if name not in chosen]
    for name in chosen:
        notes += _repair_cells(folder / name, released[name])
    return notes


def recognise(path, release):
    """Which release notebook the one notebook file ``path`` is: ``(release name or None, notes)``.

    None when it cannot be read or is not recognised as exactly one of them.
    """
    path = Path(path)
    notebook = read_notebook(path)
    if notebook is None:
        return None, []
    described = identify.Release.of(release_notebooks(release))
    found = finding.Found(path, finding.shown(path.name), path.stat().st_mtime, 0)
    names, how = identify.candidates(identify.evidence(notebook, path.name, described), described)
    if len(names) != 1:
        return None, []
    return names[0], identify.placed_note(found, names[0], how)


def repair_cells(path, release):
    """Make the nbgrader metadata of the notebook ``path`` that of the release folder's notebook of
    the same name; returns the notes."""
    return _repair_cells(Path(path), nbformat.read(str(Path(release) / Path(path).name), as_version=4))


def _repair_cells(path, release_notebook):
    notebook = nbformat.read(str(path), as_version=4)
    fixes = restore(notebook, release_cells(release_notebook))
    if fixes:
        nbformat.write(notebook, str(path))
    return [f"{path.name}: {fix}" for fix in fixes]


NOTES_HEADING = "Notes from collecting your submission"
NOTE_WIDTH = 88  # characters per line of the notes cell: a code block does not wrap in the feedback page


def notes_cell(notes):
    """A markdown cell that lists ``notes`` for the student's feedback and the instructor's view.

    The notes hold names the student chose, so they are shown as plain text
    in a fenced block, which Markdown renders literally (no HTML, no links):
    the fence is longer than any run of backticks in the text.
    """
    text = "\n".join(textwrap.fill(finding.shown(note, longest=2000), NOTE_WIDTH, initial_indent="- ",
                                    subsequent_indent="  ", break_long_words=True, break_on_hyphens=False)
                      for note in notes)
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return nbformat.v4.new_markdown_cell(f"**{NOTES_HEADING}** (the grader's intake):\n\n{fence}text\n{text}\n{fence}")


def add_notes(folder, notes):
    """Put :func:`notes_cell` first in every notebook of ``folder`` (nothing when there are no notes)."""
    if not notes:
        return
    for path in sorted(Path(folder).glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        cell = notes_cell(notes)
        if notebook.nbformat_minor < 5:  # cell ids came with nbformat 4.5: an older notebook must not have one
            del cell["id"]
        notebook.cells.insert(0, cell)
        nbformat.write(notebook, str(path))


def _longest_backtick_run(text):
    longest = current = 0
    for character in text:
        current = current + 1 if character == "`" else 0
        longest = max(longest, current)
    return longest
