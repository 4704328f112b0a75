"""Run student code as a user of its own, where bubblewrap cannot run.

Bubblewrap needs user namespaces, and Docker's default seccomp profile
refuses them, so on a platform that grades in Docker (Gradescope) the kit
falls back to the oldest isolation Unix has: every grader child runs under
a user id of its own that owns nothing, has no home and is in no group.
It is chosen only by the platform runner (``CONVKIT_ISOLATION=user``,
:mod:`autograder.platforms.run`), which first makes the grader's own
files readable by root alone; elsewhere those files are readable by
anyone, and the kit refuses to grade without bubblewrap instead.

What the student's code then has:

* the Python installation and a copy of the student helpers ``convkit``
  without the digits' held-out labels (:func:`library`, read-only);
* the submission's grading copy (read-only) and its job folder, a
  sticky folder like ``/tmp``: it may add files, not replace the grader's;
* the same limits as in bubblewrap (memory, file size, CPU time), and a
  process count enforced by ``RLIMIT_NPROC``, which counts per user.

It keeps the network and the machine's world-readable files; the results
of a platform say which isolation was used. When a child is stopped,
every process of its user is killed (:meth:`Account.sweep`), so nothing a
submission forks or detaches outlives its child.
"""
import atexit
import functools
import itertools
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from autograder.config import limit

ISOLATION_VARIABLE = "CONVKIT_ISOLATION"
FIRST_UID = 61000        # user ids the kit hands out: no account uses them on Debian or Ubuntu
UID_COUNT = 3000
_next = itertools.count()
_lock = threading.Lock()


def enabled():
    """True when the platform runner chose this isolation (and bubblewrap does not work)."""
    return os.environ.get(ISOLATION_VARIABLE) == "user"


def possible():
    """Only root can give a process another user id, and the other user must be able to run Python."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and not unusable_python()


def unusable_python():
    """Why a user with no rights could not run this Python (a folder on its way only root may enter), or ''.

    A platform's set-up builds the grader's environment where anyone may
    run it (``/opt/convkit-venv``); a Python under ``/root`` is not.
    """
    for path in {Path(sys.executable), Path(os.path.realpath(sys.executable)), Path(sys.base_prefix) / "lib"}:
        for folder in [*reversed(path.parents), path]:
            mode = folder.stat().st_mode if folder.exists() else 0
            if not mode & 0o001:
                return f"{folder} is closed to other users, so they cannot run {sys.executable}"
    return ""


@functools.lru_cache(maxsize=1)
def library():
    """A read-only folder with ``child.py`` and a copy of ``convkit`` without the held-out labels.

    The grader's own copy is readable by root only (the platform runner made it so).
    """
    from autograder.sandbox import bubblewrap
    folder = Path(tempfile.mkdtemp(prefix="convkit-student-library-"))
    shutil.copy2(bubblewrap.CHILD, folder / "child.py")
    shutil.copytree(bubblewrap.KIT / "convkit", folder / "convkit",
                    ignore=shutil.ignore_patterns("digits.npz", "__pycache__"))
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _running_uids():
    uids = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            line = next(l for l in status.read_text().splitlines() if l.startswith("Uid:"))
            uids.add(int(line.split()[1]))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return uids


def free_uid():
    """A user id of the kit's range that no process runs as now."""
    with _lock:
        busy = _running_uids()
        for _ in range(UID_COUNT):
            uid = FIRST_UID + (os.getpid() * 7 + next(_next)) % UID_COUNT
            if uid not in busy:
                return uid
    raise RuntimeError("no free user id to run student code under")


def _readable_by_all(folder):
    """Let any user read ``folder`` and everything under it, and reach it from ``/``."""
    folder = Path(folder).resolve()
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
    for parent in folder.parents:
        if not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o001)


class Account:
    """The user one grader child runs as: its id, and what it is given."""

    def __init__(self, job_dir, source_dir):
        self.uid = free_uid()
        # Sticky and writable by all, like /tmp: the child adds its results, and cannot remove
        # or replace the job the grader wrote.
        Path(job_dir).chmod(0o1777)
        _readable_by_all(job_dir)
        _readable_by_all(source_dir)

    def popen_arguments(self):
        """What :class:`subprocess.Popen` needs to start the child as this user, in no group."""
        return {"user": self.uid, "group": self.uid, "extra_groups": []}

    def process_limit(self):
        """``RLIMIT_NPROC`` counts the processes of a user: the child's cap, set after it became one."""
        count = int(limit("CONVKIT_MAX_PROCESSES"))

        def apply():
            resource.setrlimit(resource.RLIMIT_NPROC, (count, count))
        return apply

    def sweep(self):
        """Kill every process of this user: what the child forked, detached or left behind."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked process ends here
            try:
                os.setgroups([])
                os.setgid(self.uid)
                os.setuid(self.uid)
                os.kill(-1, signal.SIGKILL)   # as this user: every process of this user but this one
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
