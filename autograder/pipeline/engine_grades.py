"""nbgrader preprocessors that make ``nbgrader autograde`` grade with the kit's engine.

``nbgrader_config.py`` puts them into nbgrader's autograde pipeline:

* :class:`SafeExecute` runs the notebook as nbgrader's ``Execute`` does, in
  the sandboxed kernel (:mod:`autograder.sandbox.kernel`), but a kernel that
  dies or hangs costs only the cells that did not run: the notebook keeps the
  outputs it has and the pipeline goes on.
* :class:`EngineGrades` grades the notebook's code with the engine, outside
  the kernel (each part in its own sandboxed child, like ``python -m
  autograder grade``), and writes each hidden test cell's output: the
  feedback lines and the points. Whatever the kernel printed there is
  replaced, so patching ``earned``, printing a number, raising
  ``SystemExit`` or killing the kernel earns nothing. ``SaveAutoGrades`` then
  reads these outputs as usual.

Before these, :class:`autograder.pipeline.restore_metadata.RestoreCellMetadata` (in
nbgrader's sanitize pipeline) makes the cells' nbgrader metadata the
release's and puts back deleted test cells, so every hidden test cell is
there when :class:`EngineGrades` runs.

``python -m autograder grade-class`` grades with the engine before nbgrader
runs (several students at a time) and names the results in
``CONVKIT_PRECOMPUTED``; :class:`EngineGrades` then uses them instead of
grading again. Since the grades need no kernel, grade-class does not run the
notebooks again either (:func:`runs_notebooks`): each cell keeps the outputs of
the student's own run (capped, and made inert by
:mod:`autograder.pipeline.sanitize`), which is what the feedback and Formgrader
show beside the grader's results, unless ``CONVKIT_RUN_NOTEBOOKS=1``
(``grade-class --run-notebooks``) asks for a fresh run in the sandboxed kernel.
"""
import json
import os
import tempfile
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import ClearOutput, Execute, NbGraderPreprocessor
from nbgrader.preprocessors.execute import UnresponsiveKernelError

from autograder.config import limit
from autograder.engine.grade import grade
from autograder.pipeline import cell_metadata
from autograder.sandbox import bubblewrap
from autograder.spec import parts
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS
from convkit import tiny_cnn


def runs_notebooks():
    """Does autograde run each notebook again in the sandboxed kernel?

    Plain ``nbgrader autograde`` does: its grades come from the engine, but its
    feedback shows a fresh run. ``grade-class``, whose engine results are
    precomputed (``CONVKIT_PRECOMPUTED``), keeps the outputs of the student's
    own run instead, unless ``CONVKIT_RUN_NOTEBOOKS=1``.
    """
    return not os.environ.get("CONVKIT_PRECOMPUTED") or os.environ.get("CONVKIT_RUN_NOTEBOOKS") == "1"


def cap_outputs(outputs, kept_bytes):
    """The outputs of one cell, at most ``kept_bytes`` of them (as JSON text), then a line saying the rest was
    dropped: endless output must not fill the grader's memory or the instructor's page."""
    kept, used = [], 0
    for output in outputs:
        used += len(json.dumps(output, default=str))
        if used > kept_bytes:
            kept.append(nbformat.v4.new_output(
                "stream", name="stdout", text=f"\n[convkit: this cell printed more than {kept_bytes // 1024} kB; "
                                              "the rest of its output was dropped]\n"))
            break
        kept.append(output)
    return kept


class ClearOutputToRun(ClearOutput):
    """nbgrader's ClearOutput when the notebook is run again (:func:`runs_notebooks`); otherwise each cell
    keeps the outputs of the student's own run, capped at ``CONVKIT_CELL_OUTPUT_KB``."""

    def preprocess(self, nb, resources):
        if runs_notebooks():
            return super().preprocess(nb, resources)
        kept = int(limit("CONVKIT_CELL_OUTPUT_KB") * 1024)
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell.outputs = cap_outputs(cell.get("outputs", []), kept)
        return nb, resources


