"""The child process that runs student code: ``python child.py JOB_DIR``, inside the sandbox.

It runs the student's code as Python would (the file as a module, or the
notebook's cells in order; :mod:`autograder.engine.source` chose the cells), makes
the calls listed in ``job.json`` on the inputs in ``inputs.npz`` and writes
what came back, one call at a time, into ``JOB_DIR/results``. It judges nothing: the parent compares the returned
arrays with the reference, so nothing the student's code does in here can
change a grade except its return values.
"""
import __future__
import ast
import builtins
import importlib
import json
import linecache
import os
import signal
import sys
import traceback
import types
from pathlib import Path

import numpy as np

from convkit.geometry import output_size

ARRAY_LIMIT = 10_000_000  # entries; a larger return value is not an honest answer

# Bound before any student code runs: patching numpy, json, open or
# sys.modules afterwards cannot change how results are written.
SAVEZ, LOAD, ASARRAY, DUMPS, LOADS, OPEN = np.savez, np.load, np.asarray, json.dumps, json.loads, builtins.open
RENAME, GETPID, EXIT = os.rename, os.getpid, os._exit
GRADER_PID = GETPID()
BASE_EXCEPTION, NOT_IMPLEMENTED, ISINSTANCE, GETATTR = BaseException, NotImplementedError, isinstance, getattr
SUBMISSION_PREFIX = "/submission/"   # frames in the student's own files; set from the job
FUTURE_FLAGS = [0]                   # compiler flags of the __future__ imports run so far


def _only_the_grader():
    """End a copy of this process that the student's code forked, once it is back in the grader's code.

    A fork in the student's code (a fork storm caught by ``except``) returns
    into this file in every copy; only the process the parent started may
    make calls and write results, or the copies would race it.
    """
    if GETPID() != GRADER_PID:
        EXIT(0)


def _write(path, text):
    _only_the_grader()
    # Written aside and renamed: the parent reads results while the child runs, and must
    # never see a half-written file.
    partial = f"{path}.partial"
    with OPEN(partial, "w") as handle:
        handle.write(text)
    RENAME(partial, path)


def _touch(path):
    _only_the_grader()
    OPEN(path, "w").close()


def _where(error, labels):
    """The student's own line where the error happened: 'code cell 4, line 12: dx[i] = ...'."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in labels
              or frame.filename.startswith(SUBMISSION_PREFIX)]
    if not frames:
        return ""
    frame = frames[-1]
    where = frame.filename if frame.filename in labels else Path(frame.filename).name
    line = (frame.line or "").strip()
    return f" ({where}, line {frame.lineno}: {line})" if line else f" ({where}, line {frame.lineno})"


def describe_error(error, labels):
    message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    text = type(error).__name__ + (f": {message}" if message else "")
    return text + _where(error, labels)


class CellTimeout(BaseException):
    """Raised in a cell that runs past its time. Like the KeyboardInterrupt with which Jupyter
    stops a cell, it is not an Exception, so the student's ``except Exception`` does not swallow it."""


def _stop_cell(signum, frame):
    raise CellTimeout()


def _statements(cell):
    """The cell's top-level statements, each compiled on its own, with the line it starts at.

    Run one at a time, so that a statement that ends the whole process can be
    found, and the next child can stop the cell just before it, as if it had
    raised there. ``from __future__`` imports carry over to the statements
    (and cells) after them, as in IPython.
    """
    for statement in ast.parse(cell["code"], cell["label"]).body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                feature = getattr(__future__, alias.name, None)
                FUTURE_FLAGS[0] |= feature.compiler_flag if feature is not None else 0
        code = compile(ast.Module(body=[statement], type_ignores=[]), cell["label"], "exec",
                       flags=FUTURE_FLAGS[0], dont_inherit=True)
        yield statement.lineno, code


def _run_cell(cell, namespace, seconds, labels, progress):
    """Run one cell (or a whole module) with a time limit; returns None or why it failed.

    ``cell["stop"]``, when given, is the statement at which an earlier child's
    process ended: the cell stops just before it.
    """
    # Tracebacks quote the student's own line: linecache is where they look for it.
    linecache.cache[cell["label"]] = (len(cell["code"]), None, cell["code"].splitlines(True), cell["label"])
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            for index, (line, code) in enumerate(_statements(cell)):
                if index == cell.get("stop"):
                    break
                progress(f"{cell['label']}\n{index}\n{line}")
                exec(code, namespace)
        finally:
            _only_the_grader()
            signal.setitimer(signal.ITIMER_REAL, 0)
    except CellTimeout:
        return f"did not finish within {seconds:g} s and was stopped"
    except BASE_EXCEPTION as error:  # the student's module-level code failed; keep what it bound
        return "raised " + describe_error(error, labels)
    return None


