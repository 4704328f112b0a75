import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source" / "conv_backprop"
RELEASE = ROOT / "assignments" / "conv_backprop"
STUDENTS = ROOT / "tests" / "students"
sys.path.insert(0, str(STUDENTS))  # for manifest.py


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A throw-away nbgrader course built from the repository's source notebooks."""
    from autograder.course.nbgrader_course import make_course
    return make_course(tmp_path_factory.mktemp("course"))
