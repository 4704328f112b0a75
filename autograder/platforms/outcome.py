"""A grade as a platform shows it: one test per part and output, each with its points and feedback.

The engine's report (:func:`autograder.engine.grade.grade`) becomes an
:class:`Outcome`, which each platform writes in its own results format.
The points are the engine's, rounded as it rounds them, so a platform
shows the same grade as ``grade-class``.
"""
from dataclasses import dataclass, field

from autograder.spec.parts import PARTS, grade_id


@dataclass(frozen=True)
class TestOutcome:
    """One part's output: ``2d · dx``, its points out of its maximum, and the feedback lines about it."""
    grade_id: str
    name: str
    score: float
    max_score: float
    lines: tuple

    @property
    def passed(self):
        return self.score >= self.max_score


@dataclass
class Outcome:
    """A submission's grade for a platform, or why it could not be graded (``problem``)."""
    tests: list = field(default_factory=list)
    summary: list = field(default_factory=list)     # lines about the whole submission
    problem: str = ""                               # one line: why nothing was graded
    seconds: float = 0.0
    out_of_time: bool = False                       # the platform's time (CONVKIT_PLATFORM_SECONDS) ran out

    @property
    def gradable(self):
        return not self.problem

    @property
    def score(self):
        return round(sum(test.score for test in self.tests), 2)

    @property
    def max_score(self):
        return round(sum(test.max_score for test in self.tests), 2)

    @classmethod
    def not_gradable(cls, problem, seconds=0.0):
        """An outcome with no tests: ``problem`` says why, on one line (a file name may hold a line break)."""
        line = " ".join(str(problem).split())
        return cls(problem=line, summary=[line], seconds=seconds)


def test_name(part, output):
    """How a platform lists one output: ``02_conv2d.ipynb · 2d · dx``."""
    return f"{part.notebook} · {part.key} · {output}"


def from_engine(results, summary=()):
    """The tests of the engine's ``{part key: PartResult}``, in the release's order of parts and outputs."""
    tests = []
    for key, part in PARTS.items():
        result = results[key]
        for output in part.outputs:
            tests.append(TestOutcome(grade_id(key, output), test_name(part, output), result.points_for(output),
                                     part.output_points(output), tuple(result.feedback_for(output))))
    return Outcome(tests=tests, summary=list(summary))
