"""Every sample buggy submission loses points exactly where its bug is, keeps
them everywhere else, and hears what its mistake is."""
import pytest

from autograder.engine.grade import grade
from autograder.engine.misconceptions import CATALOGUE
from manifest import BUGS, OUTPUTS, PARTS

NAMED_BY_SHAPE = {"forward_output_size", "dx_padding_not_stripped"}
NAMEABLE = {idea.id for idea in CATALOGUE} | NAMED_BY_SHAPE
SAID = {  # what the feedback must say for the ids that are not misconceptions
    "modified_input": "in place",
    "float32": "single precision",
    "hang": "did not finish within",
    "crash": "ended the Python process",
}


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(BUGS))
def test_bug_loses_points_only_where_it_is_and_is_explained(stem, students):
    """Do the wrong outputs lose points, the right ones keep theirs, and does the feedback name the bug?"""
    bug = BUGS[stem]
    report, results = grade(students / f"{stem}.py", seed=5, part_timeout=3.0, parts=PARTS)
    for key in PARTS:
        part = results[key]
        wrong = bug["wrong"].get(key)
        if wrong is None:
            assert part.score == part.max_score, (key, part.feedback)
            continue
        assert part.score < part.max_score, key
        for output in OUTPUTS:
            if output in wrong:
                assert part.outputs[output] < 1.0, (key, output)
            elif bug["id"] != "modified_input":
                assert part.outputs[output] == 1.0, (key, output, part.feedback)
        text = " ".join(part.feedback)
        if bug["id"] in NAMEABLE and wrong:
            assert bug["id"] in part.named.values(), (key, part.feedback)
        elif bug["id"] in SAID:
            assert SAID[bug["id"]] in text, (key, part.feedback)
        else:
            # Unnamed bugs: each wrong output is described, or the error it raised is quoted.
            assert all(output in text for output in wrong) or " raised " in text, (key, part.feedback)
    assert report["score"] < 80.0 + 1e-9  # cnn is not graded here
