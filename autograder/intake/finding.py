"""Where a submission's notebooks are: its folder, one or two folders down, and its zip files.

:func:`find` lists every notebook file the submission holds as a
:class:`Found`, wherever it was put: ``conv_backprop/conv_backprop/`` (a zip
of the folder unpacked as it is) or inside a ``.zip`` (unpacked, its
notebooks only, into a scratch folder by :mod:`autograder.intake.unzip`).
What is not looked at is said in a note: a symbolic link (never followed:
it could point at anything on the grader's machine), a notebook too deep or
too large, a zip over the limits. Jupyter's checkpoints, macOS's
``__MACOSX`` folders and other hidden files are not the student's work and
are skipped without a word.
"""
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.config import limit
from autograder.intake import unzip

FOLDERS_DOWN = 2            # notebooks are looked for this many folders below the submission's (and in a zip)
ENTRIES_LOOKED_AT = 10_000  # files and folders of a submission looked at, at most
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__"}  # and every hidden folder (.ipynb_checkpoints, .git, ...)
NOTEBOOK = ".ipynb"


@dataclass(frozen=True)
class Found:
    """One notebook file of a submission."""
    path: Path      # where intake reads it: in the grading copy, or unpacked from a zip
    shown: str      # how the submission names it: "02_conv2d (1).ipynb", "work/02_conv2d.ipynb", "a.zip: 02.ipynb"
    mtime: float    # when it was last saved (for a zip's notebook: the time the zip records)
    depth: int      # folders between the submission's own folder and the file (a zip counts as one)

    @property
    def file_name(self):
        """The file's own name, without its folders: ``02_conv2d.ipynb``."""
        return PurePosixPath(self.shown.rsplit(": ", 1)[-1]).name


def shown(name, longest=120):
    """A name the student chose, safe to print and to put in a note: no control characters, not too long."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", str(name))
    return text if len(text) <= longest else text[:longest - 3] + "..."


def _hidden(name):
    return name.startswith(".") or name in SKIPPED_FOLDERS


def is_notebook_entry(path):
    """Is this path inside a zip a notebook intake looks at (not hidden, not too deep)?"""
    parts = path.parts
    return (path.suffix.lower() == NOTEBOOK and not path.name.startswith("._")
            and len(parts) - 1 <= FOLDERS_DOWN and not any(_hidden(part) for part in parts[:-1]))


@dataclass
class Contents:
    """What :func:`find` saw: the notebooks, the other files' names, and the notes."""
    notebooks: list
    others: list
    notes: list


def _walk(folder, prefix, depth, seen, contents):
    """Yield ``(entry, shown name, depth)`` for each file; folders deeper than FOLDERS_DOWN are not entered."""
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        seen[0] += 1
        if seen[0] > ENTRIES_LOOKED_AT:
            if seen[0] == ENTRIES_LOOKED_AT + 1:
                contents.notes.append(f"The submission holds more than {ENTRIES_LOOKED_AT} files and folders: "
                                      "only the first were looked at.")
            return
        name = prefix + entry.name
        if entry.is_symlink():
            if not _hidden(entry.name):
                contents.notes.append(f"{shown(name)} is a symbolic link: it was not followed.")
            continue
        if entry.is_dir(follow_symlinks=False):
            if _hidden(entry.name):
                continue
            if depth < FOLDERS_DOWN:
                yield from _walk(entry.path, name + "/", depth + 1, seen, contents)
            else:
                _say_too_deep(entry.path, name, contents)
        elif entry.is_file(follow_symlinks=False) and not entry.name.startswith("._"):
            yield entry, name, depth


def _say_too_deep(folder, name, contents):
    """Name the notebooks right inside a folder that is too deep to be looked into."""
    try:
        with os.scandir(folder) as scan:
            deep = sorted(e.name for e in scan if e.name.lower().endswith(NOTEBOOK) and not e.name.startswith("."))
    except OSError:
        return
    for notebook in deep[:5]:
        contents.notes.append(f"{shown(name + '/' + notebook)} is more than {FOLDERS_DOWN} folders down: "
                              "it was not looked at.")


def _unzip(entry, name, depth, scratch, budget, contents):
    """The notebooks of one zip file, or a note saying why it was not unpacked."""
    folder = Path(scratch) / f"zip{len(list(Path(scratch).iterdir()))}"
    folder.mkdir()
    try:
        unpacked = unzip.unpack_notebooks(entry.path, folder, budget, is_notebook_entry)
    except unzip.Refused as why:
        contents.notes.append(f"{shown(name)} was not unpacked: {why}.")
        contents.others.append(shown(name))
        return
    contents.notebooks += [Found(path, shown(f"{name}: {inside}"), saved, depth + 1 + inside.count("/"))
                           for path, inside, saved in unpacked]


def find(folder, scratch):
    """Every notebook of the submission copy in ``folder``, and what else it holds.

    Parameters
    ----------
    folder : Path
        The grading copy of one submission.
    scratch : Path
        An empty folder of the grader's for what zip files unpack to.

    Returns
    -------
    Contents
        ``notebooks``: a :class:`Found` per notebook file, in the order of their names;
        ``others``: the names of the other files (for a note when no notebook is found);
        ``notes``: what was not looked at, and why.
    """
    contents = Contents([], [], [])
    budget = unzip.Budget.for_submission()
    largest = int(limit("CONVKIT_SUBMISSION_MB") * 1024 * 1024)
    for entry, name, depth in _walk(folder, "", 0, [0], contents):
        lowered = entry.name.lower()
        size = entry.stat(follow_symlinks=False).st_size
        if lowered.endswith(NOTEBOOK):
            if size > largest:
                contents.notes.append(f"{shown(name)} is {unzip.megabytes(size)}, over the "
                                      f"{unzip.megabytes(largest)} that intake reads: it was not graded.")
            else:
                contents.notebooks.append(Found(Path(entry.path), shown(name),
                                                entry.stat(follow_symlinks=False).st_mtime, depth))
        elif lowered.endswith(".zip"):
            _unzip(entry, name, depth, scratch, budget, contents)
        else:
            contents.others.append(shown(name))
    return contents
