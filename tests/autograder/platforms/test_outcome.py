"""Is a grade shown on a platform the engine's grade, output by output, in each platform's documented format?"""
import pytest

from autograder.engine.check import PartResult
from autograder.platforms import gradescope, prairielearn
from autograder.platforms.outcome import Outcome, from_engine
from autograder.spec.parts import PARTS, grade_id
from platform_schemas import assert_valid


def _results():
    """Engine results with something wrong in each layer part, and the CNN at half its points."""
    results = {}
    for key, part in PARTS.items():
        if key == "cnn":
            result = PartResult(key, 0.0, part.points, [(("accuracy",), "The tiny CNN reached 61 % accuracy.")])
            result.score = part.points / 2
        else:
            result = PartResult(key, 0.0, part.points, [(("dx", "dw"), "dx is wrong: <b>not rotated</b>")],
                                {"forward": 1.0, "dx": 0.0, "dw": 0.5, "db": 1.0})
            result.score = sum(result.points_for(output) for output in part.outputs)
        results[key] = result
    return results


def test_every_part_and_output_is_one_test_with_the_engines_points():
    """Is there one test per (part, output), and do they add up to each part's and the total score?"""
    results = _results()
    outcome = from_engine(results)
    assert [t.grade_id for t in outcome.tests] == [grade_id(k, o) for k, p in PARTS.items() for o in p.outputs]
    for key, part in PARTS.items():
        tests = [t for t in outcome.tests if t.grade_id.startswith(f"test-{key}-")]
        assert sum(t.score for t in tests) == pytest.approx(results[key].score, abs=0.005)
        assert sum(t.max_score for t in tests) == pytest.approx(part.points)
    assert outcome.max_score == pytest.approx(100.0)
    assert outcome.score == pytest.approx(sum(r.score for r in results.values()), abs=0.005)


def test_a_line_about_several_outputs_is_said_once_and_pointed_to():
    """Does dw's test point to dx's, as nbgrader's cells do, instead of repeating the line?"""
    tests = {t.grade_id: t for t in from_engine(_results()).tests}
    assert tests["test-2d-dx"].lines == ("dx is wrong: <b>not rotated</b>",)
    assert "dx cell" in tests["test-2d-dw"].lines[0]


@pytest.mark.parametrize("visibility", gradescope.VISIBILITIES)
def test_gradescope_results_follow_its_specification(visibility, schemas):
    """Do Gradescope's results validate, carry the chosen visibility, and show text as plain text?"""
    outcome = from_engine(_results(), ["convkit: 61 of 100 points."])
    document = gradescope.results(outcome, {"visibility": visibility})
    assert_valid(schemas["gradescope"], document)
    assert document["score"] == outcome.score
    assert {t["visibility"] for t in document["tests"]} == {visibility} == {document["visibility"]}
    # The feedback quotes student code: Markdown or HTML there would be the student's to write.
    assert document["output_format"] == document["test_output_format"] == "text"
    assert {t["output_format"] for t in document["tests"]} == {"text"}
    assert [t["status"] for t in document["tests"]].count("passed") == sum(t.passed for t in outcome.tests)


def test_prairielearn_results_follow_its_specification(schemas):
    """Do PrairieLearn's results validate, with the score as a fraction and the points per test?"""
    outcome = from_engine(_results())
    document = prairielearn.results(outcome, {})
    assert_valid(schemas["prairielearn"], document)
    assert document["gradable"] is True
    assert document["score"] == pytest.approx(outcome.score / 100, abs=1e-4)
    assert sum(t["points"] for t in document["tests"]) == pytest.approx(outcome.score)


def test_a_submission_that_cannot_be_graded_gets_a_valid_file_saying_why(schemas):
    """Does an ungradable submission give each platform a valid file with the reason in one line?"""
    outcome = Outcome.not_gradable("No notebook of the assignment was found in the upload.")
    scope = gradescope.results(outcome, {})
    assert_valid(schemas["gradescope"], scope)
    assert scope["score"] == 0 and scope["output"] == outcome.problem and scope["tests"] == []
    learn = prairielearn.results(outcome, {})
    assert_valid(schemas["prairielearn"], learn)
    assert learn["gradable"] is False and learn["message"] == outcome.problem
    assert "\n" not in outcome.problem
