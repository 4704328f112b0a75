"""The demo class as Formgrader shows it: names and e-mails in nbgrader's student table."""
import pytest
from nbgrader.api import Gradebook

from autograder.config import COURSE_ID
from autograder.course.demo_class import CLASS, EMAIL_DOMAIN, NAMES


def test_every_demo_submission_has_a_name():
    """Does every student `make demo` hands in (the reference, the stubs and the class) have a first and a last name?"""
    assert set(NAMES) == {"reference", "stubs", *CLASS}
    assert all(first and last for first, last in NAMES.values())


@pytest.mark.slow
def test_graded_demo_students_keep_their_names_in_the_gradebook(graded_course):
    """After grading through nbgrader, does nbgrader's student table hold each student's name and e-mail?"""
    graded = sorted(folder.name for folder in (graded_course / "submitted").iterdir())
    assert graded
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}", COURSE_ID) as gradebook:
        students = {student.id: student for student in gradebook.students}
        rows = {sid: (students[sid].first_name, students[sid].last_name, students[sid].email)
                for sid in graded}
        assert all(gradebook.find_submission("conv_backprop", sid).score > 0 for sid in graded)
    for student in graded:
        first, last = NAMES[student]
        assert rows[student] == (first, last, f"{student}@{EMAIL_DOMAIN}")
