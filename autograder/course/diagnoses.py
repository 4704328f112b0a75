"""The release's diagnosis data: what each catalogued mistake answers on the notebooks' visible inputs.

A failing check in a notebook names the student's misconception the way the
grader does (:mod:`autograder.engine.misconceptions`), but the release must
not carry any code that computes a right or a wrong answer. So ``make
release`` computes, from the hidden reference, for a few fixed visible inputs
of each part (the notebooks' hand-worked examples and small probe inputs):

* the right output on each,
* the output each catalogued misconception of the part gives on each, with
  its words from the catalogue,
* the shape each catalogued shape mistake gives on each, with its words,

and writes them as data, ``convkit/diagnoses.json``, which the notebooks'
checks read (:mod:`convkit.diagnosis`). The hidden tests keep drawing fresh
random cases, so these answers give nothing away.

The probes are chosen so that on a part's visible inputs every catalogued
mistake of the part gives an answer different from every other's and from
the right one (a test of the kit checks this).
"""
import json
from dataclasses import dataclass

import numpy as np

from autograder.config import ROOT
from autograder.engine import misconceptions
from autograder.spec.cases import Case, make_cases
from autograder.spec.parts import OUTPUTS, PARTS
from convkit.geometry import output_size
from solutions.reference.vectorized import conv_backward, conv_forward

DIAGNOSES_FILE = ROOT / "convkit" / "diagnoses.json"
LAYER_PARTS = ("1d", "2d", "stride", "chw", "batch")


@dataclass(frozen=True)
class VisibleInput:
    """A visible input of a part, in the batch form, and what the notebook calls it."""
    name: str
    case: Case


def _case(x, w, b, dy, stride=1, pad=0):
    """A :class:`Case` from batch-form arrays (any nesting of numbers)."""
    return Case(index=0, x=np.asarray(x, dtype=float), w=np.asarray(w, dtype=float),
                b=np.asarray(b, dtype=float), dy=np.asarray(dy, dtype=float), stride=stride, pad=pad)


def _probe(seed, n, c, h, w, f, kh, kw, stride=1, pad=0):
    """A small probe of whole numbers from -3 to 3 (easy to read back), drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    draw = lambda *shape: rng.integers(-3, 4, size=shape).astype(float)  # noqa: E731
    return _case(draw(n, c, h, w), draw(f, c, kh, kw), draw(f), draw(n, f, ho, wo), stride, pad)


def _running_example_05():
    """Notebook 05's running example (x_example, w_example, b_example, dout_example), drawn as it draws it."""
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    return _case(x, w, b, rng.standard_normal((2, 3, 3, 2)), stride=2, pad=1)


def _hand_05():
    x = np.stack([np.arange(1.0, 10.0).reshape(1, 3, 3), np.arange(11.0, 20.0).reshape(1, 3, 3)])
    w = np.zeros((2, 1, 2, 2))
    w[0, 0, 0, 0] = 1.0
    w[1, 0, 1, 1] = 1.0
    return _case(x, w, [0.0, 10.0], np.ones((2, 2, 2, 2)), stride=2, pad=1)


def _demo_04():
    x = [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]]]]
    w = np.zeros((3, 2, 2, 2))
    w[0, 0] = [[1.0, 1.0], [1.0, 1.0]]
    w[1, 1] = [[1.0, 0.0], [0.0, 1.0]]
    w[2, 0] = [[1.0, 0.0], [0.0, 0.0]]
    w[2, 1] = [[0.0, 0.0], [0.0, -1.0]]
    return _case(x, w, [0.5, -1.0, 2.0], [[[[1.0, 0.0]], [[0.0, 1.0]], [[1.0, 1.0]]]])


# Each part's visible inputs: the notebook's hand-worked example(s) first, then the probes that
# tell its catalogued mistakes apart (stride 1 cannot show a missing dilation, one sample cannot
# show a batch mean, one filter cannot show a lost filter).
VISIBLE = {
    "1d": [
        VisibleInput("the hand-worked example", _case([[[[1.0, 2.0, 0.0, -1.0, 3.0]]]], [[[[2.0, -1.0, 1.0]]]],
                                                      [1.0], [[[[1.0, 2.0, -1.0]]]])),
        VisibleInput("probe 1", _probe(101, 1, 1, 1, 7, 1, 1, 4)),
        VisibleInput("probe 2", _probe(102, 1, 1, 1, 6, 1, 1, 2)),
    ],
    "2d": [
        VisibleInput("the hand-worked example", _case(
            [[[[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, -1.0], [2.0, 0.0, 1.0, 1.0]]]],
            [[[[1.0, -1.0], [2.0, 0.0]]]], [1.0], [[[[1.0, 2.0, -1.0], [1.0, -1.0, 1.0]]]])),
        VisibleInput("probe 1", _probe(201, 1, 1, 5, 4, 1, 3, 2)),
        VisibleInput("probe 2", _probe(202, 1, 1, 4, 6, 1, 2, 3)),
    ],
    "stride": [
        VisibleInput("the hand-worked example", _case(
            np.arange(1.0, 13.0).reshape(1, 1, 3, 4), [[[[1.0, 0.0], [0.0, -1.0]]]], [1.0],
            [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]], stride=2, pad=1)),
        VisibleInput("probe 1", _probe(301, 1, 1, 6, 5, 1, 3, 2, stride=2, pad=0)),
        VisibleInput("probe 2", _probe(302, 1, 1, 5, 5, 1, 2, 3, stride=1, pad=2)),
    ],
    "chw": [
        VisibleInput("the hand-worked example", _demo_04()),
        VisibleInput("probe 1", _probe(401, 1, 2, 5, 4, 3, 3, 2, stride=2, pad=1)),
        VisibleInput("probe 2", _probe(402, 1, 3, 4, 4, 2, 2, 2, stride=1, pad=0)),
        VisibleInput("probe 3", _probe(924, 1, 2, 5, 7, 2, 2, 3, stride=2, pad=2)),
    ],
    "batch": [
        VisibleInput("the hand-worked example", _hand_05()),
        VisibleInput("the running example", _running_example_05()),
        VisibleInput("probe 1", _probe(501, 3, 2, 5, 4, 2, 3, 2, stride=2, pad=1)),
        VisibleInput("probe 2", _probe(907, 2, 3, 5, 6, 2, 3, 2, stride=2, pad=0)),
    ],
}


