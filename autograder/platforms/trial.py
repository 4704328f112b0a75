"""Try an export here the way its platform runs it, before uploading it.

Gradescope and PrairieLearn run the grader as root in a container whose
folders are ``/autograder`` (or ``/grade``), with the grader's Python in
``/opt/convkit-venv`` (``setup.sh``). A :class:`Container` builds such a
root with bubblewrap: this machine's system read-only, a fresh ``/tmp``, and
the platform's folders and the environment from a folder of its own. With
``docker_like`` it puts, in place of ``bwrap``, what a Docker container with
its default seccomp profile gives: a ``bwrap`` that cannot create its
namespaces, so the grader falls back to running student code as an
unprivileged user.

A :class:`Trial` unpacks an export into a container as the platform does,
runs ``setup.sh``, and grades uploads with the platform's own script:
``python -m autograder try-export`` for an instructor, the platform tests
and ``bench.platform_exports`` for the kit.
"""
import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

from autograder.platforms import gradescope, prairielearn
from autograder.platforms.run import PLATFORMS

VENV = "/opt/convkit-venv"
# What Docker's default seccomp profile makes of bubblewrap: it cannot create the namespaces it needs.
DOCKER_BWRAP = "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"
SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/sys")
PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
# This machine's settings for reaching the package registries, passed into the container.
PASSED_VARIABLES = ("PIP_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


def unavailable():
    """Why a platform's container cannot be tried here, or ''."""
    if shutil.which("bwrap") is None:
        return "needs bubblewrap (Debian package bubblewrap)"
    if os.geteuid() != 0:
        return "needs root, as the platforms run their graders (the unprivileged-user isolation switches users)"
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"], capture_output=True)
    if probe.returncode != 0:
        return f"bubblewrap does not work here: {probe.stderr.decode()[:200]}"
    if not system_python():
        return ("needs a Python 3.11 or newer with venv in /usr (Debian packages python3 and python3-venv): "
                "setup.sh builds the platform's environment with it")
    return ""


def system_python():
    """A Python 3.11 or newer with venv under /usr, as setup.sh looks for one in a container, or None."""
    for folder in ("/usr/local/bin", "/usr/bin"):
        for name in ("python3.13", "python3.12", "python3.11", "python3"):
            path = Path(folder) / name
            if path.exists() and subprocess.run(
                    [str(path), "-c", "import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))"],
                    capture_output=True).returncode == 0:
                return path
    return None


class Container:
    """A platform's container: ``mount`` (``/autograder`` or ``/grade``) and ``/opt/convkit-venv`` are folders
    of ``folder``; the rest is this machine's system, read-only, and an empty ``/tmp``."""

    def __init__(self, folder, mount, docker_like=False):
        self.folder, self.mount, self.docker_like = Path(folder), str(mount), docker_like
        self.host = self.folder / self.mount.strip("/")
        self.venv = self.folder / "venv"
        self.host.mkdir(parents=True, exist_ok=True)
        self.venv.mkdir(exist_ok=True)

    def path(self, inside):
        """This machine's path of a path inside the container, under ``mount``."""
        return self.host / Path(inside).relative_to(self.mount)

    def argv(self, command):
        # This machine's /proc, bound: a fresh one would keep the grader's own bubblewrap from mounting its /proc.
        argv = ["bwrap", "--die-with-parent", "--dev", "/dev", "--bind", "/proc", "/proc"]
        for system in SYSTEM:
            argv += ["--ro-bind-try", system, system]
        argv += ["--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", str(Path(VENV).parent),
                 "--bind", str(self.host), self.mount, "--bind", str(self.venv), VENV]
        # pip as this machine has it set up (its configuration, the local wheels it names, its cache): setup.sh
        # installs from the same places as the kit's own make does.
        for folder in sorted(Path(VENV).parent.glob("*")):
            if folder != Path(VENV):
                argv += ["--ro-bind-try", str(folder), str(folder)]
        config, cache = Path.home() / ".config" / "pip", Path.home() / ".cache" / "pip"
        if config.is_dir():
            argv += ["--ro-bind", str(config), str(config)]
        if cache.is_dir():
            argv += ["--bind", str(cache), str(cache)]
        if self.docker_like:
            fake = self.folder / "bwrap-in-docker"
            fake.write_text(DOCKER_BWRAP)
            fake.chmod(0o755)
            argv += ["--ro-bind", str(fake), shutil.which("bwrap")]
        return argv + ["--chdir", self.mount, "--setenv", "HOME", str(Path.home()), "--"] + list(command)

    def run(self, command, env=None, timeout=1800):
        """Run ``command`` in the container as root; returns the CompletedProcess (text)."""
        passed = {name: value for name, value in os.environ.items() if name.startswith(PASSED_VARIABLES)}
        environment = {"PATH": PATH, "LANG": "C.UTF-8", **passed, **(env or {})}
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


def _install_gradescope(container, out):
    """Gradescope: the zip unpacked in /autograder/source, run_autograder copied to /autograder/run_autograder."""
    container.unzip(gradescope.export(out), gradescope.ENGINE)
    shutil.copy2(container.path(gradescope.ENGINE / "run_autograder"), container.path(RUN_AUTOGRADER))


def _install_prairielearn(container, out):
    """PrairieLearn: the course's serverFilesCourse/convkit mounted at /grade/serverFilesCourse/convkit."""
    _, grader = prairielearn.export(out)
    shutil.copytree(grader, container.path(prairielearn.ENGINE), symlinks=True, dirs_exist_ok=True)


# Per platform: how an export gets into its container, the script that grades, and whether the platform makes
# the results folder (Gradescope does; PrairieLearn's grader must).
RUN_AUTOGRADER = gradescope.ROOT / "run_autograder"   # where Gradescope puts the zip's run_autograder
INSTALLS = {
    gradescope.NAME: (_install_gradescope, [str(RUN_AUTOGRADER)], True),
    prairielearn.NAME: (_install_prairielearn, [f"{prairielearn.ENGINE}/run_grader"], False),
}


class Trial:
    """An export of ``platform`` unpacked into a :class:`Container` in ``folder`` and set up."""

    def __init__(self, platform, folder):
        self.name = platform
        self.module = PLATFORMS[platform]
        install, self.command, self.makes_results_folder = INSTALLS[platform]
        self.container = Container(folder, self.module.ROOT)
        install(self.container, Path(folder) / "export")
        started = time.monotonic()
        done = self.container.run(["bash", f"{self.module.ENGINE}/setup.sh"])
        self.setup_seconds = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"setup.sh failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def grade(self, files, docker_like=False, env=None):
        """Hand ``files`` in (``{name: bytes}``), run the platform's script; returns (results, CompletedProcess)."""
        self.container.hand_in(self.module.SUBMISSION, files)
        results = self.container.path(self.module.RESULTS)
        shutil.rmtree(results.parent, ignore_errors=True)
        if self.makes_results_folder:
            results.parent.mkdir()
        self.container.docker_like = docker_like
        finished = self.container.run(self.command, env=env)
        if finished.returncode != 0:
            raise RuntimeError(f"{self.command[0]} failed ({finished.returncode}):\n{finished.stderr[-3000:]}")
        return json.loads(results.read_text()), finished


def files_of(path):
    """What a student uploads, from a notebook, a zip or a folder here: ``{relative name: bytes}``."""
    path = Path(path)
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
