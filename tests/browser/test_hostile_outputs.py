"""A student's notebook that tries to run code in the instructor's browser, graded through grade-class and
real nbgrader (mallory, in ``conftest.py``'s class), then opened as the instructor opens it: Formgrader's
view of the submission, and the feedback file from disk. Nothing may run, nothing may reach the server's
API, no file may appear; the figure, the table, the text and the equation still show; the right code
earns its marks."""
import pytest
from nbgrader.api import Gradebook

import hostile_outputs
from autograder.classroom import grading
from autograder.config import ASSIGNMENT
from autograder.course.release import nbgrader

HOSTILE, HOSTILE_NOTEBOOK = hostile_outputs.STUDENT, hostile_outputs.NOTEBOOK

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# What ran, what covers the page, what could still run, read in the page after it settled.
_STATE = """
() => {
  const student = Array.from(document.querySelectorAll(
      '.output_area, .output_subarea, .jp-OutputArea, .text_cell_render, .jp-MarkdownOutput, .jp-RenderedHTMLCommon'));
  const all = sel => new Set(student.flatMap(box => Array.from(box.querySelectorAll(sel))));
  // What MathJax draws (SVG, its own scripts) is the page's, not the student's.
  const inside = sel => Array.from(all(sel)).filter(
      e => !e.closest('.MathJax_SVG, .MathJax_SVG_Display, .MathJax, mjx-container')).length;
  const handlers = Array.from(all('*')).filter(
      e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).length;
  const middle = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
  return {
    pwned: window.__convkit_pwned || null,
    title: document.title,
    scripts: inside('script:not([type^="math/tex"])'),  // MathJax 2 keeps each equation's TeX in one
    frames: ['iframe', 'object', 'embed', 'form', 'base', 'meta', 'svg', 'style'].map(
        tag => [tag, inside(tag)]).filter(pair => pair[1] > 0),
    handlers: handlers,
    bad_links: Array.from(document.querySelectorAll('a[href]')).filter(
        a => /^\\s*(javascript|data|vbscript):/i.test(a.getAttribute('href'))).length,
    covered_by: middle ? (middle.closest('[style*="fixed"]') ? 'a fixed element' : '') : '',
    overlay: !!document.querySelector('[id$="convkit-overlay"][style*="position"]'),
  };
}
"""

# The harmless cell's outputs: the figure, the table's headers, the text, and whether the equation was typeset.
_HARMLESS = """
(text) => {
  const pre = Array.from(document.querySelectorAll('pre')).find(p => p.innerText.includes(text));
  if (!pre) return null;
  const cell = pre.closest('.cell, .jp-Cell, .jp-CodeCell') || pre.parentElement.parentElement.parentElement;
  return {
    png: Array.from(cell.querySelectorAll('img')).filter(
        i => (i.getAttribute('src') || '').startsWith('data:image/png') && i.naturalWidth > 0).length,
    headers: Array.from(cell.querySelectorAll('th')).map(th => th.innerText.trim()),
    math: cell.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container').length,
  };
}
"""


def _submission_id(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook(HOSTILE_NOTEBOOK[:-len(".ipynb")], ASSIGNMENT, HOSTILE).id


def _settle_and_read(page):
    """Let every payload have its chance (load, error, toggle, a click on the links), then read the page."""
    page.locator("pre", has_text=hostile_outputs.HARMLESS_TEXT).first.wait_for()
    page.wait_for_function(f"() => document.querySelectorAll('{_MATH}').length > 0", timeout=60_000)
    for text in ("click me", "data link", "link", "a link"):
        for link in page.get_by_text(text, exact=True).all():
            try:
                link.click(timeout=2_000, no_wait_after=True)
            except Exception:  # hidden or covered: not clickable, which is the point
                pass
    page.wait_for_timeout(2_000)
    return page.evaluate(_STATE), page.evaluate(_HARMLESS, hostile_outputs.HARMLESS_TEXT)


_MATH = ".MathJax, .MathJax_Display, .MathJax_SVG, mjx-container"


def _assert_inert(state, harmless, requests, course):
    assert state["pwned"] is None and state["title"] != hostile_outputs.TITLE, state
    assert state["frames"] == [] and state["scripts"] == state["handlers"] == state["bad_links"] == 0, state
    assert not state["overlay"] and not state["covered_by"], state
    reached = [url for url in requests if "/api/contents" in url or "pwned" in url or "attacker.invalid" in url]
    assert reached == [], reached
    assert list(course.rglob(f"{hostile_outputs.FILE_PREFIX}*")) == []
    assert harmless is not None, "the harmless cell's printed text is not on the page"
    assert harmless["png"] >= 1 and {"loss", "accuracy"} <= set(harmless["headers"]) and harmless["math"] >= 1, \
        harmless


def test_the_payloads_cost_the_right_code_nothing(course):
    """Does mallory's notebook 02, right code and every payload, earn the part's full marks?"""
    assert grading.part_scores(course)[HOSTILE]["2d"] == pytest.approx(15.0)


def test_the_autograded_notebook_holds_nothing_live(course):
    """Is every payload in the autograded notebook (what Formgrader and the feedback read) inert?"""
    import nbformat
    graded = nbformat.read(str(course / "autograded" / HOSTILE / ASSIGNMENT / HOSTILE_NOTEBOOK), as_version=4)
    assert hostile_outputs.dangerous_leftovers(graded) == []


def test_formgrader_runs_none_of_the_payloads(course, formgrader, page):
    """In Formgrader's view of the submission: no payload runs or reaches the API, no file appears, nothing covers
    the page, and the figure, table, text and equation show?"""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    formgrader(f"/formgrader/submissions/{_submission_id(course)}/")
    state, harmless = _settle_and_read(page)
    _assert_inert(state, harmless, requests, course)


def test_the_feedback_file_runs_none_of_the_payloads(course, browser):
    """The feedback file opened from disk, the network blocked: does nothing run or load, and does the harmless
    content show?"""
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--student", HOSTILE, "--force", "--log-level=WARN")
    path = course / "feedback" / HOSTILE / ASSIGNMENT / HOSTILE_NOTEBOOK.replace(".ipynb", ".html")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                  else (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        state, harmless = _settle_and_read(page)
    finally:
        context.close()
    _assert_inert(state, harmless, requests, course)
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
