"""The kit reads nothing of its test suite: what the demo or the grader needs
lives in the kit (``samples/``, ``solutions/``), so the kit runs without ``tests/``."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograder", "convkit", "solutions")
# A path under tests/, written out ("tests/students") or as a path part (ROOT / "tests"); a key "tests": of a
# platform's results file is not one.
TESTS_PATH = re.compile(r"""\btests/|["']tests["'](?!\s*:)""")


@pytest.mark.parametrize("package", PACKAGES)
def test_no_file_of_the_package_names_a_path_under_tests(package):
    """Does no source or data file of the package name a path under tests/?"""
    files = [path for path in sorted((ROOT / package).rglob("*"))
             if path.suffix in (".py", ".json") and "__pycache__" not in path.parts]
    assert files
    named = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in files
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if TESTS_PATH.search(line)]
    assert not named, named
