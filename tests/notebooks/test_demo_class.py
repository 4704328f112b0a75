"""The demo class end to end through real `nbgrader autograde`: every student's
per-part grades, read from nbgrader's gradebook."""
import pytest

from autograder.classroom import findings
from autograder.course.demo_class import CLASS
from autograder.engine.grade import grade
from autograder.spec.parts import NOTEBOOK_PARTS, PARTS
from manifest import BUGS

pytestmark = pytest.mark.slow


def _parts_with_bugs(choices):
    """The parts a demo student's choices should cost points in (from the samples' manifest)."""
    hit = set()
    for notebook, functions in choices.items():
        for function, stem in functions.items():
            for key in NOTEBOOK_PARTS[notebook]:
                if stem is None and function in PARTS[key].functions:
                    hit.add(key)
                elif stem is not None and BUGS[stem]["wrong"].get(key):
                    hit.add(key)
    return hit


# The student whose submission is graded again with the command line, as a check that both paths agree.
COMMAND_LINE = "eli"


def test_demo_class_grades_through_nbgrader(graded_demo_class):
    """Does each demo student lose points exactly in the parts with a mistake, nbgrader's gradebook holding what
    the engine found, and does the command line give one of them the same grades?"""
    course, outcomes, table = graded_demo_class.course, graded_demo_class.outcomes, graded_demo_class.table
    assert all(o.ok and not o.notes for o in outcomes), outcomes
    found = findings.load_class(course)
    for student, choices in CLASS.items():
        wrong = _parts_with_bugs(choices)
        for key, part in PARTS.items():
            assert table[student][key] == pytest.approx(found[student]["parts"][key]["score"], abs=1e-9)
            if key == "cnn" and "batch" in wrong:
                continue  # a batch bug may or may not cost the network its accuracy
            if key in wrong:
                assert table[student][key] < part.points, (student, key)
            else:
                assert table[student][key] == pytest.approx(part.points), (student, key)
    report, _ = grade(course / "submitted" / COMMAND_LINE / "conv_backprop", seed=graded_demo_class.seed)
    for key in PARTS:
        assert table[COMMAND_LINE][key] == pytest.approx(report["parts"][key]["score"], abs=1e-9), key
    assert table["ada"] == {key: part.points for key, part in PARTS.items()}
