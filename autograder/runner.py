"""Run student code in a child process with a time limit, and collect what it returned.

One child runs one part. If it hangs, it is killed when the part's time is
up; if it crashes (``os._exit``, a segfault, running out of memory) the call
it was in is marked and a new child goes on with the next call, so one bad
case never costs the cases after it.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import sandbox
from autograder.source import AST_LOCK

@dataclass
class CallResult:
    status: str                     # ok, error, missing, timeout, crash, not_run
    error: str = ""
    not_implemented: bool = False
    arrays: dict = field(default_factory=dict)
    case_text: str = ""             # the case, in the part's words, for feedback


def _environment():
    """A clean environment: nothing of the grader's own variables reaches student code."""
    return {
        "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
        # One thread per child: grading runs several children side by side.
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def _run_child(job_dir, source_dir, timeout):
    """Run the child, sandboxed, and wait; returns (exit code or None on timeout, seconds)."""
    start = time.monotonic()
    argv, extra = sandbox.command(job_dir, source_dir)
    group = sandbox.ProcessGroup()
    process = subprocess.Popen(
        argv, cwd=job_dir, env={**_environment(), **extra}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=sandbox.limits(timeout, group))
    try:
        code = process.wait(timeout=max(timeout, 0.1))
    except subprocess.TimeoutExpired:
        code = None
    # Whatever the student's code started (threads, forks) goes with it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    group.kill_and_remove()
    return code, time.monotonic() - start


def _exit_words(code):
    if code is not None and code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _read(results, stem):
    # NumPy parses each array's header with ast.literal_eval: under the lock, see source.AST_LOCK.
    with AST_LOCK, np.load(results / f"{stem}.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    record = json.loads((results / f"{stem}.json").read_text())
    return record, arrays


def _read_call(results_dir, index):
    try:
        record, arrays = _read(results_dir, index)
        return CallResult(record["status"], record.get("error", ""), bool(record.get("not_implemented")), arrays)
    except Exception:  # whatever the student's process left there is untrusted and may be garbage
        return CallResult("crash", "its results could not be read")


def _job(workdir, source, extra):
    job = {"chunks": [{"label": c.label, "code": c.code} for c in source.chunks]}
    job.update(extra)
    (workdir / "job.json").write_text(json.dumps(job))
    return workdir / "results"


def run_calls(source, inputs, calls, timeout):
    """Make ``calls`` on the student's code; returns (list of CallResult, load problems)."""
    with tempfile.TemporaryDirectory(prefix="convkit-") as tmp:
        workdir = Path(tmp)
        np.savez(workdir / "inputs.npz", **inputs)
        results_dir = workdir / "results"
        deadline = time.monotonic() + timeout
        outcome = [None] * len(calls)
        start = 0
        while start < len(calls):
            _job(workdir, source, {"calls": calls, "start": start})
            code, _ = _run_child(workdir, source.path.parent, deadline - time.monotonic())
            index = start
            while index < len(calls) and (results_dir / f"{index}.json").exists():
                outcome[index] = _read_call(results_dir, index)
                index += 1
            if index == len(calls):
                break
            started = (results_dir / f"{index}.started").exists()
            if code is None:
                if started:
                    outcome[index] = CallResult("timeout", f"did not finish within {timeout:g} s")
                break
            outcome[index] = CallResult("crash", f"ended the Python process ({_exit_words(code)})"
                                        + ("" if started else " while loading your definitions"))
            if not started:
                break
            start = index + 1
        load_problems = _load_problems(results_dir)
    return [result or CallResult("not_run", "not run: the part's time ran out") for result in outcome], load_problems


def _load_problems(results_dir):
    try:
        problems = json.loads((results_dir / "load.json").read_text())
        return {str(k): str(v) for k, v in problems.items()}
    except Exception:  # untrusted file
        return {}


def run_cnn(source, forward, backward, train_args, data, timeout):
    """Train the tiny CNN with the student's layer on ``data`` (x_train, y_train, x_test); returns (record, arrays)."""
    with tempfile.TemporaryDirectory(prefix="convkit-") as tmp:
        workdir = Path(tmp)
        np.savez(workdir / "inputs.npz", **data)
        results_dir = _job(workdir, source, {"cnn": {"forward": forward, "backward": backward,
                                                     "train": train_args}})
        code, seconds = _run_child(workdir, source.path.parent, timeout)
        if (results_dir / "cnn.json").exists():
            try:
                return _read(results_dir, "cnn")
            except Exception:  # untrusted files: any damage means no result
                return {"status": "crash", "error": "its results could not be read"}, {}
        if code is None:
            return {"status": "timeout", "error": f"training did not finish within {timeout:g} s"}, {}
        return {"status": "crash", "error": f"training ended the Python process ({_exit_words(code)})"}, {}
