"""The browser tests' fixtures: Debian's Chromium through Playwright, one page per test, and a
screenshot of that page when a test fails (under the run's basetemp, in screenshots/; the path
is printed in the failure report).

The instructor's side (``course``, ``instructor_lab``, ``formgrader``) is one graded class for
every test that reads it: `make demo`'s class, handed in and registered the same way
(``autograder.course.demo``'s ``fill_class`` and ``register_students``) in a throw-away course,
of which three students are graded through nbgrader (to keep the run short): ada, whose code is
right, ben, who made two mistakes, and mallory, whose right notebook 02 also displays every
payload of ``tests/students/hostile_outputs.py`` (graded with ``run_notebooks``: the payloads run
again in the grader's kernel).

The browser itself is the session's ``browser`` of ``tests/conftest.py``. Without the `chromium` binary (Debian package `chromium`; `scripts/system-packages` installs it
as root) or the `playwright` package, every browser test skips and says which is missing.
"""
import io
import re

import pytest
from nbgrader.api import Gradebook

import hostile_outputs
import labdriver
from autograder.classroom import grading
from autograder.config import ASSIGNMENT, RELEASE_FOLDER
from autograder.course import demo
from autograder.course.demo_class import student_notebook
from autograder.course.nbgrader_course import hand_in, make_course


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the run, so that JupyterLab's scripts load from the cache after the first page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    yield context
    context.close()


GRADED = ["ada", "ben", hostile_outputs.STUDENT]


@pytest.fixture(scope="session")
def course(browser, tmp_path_factory):
    """A course with the demo class handed in, mallory's payloads beside it, GRADED autograded through nbgrader."""
    root = make_course(tmp_path_factory.mktemp("formgrader") / "course")
    release = root / RELEASE_FOLDER / ASSIGNMENT
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONVKIT_SEED", demo.SEED)
        students = demo.fill_class(root, release, io.StringIO())
        demo.register_students(root, students)  # names and e-mails, before grading, as run_demo does
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", demo.COURSE_ID) as gradebook:
            gradebook.update_or_create_student(hostile_outputs.STUDENT, first_name="Mallory", last_name="Payload",
                                               email=f"{hostile_outputs.STUDENT}@example.org")
        hand_in(root, hostile_outputs.STUDENT, {hostile_outputs.NOTEBOOK: hostile_outputs.run_as_the_student(
            hostile_outputs.with_payloads(student_notebook(release / hostile_outputs.NOTEBOOK, {})))})
        outcomes = grading.grade_class(root, jobs=2, only=GRADED[:-1])
        # mallory's notebook runs again in the sandboxed kernel, so that what Formgrader and the feedback show
        # is what the payloads display when they run under the grader (the cluster test covers the outputs
        # of the student's own run, which grade-class keeps by default).
        outcomes += grading.grade_class(root, jobs=1, only=GRADED[-1:], run_notebooks=True)
    assert all(outcome.ok for outcome in outcomes), outcomes
    return root


@pytest.fixture(scope="session")
def instructor_lab(course, tmp_path_factory):
    """JupyterLab started in the course root, as an instructor starts it for Formgrader."""
    server = labdriver.JupyterServer(course, course, tmp_path_factory.mktemp("instructor-jupyter"))
    yield server
    server.stop()


@pytest.fixture
def formgrader(instructor_lab, page):
    """``open(path)``: a Formgrader page, logged in."""
    def open_page(path):
        page.goto(instructor_lab.url(path), wait_until="domcontentloaded")
        return page
    return open_page


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, save a screenshot of each page the test used (while it is still open)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    pages = [value for value in getattr(item, "funcargs", {}).values()
             if type(value).__name__ == "Page" and hasattr(value, "screenshot")]
    if not pages:
        return
    folder = item.config._tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    saved = []
    for number, page in enumerate(pages):
        path = folder / f"{stem}-{call.when}-{number}.png"
        try:
            page.screenshot(path=str(path))
            saved.append(str(path))
        except Exception as error:  # a crashed page: say so, keep the test's own failure
            saved.append(f"(no screenshot: {error})")
    report.sections.append(("screenshots", "\n".join(saved)))
    print(f"\nscreenshots of {item.nodeid}: {', '.join(saved)}")
