"""Validate notebooks without nbgrader, as nbgrader's "Validate" button does.

From the assignment folder::

    python -m convkit.validate 01_conv1d.ipynb
    python -m convkit.validate *.ipynb

Each notebook runs from top to bottom in a fresh kernel (the notebook's own,
started in the notebook's folder, so it uses this folder's ``convkit``), as
nbgrader's Validate runs it. Then every autograded cell (an nbgrader grade
cell) whose output holds an error or text on stderr has failed, as nbgrader
counts it (``nbgrader.utils.determine_grade``); each is named with its points
and what it said. The autograded cells run the notebook's worked example, so
a notebook passes once its functions are written and right on it; the hidden
tests, which grade fresh random cases, run only when the notebook is
collected.

The notebook file is only read, never changed. The command exits with 0 when
every notebook passes and 1 when one fails. It needs ``nbformat`` and
``nbclient``, which come with JupyterLab; the rest of ``convkit`` needs only
NumPy and matplotlib.
"""
import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

# Seconds each cell may run while validating. Notebook 05 trains the tiny CNN on
# the student's layer, which takes tens of seconds with loop code on a laptop:
# nbgrader's own default (30 s) would cut it off. The release's nbgrader_config.py
# gives nbgrader's Validate the same limit.
CELL_SECONDS = 600
SUCCESS = "Success! Your notebook passes all the visible checks of its autograded cells."
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class FailedCell:
    """An autograded cell that failed: its grade id, its points and what it said."""

    grade_id: str
    points: float
    message: str


def _grading(cell):
    """The cell's nbgrader marking if it is an autograded (grade) code cell, else None."""
    marking = cell.get("metadata", {}).get("nbgrader", {})
    if cell.cell_type == "code" and isinstance(marking, dict) and marking.get("grade"):
        return marking
    return None


def _said(output):
    """What an error or stderr output says, as plain text."""
    if output.output_type == "error":
        return ANSI_ESCAPE.sub("", f"{output.ename}: {output.evalue}").strip()
    return output.text.strip()


def _score(output):
    """The number an execute_result shows, or None (nbgrader reads it as the cell's score)."""
    try:
        return float(output.get("data", {}).get("text/plain", ""))
    except ValueError:
        return None


def failed_cells(notebook):
    """The autograded cells of an executed notebook that nbgrader's Validate would report as failed.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook whose cells have run (their outputs are there).

    Returns
    -------
    failed : list of FailedCell
        In notebook order: a grade cell fails when an output is an error or
        text on stderr, or when it shows a score below its points.
    """
    failed = []
    for cell in notebook.cells:
        marking = _grading(cell)
        if marking is None:
            continue
        points = float(marking.get("points", 0.0))
        said = [_said(o) for o in cell.get("outputs", []) if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
        scores = [_score(o) for o in cell.get("outputs", []) if o.output_type == "execute_result"]
        if not said and scores and scores[-1] is not None and scores[-1] < points:
            said = [f"partial credit: {scores[-1]:g} of {points:g} points"]
        if said:
            failed.append(FailedCell(marking.get("grade_id", "?"), points, "\n".join(said)))
    return failed


def execute(path, timeout=CELL_SECONDS):
    """Run a copy of the notebook at ``path`` top to bottom, in its folder, as nbgrader's Validate does.

    Parameters
    ----------
    path : str or Path
        The notebook file; it is read, not written.
    timeout : float
        Seconds each cell may run.

    Returns
    -------
    notebook : nbformat.NotebookNode
        The executed copy. A cell that raises does not stop the run.
    """
    path = Path(path).resolve()
    notebook = nbformat.read(str(path), as_version=4)
    previous = {name: os.environ.get(name) for name in ("NBGRADER_VALIDATING", "NBGRADER_EXECUTION")}
    os.environ.update(NBGRADER_VALIDATING="1", NBGRADER_EXECUTION="validate")  # what nbgrader sets
    try:
        NotebookClient(notebook, timeout=timeout, allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook


def validate(path, timeout=CELL_SECONDS):
    """Run the notebook at ``path`` and return its failed autograded cells (empty when it passes).

    Parameters
    ----------
    path : str or Path
        The notebook file.
    timeout : float
        Seconds each cell may run.

    Returns
    -------
    failed : list of FailedCell
    """
    return failed_cells(execute(path, timeout))


def report(name, failed):
    """The lines printed for one notebook: the success line, or each failed cell and what it said."""
    if not failed:
        return [f"{name}: {SUCCESS}"]
    lines = [f"{name}: {len(failed)} autograded cell{'s' if len(failed) > 1 else ''} failed "
             "(Validate fails while a cell's visible check fails):"]
    for cell in failed:
        lines.append(f"  {cell.grade_id} ({cell.points:g} points):")
        lines += [f"    {line}" for line in cell.message.splitlines()]
    return lines


def main(argv=None):
    """Validate the notebooks named on the command line; 0 if all pass, 1 if not."""
    parser = argparse.ArgumentParser(prog="python -m convkit.validate", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="the notebook files to validate")
    parser.add_argument("--timeout", type=float, default=CELL_SECONDS,
                        help=f"seconds each cell may run (default {CELL_SECONDS})")
    options = parser.parse_args(argv)
    passed = True
    for path in options.notebooks:
        try:
            failed = validate(path, options.timeout)
        except (CellTimeoutError, DeadKernelError) as error:
            print(f"{path.name}: the notebook did not run to the end: {str(error).splitlines()[0]}")
            passed = False
            continue
        print("\n".join(report(path.name, failed)))
        passed = passed and not failed
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
