"""The child process that runs student code: ``python child.py JOB_DIR``, inside the sandbox.

It loads the student's definitions, makes the calls listed in ``job.json`` on
the inputs in ``inputs.npz`` and writes what came back, one call at a time,
into ``JOB_DIR/results``. It judges nothing: the parent compares the returned
arrays with the reference, so nothing the student's code does in here can
change a grade except its return values.
"""
import builtins
import json
import sys
import traceback
from pathlib import Path

import numpy as np

ARRAY_LIMIT = 10_000_000  # entries; a larger return value is not an honest answer

# Bound before any student code runs: patching numpy, json, open or
# sys.modules afterwards cannot change how results are written.
SAVEZ, LOAD, ASARRAY, DUMPS, LOADS, OPEN = np.savez, np.load, np.asarray, json.dumps, json.loads, builtins.open
BASE_EXCEPTION, NOT_IMPLEMENTED, ISINSTANCE = BaseException, NotImplementedError, isinstance


def _write(path, text):
    with OPEN(path, "w") as handle:
        handle.write(text)


def _touch(path):
    OPEN(path, "w").close()


def _where(error, labels):
    """The student's own line where the error happened: 'code cell 4, line 12: dx[i] = ...'."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in labels]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    return f" ({frame.filename}, line {frame.lineno}: {line})" if line else f" ({frame.filename}, line {frame.lineno})"


def describe_error(error, labels):
    message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    text = type(error).__name__ + (f": {message}" if message else "")
    return text + _where(error, labels)


def load_namespace(job):
    namespace = {"__name__": "student", "__builtins__": __builtins__}
    problems = {}
    labels = set()
    for chunk in job["chunks"]:
        labels.add(chunk["label"])
        try:
            exec(compile(chunk["code"], chunk["label"], "exec"), namespace)
        except BaseException as error:  # the student's module-level code failed; keep what loaded
            problems[chunk["label"]] = describe_error(error, labels)
    return namespace, problems, labels


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
        returned = function(*args, *call.get("conv_args", []))
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


def run_cnn(job, namespace, inputs, results):
    """Train the tiny CNN on the training digits given; predict the held-out images (no labels here)."""
    from convkit import tiny_cnn

    try:
        forward, backward = namespace[job["cnn"]["forward"]], namespace[job["cnn"]["backward"]]
        params, history = tiny_cnn.train(forward, backward, inputs["x_train"], inputs["y_train"],
                                         **job["cnn"]["train"])
        predictions = tiny_cnn.predict(params, inputs["x_test"], forward)
        arrays = {"predictions": as_array(predictions, "predictions"),
                  "losses": ASARRAY(history.losses, dtype=np.float64)}
        record = {"status": "ok", "seconds": history.seconds}
    except BASE_EXCEPTION as error:
        record, arrays = {"status": "error", "error": describe_error(error, set(c["label"] for c in job["chunks"]))}, {}
    SAVEZ(results / "cnn.npz", **arrays)
    _write(results / "cnn.json", DUMPS(record))


def main(job_dir):
    job_dir = Path(job_dir)
    job = LOADS((job_dir / "job.json").read_text())
    results = job_dir / "results"
    results.mkdir(exist_ok=True)
    with LOAD(job_dir / "inputs.npz", allow_pickle=False) as stored:
        inputs = {name: stored[name] for name in stored.files}
    namespace, problems, labels = load_namespace(job)
    _write(results / "load.json", DUMPS(problems))
    if "cnn" in job:
        run_cnn(job, namespace, inputs, results)
        return
    for index, call in enumerate(job["calls"]):
        if index < job.get("start", 0):
            continue
        function = namespace.get(call["function"])
        _touch(results / f"{index}.started")
        if not callable(function):
            record, arrays = {"status": "missing"}, {}
        else:
            record, arrays = run_call(call, function, inputs, labels)
        SAVEZ(results / f"{index}.npz", **arrays)
        _write(results / f"{index}.json", DUMPS(record))


if __name__ == "__main__":
    main(sys.argv[1])
