"""A figure shows in Jupyter wherever it is drawn, once; outside Jupyter nothing is shown."""
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

SETUP = "import numpy as np\nfrom convkit.figures import conv1d as conv1d_figures\nx, w = np.arange(5.0), np.ones(2)\n"
DRAW = "conv1d_figures.sliding_window(x, w, 0.5)"


def _images_per_cell(cells):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    return [sum("image/png" in output.get("data", {}) for output in cell.outputs) for cell in notebook.cells]


def test_a_figure_shows_once_wherever_a_cell_draws_it():
    """Does a figure show once as a cell's value, inside an if, in a loop, in a function, when assigned,
    and again when a later cell asks for it, and never twice in one cell?"""
    cells = [SETUP,
             DRAW,
             f"if x.size > 1:\n    {DRAW}\nelse:\n    pass",
             f"for _ in range(2):\n    {DRAW}",
             f"def lesson():\n    {DRAW}\n    return 'done'\nlesson()",
             f"fig = {DRAW}",
             "fig",
             f"figs = [{DRAW}, {DRAW}]\nfigs[0]"]
    assert _images_per_cell(cells) == [0, 1, 1, 2, 1, 1, 1, 2]


def test_outside_jupyter_a_figure_is_drawn_without_ipython():
    """Does drawing a figure in a plain Python process (a script, the grader) leave IPython unimported?"""
    code = (SETUP + f"fig = {DRAW}\nimport sys\nprint(type(fig).__mro__[1].__name__, 'IPython' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["Figure", "False"]
