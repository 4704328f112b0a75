"""The demo class: realistic submissions made from the sample implementations.

Every student starts from the released notebooks and fills each function's
cell with code from ``samples/students/`` (loops and all, as students write
it): the honest version unless the table below says which mistake that
student made, or ``None`` for a function left as the stub.
"""
import ast
from pathlib import Path

import nbformat
from nbgrader import utils

from autograder.config import ROOT
from autograder.spec.parts import NOTEBOOK_PARTS

SAMPLES = ROOT / "samples" / "students"
HONEST = "honest_loops"

# student -> {notebook: {function: sample file stem, or None for the stub}}
CLASS = {
    "ada": {},
    "ben": {"03_stride_padding.ipynb": {"conv2d_backward": "bug_dx_not_dilated"},
            "05_batch.ipynb": {"conv_backward": "bug_dw_one_sample"}},
    "cho": {"02_conv2d.ipynb": {"conv2d_forward": "bug_forward_flipped_2d"},
            "03_stride_padding.ipynb": {"conv2d_forward": "bug_forward_flipped_2d"},
            "04_channels.ipynb": {"conv_backward_chw": "bug_dx_one_filter"}},
    "dia": {"02_conv2d.ipynb": {"conv2d_backward": "bug_dx_windows_assigned"},
            "04_channels.ipynb": {"conv_forward_chw": None, "conv_backward_chw": None},
            "05_batch.ipynb": {"conv_forward": None, "conv_backward": None}},
    "eli": {"01_conv1d.ipynb": {"conv1d_backward": "bug_dx_not_rotated_1d"},
            "03_stride_padding.ipynb": {"conv2d_backward": "bug_dw_stride_ignored"},
            "05_batch.ipynb": {"conv_backward": "bug_dw_averaged_over_batch"}},
    "fen": {"02_conv2d.ipynb": {"conv2d_forward": "bug_float32", "conv2d_backward": "bug_float32"},
            "04_channels.ipynb": {"conv_backward_chw": "bug_dx_padding_not_stripped"}},
    "gia": {"01_conv1d.ipynb": {"conv1d_forward": "bug_forward_off_by_one_1d"},
            "03_stride_padding.ipynb": {"conv2d_backward": "bug_raises_stride"},
            "05_batch.ipynb": {"conv_backward": "bug_db_one_sample"}},
}

# Everyone handed in by `make demo` (the two references of demo.py first) ->
# (first name, last name), for nbgrader's student table: Formgrader lists them.
NAMES = {
    "reference": ("Reference", "Solution"),
    "stubs": ("Untouched", "Stubs"),
    "ada": ("Ada", "Okafor"),
    "ben": ("Ben", "Lindqvist"),
    "cho": ("Cho", "Nakamura"),
    "dia": ("Dia", "Mensah"),
    "eli": ("Eli", "Rosen"),
    "fen": ("Fen", "Zhao"),
    "gia": ("Gia", "Moretti"),
}
EMAIL_DOMAIN = "example.org"  # a domain reserved for examples: no mail can reach anyone


def roster():
    """``{student id: {first_name, last_name, email}}``: the demo class as nbgrader's Student rows."""
    return {student: {"first_name": first, "last_name": last, "email": f"{student}@{EMAIL_DOMAIN}"}
            for student, (first, last) in NAMES.items()}


def function_source(stem, name):
    """``name``'s def from a sample file, with the module-level helpers it calls."""
    path = SAMPLES / f"{stem}.py"
    text = path.read_text()
    tree = ast.parse(text)
    defs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    if name not in defs:  # the sample imports the honest version of this one
        return function_source(HONEST, name)
    wanted, order = [name], []
    while wanted:
        current = wanted.pop()
        if current in order:
            continue
        order.append(current)
        called = {n.id for n in ast.walk(defs[current]) if isinstance(n, ast.Name)}
        wanted += [helper for helper in called if helper in defs and helper != current]
    parts = ["import numpy as np"] + [ast.get_source_segment(text, defs[n]) for n in reversed(order)]
    return "\n\n\n".join(parts)


def student_notebook(release_notebook, choices):
    """A release notebook with its solution cells filled in as ``choices`` says."""
    notebook = nbformat.read(str(release_notebook), as_version=4)
    for cell in notebook.cells:
        if not utils.is_solution(cell) or cell.cell_type != "code":
            continue
        name = ast.parse(cell.source).body[0].name
        stem = choices.get(name, HONEST)
        if stem is not None:
            cell.source = function_source(stem, name)
    return notebook


def submissions(release):
    """``{student: {notebook file: NotebookNode}}`` for the demo class."""
    release = Path(release)
    return {student: {name: student_notebook(release / name, choices.get(name, {}))
                      for name in sorted(NOTEBOOK_PARTS)}
            for student, choices in CLASS.items()}
