"""What an instructor sees in nbgrader's Formgrader, in a real headless Chromium, after the demo
class is graded (the ``course`` of ``conftest.py``): the students with their names and scores, a
feedback line in full, and no warning about the exchange.
"""
import nbformat
import pytest
from nbgrader import utils
from nbgrader.api import Gradebook

from autograder.classroom import grading
from autograder.config import ASSIGNMENT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

GRADED = ["ada", "ben"]
FEEDBACK_NOTEBOOK, FEEDBACK_CELL = "03_stride_padding", "test-stride-dx"  # ben did not dilate dY


def _gradebook_students(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.id: {"first": s.first_name, "last": s.last_name, "email": s.email} for s in gradebook.students}


def _shown(number):
    """A score as Formgrader's JavaScript prints it (rounded to hundredths, no trailing zeros)."""
    return f"{round(number, 2):.2f}".rstrip("0").rstrip(".")


def test_formgrader_lists_the_students_with_their_names_and_scores(course, formgrader):
    """Does Formgrader's student list show every graded student with the name, e-mail and total score nbgrader holds?"""
    page = formgrader("/formgrader/manage_students")
    page.locator("#main-table tr td.id").first.wait_for()
    rows = {row[1]: row for row in page.evaluate(
        "() => Array.from(document.querySelectorAll('#main-table tr')).map("
        "tr => ['name', 'id', 'email', 'score'].map(c => (tr.querySelector('td.' + c) || {}).innerText || ''))")}
    students = _gradebook_students(course)
    totals = {student: sum(parts.values()) for student, parts in grading.part_scores(course).items()}
    for student in GRADED:
        assert student in rows, f"{student} is not in Formgrader's list: {sorted(rows)}"
        name, _, email, score = rows[student]
        held = students[student]
        assert name.strip() == f"{held['last'] or 'None'}, {held['first'] or 'None'}", (student, name, held)
        assert email.strip() == (held["email"] or "None"), (student, email, held)
        assert score.strip() == f"{_shown(totals[student])} / 100", (student, score, totals[student])
    assert totals["ada"] == pytest.approx(100) and totals["ben"] < 100, totals


def test_the_demo_students_have_names_in_formgrader(course, formgrader):
    """Does Formgrader name every demo student and give an e-mail, instead of 'None, None'?"""
    page = formgrader("/formgrader/manage_students")
    page.locator("#main-table tr td.id").first.wait_for()
    names = page.locator("#main-table td.name").all_inner_texts()
    emails = page.locator("#main-table td.email").all_inner_texts()
    assert names and not [n for n in names if "None" in n], names
    assert not [e for e in emails if "@" not in e], emails


def _feedback_line(course):
    path = course / "autograded" / "ben" / ASSIGNMENT / f"{FEEDBACK_NOTEBOOK}.ipynb"
    for cell in nbformat.read(str(path), as_version=4).cells:
        if utils.is_grade(cell) and cell.metadata.nbgrader["grade_id"] == FEEDBACK_CELL:
            lines = [line for out in cell.outputs if out.get("output_type") == "stream"
                     for line in out["text"].splitlines() if line.strip()]
            assert lines, f"ben's {FEEDBACK_CELL} cell has no feedback: {cell.outputs}"
            return lines[0]
    raise AssertionError(f"no {FEEDBACK_CELL} cell in ben's autograded {FEEDBACK_NOTEBOOK}")


def test_formgrader_shows_a_feedback_line_in_full(course, formgrader):
    """Does ben's graded notebook in Formgrader show his feedback line, wrapped within the page?"""
    line = _feedback_line(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(FEEDBACK_NOTEBOOK, ASSIGNMENT, "ben")
        submission_id, score = submission.id, submission.score
    page = formgrader(f"/formgrader/submissions/{submission_id}/")
    output = page.locator(".output_area, .jp-OutputArea-output, .output_subarea").filter(has_text=line[:60]).last
    output.wait_for()
    text = " ".join(output.inner_text().split())
    assert " ".join(line.split()) in text, (line, text)
    box = page.evaluate(
        "(text) => { const el = Array.from(document.querySelectorAll('pre')).find(p => p.innerText.includes(text));"
        " if (!el) return null; const r = el.getBoundingClientRect();"
        " return {right: r.right, width: window.innerWidth, scroll: el.scrollWidth - el.clientWidth}; }", line[:60])
    assert box is not None, "the feedback is not in a <pre> block"
    assert box["scroll"] <= 1 and box["right"] <= box["width"], f"the feedback line runs past the edge: {box}"
    assert score < 100


def test_formgrader_shows_no_exchange_warning(instructor_lab, formgrader, course):
    """Does Formgrader's assignment page open without a warning about a missing exchange directory?"""
    page = formgrader("/formgrader/manage_assignments")
    page.locator("#main-table").wait_for()
    page.get_by_text(ASSIGNMENT).first.wait_for()
    assert page.locator("#warning-exchange").count() == 0, page.locator("#warning-exchange").inner_text()
