"""What the class got wrong: the class view of the engine's findings, gathered from every student.

:func:`summarise` turns ``{student: findings}`` (:mod:`autograder.classroom.findings`)
into a :class:`ClassSummary`: the totals and part scores, each output's
share of students with full, partial and zero marks, the mistakes ranked by
how many students made them (each with its plain-words explanation), the
case features that make most students fail, who needs help, what stopped
or was repaired, and the cnn part's accuracies. The page, the figures and
the printed summary are drawn from it (:mod:`autograder.classroom.report`).
"""
import re
from dataclasses import dataclass, field

from autograder.engine.misconceptions import CATALOGUE, hints
from autograder.spec.cases import PLAIN
from autograder.spec.parts import PARTS

# Mistakes the engine names without the catalogue (from the shapes, or from
# how the answers came back), with the plain words the feedback uses.
EXPLANATIONS = {
    "forward_output_size": "The forward output has the wrong size: out = (in + 2*pad - k) // stride + 1.",
    "dx_padding_not_stripped": "dx keeps the padded shape: strip the padding, keeping rows pad:pad+H and "
                               "columns pad:pad+W.",
    "padding_slice": "{output} is empty exactly when pad is 0: a [pad:-pad] slice selects nothing when pad is 0; "
                     "use [pad:pad+H, pad:pad+W].",
    "float32": "Right only to single precision (float32 arrays or casts): gradients are checked in float64.",
    "modified_input": "A function changes its argument in place: work on a copy (x = x.copy(), or np.pad).",
}
FULL, ZERO = 1.0 - 1e-9, 1e-9


def explanation(mistake, output):
    """The plain words for a mistake id, as the feedback gives them, without one case's numbers.

    Parameters
    ----------
    mistake : str
        A misconception id of :data:`autograder.engine.misconceptions.CATALOGUE`, a
        shape mistake's id, ``"float32"`` or ``"modified_input"``.
    output : str
        The output it was found in (``sign_flipped`` is said per output).
    """
    ideas = [idea for idea in CATALOGUE if idea.id == mistake]
    if ideas:
        idea = next((idea for idea in ideas if idea.output == output), ideas[0])
        return re.sub(r" \(e\.g\. \{case\}\)", "", idea.message).replace("{stride}", "s > 1")
    if mistake.endswith("_padding_slice"):
        return EXPLANATIONS["padding_slice"].format(output=mistake.split("_")[0])
    return EXPLANATIONS.get(mistake, "(no explanation on file)")


def mistakes_of(student_findings):
    """A student's named mistakes: ``[(mistake id, part, output)]``.

    A misconception the engine named, an answer right only to single
    precision, and a function that changed its argument count; a wrong
    answer the engine could not name does not.
    """
    found = []
    for key, part in student_findings["parts"].items():
        for output, seen in part["outputs"].items():
            if seen.get("misconception"):
                found.append((seen["misconception"], key, output))
            if seen.get("single_precision"):
                found.append(("float32", key, output))
            if seen.get("mutated"):
                found.append(("modified_input", key, output))
    return found


def conditions_of(features):
    """The conditions of the preferred description of the failing cases (``what_sets_apart``'s first).

    A plain condition (stride 1, pad = 0, ...) beside an unusual one only
    narrows it, so it is dropped; alone, it is the feature (a ``[pad:-pad]``
    slice fails exactly when pad = 0).
    """
    if not features:
        return []
    conditions = features[0].split(" and ")
    unusual = [condition for condition in conditions if condition not in PLAIN]
    return unusual or conditions


@dataclass
class Mistake:
    """One mistake across the class: who made it, where, and what it means."""
    id: str
    explanation: str
    places: dict = field(default_factory=dict)   # student -> [(part, output)]

    @property
    def students(self):
        return sorted(self.places)


@dataclass
class Feature:
    """A feature of the test cases that the failing cases of many students share."""
    condition: str
    hint: str
    places: dict = field(default_factory=dict)   # student -> [(part, output)]

    @property
    def students(self):
        return sorted(self.places)


@dataclass
class ClassSummary:
    students: list
    totals: dict                # student -> total points
    part_scores: dict           # part -> {student: points}
    shares: dict                # (part, output) -> {"full": n, "partial": n, "zero": n}
    mistakes: list              # Mistake, most students first
    features: list              # Feature, most students first
    help_below: float
    need_help: list             # (student, total), lowest first
    troubles: list              # (student, part, outputs, "timeout" / "crash" / exception type)
    not_written: list           # (student, part, functions missing or not written)
    intake: list                # (student, note)
    accuracies: dict            # student -> the tiny CNN's held-out accuracy, where it was trained


def _ranked(items):
    return sorted(items, key=lambda item: (-len(item.places), item.id if isinstance(item, Mistake) else item.condition))


def summarise(class_findings, help_below):
    """The class view of ``{student: findings}``; ``help_below`` is the "needs help" threshold in points."""
    students = sorted(class_findings)
    totals = {s: class_findings[s]["total"] for s in students}
    part_scores = {key: {s: class_findings[s]["parts"][key]["score"] for s in students} for key in PARTS}
    shares, mistakes, features, troubles, not_written = {}, {}, {}, [], []
    for key, part in PARTS.items():
        for output in part.outputs:
            fractions = [class_findings[s]["parts"][key]["outputs"][output]["fraction"] for s in students]
            shares[key, output] = {"full": sum(f >= FULL for f in fractions),
                                   "partial": sum(ZERO < f < FULL for f in fractions),
                                   "zero": sum(f <= ZERO for f in fractions)}
    for student in students:
        for mistake, key, output in mistakes_of(class_findings[student]):
            entry = mistakes.setdefault(mistake, Mistake(mistake, explanation(mistake, output)))
            entry.places.setdefault(student, []).append((key, output))
        for key, part in class_findings[student]["parts"].items():
            stopped = {}
            for output, seen in part["outputs"].items():
                for condition in conditions_of(seen.get("features")):
                    entry = features.setdefault(condition, Feature(condition, " ".join(hints(condition))))
                    entry.places.setdefault(student, []).append((key, output))
                if seen.get("trouble"):
                    stopped.setdefault(seen["trouble"], []).append(output)
            troubles += [(student, key, outputs, trouble) for trouble, outputs in stopped.items()]
            if part.get("broken"):
                not_written.append((student, key, part["broken"]))
    need_help = sorted(((s, t) for s, t in totals.items() if t < help_below), key=lambda item: (item[1], item[0]))
    intake = [(s, note) for s in students for note in class_findings[s].get("intake", [])]
    accuracies = {s: class_findings[s]["parts"]["cnn"]["accuracy"] for s in students
                  if class_findings[s]["parts"]["cnn"].get("accuracy") is not None}
    return ClassSummary(students, totals, part_scores, shares, _ranked(mistakes.values()),
                        _ranked(features.values()), help_below, need_help, troubles, not_written, intake,
                        accuracies)
