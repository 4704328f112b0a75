import json

import nbformat

from autograder.source import load_source


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(text) for text in cells]
    nbformat.write(nb, str(path))
    return path


def test_only_definitions_are_kept(tmp_path):
    """Are imports, defs and constants kept and test calls, prints and magics dropped, line numbers intact?"""
    path = _notebook(tmp_path / "01_conv1d.ipynb", [
        "%matplotlib inline\nimport numpy as np\nSCALE = 2",
        "def conv1d_forward(x, w, b):\n    return np.convolve(x, w[::-1], 'valid') + b",
        "conv1d_forward(np.ones(3), np.ones(2), 0.0)\nprint('hello')\nwhile True: pass",
    ])
    source = load_source(path, ["conv1d_forward"])
    code = "\n".join(chunk.code for chunk in source.chunks)
    assert "import numpy as np" in code and "SCALE = 2" in code and "def conv1d_forward" in code
    assert "print" not in code and "while True" not in code and "%matplotlib" not in code
    assert [chunk.label for chunk in source.chunks] == ["code cell 1", "code cell 2"]
    assert source.chunks[1].code.splitlines()[0].startswith("def conv1d_forward")


def test_only_the_imports_that_kept_code_reads_are_kept(tmp_path):
    """Is a plotting import that no function reads left out, and every import that one reads kept?"""
    path = _notebook(tmp_path / "02_conv2d.ipynb", [
        "import numpy as np\nimport matplotlib.pyplot as plt\nfrom convkit.figures import conv2d as figures\n"
        "import os.path\nfrom numpy.lib.stride_tricks import sliding_window_view as windows\nfrom math import *",
        "EPS = np.finfo(float).eps\n"
        "def conv2d_forward(x, w, b):\n    assert os.path.sep\n    return np.sum(windows(x, w.shape) * w, (-2, -1)) + b + EPS",
    ])
    code = "\n".join(chunk.code for chunk in load_source(path, ["conv2d_forward"]).chunks)
    assert "import numpy as np" in code and "import os.path" in code and "sliding_window_view" in code
    assert "from math import *" in code   # it binds names nobody can list: kept
    assert "matplotlib" not in code and "figures" not in code


def test_a_syntax_error_is_reported_against_the_function_it_hides(tmp_path):
    """Does a syntax error in the cell that defines a function name that function and the cell?"""
    path = _notebook(tmp_path / "02_conv2d.ipynb", ["def conv2d_forward(x, w, b):\n    return x +\n"])
    source = load_source(path, ["conv2d_forward", "conv2d_backward"])
    assert "code cell 1" in source.problems["conv2d_forward"] and "syntax error" in source.problems["conv2d_forward"]
    assert "conv2d_backward" not in source.problems


def test_a_notebook_that_is_not_json_is_reported(tmp_path):
    """Is a broken notebook file a clear problem instead of a crash?"""
    path = tmp_path / "03_stride_padding.ipynb"
    path.write_text("{ not json")
    source = load_source(path, ["conv2d_forward"])
    assert "not a readable notebook" in source.problems["conv2d_forward"]
    json.dumps(source.problems)


def test_a_global_that_a_function_reads_is_kept(tmp_path):
    """Is EPS = np.finfo(float).eps kept when a kept function uses it, and other statements dropped?"""
    path = tmp_path / "mine.py"
    path.write_text("import numpy as np\nEPS = np.finfo(float).eps\ndata = np.ones(10 ** 9)\n"
                    "def conv1d_forward(x, w, b):\n    return x[:1] * EPS\n")
    code = load_source(path, ["conv1d_forward"]).chunks[0].code
    assert "EPS = np.finfo(float).eps" in code and "np.ones(10 ** 9)" not in code
