"""The notebooks inside a submission's zip file, unpacked into a scratch folder within limits.

Only the zip's ``.ipynb`` entries are unpacked, each under a name of the
kit's own, so an entry named ``../../x.ipynb`` lands nowhere but in the
scratch folder. A zip is unpacked only when it keeps to the limits of
:mod:`autograder.config`: at most ``CONVKIT_ZIP_ENTRIES`` entries, and
notebooks that unpack to no more than what is left of the submission's
``CONVKIT_SUBMISSION_MB``. The sizes a zip declares are checked before
anything is written and held to while unpacking, so a zip bomb (a small file
that claims, or turns out, to unpack to gigabytes) is reported and leaves
nothing behind.
"""
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.config import limit

CHUNK = 1 << 20


@dataclass
class Budget:
    """Bytes a submission may still unpack (``CONVKIT_SUBMISSION_MB`` for all of its zip files)."""
    remaining: int

    @classmethod
    def for_submission(cls):
        return cls(int(limit("CONVKIT_SUBMISSION_MB") * 1024 * 1024))


class Refused(Exception):
    """Why a zip file is not unpacked, in words for the notes."""


def megabytes(size):
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} kB"


def _entry_time(info):
    """When the entry's file was last saved, as the zip records it (local time, no zone)."""
    try:
        return time.mktime(info.date_time + (0, 0, -1))
    except (OverflowError, ValueError):
        return 0.0


def _notebook_entries(archive, wanted):
    """The entries worth unpacking: notebooks no more than ``FOLDERS_DOWN`` folders deep, not hidden."""
    entries = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or not wanted(path):
            continue
        entries.append((info, path))
    return entries


def _checked(archive, entries, budget):
    """Refuse the zip before anything is written when it breaks a limit or cannot be read."""
    total_entries = len(archive.infolist())
    allowed = int(limit("CONVKIT_ZIP_ENTRIES"))
    if total_entries > allowed:
        raise Refused(f"it holds {total_entries} entries (the limit is {allowed})")
    declared = sum(info.file_size for info, _ in entries)
    if declared > budget.remaining:
        raise Refused(f"its notebooks would unpack to {megabytes(declared)} "
                      f"(the limit is {megabytes(budget.remaining)}): a zip bomb, or too large")
    if any(info.flag_bits & 0x1 for info, _ in entries):
        raise Refused("it is encrypted")


def _unpack_entry(archive, info, target, budget):
    """Unpack one entry, holding it to the size it declares and to the budget."""
    written = 0
    with archive.open(info) as source, open(target, "wb") as out:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > info.file_size or written > budget.remaining:
                raise Refused("it unpacks to more than it declares: a zip bomb")
            out.write(chunk)
    budget.remaining -= written


def unpack_notebooks(path, scratch, budget, wanted):
    """Unpack the notebooks of the zip file ``path`` into the empty folder ``scratch``.

    Parameters
    ----------
    path : Path
        The zip file, in the grading copy.
    scratch : Path
        An empty folder of the grader's, where the notebooks are written as ``0.ipynb``, ``1.ipynb``, ...
    budget : Budget
        What the submission may still unpack; lowered by what is unpacked.
    wanted : callable
        ``wanted(PurePosixPath of an entry) -> bool``: which entries are notebooks to look at.

    Returns
    -------
    list of (Path, str, float)
        For each notebook unpacked: where it is, its name inside the zip, and the time the zip records.

    Raises
    ------
    Refused
        The zip is not unpacked (damaged, encrypted, over a limit); ``scratch`` is left empty.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = _notebook_entries(archive, wanted)
            _checked(archive, entries, budget)
            unpacked = []
            for number, (info, inside) in enumerate(entries):
                target = Path(scratch) / f"{number}.ipynb"
                _unpack_entry(archive, info, target, budget)
                unpacked.append((target, str(inside), _entry_time(info)))
            return unpacked
    except Refused:
        _empty(scratch)
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError) as error:  # a damaged or unusual zip is the student's file, not the grader's failure
        _empty(scratch)
        raise Refused(f"it is not a zip file that can be read ({type(error).__name__})") from None


def _empty(folder):
    for child in Path(folder).iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
