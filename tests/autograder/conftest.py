import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = ROOT / "samples" / "students"    # the sample submissions, shared with the demo class
TEST_STUDENTS = ROOT / "tests" / "students"  # the submissions only the tests use
sys.path[:0] = [str(STUDENTS), str(TEST_STUDENTS)]  # for manifest.py; hostile.py and tampering.py


@pytest.fixture
def students():
    """The folder of sample submissions: honest_loops.py, stubs.py and the bug_*.py files."""
    return STUDENTS
