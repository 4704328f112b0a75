"""The grader runs a submission exactly as Python would: a file as an imported
module, a notebook's cells top to bottom. Correct code in any form Python
allows earns full marks; code that raises is named, and the rest still runs."""
from pathlib import Path

import nbformat
import pytest

from autograder.engine.grade import grade
from autograder.engine.source import load_source

ROOT = Path(__file__).resolve().parents[3]
FORMS = ROOT / "tests" / "students" / "forms"
RELEASE_01 = ROOT / "assignments" / "conv_backprop" / "01_conv1d.ipynb"
CORE = (FORMS / "conv1d_core.py").read_text()
FORWARD = ("def conv1d_forward(x, w, b):\n    k = len(w)\n"
           "    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)]) + b\n")
BACKWARD = ("def conv1d_backward(dy, x, w):\n    k = len(w)\n    dx, dw = np.zeros_like(x), np.zeros_like(w)\n"
            "    for i, g in enumerate(dy):\n        dx[i:i + k] += g * w\n        dw += g * x[i:i + k]\n"
            "    return dx, dw, float(np.sum(dy))\n")


def _grade_1d(path):
    report, results = grade(path, seed=3, parts=["1d"], part_timeout=20)
    return report["parts"]["1d"], results["1d"]


@pytest.mark.parametrize("form", sorted(p.name for p in FORMS.glob("form_*.py")))
def test_every_way_python_binds_a_name_earns_full_marks(form):
    """Does a correct layer bound by tuple unpacking, a bound method, a lambda, partial, try/if blocks,
    globals(), exec, a decorator, a callable object, a dataclass, match, with, a module __getattr__
    or a star import earn full marks, with no feedback?"""
    part, _ = _grade_1d(FORMS / form)
    assert part["score"] == part["max_score"], part["feedback"]
    assert part["feedback"] == []


def _release_notebook(tmp_path, solutions, extra_cells=(), name="01_conv1d.ipynb"):
    """The real release notebook 01 with its solution cells replaced (in order) and cells appended."""
    notebook = nbformat.read(str(RELEASE_01), as_version=4)
    cells = iter(solutions)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = next(cells)
    for index, code in extra_cells:
        notebook.cells.insert(index, nbformat.v4.new_code_cell(code))
    path = tmp_path / name
    nbformat.write(notebook, str(path))
    return path


def test_a_notebook_runs_the_setup_cell_its_functions_read_and_not_the_test_cells(tmp_path):
    """Are the setup cell (for np) and the student's cells chosen, and no autograded test cell?"""
    path = _release_notebook(tmp_path, [FORWARD, BACKWARD])
    source = load_source(path, ["conv1d_forward", "conv1d_backward"])
    code = "\n".join(cell.code for cell in source.cells)
    assert "import numpy as np" in code and "def conv1d_forward" in code and "def conv1d_backward" in code
    assert "earned(" not in code and "autograder" not in code
    assert "figures.sliding_window" not in code   # a figure cell that no student code reads


def test_a_notebook_cell_that_a_student_cell_reads_runs_with_what_it_reads(tmp_path):
    """Does a student cell that reads the worked example's arrays pull in that cell and the setup cell?"""
    path = _release_notebook(tmp_path, [FORWARD, BACKWARD], [(-1, "mine = conv1d_forward(x_example, w_example, 0.0)")])
    code = "\n".join(cell.code for cell in load_source(path, ["conv1d_forward"]).cells)
    assert "x_example = np.array" in code and "import numpy as np" in code


def test_a_name_a_student_cell_binds_itself_pulls_in_no_other_cell(tmp_path):
    """Does `except ... as error` in a student cell leave out the notebook's check cell that also binds `error`?"""
    mine = "try:\n    1 / 0\nexcept ZeroDivisionError as error:\n    print(error)"
    path = _release_notebook(tmp_path, [FORWARD, BACKWARD], [(-1, mine)])
    code = "\n".join(cell.code for cell in load_source(path, ["conv1d_forward"]).cells)
    assert "check_layer_gradients(" not in code and "except ZeroDivisionError as error" in code


def test_a_cell_that_raises_is_named_and_the_next_cells_still_run(tmp_path):
    """Does a raising cell of the student's appear in the feedback by number, with the functions after it graded?"""
    path = _release_notebook(tmp_path, ["def conv1d_forward(x, w, b):\n    raise NotImplementedError\n", BACKWARD],
                             [(-1, "ratio = 1 / 0"), (-1, FORWARD)])
    part, result = _grade_1d(path)
    assert part["score"] == part["max_score"]
    text = " ".join(part["feedback"])
    assert "ZeroDivisionError" in text and "ratio = 1 / 0" in text
    cell = next(c.label for c in load_source(path, ["conv1d_forward"]).cells if "1 / 0" in c.code)
    assert cell in text


def test_a_cell_that_never_ends_is_stopped_and_the_next_cells_still_run(tmp_path, monkeypatch):
    """Is an endless experiment cell stopped after CONVKIT_CELL_SECONDS, named, and the definitions after it graded?"""
    monkeypatch.setenv("CONVKIT_CELL_SECONDS", "1")
    path = _release_notebook(tmp_path, [FORWARD, "raise NotImplementedError"],
                             [(-1, "while True:\n    try:\n        pass\n    except Exception:\n        pass"),
                              (-1, BACKWARD)])
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"]
    assert "did not finish within 1 s" in " ".join(part["feedback"])


