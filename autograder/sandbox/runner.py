"""Run student code in a child process with time limits, and collect what it returned.

A child loads the student's code once (``CONVKIT_LOAD_SECONDS``) and makes a
list of calls; each function's calls have their own time budget. If a
function hangs, the child is killed when that function's time is up and a
new one goes on with the next function; if a call crashes (``os._exit``, a
segfault, running out of memory) it is marked and a new child goes on with
the next call, so one bad case never costs the cases after it.
"""
import io
import json
import os
import signal
import stat
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.engine.source import AST_LOCK
from autograder.sandbox import bubblewrap, unprivileged

POLL_SECONDS = 0.02  # how often a running child's results are collected

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
        # nbgrader's own flag: the notebook is being autograded (notebook 05 then skips its
        # visible training run, which a grader child would otherwise repeat).
        "NBGRADER_EXECUTION": "autograde",
        # One thread per child: grading runs several children side by side.
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


class Child:
    """One sandboxed run of ``child.py`` on a job folder, watched from here."""

    def __init__(self, job_dir, source_dir, cpu_seconds, account=None):
        argv, extra = bubblewrap.command(job_dir, source_dir, account)
        self.group = bubblewrap.ProcessGroup()
        self.account = account   # where bubblewrap cannot run: the user it runs as (see unprivileged.Account)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            argv, cwd=account.home if account else job_dir, env={**_environment(), **extra},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=bubblewrap.limits(cpu_seconds, self.group, account),
            **(account.popen_arguments() if account else {}))

    def wait(self, seconds):
        """The exit code, or None while it still runs after ``seconds``."""
        try:
            return self.process.wait(timeout=max(seconds, 0))
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """Kill it and whatever the student's code started (threads, forks)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = self.process.wait()
        self.group.kill_and_remove()
        if self.account:
            self.account.sweep()
        return code


def _exit_words(code):
    if code is not None and code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def read_untrusted(path):
    """The bytes of a file the student's process could have made: only a regular file, found without
    following a symbolic link (in the file's name or its folder's), and no larger than the child may write.

    A link to the grader's own files, a FIFO that would block the grader, or a
    folder swapped for a link: each is refused with ``OSError``.
    """
    path = Path(path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        handle = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        data = stream.read(bubblewrap.output_bytes() + 1)
    if len(data) > bubblewrap.output_bytes():
        raise OSError(f"{path.name} is larger than the child may write")
    return data


def write_job(path, text):
    """Write a file of the job folder afresh, never through whatever the child left under its name."""
    path = Path(path)
    path.unlink(missing_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(handle, "w") as stream:
        stream.write(text)


def _stored_arrays(data):
    """``data``, an ``.npz`` the child wrote, as a file NumPy may load: refused when an entry is compressed
    or the arrays would unpack to more than the child may write (a small file must not fill the grader's memory)."""
    stream = io.BytesIO(data)
    with zipfile.ZipFile(stream) as archive:
        entries = archive.infolist()
    if any(entry.compress_type != zipfile.ZIP_STORED for entry in entries) or \
            sum(entry.file_size for entry in entries) > bubblewrap.output_bytes():
        raise OSError("the arrays are compressed or too large")
    stream.seek(0)
    return stream


def _read(results, stem):
    arrays_file = _stored_arrays(read_untrusted(results / f"{stem}.npz"))
    # NumPy parses each array's header with ast.literal_eval: under the lock, see source.AST_LOCK.
    with AST_LOCK, np.load(arrays_file, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    record = json.loads(read_untrusted(results / f"{stem}.json"))
    return record, arrays


def _read_call(results_dir, index):
    try:
        record, arrays = _read(results_dir, index)
        return CallResult(record["status"], record.get("error", ""), bool(record.get("not_implemented")), arrays)
    except Exception:  # whatever the student's process left there is untrusted and may be garbage
        return CallResult("crash", "its results could not be read")


class Attempts:
    """Children started one after another on one job folder.

    A statement that ends the child's process, or hangs it, while the
    student's code loads is found (the child says which statement runs), and
    the next child stops that cell (or file) just before it, as if it had
    raised there; it is reported.
    """

    def __init__(self, workdir, source):
        self.workdir, self.source = workdir, source
        self.results = workdir / "results"
        self.account = unprivileged.Account(workdir, source.path.parent) if unprivileged.chosen() else None
        self.stops = {}     # label -> the statement the cell stops before
        self.stopped = {}   # label -> why
        self.count = 0

    def start(self, extra, cpu_seconds):
        """Write the job and start a child on it."""
        if self.results.exists():
            # Moved aside, not deleted: what is left of the last child may still be writing there.
            self.results.rename(self.workdir / f"results-{self.count}")
        if self.account:
            self.account.results_folder(self.results)
        self.count += 1
        folder = bubblewrap.submission_folder(self.source.path.parent)
        cells = [{"label": c.label, "code": c.code, "stop": self.stops.get(c.label)} for c in self.source.cells]
        job = {"load": {"module": self.source.module, "cells": cells, "submission": folder,
                        "file": f"{folder}/{self.source.path.name}" if self.source.kind == "module" else None,
                        "cell_seconds": bubblewrap.cell_seconds()}}
        write_job(self.workdir / "job.json", json.dumps({**job, **extra}))
        return Child(self.workdir, self.source.path.parent, cpu_seconds, self.account)

    def loaded(self):
        return (self.results / "load.json").exists()

    def running(self):
        """(cell label, statement index, line) that the child was running while loading, or None."""
        try:
            label, index, line = read_untrusted(self.results / "loading.txt").decode().split("\n")
            return label[:100], int(index), int(line)
        except (OSError, ValueError):  # also a name that is not UTF-8
            return None

    def stop_before_running_statement(self, code):
        """After a child stopped while loading (``code`` None: for time), make the next one stop
        the cell before the statement that was running. False when that was done already."""
        running = self.running()
        if running is None or running[0] in self.stops:
            return False
        label, index, line = running
        what = (f"did not finish within the {bubblewrap.load_seconds():g} s for all of your code" if code is None
                else f"ended the Python process ({_exit_words(code)})")
        self.stops[label] = index
        self.stopped[label] = f"{what} at line {line}, so the grader loaded your code again and stopped there"
        return True

    def stopped_loading(self, code):
        """Why the child never finished loading the student's code, in words."""
        running = self.running()
        where = f" ({running[0]}, line {running[2]} was running)" if running else ""
        if code is None:
            return f"your code did not finish loading within {bubblewrap.load_seconds():g} s{where}"
        return f"ended the Python process while your code was loading{where} ({_exit_words(code)})"

    def load_problems(self):
        """What the last child said of loading, and where loading was stopped: ``{label: why}``."""
        return {**_load_problems(self.results), **self.stopped}


def run_calls(source, inputs, calls, timeout):
    """Make ``calls`` on the student's code; returns (list of CallResult, load problems).

    The code is loaded once, then each function's calls get ``timeout``
    seconds between them, so a hanging backward costs nothing of the
    forward's grade. A call that crashes the child or runs out of time is
    marked, and a new child (loading the code again) goes on after it.
    """
    outcome = [None] * len(calls)
    spent = {}      # function -> seconds its calls have used
    with tempfile.TemporaryDirectory(prefix="convkit-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        np.savez(workdir / "inputs.npz", **inputs)
        attempts = Attempts(workdir, source)
        start = 0
        # Each child gets at least one call further or stops one more cell early: this ends.
        for _ in range(len(calls) + len(source.cells) + 1):
            if start >= len(calls):
                break
            budget = bubblewrap.load_seconds() + sum(max(timeout - spent.get(c["function"], 0.0), 0.0)
                                                  for c in calls[start:]) + 1
            child = attempts.start({"calls": calls, "start": start}, budget)
            start, code = _watch(child, attempts.results, calls, start, timeout, spent, outcome)
            if attempts.loaded():
                continue
            if attempts.stop_before_running_statement(code):
                continue
            why = attempts.stopped_loading(code)
            for index in range(start, len(calls)):
                outcome[index] = CallResult("timeout" if code is None else "crash", why)
            break
        load_problems = attempts.load_problems()
    return [result or CallResult("not_run", "not run: the part's time ran out") for result in outcome], load_problems


def _watch(child, results_dir, calls, start, timeout, spent, outcome):
    """Collect results while the child runs; stop it when its loading or a function's time is up.

    Returns where a new child must start (``len(calls)`` when all are done)
    and the child's exit code (None when it was stopped for time).
    """
    index = start
    entered = None   # when the running function's clock last started; None while the code loads
    while True:
        code = child.wait(POLL_SECONDS)
        now = time.monotonic()
        if entered is None and (results_dir / "load.json").exists():
            entered = now
        while entered is not None and index < len(calls) and (results_dir / f"{index}.json").exists():
            outcome[index] = _read_call(results_dir, index)
            function = calls[index]["function"]
            spent[function] = spent.get(function, 0.0) + now - entered
            entered, index = now, index + 1
        if index == len(calls):
            child.stop()
            return index, code
        if entered is None:                      # still loading the student's code
            if code is None and now - child.started <= bubblewrap.load_seconds():
                continue
            child.stop()
            return index, code
        function = calls[index]["function"]
        if code is None and spent.get(function, 0.0) + now - entered <= timeout:
            continue
        child.stop()
        started = (results_dir / f"{index}.started").exists()
        if code is None:                         # this function's time is up: go on with the next one
            spent[function] = timeout
            if started:
                outcome[index] = CallResult("timeout", f"did not finish within {timeout:g} s")
            following = [i for i in range(index, len(calls)) if calls[i]["function"] != function]
            return (following[0] if following else len(calls)), None
        spent[function] = spent.get(function, 0.0) + now - entered
        outcome[index] = CallResult("crash", f"ended the Python process ({_exit_words(code)})")
        return index + 1, code


def _load_problems(results_dir):
    try:
        problems = json.loads(read_untrusted(results_dir / "load.json"))
        return {str(k): str(v) for k, v in problems.items()}
    except Exception:  # untrusted file
        return {}


def _watch_training(child, attempts, timeout):
    """Wait for the tiny CNN's training: returns (loaded, stopped for time, exit code)."""
    loaded = None
    while True:
        code = child.wait(POLL_SECONDS)
        now = time.monotonic()
        if loaded is None and attempts.loaded():
            loaded = now
        if code is not None or (attempts.results / "cnn.json").exists():
            child.stop()
            return loaded is not None, False, code
        if now - (loaded or child.started) > (timeout if loaded else bubblewrap.load_seconds()):
            child.stop()
            return loaded is not None, True, None


def run_training(source, forward, backward, train_args, data, timeout):
    """Have a child (:func:`child.train_and_predict`) train the tiny CNN with the student's layer.

    ``data`` holds x_train, y_train and x_test. The student's code is loaded
    first (``CONVKIT_LOAD_SECONDS``), then the training has ``timeout``
    seconds. Returns the child's (record, arrays): the predictions for
    x_test and the losses, or why there are none.
    """
    with tempfile.TemporaryDirectory(prefix="convkit-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        np.savez(workdir / "inputs.npz", **data)
        attempts = Attempts(workdir, source)
        job = {"cnn": {"forward": forward, "backward": backward, "train": train_args}}
        for _ in range(len(source.cells) + 1):
            child = attempts.start(job, bubblewrap.load_seconds() + timeout + 1)
            loaded, timed_out, code = _watch_training(child, attempts, timeout)
            if loaded or not attempts.stop_before_running_statement(None if timed_out else code):
                break
        if (attempts.results / "cnn.json").exists():
            try:
                return _read(attempts.results, "cnn")
            except Exception:  # untrusted files: any damage means no result
                return {"status": "crash", "error": "its results could not be read"}, {}
        if not loaded:
            return ({"status": "timeout" if timed_out else "crash",
                     "error": attempts.stopped_loading(None if timed_out else code)}, {})
        if timed_out:
            return {"status": "timeout", "error": f"training did not finish within {timeout:g} s"}, {}
        return {"status": "crash", "error": f"training ended the Python process ({_exit_words(code)})"}, {}