def results_entry(result, output):
    """What a hidden cell shows for one output: its points and feedback lines."""
    feedback = result.feedback_for(output)
    if output == "accuracy" and not feedback and "accuracy" in result.outputs:
        # Notebook 05 skips its own training under autograde: say what the grader's run reached.
        feedback = [f"The tiny CNN trained with your layer reaches {result.outputs['accuracy']:.1%} "
                    f"held-out accuracy (full marks from {tiny_cnn.PASS_ACCURACY:.0%})."]
    return {"points": result.points_for(output), "feedback": feedback}


def grade_notebook(notebook, name, seed=None):
    """Grade the parts of one notebook (a NotebookNode named ``name``): ``{part: {output: entry}}``."""
    with tempfile.TemporaryDirectory(prefix="convkit-notebook-") as folder:
        path = Path(folder) / name
        nbformat.write(notebook, str(path))
        _, results = grade(path, seed=seed, parts=NOTEBOOK_PARTS[name])
    return {key: {output: results_entry(results[key], output) for output in PARTS[key].outputs}
            for key in NOTEBOOK_PARTS[name]}


class SafeExecute(Execute):
    """nbgrader's Execute, except that a dead or unresponsive kernel ends the run, not the grading;
    a cell that times out ends only itself; and a cell's output is capped
    (``CONVKIT_CELL_OUTPUT_KB``, see :mod:`autograder.config`), so that endless printing cannot fill
    the grader's memory."""

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError as error:  # e.g. output that never stops: this cell ends, the next runs
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename="CellTimeoutError", evalue=str(error).splitlines()[0], traceback=[]))
            return cell, self.resources

    def output(self, outs, msg, display_id, cell_index):
        size = len(str(msg.get("content", "")))
        used = self._output_used.get(cell_index, 0)
        self._output_used[cell_index] = used + size
        kept = int(limit("CONVKIT_CELL_OUTPUT_KB") * 1024)
        if used + size <= kept:
            return super().output(outs, msg, display_id, cell_index)
        if used <= kept:
            outs.append(nbformat.v4.new_output(
                "stream", name="stdout", text=f"\n[convkit: this cell printed more than {kept // 1024} kB; "
                                              "the rest of its output was dropped]\n"))
        return None

    def preprocess(self, nb, resources=None, km=None):
        if not runs_notebooks():
            return nb, resources  # the outputs of the student's own run stay (ClearOutputToRun capped them)
        bubblewrap.check()
        self._output_used = {}
        try:
            return super().preprocess(nb, resources, km)
        except (DeadKernelError, UnresponsiveKernelError, RuntimeError) as error:
            self.log.warning("The kernel stopped while running %s: %s", resources.get("unique_key"), error)
            nb.cells.append(nbformat.v4.new_markdown_cell(
                "**convkit:** the kernel stopped here (it crashed, was killed by a limit or ran out "
                "of time); the cells below this point did not run. Grades come from the grader, "
                "which ran your functions separately."))
            return nb, resources


class EngineGrades(NbGraderPreprocessor):
    """Write the engine's feedback and points into every hidden test cell."""

    def preprocess(self, nb, resources):
        name = resources["unique_key"] + ".ipynb"
        if name not in NOTEBOOK_PARTS:
            return nb, resources
        entries = self._entries(nb, name)
        cells = {cell_metadata.grade_id(cell): cell for cell in nb.cells if cell.cell_type == "code"}
        for key, by_output in entries.items():
            for output, entry in by_output.items():
                wanted = parts.grade_id(key, output)
                if wanted not in cells:  # RestoreCellMetadata puts back every deleted test cell before this
                    raise RuntimeError(f"{name} has no cell {wanted}: the sanitize step RestoreCellMetadata "
                                       "must run before EngineGrades (see nbgrader_config.py)")
                cells[wanted].outputs = _outputs(entry)
        return nb, resources

    def _entries(self, nb, name):
        precomputed = os.environ.get("CONVKIT_PRECOMPUTED")
        if precomputed:
            with open(precomputed) as handle:
                return json.load(handle)[name]
        return grade_notebook(nb, name, os.environ.get("CONVKIT_SEED"))


def _outputs(entry):
    outputs = []
    if entry["feedback"]:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text="\n".join(entry["feedback"]) + "\n"))
    # A plain float: nbgrader reads the cell's text/plain result as the score.
    outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(entry["points"]))},
                                          execution_count=None))
    return outputs
