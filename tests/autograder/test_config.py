"""The kit's settings, each written once in autograder/config.py and read from there."""
import ast
import re
import subprocess
import sys

import pytest

from autograder import config
from autograder.config import LIMITS, ROOT, limit


def test_the_readme_limits_table_is_the_configs():
    """Does the README's limits table list every limit of the config, in order, with its default, unit and meaning?"""
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `(CONVKIT_\w+)` \| (.*?) \| (.*?) \| (.*?) \|$", readme, flags=re.M)
    assert rows == [(item.name, str(item.default), item.unit, item.meaning) for item in LIMITS.values()]


@pytest.mark.parametrize("name", LIMITS)
def test_a_limit_is_its_environment_variable_when_set_and_its_default_otherwise(name, monkeypatch):
    """Does limit() read the environment variable when it is set, and the table's default when not?"""
    monkeypatch.delenv(name, raising=False)
    assert limit(name) == LIMITS[name].default
    monkeypatch.setenv(name, "2.5")
    assert limit(name) == 2.5


@pytest.mark.slow  # nbgrader_config.py loads nbgrader: seconds
def test_the_course_config_takes_its_limits_and_folders_from_the_kit(tmp_path):
    """Does nbgrader_config.py set every limit's default from the config, the environment winning, and name
    the config's course folders?"""
    code = (
        "import os, runpy, traitlets.config\n"
        "os.environ['CONVKIT_PART_SECONDS'] = '7'\n"
        "c = traitlets.config.Config()\n"
        f"runpy.run_path({str(ROOT / 'nbgrader_config.py')!r}, init_globals={{'get_config': lambda: c}})\n"
        "print(repr({name: os.environ[name] for name in " + repr(list(LIMITS)) + "}))\n"
        "print(repr(c.CourseDirectory.release_directory))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    environment, release = [ast.literal_eval(line) for line in done.stdout.splitlines()]
    expected = {name: str(item.default) for name, item in LIMITS.items()}
    assert environment == {**expected, "CONVKIT_PART_SECONDS": "7"}
    assert release == config.RELEASE_FOLDER


def test_the_command_line_help_gives_the_configs_defaults():
    """Does `grade --help` give the part and CNN time limits' defaults from the config?"""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], capture_output=True, text=True,
                          check=True)
    text = " ".join(done.stdout.split())
    for name in ("CONVKIT_PART_SECONDS", "CONVKIT_CNN_SECONDS"):
        assert f"{name} or {LIMITS[name].default}" in text
