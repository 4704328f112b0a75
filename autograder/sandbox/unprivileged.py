"""Run student code as a user of its own, where bubblewrap cannot run.

Bubblewrap needs user namespaces, and Docker's default seccomp profile
refuses them, so on a platform that grades in Docker (Gradescope) the kit
falls back to the oldest isolation Unix has: the children of one job
folder run under a user id of their own that owns nothing else, has no
home and is in no group. It is chosen only by the platform runner
(``CONVKIT_ISOLATION=user``, :mod:`autograder.platforms.run`), which first
makes the grader's own files readable by root alone; elsewhere those files
are readable by anyone, and the kit refuses to grade without bubblewrap.

What the student's code then has:

* the Python installation and a copy of the student helpers ``convkit``
  without the digits' held-out labels (:func:`library`, read-only);
* the submission's grading copy, read-only;
* in its job folder (root's, which it may only read), a ``results``
  folder and a ``home`` of its own, which no other user may enter;
* the same limits as in bubblewrap (memory, file size, CPU time), and a
  process count enforced by ``RLIMIT_NPROC``, which counts per user.

It keeps the network and the machine's world-readable files; the results
of a platform say which isolation was used. When a child is stopped,
every process of its user is killed from root (:func:`kill_user`), which
the student's processes can neither stop nor outlive.
"""
import atexit
import functools
import os
import random
import shutil
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path

ISOLATION_VARIABLE = "CONVKIT_ISOLATION"
USED = set()             # the user ids given out by this process, swept again by sweep_all()
_lock = threading.Lock()


def enabled():
    """True when the platform runner chose this isolation."""
    return os.environ.get(ISOLATION_VARIABLE) == "user"


def possible():
    """Only root can give a process another user id, and the other user must be able to run Python."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and not unusable_python()


def chosen():
    """Whether children run as users of their own here: chosen, possible, and bubblewrap does not work."""
    from autograder.sandbox import bubblewrap
    return enabled() and bubblewrap.bubblewrap() is None and possible()


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


def uid_range():
    """User ids to hand out: unused ones, mapped into this container (a user namespace maps fewer)."""
    try:
        spans = [tuple(map(int, line.split())) for line in Path("/proc/self/uid_map").read_text().splitlines()]
    except (OSError, ValueError):
        spans = []
    if any(inside == 0 and count >= 2 ** 31 for inside, _, count in spans):
        return 1_000_000_000, 2_000_000_000     # a range no host's accounts reach, shared by no other container
    return 61_000, 65_000                       # unused by Debian and Ubuntu accounts, mapped in most namespaces


def _uids_of(pid):
    """The real, effective and saved user ids of a process, or () once it is gone."""
    try:
        line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith("Uid:"))
        return tuple(int(value) for value in line.split()[1:4])
    except (OSError, StopIteration, ValueError):
        return ()


def _processes():
    return [int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()]


def kill_user(uids):
    """Kill every process of the user ids ``uids``, from root: a SIGKILL through a pidfd, the process's user
    checked again once the pidfd holds it (a pid may have been reused). Repeated until none is left."""
    uids = set(uids)
    for _ in range(200):
        found = [pid for pid in _processes() if set(_uids_of(pid)) & uids]
        if not found:
            return
        for pid in found:
            try:
                handle = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                if set(_uids_of(pid)) & uids:
                    signal.pidfd_send_signal(handle, signal.SIGKILL)
            except OSError:
                pass
            finally:
                os.close(handle)


def sweep_all():
    """Kill every process of every user id this process gave out (before a platform's results are written)."""
    with _lock:
        uids = set(USED)
    if uids:
        kill_user(uids)


def free_uid():
    """A random user id of :func:`uid_range` that no process runs as now."""
    low, high = uid_range()
    with _lock:
        busy = {uid for pid in _processes() for uid in _uids_of(pid)} | USED
        for _ in range(1000):
            uid = random.randrange(low, high)
            if uid not in busy:
                USED.add(uid)
                return uid
    raise RuntimeError("no free user id to run student code under")


def readable_by_all(folder):
    """Let any user read ``folder`` and everything in it, and reach it from ``/``: each file and folder changed
    through a descriptor opened without following a link, so a link in it changes nothing elsewhere."""
    folder = Path(folder).resolve()
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in [None, *files]:
            path = top if name is None else os.path.join(top, name)
            try:
                handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:   # a link (or gone): left as it is
                continue
            try:
                mode = os.fstat(handle).st_mode
                if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
                    os.fchmod(handle, stat.S_IMODE(mode) | (0o555 if stat.S_ISDIR(mode) else 0o444))
            finally:
                os.close(handle)
    for parent in folder.parents:
        if not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o001)


class Account:
    """The user the children of one job folder run as, and what it is given there.

    The job folder stays root's: the child reads the job and its inputs
    there and writes only into ``results/`` and ``home/``, its own and
    closed to every other user, so neither another part's child nor a
    process left behind can reach them.
    """

    def __init__(self, job_dir, source_dir):
        self.uid = free_uid()
        job_dir = Path(job_dir)
        job_dir.chmod(0o711)
        self.home = job_dir / "home"
        self._own_folder(self.home)
        readable_by_all(source_dir)

    def _own_folder(self, path):
        path.mkdir(mode=0o700)
        os.chown(path, self.uid, self.uid)

    def results_folder(self, path):
        """Make the (new) results folder for the next child."""
        self._own_folder(Path(path))

    def popen_arguments(self):
        """What :class:`subprocess.Popen` needs to start the child as this user, in no group."""
        return {"user": self.uid, "group": self.uid, "extra_groups": []}

    def sweep(self):
        """Kill every process of this user: what the child forked, detached or left behind."""
        kill_user({self.uid})
