"""The class report on made-up findings (no grading): one self-contained page, the mistakes ranked with
their explanations, the help threshold, what stopped, the CSV and the command."""
import base64
import csv
import html
from html.parser import HTMLParser

import pytest

from autograder.classroom import findings, report
from autograder.cli import main
from autograder.classroom.report_summary import conditions_of, explanation, summarise
from autograder.config import LIMITS, RELEASE_NOTEBOOKS
from autograder.course.demo_class import CLASS, submissions
from autograder.course.nbgrader_course import hand_in
from autograder.engine.check import PartResult
from autograder.engine.grade import grade
from autograder.engine.misconceptions import CATALOGUE
from autograder.spec.parts import NOTEBOOK_PARTS, OUTPUTS, PARTS
from manifest import BUGS

PNG = b"\x89PNG\r\n\x1a\n"


def _findings(score=None, named=None, features=None, troubles=None, intake=(), accuracy=0.93, float32=(),
              unwritten=()):
    """One student's findings: every part right, except part ``stride`` as the arguments say, the parts in
    ``unwritten`` (stubs), and the cnn part below 92 % accuracy (no points)."""
    results = {}
    for key, part in PARTS.items():
        result = PartResult(key, part.points, part.points)
        result.outputs = {"accuracy": accuracy} if key == "cnn" else {output: 1.0 for output in OUTPUTS}
        if key in unwritten:
            result.score, result.broken = 0.0, set(part.functions)
            result.outputs = {output: 0.0 for output in OUTPUTS}
        results[key] = result
    if accuracy < 0.92:
        results["cnn"].score = 0.0
    stride = results["stride"]
    if score is not None:
        stride.score = score
    for output in named or {}:
        stride.outputs[output] = 0.5
    stride.named = dict(named or {})
    stride.features = dict(features or {})
    stride.troubles = dict(troubles or {})
    stride.single_precision = set(float32)
    return findings.of_results(results, seed=1, intake_notes=intake)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course whose findings hold four students: two share a misconception, one raised, one is fine."""
    tmp_path = tmp_path_factory.mktemp("course")
    made = {
        "ben": _findings(8.0, {"dx": "dx_dout_not_dilated"}, {"dx": ["stride > 1"]}),
        "cho": _findings(10.0, {"dx": "dx_dout_not_dilated", "dw": "dw_stride_ignored"},
                         {"dx": ["stride > 1 and a kernel smaller than the padded input"], "dw": ["stride > 1"]},
                         intake=["01_conv1d (1).ipynb was graded as 01_conv1d.ipynb"]),
        "gia": _findings(0.0, troubles={"dx": "IndexError", "dw": "IndexError", "db": "IndexError"},
                         features={"db": ["pad = 0"]}, accuracy=0.4, unwritten=("chw",)),
        "ada": _findings(),
    }
    for student, found in made.items():
        findings._write_atomically(findings.student_file(tmp_path, student), found)
    return tmp_path


@pytest.fixture(scope="module")
def written(course):
    """The report of ``course`` with the default threshold, written once: (text, HTML path, CSV path)."""
    return report.write_report(course, help_below=60)


@pytest.fixture(scope="module")
def summary(course):
    return summarise(findings.load_class(course), 60)


class _Page(HTMLParser):
    """Every tag with its attributes, and the text of <style>."""

    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parsed(path):
    page = _Page()
    page.feed(path.read_text())
    page.close()
    return page


def test_every_figure_is_embedded_and_nothing_is_fetched(written):
    """Is every figure a PNG inside the page, with no script and no link to another file or site?"""
    _, html_path, _ = written
    page = _parsed(html_path)
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 6, "totals, parts, shares, misconceptions, features, cnn"
    for attrs in images:
        assert attrs["src"].startswith("data:image/png;base64,") and attrs.get("alt")
        assert base64.b64decode(attrs["src"].split(",", 1)[1]).startswith(PNG)
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "iframe", "object", "embed")]
    assert not [attrs for _, attrs in page.tags if "href" in attrs or ("src" in attrs and not
                                                                       attrs["src"].startswith("data:"))]
    assert "url(" not in "".join(page.text)


def test_the_misconceptions_are_ranked_by_students_with_their_explanation(written, summary):
    """Is the misconception two students hold first, with its count, its plain words and who and where?"""
    summary_text, html_path, _ = written
    assert [(m.id, m.students) for m in summary.mistakes] == [
        ("dx_dout_not_dilated", ["ben", "cho"]), ("dw_stride_ignored", ["cho"])]
    page = html_path.read_text()
    assert "insert s - 1 zeros between the entries of dY" in page
    assert "ben: stride dx; cho: stride dx" in page
    assert "2  dx_dout_not_dilated: ben, cho" in summary_text


def test_the_features_that_make_most_students_fail_come_first(summary):
    """Does "stride > 1", shared by the failing cases of two students, rank above "pad = 0" (one)?"""
    assert [(f.condition, f.students) for f in summary.features] == [("stride > 1", ["ben", "cho"]),
                                                                      ("pad = 0", ["gia"])]
    assert "stride" in summary.features[0].hint


def test_a_plain_condition_is_a_feature_only_alone():
    """Is "a kernel smaller than the padded input" dropped beside "stride > 1", and "pad = 0" kept alone?"""
    assert conditions_of(["stride > 1 and a kernel smaller than the padded input"]) == ["stride > 1"]
    assert conditions_of(["pad = 0", "no overlapping windows"]) == ["pad = 0"]
    assert conditions_of([]) == []


@pytest.mark.parametrize("help_below, needing", [(None, ["gia"]), (95.0, ["gia", "ben", "cho"]), (0.0, [])])
def test_the_students_who_need_help_are_below_the_threshold(course, help_below, needing):
    """Are exactly the students below the threshold (the config's by default, or the one given) listed, lowest first?"""
    summary = summarise(findings.load_class(course),
                        LIMITS["CONVKIT_HELP_BELOW"].default if help_below is None else help_below)
    assert [student for student, _ in summary.need_help] == needing
    assert ("Need help" in report.text(summary)) == bool(needing)


def test_exceptions_intake_repairs_and_the_cnn_are_reported(written):
    """Are gia's IndexError, cho's renamed notebook and everyone's CNN accuracy in the summary and the page?"""
    text, html_path, _ = written
    assert "gia stride dx, dw, db: IndexError" in text
    assert "Repaired at intake: cho" in text
    assert "cnn accuracy: 40.0 % to 93.0 %" in text
    page = html_path.read_text()
    assert "01_conv1d (1).ipynb was graded as 01_conv1d.ipynb" in page and "40.0 %" in page
    assert "conv_backward_chw, conv_forward_chw" in page  # gia's stubs
    assert "<td>cho</td><td class=\"number\">90.00</td>" in page  # the table of every student


def test_the_csv_has_a_row_per_student_mistake_and_output(written):
    """Does the CSV list each student's mistakes, one row per output, with the class count?"""
    _, _, csv_path = written
    with open(csv_path, newline="") as handle:
        rows = [(r["student"], r["misconception"], r["part"], r["output"], r["students with it"])
                for r in csv.DictReader(handle)]
    assert rows == [("ben", "dx_dout_not_dilated", "stride", "dx", "2"),
                    ("cho", "dx_dout_not_dilated", "stride", "dx", "2"),
                    ("cho", "dw_stride_ignored", "stride", "dw", "1")]


def test_an_answer_right_only_to_single_precision_counts_as_a_mistake(tmp_path):
    """Is a float32 answer reported under "float32" with its plain words?"""
    findings._write_atomically(findings.student_file(tmp_path, "fen"), _findings(10.0, float32=("forward",)))
    summary = summarise(findings.load_class(tmp_path), 60)
    assert [(m.id, m.places) for m in summary.mistakes] == [("float32", {"fen": [("stride", "forward")]})]
    assert "single precision" in summary.mistakes[0].explanation


@pytest.mark.parametrize("idea", CATALOGUE, ids=lambda idea: f"{idea.id}-{idea.output}")
def test_every_misconception_has_plain_words_without_placeholders(idea):
    """Does every catalogued misconception explain itself without one case's numbers or a {placeholder}?"""
    words = explanation(idea.id, idea.output)
    assert words and "{" not in words and "e.g." not in words


def test_an_empty_course_says_to_grade_first(tmp_path):
    """Does a course without findings give a page and a line saying there is nothing yet?"""
    text, html_path, _ = report.write_report(tmp_path)
    assert "no findings yet" in text and html_path.is_file()


def test_the_report_command_writes_the_page_and_prints_the_summary(course, written, capsys):
    """Does `python -m autograder report` write both files and print the summary, the threshold given and
    where they are?"""
    assert main(["report", "--course", str(course), "--help-below", "89"]) == 0
    printed = capsys.readouterr().out
    assert f"class report: {course / 'class-report.html'}" in printed
    assert "Need help (below 89): gia 45.0, ben 88.0" in printed
    assert (course / "class-misconceptions.csv").is_file()


# --- The demo class, graded by the engine: its manifest is the oracle -------------------------------------

DEMO_SEED = 31


def _manifest_mistakes():
    """``{mistake id: {student: {(part, output)}}}`` that the demo class's manifest says the report must name:
    each student's sample bugs with a known id, in the parts and outputs where the bug is wrong."""
    expected = {}
    for student, choices in CLASS.items():
        for notebook, functions in choices.items():
            for function, stem in functions.items():
                if stem is None or BUGS[stem]["id"] is None:
                    continue
                for key in NOTEBOOK_PARTS[notebook]:
                    if function not in PARTS[key].functions:
                        continue
                    for output in BUGS[stem]["wrong"].get(key, []):
                        if output in PARTS[key].outputs_of(function):
                            expected.setdefault(BUGS[stem]["id"], {}).setdefault(student, set()).add((key, output))
    return expected


def _manifest_unwritten():
    """``{(student, part)}`` where the demo class leaves a layer's function as the stub (cnn is not a layer)."""
    return {(student, key) for student, choices in CLASS.items() for notebook, functions in choices.items()
            for function, stem in functions.items() if stem is None
            for key in NOTEBOOK_PARTS[notebook] if key != "cnn" and function in PARTS[key].functions}


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory):
    """The demo class graded by the engine as grade-class grades it (the cnn part left out: it names no
    misconception), each student's findings kept in a course folder through a shard."""
    course, shards = tmp_path_factory.mktemp("demo-course"), tmp_path_factory.mktemp("shards")
    layers = [key for key in PARTS if key != "cnn"]
    for student, notebooks in submissions(RELEASE_NOTEBOOKS).items():
        folder = hand_in(shards / student, student, notebooks)
        _, results = grade(folder, seed=DEMO_SEED, parts=layers)
        findings.write_shard(shards / student, results, DEMO_SEED)
        findings.bring_in(course, shards / student, student)
    return course


