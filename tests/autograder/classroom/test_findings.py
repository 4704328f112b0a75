"""What the engine found per student: written in the shard, brought into the course whole, read back."""
import json

import pytest

from autograder.classroom import findings, grading
from autograder.classroom.report_summary import mistakes_of
from autograder.config import ASSIGNMENT, RELEASE_FOLDER
from autograder.course.demo_class import CLASS, submissions
from autograder.course.nbgrader_course import hand_in, make_course
from autograder.engine.check import PartResult
from autograder.spec.parts import NOTEBOOK_PARTS, OUTPUTS, PARTS
from manifest import BUGS


def _results(named=None, score_2d=15.0):
    """Engine results with every part right, except what ``named`` puts in part 2d."""
    results = {}
    for key, part in PARTS.items():
        result = PartResult(key, part.points, part.points)
        if key == "cnn":
            result.outputs = {"accuracy": 0.93}
        else:
            result.outputs = {output: 1.0 for output in OUTPUTS}
        results[key] = result
    if named:
        results["2d"].score = score_2d
        results["2d"].outputs["dx"] = 0.25
        results["2d"].named = {"dx": named}
        results["2d"].features = {"dx": ["overlapping windows"]}
        results["2d"].troubles = {"db": "IndexError"}
    return results


def test_the_findings_keep_each_outputs_share_misconception_features_and_trouble():
    """Does a student's findings hold, per part and output, what the engine found, and the intake notes?"""
    found = findings.of_results(_results("dx_windows_assigned", 10.5), seed=3, intake_notes=["renamed x"])
    dx = found["parts"]["2d"]["outputs"]["dx"]
    assert dx == {"fraction": 0.25, "misconception": "dx_windows_assigned", "features": ["overlapping windows"],
                  "trouble": None, "single_precision": False, "mutated": False}
    assert found["parts"]["2d"]["outputs"]["db"]["trouble"] == "IndexError"
    assert found["parts"]["cnn"]["accuracy"] == 0.93
    assert found["parts"]["cnn"]["outputs"]["accuracy"]["fraction"] == 1.0
    assert found["total"] == 95.5 and found["intake"] == ["renamed x"] and found["seed"] == 3
    assert set(found["parts"]) == set(PARTS)


def test_a_shards_findings_replace_the_students_earlier_ones_whole(tmp_path):
    """Does bringing in a shard replace the student's file, leave the others, and leave no temporary file?"""
    course, first, second = tmp_path / "course", tmp_path / "shard1", tmp_path / "shard2"
    findings.write_shard(first, _results("dx_windows_assigned"), seed=1)
    findings.bring_in(course, first, "ben")
    findings.write_shard(second, _results(), seed=2)
    findings.bring_in(course, second, "ben")
    findings.bring_in(course, first, "cho")
    kept = findings.load_class(course)
    assert set(kept) == {"ben", "cho"}
    assert kept["ben"]["seed"] == 2 and kept["ben"]["parts"]["2d"]["outputs"]["dx"]["misconception"] is None
    assert kept["cho"]["parts"]["2d"]["outputs"]["dx"]["misconception"] == "dx_windows_assigned"
    assert sorted(p.name for p in (course / "findings").iterdir()) == ["ben.json", "cho.json"]


def test_a_shard_without_findings_changes_nothing(tmp_path):
    """Is a shard with no findings file (an older run) brought in without touching the student's findings?"""
    course = tmp_path / "course"
    findings.write_shard(tmp_path / "shard", _results(), seed=1)
    findings.bring_in(course, tmp_path / "shard", "ben")
    (tmp_path / "empty").mkdir()
    assert findings.bring_in(course, tmp_path / "empty", "ben") is None
    assert findings.load_class(course)["ben"]["seed"] == 1


def test_the_findings_are_plain_json(tmp_path):
    """Is the shard's file JSON that a spreadsheet-minded instructor can read, named as the cluster expects?"""
    path = findings.write_shard(tmp_path, _results(), seed=1)
    assert path.name.startswith("convkit-") and path.suffix == ".json"
    assert json.loads(path.read_text())["parts"]["1d"]["score"] == pytest.approx(15.0)


def test_load_class_reads_only_the_students_asked_for(tmp_path):
    """Does ``only`` limit the students read back, and does a course without findings read as none?"""
    assert findings.load_class(tmp_path) == {}
    for student in ("ada", "ben"):
        findings.write_shard(tmp_path / student, _results(), seed=1)
        findings.bring_in(tmp_path / "course", tmp_path / student, student)
    assert list(findings.load_class(tmp_path / "course", only=["ben"])) == ["ben"]


HANDED_IN = "03_stride_padding.ipynb"  # one notebook: nbgrader runs one, and intake has something to say


@pytest.fixture(scope="module")
def graded_ben(tmp_path_factory):
    """A course where grade-class graded one notebook of the demo student ben through nbgrader, over stale
    findings of his: (course, his outcome)."""
    course = make_course(tmp_path_factory.mktemp("course"))
    hand_in(course, "ben", {HANDED_IN: submissions(course / RELEASE_FOLDER / ASSIGNMENT)["ben"][HANDED_IN]})
    findings._write_atomically(findings.student_file(course, "ben"), {"seed": -1, "stale": True})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONVKIT_SEED", "31")
        [outcome] = grading.grade_class(course, jobs=1, only=["ben"])
    assert outcome.ok, outcome
    return course, outcome


@pytest.mark.slow
def test_grade_class_keeps_what_the_engine_found_in_the_course(graded_ben):
    """After grade-class, does ben's findings file replace the stale one, name his bugs as the manifest says,
    and keep what intake said about his missing notebooks?"""
    course, outcome = graded_ben
    kept = findings.load_class(course)["ben"]
    assert kept["seed"] == 31 and "stale" not in kept
    assert kept["intake"] == list(outcome.notes) and outcome.notes
    expected = {(BUGS[stem]["id"], key, output)
                for notebook, functions in CLASS["ben"].items() if notebook == HANDED_IN
                for function, stem in functions.items()
                for key in NOTEBOOK_PARTS[notebook] if function in PARTS[key].functions
                for output in BUGS[stem]["wrong"].get(key, []) if output in PARTS[key].outputs_of(function)}
    assert set(mistakes_of(kept)) == expected and expected
    assert kept["total"] == pytest.approx(sum(grading.part_scores(course)["ben"].values()))
    assert not list((course / "findings").glob(".*"))  # no temporary file left
