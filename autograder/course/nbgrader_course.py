"""An nbgrader course on disk: set one up, hand in notebooks, autograde, read grades.

Used by the tests (a throw-away course in a temporary folder) and by the
class-grading commands (the repository itself is the course root).
"""
import shutil
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.course.release import ASSIGNMENT, ROOT, nbgrader


def make_course(folder, root=ROOT):
    """A copy of the course (config and source notebooks) in ``folder``, its release generated."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", folder)
    shutil.copytree(Path(root) / "source", folder / "source", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nbgrader(folder, "generate_assignment", ASSIGNMENT, "--force", "--log-level=WARN")
    return folder


def hand_in(course, student, notebooks):
    """Place a student's notebooks (``{file name: path or NotebookNode}``) in ``submitted/``."""
    import nbformat

    target = Path(course) / "submitted" / student / ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    for name, notebook in notebooks.items():
        if isinstance(notebook, (str, Path)):
            shutil.copy(notebook, target / name)
        else:
            nbformat.write(notebook, str(target / name))
    return target


def autograde(course, student):
    return nbgrader(course, "autograde", ASSIGNMENT, "--student", student, "--force", "--log-level=WARN")


def cell_scores(course, student):
    """``{notebook: {grade_id: score}}`` for a student's autograded submission, from the gradebook."""
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {notebook.name: {grade.name: grade.score for grade in notebook.grades}
                for notebook in submission.notebooks}
