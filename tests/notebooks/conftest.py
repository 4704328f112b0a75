import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source" / "conv_backprop"
RELEASE = ROOT / "assignments" / "conv_backprop"
STUDENTS = ROOT / "samples" / "students"    # the sample submissions, shared with the demo class
TEST_STUDENTS = ROOT / "tests" / "students"  # the submissions only the tests use
sys.path[:0] = [str(STUDENTS), str(TEST_STUDENTS)]  # for manifest.py; hostile.py and tampering.py


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A throw-away nbgrader course built from the repository's source notebooks."""
    from autograder.course.nbgrader_course import make_course
    return make_course(tmp_path_factory.mktemp("course"))