def test_a_students_own_plots_and_main_block_run_as_in_a_kernel(tmp_path):
    """Do pyplot figures (Agg, no window) and an `if __name__ == "__main__":` block in a cell run as Jupyter runs them?"""
    plot = ("import matplotlib.pyplot as plt\nplt.plot(conv1d_forward(np.arange(5.0), np.ones(2), 0.0))\n"
            "plt.show()")
    main_block = "if __name__ == '__main__':\n" + "".join("    " + line + "\n" for line in BACKWARD.splitlines())
    path = _release_notebook(tmp_path, [FORWARD, "pass"], [(-1, plot), (-1, main_block)])
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"], part["feedback"]


def test_the_notebook_knows_it_is_being_autograded_as_under_nbgrader(tmp_path):
    """Does the grader's child set nbgrader's NBGRADER_EXECUTION=autograde, so a notebook skips its own training?"""
    check = "import os\nassert os.environ.get('NBGRADER_EXECUTION') == 'autograde', 'not autograding'"
    path = _release_notebook(tmp_path, [FORWARD, BACKWARD], [(-1, check)])
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"] and part["feedback"] == [], part["feedback"]


def test_magics_are_skipped_and_cell_magics_that_are_not_python_are_reported(tmp_path):
    """Does a %%time cell run its body, a `!pip` line vanish, and a %%bash cell count as not run?"""
    path = _release_notebook(tmp_path, ["%%time\n" + FORWARD, "!pip install nothing\n" + BACKWARD],
                             [(-1, "%%bash\necho hello")])
    source = load_source(path, ["conv1d_forward"])
    assert any("%%bash" in why for why in source.not_run.values())
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"], part["feedback"]


def test_an_autograded_cell_marked_as_a_solution_never_runs(tmp_path):
    """Is a hidden test cell never run by the grader, whatever its metadata says?"""
    path = _release_notebook(tmp_path, [FORWARD, BACKWARD])
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata["nbgrader"]["solution"] = True
            cell.source = "from autograder.notebook_checks import earned\nraise SystemExit('graded by hand')"
    nbformat.write(notebook, str(path))
    assert all("autograder" not in cell.code for cell in load_source(path, ["conv1d_forward"]).cells)


def test_a_module_level_error_in_a_file_keeps_what_was_bound_before_it_and_is_named(tmp_path):
    """Does a .py file that raises half-way keep the functions defined above the error, and say where it raised?"""
    path = tmp_path / "mine.py"
    path.write_text("import numpy as np\n" + FORWARD + BACKWARD + "data = np.load('missing.npy')\n")
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"]
    assert "FileNotFoundError" in " ".join(part["feedback"]) and "mine.py" in " ".join(part["feedback"])


def test_a_syntax_error_is_reported_against_the_function_it_hides(tmp_path):
    """Does a syntax error in the cell that defines a function name that function and the cell?"""
    path = _release_notebook(tmp_path, ["def conv1d_forward(x, w, b):\n    return x +\n", BACKWARD])
    source = load_source(path, ["conv1d_forward", "conv1d_backward"])
    assert "syntax error" in source.problems["conv1d_forward"] and "code cell" in source.problems["conv1d_forward"]
    assert "conv1d_backward" not in source.problems
    part, _ = _grade_1d(path)
    assert part["score"] == pytest.approx(part["max_score"] * 0.7)


def test_a_notebook_that_is_not_json_is_reported(tmp_path):
    """Is a broken notebook file a clear problem instead of a crash?"""
    path = tmp_path / "03_stride_padding.ipynb"
    path.write_text("{ not json")
    assert "not a readable notebook" in load_source(path, ["conv2d_forward"]).problems["conv2d_forward"]


@pytest.mark.parametrize("ending", ["import os\nos._exit(0)", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"])
def test_a_statement_that_ends_the_process_stops_its_cell_there_and_the_rest_is_graded(tmp_path, ending):
    """Is a statement that ends the grader's child treated as if it raised: the cell stops there, it is
    named with its line, what the cell bound before it is kept, and the cells after it run?"""
    cell = "def conv1d_forward(x, w, b):\n    raise NotImplementedError\n\n" + BACKWARD + ending + "\n" + FORWARD
    path = _release_notebook(tmp_path, ["raise NotImplementedError", "pass"], [(-1, cell), (-1, FORWARD)])
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"], part["feedback"]
    text = " ".join(part["feedback"])
    assert "ended the Python process" in text and "stopped there" in text
    assert f"line {cell[:cell.index(ending)].count(chr(10)) + ending.count(chr(10)) + 1}" in text


def test_a_file_that_ends_the_process_on_import_keeps_what_it_defined_before(tmp_path):
    """Does a .py file whose module-level code calls os._exit keep the functions defined above that line?"""
    path = tmp_path / "mine.py"
    path.write_text("import os\nimport numpy as np\n" + FORWARD + BACKWARD + "os._exit(3)\n"
                    "def conv1d_forward(x, w, b):\n    raise NotImplementedError\n")
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"], part["feedback"]
    assert "mine.py ended the Python process (exit code 3) at line" in " ".join(part["feedback"])


def test_a_copy_of_the_process_forked_by_the_student_never_answers_for_it(tmp_path):
    """Does only the process the grader started answer, when the student's code forks at import and the
    copy binds a wrong forward that answers first (the original's first answer comes a second late)?"""
    path = tmp_path / "mine.py"
    path.write_text("import os, time\nimport numpy as np\n" + FORWARD.replace("def conv1d_forward", "def _right") + BACKWARD
                    + "if os.fork() == 0:\n    def conv1d_forward(x, w, b):\n        return np.zeros(len(x) - len(w) + 1)\n"
                    "else:\n    def conv1d_forward(x, w, b, _first=[True]):\n        if _first.pop() if _first else False:\n"
                    "            time.sleep(1)\n        return _right(x, w, b)\n")
    part, _ = _grade_1d(path)
    assert part["score"] == part["max_score"], part["feedback"]