def _reference(case):
    """{output: batch-form array} from the hidden reference."""
    dx, dw, db = conv_backward(case.dy, case.x, case.w, case.stride, case.pad)
    return {"forward": conv_forward(case.x, case.w, case.b, case.stride, case.pad), "dx": dx, "dw": dw, "db": db}


def _native(part, output, array):
    """A batch-form output in the part's own shape, as plain JSON numbers."""
    value = part.native("x" if output == "forward" else output, np.asarray(array, dtype=float))
    return value.tolist() if isinstance(value, np.ndarray) else float(value)


def _belongs(part, applies):
    """Can a mistake show in ``part`` at all: does ``applies`` hold for one of its graded cases?"""
    return any(applies(case) for case in make_cases(part.key, seed=0))


def _value_mistakes(part, cases, rights):
    """The catalogued misconceptions of ``part``, each with its answer on every visible case.

    Where a misconception does not apply to a case (a missing dilation with
    stride 1) its answer there is the right one, as the grader counts it.
    """
    found = []
    for idea in misconceptions.CATALOGUE:
        if idea.output not in part.outputs or not _belongs(part, idea.applies):
            continue
        answers = [idea.compute(case) if idea.applies(case) else right[idea.output]
                   for case, right in zip(cases, rights)]
        differing = [case for case, answer, right in zip(cases, answers, rights)
                     if not np.allclose(answer, right[idea.output])]
        first = differing[0] if differing else cases[0]
        found.append({"id": idea.id, "output": idea.output,
                      "message": idea.message.format(stride=first.stride, case=part.describe(first)),
                      "answers": [_native(part, idea.output, answer) for answer in answers]})
    return found


def _shape_mistakes(part, cases):
    """The catalogued shape mistakes of ``part``, each with the shape it gives on every visible case."""
    found = []
    for mistake in misconceptions.shape_mistakes(part):
        if not any(mistake.shape(case) != mistake.right(case) for case in make_cases(part.key, seed=0)):
            continue  # it never shows in this part's graded cases
        found.append({"id": mistake.id, "output": mistake.output, "message": mistake.message,
                      "shapes": [list(mistake.shape(case)) for case in cases]})
    return found


def _axes(part):
    """What each axis of each output is called, in the part's own shape (for the words about a difference)."""
    column = "position" if part.lead == 3 else "column"   # a 1D signal has positions
    return {"forward": ["sample", "filter", "row", column][part.lead:],
            "dx": ["sample", "channel", "row", column][part.lead:],
            "dw": ["filter", "channel", "row", column][part.w_lead:],
            "db": [] if part.scalar_bias else ["filter"]}


def part_data(part_key):
    """What the notebook of ``part_key`` needs to name mistakes: a JSON-ready dict."""
    part = PARTS[part_key]
    visible = VISIBLE[part_key]
    cases = [item.case for item in visible]
    rights = [_reference(case) for case in cases]
    return {
        "forward": part.forward, "backward": part.backward, "axes": _axes(part),
        "conv_args": part.conv_args, "scalar_bias": part.scalar_bias,
        "inputs": [{"name": item.name, "text": part.describe(item.case),
                    "x": part.native("x", item.case.x).tolist(),
                    "w": part.native("w", item.case.w).tolist(),
                    "b": _native(part, "db", item.case.b),
                    "dy": part.native("x", item.case.dy).tolist(),
                    "stride": item.case.stride, "pad": item.case.pad} for item in visible],
        "right": {output: [_native(part, output, right[output]) for right in rights] for output in OUTPUTS},
        "mistakes": _value_mistakes(part, cases, rights),
        "shape_mistakes": _shape_mistakes(part, cases),
    }


def build():
    """The whole data file's content: {"parts": {part key: :func:`part_data`}}."""
    return {"about": "Made by `make release` from the hidden reference: what each catalogued mistake "
                     "answers on the notebooks' visible inputs. Data only; see convkit/diagnosis.py.",
            "parts": {key: part_data(key) for key in LAYER_PARTS}}


def text():
    """The data file's text: one JSON document, stable from run to run."""
    return json.dumps(build(), indent=1, sort_keys=True) + "\n"


def write(path=DIAGNOSES_FILE):
    """Write the data file (``convkit/diagnoses.json`` by default) and return its path."""
    path.write_text(text())
    return path
