"""Run a student's code where it can do no harm: bubblewrap plus resource limits.

Inside the sandbox the child sees the Python installation (read-only), the
kit's student helpers ``convkit`` (read-only), the submission's folder
(read-only, for the student's own imports) and its job folder (the only
place it may write). It does not see ``solutions/``, ``source/``, the
grading engine, the gradebook, other submissions or the network: none of
them is mounted, and every namespace is unshared.

Limits, each settable from the environment (defaults and meanings in
:data:`autograder.config.LIMITS`):

* ``CONVKIT_MEMORY_MB``: address space per child;
* ``CONVKIT_MAX_PROCESSES``: processes and threads per child, through a
  pids cgroup where the machine lets us create one;
* ``CONVKIT_OUTPUT_MB``: the largest file the child may write (what it
  prints goes nowhere);
* ``CONVKIT_CELL_SECONDS`` and ``CONVKIT_LOAD_SECONDS``: one notebook cell,
  and all of the student's code, while a child loads it;
* CPU seconds: the loading and the part's time limit, enforced twice (wall
  clock by the parent, CPU time by RLIMIT_CPU);
* ``CONVKIT_NOTEBOOK_SECONDS``: the same for a whole notebook's kernel under
  ``nbgrader autograde`` (:mod:`autograder.sandbox.kernel`).

``nbgrader_config.py`` sets these for a course; the environment overrides it.

Where bubblewrap is missing or does not work, grading stops and says so,
unless a platform runner chose to run student code as an unprivileged user
instead (:mod:`autograder.sandbox.unprivileged`), or the instructor opts in
to unsafe grading (``--unsafe`` or ``CONVKIT_UNSAFE=1``).
"""
import functools
import os
import resource
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from autograder.config import ROOT, limit
from autograder.sandbox import unprivileged

KIT = ROOT   # the repository: convkit/ is mounted from it
CHILD = Path(__file__).resolve().with_name("child.py")
PIDS_ROOT = Path("/sys/fs/cgroup/pids")
SUBMISSION = "/submission"   # where a grader child sees the submission's folder


UNAVAILABLE = (
    "bubblewrap (bwrap) is not available or does not work here, so student code cannot be "
    "sandboxed. Install it (Debian/Ubuntu: apt-get install bubblewrap), or, on a machine you "
    "can afford to lose, grade without a sandbox with --unsafe (CONVKIT_UNSAFE=1).")


class SandboxUnavailable(RuntimeError):
    pass


def unsafe_allowed():
    return os.environ.get("CONVKIT_UNSAFE") == "1"


def bubblewrap():
    """The path of a working ``bwrap``, or None (also when ``CONVKIT_SANDBOX=off``, for benchmarks)."""
    return None if os.environ.get("CONVKIT_SANDBOX") == "off" else _working_bwrap()


@functools.lru_cache(maxsize=1)
def _working_bwrap():
    path = shutil.which("bwrap")
    if not path:
        return None
    try:
        probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                               capture_output=True)
    except OSError:  # there, but not a program this process may run
        return None
    return path if probe.returncode == 0 else None


def check():
    """Raise :class:`SandboxUnavailable` unless student code can be sandboxed or the instructor opted out."""
    if bubblewrap() is None and not unprivileged.chosen() and not unsafe_allowed():
        raise SandboxUnavailable(UNAVAILABLE)


def isolation():
    """In words, what student code runs under here: for a platform's results."""
    if bubblewrap() is not None:
        return "bubblewrap"
    return "unprivileged user" if unprivileged.chosen() else "none"


def output_bytes():
    """The largest file student code may write (and the size of a kernel's scratch space)."""
    return int(limit("CONVKIT_OUTPUT_MB") * 1024 ** 2)


def notebook_seconds():
    """Wall-clock and CPU budget of one notebook's kernel under ``nbgrader autograde``."""
    return limit("CONVKIT_NOTEBOOK_SECONDS")


def cell_seconds():
    """Time for one notebook cell (or a whole .py file) while the grader loads the student's code."""
    return limit("CONVKIT_CELL_SECONDS")


