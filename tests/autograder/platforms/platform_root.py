"""A platform's container, as far as the grader can tell: its real paths, bound by bubblewrap.

Gradescope and PrairieLearn run the grader as root in a container whose
folders are ``/autograder`` (or ``/grade``), with the grader's Python in
``/opt/convkit-venv`` (``setup.sh``). :class:`PlatformRoot` builds such a
root from the host's system (read-only) and a temporary folder of the
test's, and runs commands in it, as root, as the platform would.
``docker_like=True`` puts in place of ``bwrap`` what a Docker container
with its default seccomp profile gives: a ``bwrap`` that cannot create
its namespaces.
"""
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

VENV = "/opt/convkit-venv"
# What Docker's default seccomp profile makes of bubblewrap: it cannot unshare the user namespace.
DOCKER_BWRAP = "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"


def available():
    """Why these tests cannot run here, or ''."""
    if shutil.which("bwrap") is None:
        return "needs bubblewrap (Debian package bubblewrap)"
    if os.geteuid() != 0:
        return "needs root, as the platforms run their graders (the unprivileged-user isolation switches users)"
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"], capture_output=True)
    return "" if probe.returncode == 0 else f"bubblewrap does not work here: {probe.stderr.decode()[:200]}"


class PlatformRoot:
    """A container root: ``mount`` (``/autograder`` or ``/grade``) and ``/opt/convkit-venv`` are folders
    of ``folder``; the rest is the host's system, read-only, and an empty ``/tmp``. ``engine`` is where the
    export's grader is, inside ``mount``."""

    def __init__(self, folder, mount, engine, docker_like=False):
        self.folder, self.mount, self.engine = Path(folder), mount, str(engine)
        self.host = self.folder / mount.strip("/")
        self.venv = self.folder / "venv"
        self.docker_like = docker_like
        self.host.mkdir(parents=True, exist_ok=True)
        self.venv.mkdir(exist_ok=True)

    def path(self, inside):
        """The host's path of a path inside the container under ``mount``."""
        return self.host / Path(inside).relative_to(self.mount)

    def argv(self, command):
        # The host's /proc, bound: a fresh one would keep the grader's own bubblewrap from mounting its /proc.
        argv = ["bwrap", "--die-with-parent", "--dev", "/dev", "--bind", "/proc", "/proc"]
        for system in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/sys"):
            argv += ["--ro-bind-try", system, system]
        argv += ["--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", str(Path(VENV).parent),
                 "--bind", str(self.host), self.mount, "--bind", str(self.venv), VENV]
        cache = Path.home() / ".cache" / "pip"
        if cache.is_dir():  # the wheels pip already has: set-up without downloading them again
            argv += ["--bind", str(cache), str(cache)]
        if self.docker_like:
            fake = self.folder / "bwrap-in-docker"
            fake.write_text(DOCKER_BWRAP)
            fake.chmod(0o755)
            argv += ["--ro-bind", str(fake), shutil.which("bwrap")]
        return argv + ["--chdir", self.mount, "--setenv", "HOME", str(Path.home()), "--"] + command

    def run(self, command, env=None, timeout=900):
        """Run ``command`` in the container as root; returns the CompletedProcess (text)."""
        environment = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", **(env or {})}
        return subprocess.run(self.argv(command), env=environment, capture_output=True, text=True, timeout=timeout)

    def unzip(self, archive, inside):
        """Unpack ``archive`` at ``inside`` as the platform does, keeping the files' modes."""
        target = self.path(inside)
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                written = Path(zipped.extract(info, target))
                mode = info.external_attr >> 16 & 0o777
                if mode and not info.is_dir():
                    written.chmod(mode)
        return target

    def hand_in(self, inside, files):
        """Make ``inside`` hold exactly ``files``: ``{relative name: bytes}``."""
        target = self.path(inside)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name, data in files.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
        return target
