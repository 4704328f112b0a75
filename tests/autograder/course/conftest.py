import pytest

from autograder.classroom import grading
from autograder.config import ASSIGNMENT, RELEASE_FOLDER
from autograder.course.demo import register_students
from autograder.course.demo_class import submissions
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.course.release import nbgrader

# One student with every part right and one whose feedback names mistakes (long lines).
GRADED_STUDENTS = ["ada", "ben"]


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """A copy of the course with two demo students handed in and named (as ``make demo`` does),
    graded by ``grade_class`` through nbgrader, and ``nbgrader generate_feedback`` run."""
    course = make_course(tmp_path_factory.mktemp("graded-course"))
    notebooks = submissions(course / RELEASE_FOLDER / ASSIGNMENT)
    for student in GRADED_STUDENTS:
        hand_in(course, student, notebooks[student])
    register_students(course, GRADED_STUDENTS)
    # The notebooks run again in the grader's kernel: the pages then have outputs and figures to lay out
    # (the demo's students hand in notebooks they never ran).
    outcomes = grading.grade_class(course, jobs=2, only=GRADED_STUDENTS, run_notebooks=True)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force", "--log-level=WARN")
    return course
