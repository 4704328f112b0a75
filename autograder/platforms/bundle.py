"""The grader's files a platform runs: the engine, the hidden reference, the release, pinned packages.

A bundle is laid out as the repository is, so that the engine finds
everything where it does at home (:data:`autograder.config.ROOT` is the
bundle): ``autograder/``, ``convkit/``, ``solutions/`` (the reference
only, not the worked notebooks), the release notebooks intake compares a
submission with, ``requirements-grader.txt`` and ``setup.sh``.
"""
import importlib.metadata
import json
import re
import shutil
from pathlib import Path


from autograder.config import ASSIGNMENT, RELEASE_FOLDER, ROOT

TEMPLATES = Path(__file__).resolve().with_name("templates")
# What the engine imports beyond the standard library; their own requirements follow.
ENGINE_PACKAGES = ("numpy", "nbformat")
SETTINGS = "convkit-platform.json"   # the export's choices, read by the runner on the platform
COPIED = ("autograder", "convkit", "solutions/__init__.py", "solutions/reference", f"{RELEASE_FOLDER}/{ASSIGNMENT}")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned():
    """``{canonical name: requirement line}`` of the kit's ``requirements.txt``."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {_canonical(line.split("==")[0]): line.strip() for line in lines if "==" in line and not line.startswith("#")}


def grader_requirements():
    """The pins of what the engine needs: :data:`ENGINE_PACKAGES` and everything they require
    (extras left out), each pinned as ``requirements.txt`` pins it."""
    from packaging.requirements import Requirement   # the kit's own environment has it; a platform's need not
    pins, wanted, todo = pinned(), set(), list(ENGINE_PACKAGES)
    while todo:
        name = _canonical(todo.pop())
        if name in wanted:
            continue
        if name not in pins:
            raise RuntimeError(f"{name}, which the grading engine needs, is not pinned in requirements.txt")
        wanted.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or "extra" not in str(requirement.marker):
                todo.append(requirement.name)
    return [pins[name] for name in sorted(wanted)]


def write(folder, platform, settings=None):
    """Lay the grader out in ``folder`` for ``platform``; returns ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for relative in COPIED:
        source, target = ROOT / relative, folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=SKIPPED, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    (folder / "requirements-grader.txt").write_text(
        "# The grading engine's packages, pinned as the kit's requirements.txt pins them.\n"
        + "\n".join(grader_requirements()) + "\n")
    shutil.copy2(TEMPLATES / "setup.sh", folder / "setup.sh")
    (folder / SETTINGS).write_text(json.dumps({"platform": platform, **(settings or {})}, indent=2) + "\n")
    return folder


def settings(root=ROOT):
    """The export's settings (:data:`SETTINGS`), or ``{}`` outside an export."""
    try:
        return json.loads((Path(root) / SETTINGS).read_text())
    except (OSError, ValueError):
        return {}
