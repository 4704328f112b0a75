"""The instructor's build steps, one function each.

* :func:`generate_release`: nbgrader's ``generate_assignment`` turns
  ``source/conv_backprop`` into the student release ``assignments/conv_backprop``.
* :func:`autograder.course.diagnoses.write`: what each catalogued mistake
  answers on the notebooks' visible inputs, as data for their checks
  (``convkit/diagnoses.json``), computed from the hidden reference.
* :func:`copy_helpers`: the release gets its own copy of the ``convkit``
  helpers, a short requirements file and an ``nbgrader_config.py`` for
  Validate, so it runs on its own (a zip from the course site is enough).
* :func:`build_worked_solutions`: the executed, solved notebooks for
  self-learners in ``solutions/worked/conv_backprop``, without nbgrader's
  markers or hidden tests.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader import utils

from autograder.config import ASSIGNMENT, RELEASE_FOLDER, ROOT
from autograder.course import diagnoses
from convkit.validate import CELL_SECONDS

STUDENT_PACKAGES = ("numpy", "matplotlib", "jupyterlab", "ipykernel")
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def nbgrader(root, *args, env=None):
    """Run an nbgrader command in the course root (``env``: extra variables); raise with its output if it fails."""
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / "nbgrader"), *args]
    # nbgrader runs the `alembic` script of its own environment by name.
    env = dict(os.environ, **(env or {}), PATH=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[1:])} failed:\n{done.stdout}\n{done.stderr}")
    return done


def generate_release(root=ROOT):
    """Regenerate ``assignments/conv_backprop`` from the source notebooks."""
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force", "--log-level=WARN")
    return Path(root) / RELEASE_FOLDER / ASSIGNMENT


def copy_helpers(release, root=ROOT):
    """Copy the convkit package and a student requirements file into the release."""
    release = Path(release)
    target = release / "convkit"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(Path(root) / "convkit", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pins = [line for line in (Path(root) / "requirements.txt").read_text().splitlines()
            if line.split("==")[0].lower() in STUDENT_PACKAGES]
    (release / "requirements.txt").write_text(
        "# What the notebooks need: pip install -r requirements.txt, then jupyter lab\n" + "\n".join(pins) + "\n")
    (release / "nbgrader_config.py").write_text(VALIDATE_CONFIG.format(seconds=CELL_SECONDS))


# nbgrader's Validate button reads nbgrader_config.py from the folder Jupyter was
# started in. Its default limit of 30 s per cell would stop notebook 05's training.
VALIDATE_CONFIG = """\
# nbgrader's Validate reads this file when Jupyter is started in this folder.
# Notebook 05 trains a tiny CNN on your layer, which can take longer than
# nbgrader's default of 30 seconds per cell; this gives each cell {seconds} s,
# as `python -m convkit.validate` does.
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.Execute.timeout = {seconds}
"""


def build_release(root=ROOT):
    # The notebooks' checks name mistakes from data computed here, from the hidden reference.
    diagnoses.write(Path(root) / "convkit" / diagnoses.DIAGNOSES_FILE.name)
    release = generate_release(root)
    copy_helpers(release, root)
    return release


def worked_solution(notebook):
    """A solved notebook without nbgrader's solution markers and hidden-test cells."""
    cells = []
    for cell in notebook.cells:
        if utils.is_grade(cell) and cell.cell_type == "code":
            continue  # the hidden tests belong to grading, not to the worked solution
        if cell.cell_type == "code":
            cell.source = "\n".join(line for line in cell.source.splitlines() if not MARKER.match(line))
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    notebook.cells = cells
    return notebook


def build_worked_solutions(root=ROOT, timeout=600):
    """Execute every source notebook, solved, into ``solutions/worked/conv_backprop``."""
    source = Path(root) / "source" / ASSIGNMENT
    target = Path(root) / "solutions" / "worked" / ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.ipynb")):
        notebook = worked_solution(nbformat.read(str(path), as_version=4))
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(target)}}).execute()
        nbformat.write(notebook, str(target / path.name))
        written.append(target / path.name)
    return written
