from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = ROOT / "samples" / "students"    # the sample submissions, shared with the demo class


@pytest.fixture
def students():
    """The folder of sample submissions: honest_loops.py, stubs.py and the bug_*.py files."""
    return STUDENTS
