"""A student's outputs and markdown made inert: every payload loses what would run, what a notebook
legitimately shows stays, and the instructor's own cells are untouched."""
import copy

import nbformat
import pytest
from nbclient import NotebookClient

import hostile_outputs
from autograder.config import RELEASE_NOTEBOOKS
from autograder.pipeline import sanitize


@pytest.fixture(scope="module")
def executed():
    """The payload notebook as a kernel leaves it: every payload and harmless output really displayed."""
    notebook = hostile_outputs.with_payloads(nbformat.v4.new_notebook())
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=False).execute()
    return notebook


def test_the_payloads_are_live_before_and_inert_after(executed):
    """Does the executed notebook carry live payloads, and none once made inert?"""
    before = hostile_outputs.dangerous_leftovers(executed)
    assert len(before) >= 15, before
    notebook = copy.deepcopy(executed)
    assert sanitize.make_inert(notebook) > 0
    assert hostile_outputs.dangerous_leftovers(notebook) == []


def test_inert_is_inert_for_good(executed):
    """Is making an inert notebook inert again a change to nothing (so the feedback's second look changes nothing)?"""
    notebook = copy.deepcopy(executed)
    sanitize.make_inert(notebook)
    once = nbformat.writes(notebook)
    assert sanitize.make_inert(notebook) == 0 and nbformat.writes(notebook) == once


def _outputs(notebook, index):
    return notebook.cells[index].outputs


def test_what_a_notebook_legitimately_shows_stays(executed):
    """Do the PNG figure, the DataFrame's table (without its style block), the printed text and the equation stay?"""
    notebook = copy.deepcopy(executed)
    sanitize.make_inert(notebook)
    harmless = _outputs(notebook, -2)
    assert any("image/png" in o.get("data", {}) and len(o.data["image/png"]) > 1000 for o in harmless)
    table = next(o.data["text/html"] for o in harmless if "text/html" in o.get("data", {}))
    assert "<table" in table and "<th>loss</th>" in table and "<td>0.931</td>" in table and "<style" not in table
    assert any(o.get("output_type") == "stream" and hostile_outputs.HARMLESS_TEXT in o.text for o in harmless)
    assert any(o.get("data", {}).get("text/latex") == hostile_outputs.HARMLESS_EQUATION for o in harmless)


def test_an_svg_is_shown_as_an_image_and_markdown_as_clean_html(executed):
    """Is an SVG output kept as an <img> of itself (no script runs in an image), and a markdown output as HTML?"""
    notebook = copy.deepcopy(executed)
    sanitize.make_inert(notebook)
    data = [o.get("data", {}) for o in _outputs(notebook, -3)]
    assert any(d.get("text/html", "").startswith('<img src="data:image/svg+xml;base64,') for d in data)
    assert not any("image/svg+xml" in d or "text/markdown" in d or "application/javascript" in d for d in data)


def test_the_instructors_read_only_cells_are_left_as_they_are():
    """Does a release notebook (read-only markdown cells, no outputs) come out unchanged?"""
    for path in sorted(RELEASE_NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        before = nbformat.writes(notebook)
        assert sanitize.make_inert(notebook) == 0 and nbformat.writes(notebook) == before, path.name


@pytest.mark.parametrize("html, kept, gone", [
    ('<img src="x" onerror="alert(1)">', "<img", "onerror"),
    ('<a href="javascript:alert(1)">x</a>', ">x</a>", "javascript:"),
    ('<a href="https://example.org/">x</a>', 'href="https://example.org/"', "javascript"),
    ('<a href="/api/contents/x">x</a>', ">x</a>", "/api/"),
    ('<img src="/files/secret.png">', "<img", "/files/"),
    ('<img src="http://127.0.0.1:8888/api/contents?x">', "<img", "127.0.0.1"),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:image/png;base64,iVBORw0KGgo=", "onerror"),
    ('<a href="data:text/html,&lt;script&gt;">x</a>', ">x</a>", "data:text"),
    ('<p id="main-table">x</p>', 'id="student-main-table"', 'id="main-table"'),
    ('<div style="position: fixed; color: red">x</div>', "color:red", "position"),
    ('<div style="background-image: url(/api/contents)">x</div>', ">x</div>", "url("),
    ("<style>body{display:none}</style>ok", "ok", "display"),
    ("<script>alert(1)</script>ok", "ok", "alert"),
    ('<iframe src="https://example.org"></iframe>ok', "ok", "iframe"),
    ('<form action="/x"><input value="y"></form>ok', "ok", "form"),
    ('$\\href{javascript:alert(1)}{x}$', "\\\u200bhref", "\\href"),
    ('$\\require{extension}$ $\\style{color:red}{x}$', "\\\u200brequire", "\\style"),
    ('$\\bbox[position:fixed;top:0]{x}$ $\\mmlToken{mi}[href="javascript:x"]{y}$', "\\\u200bbbox", "\\mmlToken"),
])
def test_the_allowlist_on_single_pieces(html, kept, gone):
    """For each piece of HTML or TeX, does the cleaned text keep what it should and lose what it must?"""
    cleaned = sanitize.clean_html(html)
    assert kept in cleaned and gone not in cleaned, cleaned


def test_png_data_and_sizes_that_are_not_what_they_claim_are_dropped():
    """Is PNG data that is not base64 dropped, and image metadata kept only as numeric width and height?"""
    outputs = [nbformat.v4.new_output("display_data", data={"image/png": 'x" onerror="alert(1)', "text/plain": "p"}),
               nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="},
                                      metadata={"image/png": {"width": "1 onerror=alert(1)", "height": 20,
                                                              "isolated": True}, "needs_background": "x"})]
    assert sanitize.clean_outputs(outputs) == 2
    assert outputs[0].data == {"text/plain": "p"}
    assert outputs[1].data == {"image/png": "iVBORw0KGgo="} and outputs[1].metadata == {"image/png": {"height": 20}}


def test_a_students_markdown_with_blank_lines_in_code_stays_one_block():
    """Is a markdown cell with a fenced block holding blank lines turned into one HTML block, no blank line in it,
    so that the exporters pass it through whole?"""
    html = sanitize.render_markdown("Some *words*\n\n```\nfirst\n\n\nlast\n```\n\nand $x < y$.")
    assert html.startswith("<div>\n") and html.endswith("\n</div>")
    assert "\n\n" not in html and "first" in html and "last" in html and "$x &lt; y$" in html
    assert sanitize.render_markdown(html) == html


def test_the_course_config_puts_the_step_in_autograde_and_in_every_html_export():
    """Does nbgrader_config.py make the step part of autograding and of every HTML export (feedback, Formgrader)?"""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.config import ROOT

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert isinstance(config, Config)
    assert sanitize.MakeStudentContentInert in config.Autograde.autograde_preprocessors
    steps = [step.__name__ for step in config.Autograde.autograde_preprocessors]
    assert steps.index("SafeExecute") < steps.index("MakeStudentContentInert") < steps.index("SaveAutoGrades")
    assert config.HTMLExporter.preprocessors == [sanitize.MakeStudentContentInert]