def load_seconds():
    """Time for loading all of the student's code in one grader child, before its calls."""
    return limit("CONVKIT_LOAD_SECONDS")


def submission_folder(source_dir):
    """Where the child sees the submission's folder."""
    return SUBMISSION if bubblewrap() is not None else str(Path(source_dir).resolve())


def _python_roots():
    """Folders the interpreter and its libraries live in, to mount read-only."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent}
    return sorted(str(root) for root in roots)


def base_argv():
    """bubblewrap with every namespace unshared and the system and Python read-only; nothing else mounted."""
    argv = [bubblewrap(), "--unshare-all", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/etc/alternatives", "/etc/ld.so.cache",
                   "/etc/fonts"):
        argv += ["--ro-bind-try", system, system]
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    return argv


def command(job_dir, source_dir, account=None):
    """The argv and extra environment that run ``child.py`` on ``job_dir``: sandboxed when possible, else as
    ``account``'s user (:class:`autograder.sandbox.unprivileged.Account`), else (``--unsafe``) as is."""
    job_dir, source_dir = Path(job_dir).resolve(), Path(source_dir).resolve()
    if account is not None:
        library = unprivileged.library()
        return [sys.executable, str(library / "child.py"), str(job_dir)], {
            "PYTHONPATH": os.pathsep.join([str(library), str(source_dir)]),
            "HOME": str(account.home), "TMPDIR": str(account.home)}
    if bubblewrap() is None:
        return [sys.executable, str(CHILD), str(job_dir)], {"PYTHONPATH": os.pathsep.join([str(KIT), str(source_dir)])}
    argv = base_argv() + [
        "--ro-bind", str(KIT / "convkit"), "/sandbox/lib/convkit",
        # The held-out labels are in the digits file: the child gets its data from the grader.
        "--ro-bind", "/dev/null", "/sandbox/lib/convkit/digits.npz",
        "--ro-bind", str(CHILD), "/sandbox/child.py",
        "--ro-bind", str(source_dir), SUBMISSION,
        "--bind", str(job_dir), "/job",
        # Everything but /job is read-only, /tmp included (the kit may live under /tmp).
        "--remount-ro", "/", "--chdir", "/job", "--setenv", "HOME", "/job", "--setenv", "TMPDIR", "/job",
        sys.executable, "/sandbox/child.py", "/job"]
    return argv, {"PYTHONPATH": f"/sandbox/lib:{SUBMISSION}"}


class ProcessGroup:
    """A pids cgroup that caps how many processes one child may have (best effort)."""

    def __init__(self):
        self.path = None
        try:
            path = PIDS_ROOT / f"convkit-{uuid.uuid4().hex[:12]}"
            path.mkdir()
            (path / "pids.max").write_text(str(int(limit("CONVKIT_MAX_PROCESSES"))))
            self.path = path
        except OSError:
            self.path = None

    def enter(self):
        """Called in the child before exec: join the cgroup."""
        if self.path is not None:
            try:
                (self.path / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:  # best effort: the PID namespace and the kill at the end still hold
                pass

    def kill_and_remove(self):
        if self.path is None:
            return
        for _ in range(50):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
        try:
            self.path.rmdir()
        except OSError:
            pass


def limits(cpu_seconds, group, account=None):
    """The preexec function: resource limits, then the cgroup (or, for an ``account``, its process count)."""
    memory = int(limit("CONVKIT_MEMORY_MB") * 1024 ** 2)
    output = output_bytes()
    processes = int(limit("CONVKIT_MAX_PROCESSES"))

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = max(1, int(cpu_seconds) + 2)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        try:  # when memory runs out, the kernel ends student code first, not the grader
            with open("/proc/self/oom_score_adj", "w") as adjust:
                adjust.write("1000")
        except OSError:
            pass
        if account is not None:
            # Popen has made the child the account's user by now: RLIMIT_NPROC counts that user's processes.
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        group.enter()
    return apply
