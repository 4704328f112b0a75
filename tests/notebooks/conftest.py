import pytest


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A throw-away nbgrader course built from the repository's source notebooks."""
    from autograder.course.nbgrader_course import make_course
    return make_course(tmp_path_factory.mktemp("course"))
