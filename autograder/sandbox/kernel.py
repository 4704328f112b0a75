"""The Jupyter kernel that ``nbgrader autograde`` runs student notebooks in: IPython inside bubblewrap.

The kernelspec ``convkit-sandbox`` (``autograder/jupyter/kernels/``, selected in
``nbgrader_config.py``) starts ``python -m autograder.sandbox.kernel -f
CONNECTION_FILE``. This launcher, which keeps the instructor's rights, then

1. mounts a small, size-capped memory file system at the notebook's folder
   with the folder's files in it read-only, so the student's code finds its
   files where it expects them, and whatever it writes is thrown away;
2. starts ``ipykernel`` in bubblewrap with every namespace unshared: the
   kernel sees the system and Python read-only, the student helpers
   ``convkit``, a stand-in for the hidden cells' ``autograder.notebook_checks``,
   and its scratch space; not the course, its ``solutions/`` and
   ``source/``, the gradebook, other students' folders or the network;
3. relays the five ZeroMQ channels between the client's sockets (TCP on the
   loopback, as jupyter_client chose) and the kernel's, which are unix
   sockets in a private folder, because the sandbox has no network;
4. applies the limits of :mod:`autograder.sandbox.bubblewrap` (memory, file size,
   processes) and a wall-clock and CPU budget for the whole notebook,
   ``CONVKIT_NOTEBOOK_SECONDS`` (defaults in :mod:`autograder.config`).

The kernel's score lines do not count: :mod:`autograder.pipeline.engine_grades`
replaces every hidden test cell's output with the engine's result.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import zmq

from autograder.sandbox import bubblewrap

GRADER = Path(__file__).resolve().parents[1]   # autograder/: the kernel gets two of its files
CHANNELS = ("shell", "control", "stdin", "iopub", "hb")
# The relay's sockets towards the kernel share one identity: the kernel
# addresses stdin requests to the identity it saw on the shell channel.
RELAY_IDENTITY = b"convkit-relay"


def _address(info, channel):
    if info["transport"] == "ipc":
        return f"ipc://{info['ip']}-{info[channel + '_port']}"
    return f"{info['transport']}://{info['ip']}:{info[channel + '_port']}"


def relay(context, client, kernel):
    """Start one thread per channel that relays between the client's and the kernel's addresses."""
    for channel in CHANNELS:
        if channel == "iopub":
            front, back = context.socket(zmq.XPUB), context.socket(zmq.XSUB)
        else:
            front, back = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
            back.setsockopt(zmq.IDENTITY, RELAY_IDENTITY)
        front.bind(_address(client, channel))
        back.connect(_address(kernel, channel))
        threading.Thread(target=_forward, args=(front, back), daemon=True).start()


def _forward(front, back):
    try:
        zmq.proxy(front, back)
    except zmq.ZMQError:  # the sockets were closed: the kernel has ended
        pass


HOME = "/kernel/home"


def _kernel_env():
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HOME": HOME, "TMPDIR": HOME, "PYTHONPATH": "/sandbox/lib",
           "MPLCONFIGDIR": f"{HOME}/.matplotlib", "IPYTHONDIR": f"{HOME}/.ipython",
           "CONVKIT_SCORED_OUTSIDE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    # nbgrader's own flag, which the notebooks read to keep slow demos short.
    if "NBGRADER_EXECUTION" in os.environ:
        env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
    return env


def kernel_argv(private, folder):
    """bubblewrap around ipykernel: ``private`` holds the sockets, ``folder`` is the notebook's."""
    size = str(bubblewrap.output_bytes())
    argv = bubblewrap.base_argv() + [
        "--ro-bind", str(bubblewrap.KIT / "convkit"), "/sandbox/lib/convkit",
        "--ro-bind", str(GRADER / "__init__.py"), "/sandbox/lib/autograder/__init__.py",
        "--ro-bind", str(GRADER / "notebook_checks.py"), "/sandbox/lib/autograder/notebook_checks.py",
        "--bind", str(private / "ipc"), "/kernel/ipc",
        "--ro-bind", str(private / "connection.json"), "/kernel/connection.json",
        # Home and the notebook's folder are small memory file systems: what
        # the student's code writes there is capped, and gone with the kernel.
        "--size", size, "--tmpfs", HOME,
        "--size", size, "--tmpfs", str(folder)]
    for entry in sorted(folder.iterdir()):  # the submission's files, read-only
        argv += ["--ro-bind", str(entry), str(folder / entry.name)]
    return argv + ["--remount-ro", "/", "--chdir", str(folder),
                   *ipykernel("/kernel/connection.json")]


def ipykernel(connection_file):
    # No history database: it would be written after every cell, and is of no use here.
    return [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, "--HistoryManager.hist_file=:memory:"]


def run(connection_file):
    """Run the sandboxed kernel for ``connection_file`` until it ends; returns its exit code."""
    client = json.loads(Path(connection_file).read_text())
    folder = Path.cwd().resolve()
    if bubblewrap.bubblewrap() is None:
        if not bubblewrap.unsafe_allowed():
            print(bubblewrap.UNAVAILABLE, file=sys.stderr)
            return 3
        print("convkit: WARNING: no sandbox, the notebook runs with your rights (CONVKIT_UNSAFE=1)",
              file=sys.stderr)
        # The hidden cells are scored by EngineGrades all the same: they need not grade in here.
        os.environ["CONVKIT_SCORED_OUTSIDE"] = "1"
        os.execv(sys.executable, ipykernel(connection_file))
    private = Path(tempfile.mkdtemp(prefix="convkit-kernel-"))
    group = bubblewrap.ProcessGroup()
    context = zmq.Context()
    try:
        (private / "ipc").mkdir()
        kernel = {**client, "transport": "ipc", "ip": "/kernel/ipc/kernel"}
        (private / "connection.json").write_text(json.dumps(kernel))
        budget = bubblewrap.notebook_seconds()
        # A clean environment: none of the instructor's variables, and no
        # JPY_PARENT_PID, whose process the kernel could not see from its PID namespace.
        process = subprocess.Popen(kernel_argv(private, folder), env=_kernel_env(),
                                   # What the kernel writes to its own stdout and stderr (not the
                                   # cells' output, which goes over ZeroMQ) could be endless.
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, preexec_fn=bubblewrap.limits(budget, group))
        relay(context, client, {**kernel, "ip": str(private / "ipc" / "kernel")})
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda *_: process.kill())
        try:
            return process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            print(f"convkit: the notebook ran out of its {budget:.0f} s budget", file=sys.stderr)
            process.kill()
            return process.wait()
    finally:
        group.kill_and_remove()
        context.destroy(linger=0)
        shutil.rmtree(private, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", dest="connection_file", required=True)
    args, _ = parser.parse_known_args(argv)
    sys.exit(run(args.connection_file))


if __name__ == "__main__":
    main()