@pytest.mark.slow
def test_the_report_names_each_demo_students_mistakes_as_the_manifest_says(demo_class):
    """Does the report list every demo student's known mistakes under the right misconception, and no other,
    with the right number of students, most students first?"""
    summary = summarise(findings.load_class(demo_class), 60)
    expected = _manifest_mistakes()
    found = {m.id: {student: set(where) for student, where in m.places.items()} for m in summary.mistakes}
    assert found == expected
    counts = [len(m.students) for m in summary.mistakes]
    assert counts == sorted(counts, reverse=True)
    text = report.text(summary)
    for mistake, students in expected.items():
        assert f"{len(students):>3}  {mistake}: {', '.join(sorted(students))}" in text


@pytest.mark.slow
def test_the_report_names_the_demo_students_unwritten_functions(demo_class):
    """Are exactly the parts a demo student left as the stub listed as not written?"""
    summary = summarise(findings.load_class(demo_class), 60)
    assert {(student, key) for student, key, _ in summary.not_written} == _manifest_unwritten()


@pytest.mark.slow
def test_the_demo_class_page_embeds_its_figures_and_explains_each_misconception(demo_class):
    """Is the demo class's page self-contained, with each named misconception's plain words in it?"""
    _, html_path, _ = report.write_report(demo_class)
    page = _parsed(html_path)
    sources = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
    text = html_path.read_text()
    for mistake in _manifest_mistakes():
        words = [m.explanation for m in summarise(findings.load_class(demo_class), 60).mistakes if m.id == mistake]
        assert html.escape(words[0]) in text, mistake
