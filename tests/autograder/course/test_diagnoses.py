"""The release's diagnosis data: up to date, data only, and able to tell every catalogued mistake apart."""
import itertools
import json

import numpy as np
import pytest

from autograder.config import RELEASE_NOTEBOOKS
from autograder.course import diagnoses
from autograder.engine import misconceptions
from autograder.spec.parts import PARTS
from convkit.tolerance import same


def test_the_committed_data_is_what_make_release_computes():
    """Are convkit/diagnoses.json and the release's copy exactly what the hidden reference gives today?"""
    fresh = diagnoses.text()
    assert diagnoses.DIAGNOSES_FILE.read_text() == fresh, "run `make release` and commit convkit/diagnoses.json"
    assert (RELEASE_NOTEBOOKS / "convkit" / "diagnoses.json").read_text() == fresh


def _leaves(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_the_data_is_numbers_and_words_only():
    """Does the data file hold only numbers, booleans and plain sentences: no code that could compute an answer?"""
    data = json.loads(diagnoses.DIAGNOSES_FILE.read_text())
    for leaf in _leaves(data):
        assert isinstance(leaf, (int, float, str, bool)), leaf
        if isinstance(leaf, str):
            assert not any(word in leaf for word in ("import ", "def ", "lambda", "exec(", "eval(")), leaf


@pytest.mark.parametrize("part", diagnoses.LAYER_PARTS)
def test_every_catalogued_mistake_differs_from_every_other_and_from_the_right_answer(part):
    """On the part's visible inputs, does each catalogued mistake (values and shapes) give answers that differ,
    on at least one input, from the right ones and from every other mistake's of the same output?"""
    data = diagnoses.part_data(part)
    for output in ("forward", "dx", "dw", "db"):
        answers = [("right", data["right"][output])] + [
            (m["message"], m["answers"]) for m in data["mistakes"] if m["output"] == output]
        for (first, a), (second, b) in itertools.combinations(answers, 2):
            assert not all(same(x, y) for x, y in zip(a, b)), f"{part} {output}: {first!r} = {second!r}"
        shapes = [("right", [list(np.shape(r)) for r in data["right"][output]])] + [
            (m["message"], m["shapes"]) for m in data["shape_mistakes"] if m["output"] == output]
        for (first, a), (second, b) in itertools.combinations(shapes, 2):
            assert a != b, f"{part} {output}: {first!r} = {second!r}"


@pytest.mark.parametrize("part", diagnoses.LAYER_PARTS)
def test_every_mistake_the_grader_can_name_in_a_part_is_in_its_data(part):
    """Is every misconception of the catalogue that applies to one of the part's graded cases in the part's data?"""
    from autograder.spec.cases import make_cases
    cases = make_cases(part, seed=0)
    wanted = {idea.id for idea in misconceptions.CATALOGUE
              if idea.output in PARTS[part].outputs and any(idea.applies(case) for case in cases)}
    assert wanted <= {m["id"] for m in diagnoses.part_data(part)["mistakes"]}


def test_the_hand_worked_examples_are_the_notebooks_own():
    """Is the first visible input of each part the hand-worked example its notebook checks, with the same
    expected outputs the notebook writes out?"""
    examples = {"1d": {"forward": [1.0, 4.0, 5.0], "dx": [2.0, 3.0, -3.0, 3.0, -1.0], "dw": [5.0, 3.0, -5.0]},
                "2d": {"forward": [[0.0, 5.0, 6.0], [4.0, -1.0, 7.0]], "dw": [[7.0, -2.0], [2.0, 8.0]]},
                "stride": {"forward": [[0.0, -2.0, 1.0], [-8.0, -4.0, 9.0]], "dw": [[78.0, 55.0], [138.0, 98.0]]},
                "chw": {"db": [1.0, 1.0, 2.0]},
                "batch": {"db": [8.0, 8.0]}}
    for part, outputs in examples.items():
        data = diagnoses.part_data(part)
        assert data["inputs"][0]["name"] == "the hand-worked example"
        for output, expected in outputs.items():
            np.testing.assert_allclose(data["right"][output][0], expected, err_msg=f"{part} {output}")
