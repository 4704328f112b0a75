"""Test-wide set-up: where bubblewrap is missing, the tests grade without a
sandbox (the hostile-submission suite then skips itself); CI installs it.

``make test`` runs the suite on every core (pytest-xdist, ``-n auto``, with
the scheduling of :func:`pytest_xdist_make_scheduler`): each test file is one group, so its module fixtures are
built once, and the files that share an expensive session fixture (a graded
class, the real services, the browser) form one group (:data:`SHARED`), so
that it is built once too. The one Chromium of a worker's session is here
(``browser``), for every test that drives it."""
import os
import socket
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.sandbox import bubblewrap

ROOT = Path(__file__).resolve().parents[1]
# Importable by name in every test: manifest.py, honest_loops.py (the sample submissions, shared
# with the demo class) and hostile.py, tampering.py (the submissions only the tests use).
sys.path[:0] = [str(ROOT / "samples" / "students"), str(ROOT / "tests" / "students"), str(ROOT / "tests" / "browser")]

# Test files that share an expensive session fixture: each set runs on one xdist worker.
SHARED = {
    "class-services": ("tests/autograder/classroom/test_cluster.py", "tests/autograder/classroom/test_gradebook.py"),
    "graded-course": ("tests/autograder/course/test_templates.py", "tests/autograder/course/test_demo.py"),
    "browser": ("tests/browser/test_formgrader.py", "tests/browser/test_hostile_outputs.py",
                "tests/browser/test_student_notebooks.py"),
    "demo-class": ("tests/notebooks/test_demo_class.py", "tests/autograder/platforms/test_in_the_platforms_container.py"),
}


# Test files of many slow tests and no module fixture: each test is a group of its own, so both cores share them.
SPREAD = ("tests/notebooks/test_diagnosis_notebooks.py",)


def group_of(nodeid):
    """The xdist group of a test: its file, the name of the files it shares fixtures with (:data:`SHARED`),
    or the test itself (:data:`SPREAD`)."""
    path = nodeid.split("::", 1)[0]
    if path in SPREAD:
        return nodeid
    return next((name for name, paths in SHARED.items() if path in paths), path)


def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist, send each group of tests (:func:`group_of`) to one worker, whole."""
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group_of(nodeid)

    return SharedFixtureScheduling(config, log)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, for the whole session (one per xdist worker): one sync
    Playwright may run in a process at a time."""
    import labdriver

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser tests need the Python package playwright (pip install -r requirements.txt)")
    if labdriver.chromium_path() is None:
        pytest.skip(f"the browser tests need Chromium: install the Debian package `{labdriver.CHROMIUM_PACKAGE}` "
                    "(apt-get install chromium; scripts/system-packages does it as root)")
    with sync_playwright() as playwright:
        chromium = labdriver.launch_chromium(playwright)
        yield chromium
        chromium.close()

if bubblewrap.bubblewrap() is None:
    os.environ.setdefault("CONVKIT_UNSAFE", "1")


@pytest.fixture
def listener():
    """A loopback server that records whether anything reached it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received = []

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                received.append(connection.recv(100))
            except OSError:
                continue
    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


DEMO_CLASS_SEED = 31


@pytest.fixture(scope="session")
def graded_demo_class(tmp_path_factory):
    """The whole demo class handed in to a fresh course and graded by ``grade_class`` (test cases' seed
    :data:`DEMO_CLASS_SEED`): its course, outcomes, ``table`` ({student: {part: score}} from nbgrader's
    gradebook) and ``seed``."""
    from autograder.classroom import grading
    from autograder.course.demo_class import CLASS, submissions
    from autograder.course.nbgrader_course import hand_in, make_course

    course = make_course(tmp_path_factory.mktemp("demo-class"))
    for student, files in submissions(course / "assignments" / "conv_backprop").items():
        hand_in(course, student, files)
    before = os.environ.get("CONVKIT_SEED")
    os.environ["CONVKIT_SEED"] = str(DEMO_CLASS_SEED)
    try:
        outcomes = grading.grade_class(course, jobs=2, only=list(CLASS))
    finally:
        if before is None:
            del os.environ["CONVKIT_SEED"]
        else:
            os.environ["CONVKIT_SEED"] = before
    return SimpleNamespace(course=course, outcomes=outcomes, table=grading.part_scores(course), seed=DEMO_CLASS_SEED)
