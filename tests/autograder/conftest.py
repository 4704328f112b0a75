import sys
from pathlib import Path

import pytest

STUDENTS = Path(__file__).resolve().parent.parent / "students"
sys.path.insert(0, str(STUDENTS))  # for manifest.py


@pytest.fixture
def students():
    """The folder of sample submissions: honest_loops.py, stubs.py and the bug_*.py files."""
    return STUDENTS
