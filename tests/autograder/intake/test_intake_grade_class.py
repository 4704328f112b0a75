"""Honest submissions in every shape students hand them in, graded through real grade-class and nbgrader:
does each earn what the same code earns in untouched notebooks, and is no student lost?"""
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.classroom import findings, grading
from autograder.course.demo_class import student_notebook
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.course.release import nbgrader
from autograder.spec.parts import NOTEBOOK_PARTS

pytestmark = pytest.mark.slow

# One student's code, with a mistake in every notebook, so that a notebook graded as another would show.
CHOICES = {"01_conv1d.ipynb": {"conv1d_backward": "bug_dx_not_rotated_1d"},
           "02_conv2d.ipynb": {"conv2d_forward": "bug_forward_flipped_2d"},
           "03_stride_padding.ipynb": {"conv2d_backward": "bug_dw_stride_ignored"},
           "04_channels.ipynb": {"conv_backward_chw": "bug_dx_one_filter"},
           "05_batch.ipynb": {"conv_backward": "bug_dw_one_sample"}}
NAMES = sorted(NOTEBOOK_PARTS)


def _stripped(notebook):
    """As an editor that keeps no cell metadata and no cell ids saves it, with Windows line ends."""
    notebook = nbformat.from_dict(notebook)
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        cell.metadata = {}
        cell.pop("id", None)
        cell.source = cell.source.replace("\n", "\r\n")
    return notebook


def _write(folder, files):
    for relative, notebook in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(folder / relative))


@pytest.fixture(scope="module")
def messy_class(tmp_path_factory):
    """A course where one student's code is handed in untouched and in every messy shape, graded by
    ``python -m autograder grade-class``: (course, the command's result)."""
    course = make_course(tmp_path_factory.mktemp("intake") / "course")
    release = course / "assignments" / "conv_backprop"
    code = {name: student_notebook(release / name, CHOICES[name]) for name in NAMES}
    hand_in(course, "untouched", code)
    hand_in(course, "twice_renamed", {"02_conv2d (1).ipynb": code["02_conv2d.ipynb"],
                                      "04_channels-Copy1.ipynb": code["04_channels.ipynb"]})
    hand_in(course, "redownloaded", {name.replace(".ipynb", " (1).ipynb"): code[name] for name in NAMES})
    hand_in(course, "stripped", {"03_stride_padding_final.ipynb": _stripped(code["03_stride_padding.ipynb"]),
                                 "02_conv2d-Copy1.ipynb": _stripped(code["02_conv2d.ipynb"])})
    nested = hand_in(course, "nested", {})
    _write(nested, {f"conv_backprop/conv_backprop/{name}": code[name]
                    for name in ("01_conv1d.ipynb", "03_stride_padding.ipynb")})
    zipped = hand_in(course, "zipped", {})
    with zipfile.ZipFile(zipped / "conv_backprop.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("02_conv2d.ipynb", "04_channels.ipynb"):
            archive.writestr(f"conv_backprop/{name}", nbformat.writes(code[name]))
    bombed = hand_in(course, "bombed", {"01_conv1d.ipynb": code["01_conv1d.ipynb"]})
    with zipfile.ZipFile(bombed / "more.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("02_conv2d.ipynb", b" " * (300 * 1024 * 1024))  # a third of a megabyte, zipped
    loose = course / "submitted" / "loose"  # copied by hand, without the assignment's folder
    _write(loose, {"01_conv1d.ipynb": code["01_conv1d.ipynb"]})
    empty = hand_in(course, "empty", {})
    (empty / "answers.pdf").write_bytes(b"%PDF-1.4")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-class", "--jobs", "2", "--course", str(course),
                           "--csv", str(course / "grades.csv")],
                          env=dict(os.environ, CONVKIT_SEED="11"), capture_output=True, text=True)
    return course, done


HANDED_IN = {
    "twice_renamed": ("02_conv2d.ipynb", "04_channels.ipynb"),
    "redownloaded": tuple(NAMES),
    "stripped": ("02_conv2d.ipynb", "03_stride_padding.ipynb"),
    "nested": ("01_conv1d.ipynb", "03_stride_padding.ipynb"),
    "zipped": ("02_conv2d.ipynb", "04_channels.ipynb"),
    "bombed": ("01_conv1d.ipynb",),
    "loose": ("01_conv1d.ipynb",),
}


def test_grade_class_succeeds_for_every_shape(messy_class):
    """Does grade-class exit 0 with every student in the gradebook, the empty submission included?"""
    course, done = messy_class
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(grading.part_scores(course)) == {"untouched", "empty", *HANDED_IN}


@pytest.mark.parametrize("student", sorted(HANDED_IN))
def test_each_shape_earns_what_the_untouched_notebooks_earn(messy_class, student):
    """Does every notebook handed in renamed, stripped, nested, zipped, beside a zip bomb or without the
    assignment's folder earn, part by part,
    exactly what the same code earns in untouched notebooks, and the notebooks not handed in nothing?"""
    course, _ = messy_class
    scores = grading.part_scores(course)
    graded = {key for name in HANDED_IN[student] for key in NOTEBOOK_PARTS[name]}
    expected = {key: (score if key in graded else 0.0) for key, score in scores["untouched"].items()}
    assert scores[student] == pytest.approx(expected), (scores[student], expected)
    assert all(0 < scores["untouched"][key] for key in graded if key != "cnn")


def _notes(course, student):
    return findings.load_class(course, only=[student])[student]["intake"]


def test_the_notes_say_what_was_matched_and_how(messy_class):
    """Do the kept intake notes name each file and how it was recognised, and the zip bomb as not unpacked?"""
    course, done = messy_class
    assert "02_conv2d (1).ipynb is 02_conv2d.ipynb renamed (recognised by the cells only that notebook has)" \
        in " ".join(_notes(course, "twice_renamed"))
    assert "03_stride_padding_final.ipynb is 03_stride_padding.ipynb renamed" in " ".join(_notes(course, "stripped"))
    assert "conv_backprop/conv_backprop/01_conv1d.ipynb was graded as 01_conv1d.ipynb." in _notes(course, "nested")
    assert "conv_backprop.zip: conv_backprop/04_channels.ipynb was graded as 04_channels.ipynb." in \
        _notes(course, "zipped")
    assert any(note.startswith("more.zip was not unpacked: its notebooks would unpack to 300 MB")
               for note in _notes(course, "bombed"))
    assert "note: more.zip was not unpacked" in done.stderr


def test_an_empty_submission_is_a_student_with_zero_feedback_and_a_report_line(messy_class):
    """Does a submission with no notebook get a gradebook row of 0, a feedback file that says what was found,
    and a place in the class report?"""
    course, _ = messy_class
    assert sum(grading.part_scores(course)["empty"].values()) == 0.0
    nbgrader(course, "generate_feedback", "conv_backprop", "--student", "empty", "--force", "--log-level=WARN")
    pages = sorted((course / "feedback" / "empty" / "conv_backprop").glob("*.html"))
    assert [page.stem for page in pages] == [name[:-len(".ipynb")] for name in NAMES]
    assert "No notebook of the assignment was found in the submission (it holds: answers.pdf)" in pages[0].read_text()
    report = (course / "class-report.html").read_text()
    assert "empty" in report and "No notebook of the assignment was found" in report