def load_module(job, job_dir):
    """Run the student's code as Python would: the file as a module, or the notebook's cells in order.

    Returns ``(module, {label: why it failed}, labels)``. A cell that raises
    or runs out of time is reported and the next cell still runs.
    """
    load = job["load"]
    module = types.ModuleType(load["module"])
    if load.get("file"):
        module.__file__ = load["file"]
    # Registered like any module, so that dataclasses, pickle and typing find it by name.
    sys.modules[load["module"]] = module
    labels = {cell["label"] for cell in load["cells"]}
    problems = {}

    def progress(where):
        # Which statement is running, in case it ends the process or the whole load is stopped.
        _write(job_dir / "results" / "loading.txt", where)

    signal.signal(signal.SIGALRM, _stop_cell)
    for cell in load["cells"]:
        why = _run_cell(cell, module.__dict__, load["cell_seconds"], labels, progress)
        if why:
            problems[cell["label"]] = why
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    return module, problems, labels


def as_array(value, what):
    array = ASARRAY(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{what} is a {type(value).__name__}, not an array of numbers")
    if array.size > ARRAY_LIMIT:
        raise ValueError(f"{what} has {array.size} entries")
    return array


def run_call(call, function, inputs, labels):
    """Make one call; return (record, arrays)."""
    args = []
    for name in call["args"]:
        value = inputs[name].copy()
        args.append(float(value) if name in call.get("scalars", []) else value)
    arrays = {}
    try:
        try:
            returned = function(*args, *call.get("conv_args", []))
        finally:
            _only_the_grader()
        if call["returns"] == 1:
            arrays["out0"] = as_array(returned, "the returned value")
        else:
            if not isinstance(returned, (tuple, list)) or len(returned) != call["returns"]:
                got = f"a {type(returned).__name__}" + (f" of {len(returned)}" if isinstance(returned, (tuple, list)) else "")
                raise TypeError(f"should return {call['returns']} values (dx, dw, db), got {got}")
            for index, value in enumerate(returned):
                arrays[f"out{index}"] = as_array(value, ("dx", "dw", "db")[index])
    except BASE_EXCEPTION as error:  # the student's code raised: record it, go on with the next call
        return {"status": "error", "error": describe_error(error, labels),
                "not_implemented": ISINSTANCE(error, NOT_IMPLEMENTED)}, {}
    for index, value in enumerate(args):
        arrays[f"after{index}"] = ASARRAY(value)
    return {"status": "ok"}, arrays


class LayerMisuse(Exception):
    """What the student's layer did inside the tiny CNN that the network cannot use, in words."""


def _guarded_layer(names, forward, backward, labels, notes):
    """The student's forward and backward as the tiny CNN calls them, watched.

    A wrong shape or a raised exception stops the training with a
    :class:`LayerMisuse` that names the student's function, so the kit's own
    layers never fail on it; an argument changed in place is noted (the
    training goes on with it, as the student's code would).
    """
    def call(name, function, args, arg_names):
        before = [ASARRAY(a).copy() for a in args]
        try:
            try:
                returned = function(*args)
            finally:
                _only_the_grader()
        except BASE_EXCEPTION as error:
            raise LayerMisuse(f"{name} raised {describe_error(error, labels)}") from None
        for arg_name, arg, copy in zip(arg_names, args, before):
            note = f"{name} changes its argument {arg_name} in place"
            if not (np.shape(arg) == copy.shape and np.array_equal(arg, copy, equal_nan=True)) and note not in notes:
                notes.append(note)
        return returned

    def shape_checked(name, value, expected, what, args_text):
        array = as_array(value, what)
        if array.shape != expected:
            raise LayerMisuse(f"{name} returned {what} of shape {array.shape} where {expected} was needed "
                              f"({args_text})")
        return array

    def guarded_forward(x, w, b, stride, pad):
        out = call(names[0], forward, (x, w, b, stride, pad), ("x", "w", "b", "stride", "pad"))
        expected = (x.shape[0], w.shape[0], output_size(x.shape[2], w.shape[2], stride, pad),
                    output_size(x.shape[3], w.shape[3], stride, pad))
        return shape_checked(names[0], out, expected, "an output",
                             f"x {x.shape}, w {w.shape}, stride {stride}, pad {pad}")

    def guarded_backward(dout, x, w, stride, pad):
        returned = call(names[1], backward, (dout, x, w, stride, pad), ("dout", "x", "w", "stride", "pad"))
        if not ISINSTANCE(returned, (tuple, list)) or len(returned) != 3:
            raise LayerMisuse(f"{names[1]} should return 3 values (dx, dw, db), got a {type(returned).__name__}")
        args_text = f"dout {dout.shape}, x {x.shape}, w {w.shape}, stride {stride}, pad {pad}"
        # The conv layer is the network's first: its dx feeds nothing, so the training neither checks
        # nor uses it (the parts that grade dx do); only dw and db must fit the weights they update.
        dw, db = (shape_checked(names[1], value, like.shape, what, args_text)
                  for value, like, what in zip(returned[1:], (w, np.zeros(w.shape[0])), ("dw", "db")))
        return None, dw, db

    return guarded_forward, guarded_backward


def train_and_predict(job, module, inputs, results, labels, tiny_cnn):
    """Train the tiny CNN on the training digits given; predict the held-out images (no labels here)."""
    names = (job["cnn"]["forward"], job["cnn"]["backward"])
    notes = []
    try:
        forward, backward = (getattr(module, name, None) for name in names)
        missing = [name for name, function in zip(names, (forward, backward)) if not callable(function)]
        if missing:
            raise LayerMisuse(f"{' and '.join(missing)} is not defined")
        forward, backward = _guarded_layer(names, forward, backward, labels, notes)
        params, history = tiny_cnn.train(forward, backward, inputs["x_train"], inputs["y_train"],
                                         **job["cnn"]["train"])
        predictions = tiny_cnn.predict(params, inputs["x_test"], forward)
        arrays = {"predictions": as_array(predictions, "predictions"),
                  "losses": ASARRAY(history.losses, dtype=np.float64)}
        record = {"status": "ok", "notes": notes}
    except LayerMisuse as error:
        record, arrays = {"status": "error", "error": str(error), "notes": notes}, {}
    except BASE_EXCEPTION as error:  # the kit's own layers failed on what the student's layer returned
        record = {"status": "error", "notes": notes,
                  "error": f"the tiny CNN's own layers could not use your layer's results ({type(error).__name__})"}
        arrays = {}
    _only_the_grader()
    SAVEZ(results / "cnn.npz", **arrays)
    _write(results / "cnn.json", DUMPS(record))


def main(job_dir):
    job_dir = Path(job_dir)
    job = LOADS((job_dir / "job.json").read_text())
    global SUBMISSION_PREFIX
    SUBMISSION_PREFIX = job["load"]["submission"].rstrip("/") + "/"
    results = job_dir / "results"
    results.mkdir(exist_ok=True)
    with LOAD(job_dir / "inputs.npz", allow_pickle=False) as stored:
        inputs = {name: stored[name] for name in stored.files}
    # The kit's network is imported before any student code runs, so that code cannot swap it.
    tiny_cnn = importlib.import_module("convkit.tiny_cnn") if "cnn" in job else None
    module, problems, labels = load_module(job, job_dir)
    _write(results / "load.json", DUMPS(problems))
    if "cnn" in job:
        train_and_predict(job, module, inputs, results, labels, tiny_cnn)
        return
    for index, call in enumerate(job["calls"]):
        if index < job.get("start", 0):
            continue
        try:  # getattr, as `from module import name` does: a module's __getattr__ counts
            function = GETATTR(module, call["function"], None)
        except BASE_EXCEPTION:
            function = None
        _touch(results / f"{index}.started")
        if not callable(function):
            record, arrays = {"status": "missing"}, {}
        else:
            record, arrays = run_call(call, function, inputs, labels)
        _only_the_grader()
        SAVEZ(results / f"{index}.npz", **arrays)
        _write(results / f"{index}.json", DUMPS(record))


if __name__ == "__main__":
    main(sys.argv[1])
