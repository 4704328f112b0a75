"""Grade one part: make the calls, compare with the reference, explain mistakes.

Points per output (forward, dx, dw, db; see :data:`parts.OUTPUT_WEIGHTS`),
each earned case by case, so a student with one wrong gradient keeps the
rest, and a gradient that is right for stride 1 only keeps that share.
"""
import re
from dataclasses import dataclass, field

import numpy as np

from autograder.engine import compare
from autograder.engine import misconceptions
from autograder.engine.source import load_notes
from autograder.sandbox.runner import run_calls
from autograder.spec.cases import make_cases, only_values, what_sets_apart
from autograder.spec.parts import OUTPUT_WEIGHTS, OUTPUTS, PARTS
from solutions.reference.vectorized import conv_backward, conv_forward

def hundredths(points):
    """Points as a whole number of hundredths: the one rounding of every grade.

    Each output's points are rounded here once; a part's score and the
    report's total are sums of those, so the points of a part's nbgrader
    cells add up to the part's score in the CLI report.
    """
    return round(points * 100)


@dataclass
class PartResult:
    """What grading one part found: the points, per output and in all, and the feedback lines.

    ``score`` is kept in whole hundredths: for the graded layers it is the
    sum of :meth:`points_for` over the outputs; the cnn part sets it from the
    accuracy, and it is rounded as it is set.
    """
    key: str
    score: float                                    # whole hundredths (see __setattr__)
    max_score: float
    tagged: list = field(default_factory=list)      # (outputs the line is about, line)
    outputs: dict = field(default_factory=dict)     # output -> fraction earned
    named: dict = field(default_factory=dict)       # output -> misconception id found
    broken: set = field(default_factory=set)        # functions missing or not written
    features: dict = field(default_factory=dict)    # output -> what its failing cases share (what_sets_apart)
    troubles: dict = field(default_factory=dict)    # output -> "timeout", "crash" or the exception type raised
    single_precision: set = field(default_factory=set)  # outputs right only to float32 precision in some case
    mutated: set = field(default_factory=set)       # outputs of a function that changed an argument in place

    def __setattr__(self, name, value):
        # The cnn part and grade.py set the score directly: rounding it as it
        # is set keeps a single rounding for every path.
        if name == "score":
            value = hundredths(value) / 100
        super().__setattr__(name, value)

    def say(self, outputs, line):
        """Add a feedback line about ``outputs``; a line said again only gains outputs."""
        for k, (said_outputs, said) in enumerate(self.tagged):
            if said == line:
                self.tagged[k] = (tuple(said_outputs) + tuple(o for o in outputs if o not in said_outputs), line)
                return
        self.tagged.append((tuple(outputs), line))

    @property
    def feedback(self):
        return [line for _, line in self.tagged]

    def feedback_for(self, output):
        """The lines of one output's cell (nbgrader shows one cell per output, in the order of OUTPUTS).

        A line about several outputs appears under the first of them only;
        the cells of the others point to it, so that no cell repeats a line
        and no cell that lost points for it stands without a word.
        """
        lines = [line for outputs, line in self.tagged if tuple(outputs[:1]) == (output,)]
        above = list(dict.fromkeys(outputs[0] for outputs, _ in self.tagged if output in outputs[1:]))
        if above:
            cells = f"{_and(above)} cell{'s' if len(above) > 1 else ''}"
            lines.append(f"(More on this output in the feedback of the {cells} above.)")
        return lines

    def points_for(self, output):
        """Points earned by one of the part's outputs (:attr:`autograder.spec.parts.Part.outputs`).

        A layer's output earns its weight's share of the part; the cnn part's
        one output, which is not a layer's, earns the whole score. Rounded to
        whole hundredths by :func:`hundredths`, the one rounding of the
        grades; a plain float.
        """
        outputs = PARTS[self.key].outputs
        if output not in outputs:
            raise KeyError(f"part {self.key!r} has no output {output!r}; its outputs are {outputs}")
        if output not in OUTPUT_WEIGHTS:
            return self.score
        return hundredths(self.max_score * OUTPUT_WEIGHTS[output] * self.outputs.get(output, 0.0)) / 100

    def as_report(self):
        """The part's entry in the JSON grade report."""
        return {"score": self.score, "max_score": self.max_score, "feedback": self.feedback}


def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _passes(verdict):
    """Does a case earn credit? (float32 answers earn half.)"""
    return verdict.status in ("right", "float32")


def _label(output):
    return "The forward output" if output == "forward" else output


def _calls(part, cases):
    """The inputs, the forward calls and the backward calls (one of each per case)."""
    inputs, forward_calls, backward_calls = {}, [], []
    for case in cases:
        k = case.index
        inputs.update({f"x{k}": part.native("x", case.x), f"w{k}": part.native("w", case.w),
                       f"b{k}": np.asarray(part.native("b", case.b)), f"dy{k}": part.native("x", case.dy)})
        # stride and pad go by position, as the API orders them, so a student
        # who named them s and p is still graded.
        conv = [case.stride, case.pad] if part.conv_args else []
        scalars = [f"b{k}"] if part.scalar_bias else []
        forward_calls.append({"function": part.forward, "args": [f"x{k}", f"w{k}", f"b{k}"],
                              "conv_args": conv, "scalars": scalars, "returns": 1})
        backward_calls.append({"function": part.backward, "args": [f"dy{k}", f"x{k}", f"w{k}"],
                               "conv_args": conv, "returns": 3})
    return inputs, forward_calls, backward_calls


def _reference(part, case):
    forward = conv_forward(case.x, case.w, case.b, case.stride, case.pad)
    dx, dw, db = conv_backward(case.dy, case.x, case.w, case.stride, case.pad)
    general = {"forward": forward, "dx": dx, "dw": dw, "db": db}
    return {name: np.asarray(part.native("x" if name == "forward" else name, value), dtype=np.float64)
            for name, value in general.items()}


def _function_problems(part, calls, results, load_problems, source_problems):
    """One line per function that is missing, unfinished, raising or crashing: ([(outputs, line)], broken)."""
    lines, broken = [], set()
    for name in part.functions:
        outputs = part.outputs_of(name)
        mine = [r for call, r in zip(calls, results) if call["function"] == name]
        if name in source_problems:
            lines.append((outputs, f"{name}: {source_problems[name]}."))
            broken.add(name)
        elif all(r.status == "missing" for r in mine):
            extra = "".join(f" ({label}: {why})" for label, why in load_problems.items())
            lines.append((outputs, f"{name} is not defined{extra}."))
            broken.add(name)
        elif all(r.not_implemented for r in mine):
            lines.append((outputs, f"{name} is not written yet: it raises NotImplementedError."))
            broken.add(name)
        else:
            seen = set()
            for r in mine:
                if r.status in ("error", "timeout", "crash") and r.status not in seen:
                    seen.add(r.status)
                    verb = "raised " if r.status == "error" else ""
                    lines.append((outputs, f"{name} {verb}{r.error} for {r.case_text}."))
    return lines, broken


# The exception an error text names: "IndexError: ...", "KeyError (code cell 4, line 2)" or
# "conv_backward raised ValueError: ..." (the tiny CNN's training).
_EXCEPTION = re.compile(r"(?:^|raised )([A-Z][\w.]*)(?=:|$| \()")


def exception_type(error):
    """The type of the exception that an error text (``CallResult.error``) names, or "error" when it names none."""
    found = _EXCEPTION.search(error)
    return found.group(1) if found else "error"


def _troubles(part, calls, results):
    """What stopped a function's calls: {output: "timeout", "crash" or the exception type}, first one each.

    A function that is missing or not written yet is not a trouble (see ``broken``).
    """
    troubles = {}
    for call, result in zip(calls, results):
        if result.status == "error" and not result.not_implemented:
            trouble = exception_type(result.error)
        elif result.status in ("timeout", "crash"):
            trouble = result.status
        else:
            continue
        for output in part.outputs_of(call["function"]):
            troubles.setdefault(output, trouble)
    return troubles


def _failing_features(part, cases, verdicts):
    """For each output that fails in some cases but not all: what its failing cases share that no
    passing case has (:func:`autograder.spec.cases.what_sets_apart`, the preferred first)."""
    features = {}
    for output, output_verdicts in verdicts.items():
        failing = frozenset(i for i, v in enumerate(output_verdicts) if not _passes(v))
        if 0 < len(failing) < len(cases):
            features[output] = what_sets_apart(cases, failing, part.lead)
    return features


def _mutations(calls, results, inputs):
    """Functions that changed an argument in place: {function: argument name}."""
    changed = {}
    for call, result in zip(calls, results):
        names = ("x", "w", "b") if call["returns"] == 1 else ("dy", "x", "w")
        for index, key in enumerate(call["args"]):
            after = result.arrays.get(f"after{index}")
            if after is not None and not (after.shape == inputs[key].shape and
                                          np.array_equal(after, inputs[key], equal_nan=True)):
                changed.setdefault(call["function"], names[index])
    return changed


# What _explain_values returns in place of a misconception id for an answer that is the right one
# scaled: not a misconception of the catalogue, but what the cases share is then no news.
SCALED = "scaled"


def _explain_values(part, output, cases, verdicts, answers, rights):
    """A line about wrong values: (line, misconception id or None).

    A misconception is named only when it gives the student's answer in
    every wrong case and in every passing case it applies to. Else, an
    answer that is the right one (``rights``, per case) scaled in every case,
    by a constant or by a size of the case, is said to be so.
    """
    native = "x" if output == "forward" else output
    wrong = [i for i, v in enumerate(verdicts) if v.status == "wrong"]
    passing = [i for i, v in enumerate(verdicts) if _passes(v)]
    for idea in misconceptions.CATALOGUE:
        if idea.output != output or not all(idea.applies(cases[i]) for i in wrong):
            continue
        checked = wrong + [i for i in passing if idea.applies(cases[i])]
        if all(compare.same(answers[i], part.native(native, idea.compute(cases[i]))) for i in checked):
            first = cases[wrong[0]]
            return idea.message.format(stride=first.stride, case=part.describe(first)), idea.id
    scaled = misconceptions.explain_scale(part, _label(output), cases, answers, rights, wrong)
    if scaled:
        return scaled, SCALED
    smallest = min(wrong, key=lambda i: cases[i].size)
    where = f"{part.describe(cases[smallest])}: max relative error {verdicts[smallest].error:.2g}"
    if len(wrong) == len(cases):
        return f"{_label(output)} is wrong in every case (the smallest: {where}).", None
    return f"{_label(output)} has wrong values in {len(wrong)} of {len(cases)} cases (the smallest: {where}).", None


def _what_failing_cases_share(part, cases, failing, outputs, single):
    """What the cases ``failing`` share, ``outputs`` failing in exactly those: (sentences, hints)."""
    of = "" if single else f" of {_and(outputs)}"
    many = len(failing) > 1
    apart = what_sets_apart(cases, failing, part.lead)
    sentences, hints = [], []
    if apart:
        also = f" (equivalently here: {' or '.join(apart[1:3])})" if len(apart) > 1 else ""
        sentences.append(f"The {len(failing)} failing cases{of} are exactly those with {apart[0]}{also}." if many
                         else f"The one failing case{of} is the only case with {apart[0]}{also}.")
        hints += [text for condition in apart[0].split(" and ") for text in misconceptions.hints(condition, outputs)]
    for name, value in only_values(cases, failing):
        if any(condition.startswith(name) for pair in apart for condition in pair.split(" and ")):
            continue  # "exactly those with pad > 0" says it already
        others = " or ".join(str(v) for v in sorted({getattr(cases[i], name) for i in failing}))
        who = "It works" if single else f"{_and(outputs)} work{'s' if len(outputs) == 1 else ''}"
        sentences.append(f"{who} only for {name} = {value}: the failing case{'s' if many else ''}{of} "
                         f"ha{'ve' if many else 's'} {name} {others}.")
        hints += misconceptions.hints(f"only {name}", outputs)
    if not sentences:
        listed = "; ".join(part.describe(cases[i]) for i in sorted(failing)[:3])
        more = f"; and {len(failing) - 3} more" if len(failing) > 3 else ""
        sentences.append(f"No feature of the cases sets the failing case{'s' if many else ''}{of} apart from "
                         f"the passing ones; {'they are' if many else 'it is'}: {listed}{more}.")
    return sentences, hints


def _partial_credit(part, function, cases, verdicts, scaled=()):
    """For a function that earns part of its points, (outputs, line): how many cases each output
    passes and what the failing ones share (not for the ``scaled`` outputs, whose line says more).
    None when it earns all or nothing."""
    outputs = part.outputs_of(function)
    failing = {output: frozenset(i for i, v in enumerate(verdicts[output]) if not _passes(v))
               for output in outputs}
    n = len(cases)
    if not any(failing.values()) or all(len(failed) == n for failed in failing.values()):
        return None
    single = len(outputs) == 1
    if single:
        sentences = [f"{function} passes {n - len(failing[outputs[0]])} of {n} cases."]
    else:
        counts = [f"{outputs[0]} passes {n - len(failing[outputs[0]])} of {n} cases"]
        counts += [f"{output} {n - len(failing[output])} of {n}" for output in outputs[1:]]
        sentences = [f"{function}: {', '.join(counts)}."]
    groups = {}  # failing cases -> the outputs that fail in exactly those
    for output in outputs:
        if 0 < len(failing[output]) < n and output not in scaled:
            groups.setdefault(failing[output], []).append(output)
    hints = []
    for failed, group in groups.items():
        shared, why = _what_failing_cases_share(part, cases, failed, group, single)
        sentences += shared
        hints += why
    if hints:
        sentences.append("Hint: " + "; ".join(dict.fromkeys(hints)) + ".")
    return [output for output in outputs if failing[output]], " ".join(sentences)


def _answers(part, cases, results):
    """What the student's functions returned: {output: an array per case, None where the call failed}.

    ``results`` holds the forward calls, one per case, then the backward calls.
    """
    answers = {}
    for function in part.functions:
        function_results = results[:len(cases)] if function == part.forward else results[len(cases):]
        for output in part.outputs_of(function):
            slot = "out0" if output == "forward" else f"out{('dx', 'dw', 'db').index(output)}"
            answers[output] = [r.arrays.get(slot) if r.status == "ok" else None for r in function_results]
    return answers


def _verdicts(answers, references):
    """A :class:`compare.Verdict` per case for each output; a failed call is an "error"."""
    return {output: [compare.Verdict("error", float("inf")) if answer is None
                     else compare.judge(answer, reference[output])
                     for answer, reference in zip(output_answers, references)]
            for output, output_answers in answers.items()}


def _credit(verdict):
    """The share of a case's points that a verdict earns."""
    if verdict.status == "right":
        return 1.0
    return compare.FLOAT32_CREDIT if verdict.status == "float32" else 0.0


def _fractions(part, verdicts, mutated):
    """The fraction of each output's points earned: its mean credit over the cases.

    A function that changes an argument in place earns half of that for
    each of its outputs.
    """
    fractions = {}
    for function in part.functions:
        for output in part.outputs_of(function):
            fraction = sum(_credit(v) for v in verdicts[output]) / len(verdicts[output])
            fractions[output] = fraction * 0.5 if function in mutated else fraction
    return fractions


def _explain_output(part, output, cases, answers, verdicts, references):
    """Why one output loses points: a line on wrong shapes, then one on wrong values.

    Returns ``[(line, misconception id or None)]``, empty when every case has
    the right shape and values.
    """
    statuses = {v.status for v in verdicts}
    explained = []
    if "shape" in statuses:
        # The shape of every case that came back: the student's where it is wrong, the right one elsewhere.
        shapes = [None if answer is None else np.shape(answer) if v.status == "shape"
                  else np.shape(reference[output])
                  for answer, v, reference in zip(answers, verdicts, references)]
        explained.append(misconceptions.explain_forward_shape(part, cases, shapes) if output == "forward"
                         else misconceptions.explain_gradient_shape(part, output, cases, shapes))
    if "wrong" in statuses:
        explained.append(_explain_values(part, output, cases, verdicts, answers,
                                         [reference[output] for reference in references]))
    return explained


def _single_precision(outputs, verdicts):
    """Of ``outputs``, those right to float32 precision only in some cases: (outputs, line), or None."""
    single = [output for output in outputs if any(v.status == "float32" for v in verdicts[output])]
    if not single:
        return None
    largest = max(v.error for output in single for v in verdicts[output] if v.status == "float32")
    return single, (
        f"{_and(single)} agree{'s' if len(single) == 1 else ''} with the reference only "
        f"to single precision (relative error up to {largest:.1e}), so those cases earn half "
        f"credit. Compute in float64 (no float32 arrays or casts): float32 is too coarse for gradient checks.")


def _say_why(result, part, cases, answers, verdicts, references, mutated):
    """Add to ``result`` why points were lost, function by function.

    A missing or unwritten function (``result.broken``) has had its line
    already: its outputs get no further one.
    """
    working = [function for function in part.functions if function not in result.broken]
    for function in working:
        scaled = set()
        for output in part.outputs_of(function):
            for line, named in _explain_output(part, output, cases, answers[output], verdicts[output], references):
                result.say([output], line)
                if named == SCALED:
                    scaled.add(output)
                elif named:
                    result.named[output] = named
        summary = _partial_credit(part, function, cases, verdicts, scaled)
        if summary:
            result.say(*summary)
    single = _single_precision([output for function in working for output in part.outputs_of(function)], verdicts)
    if single:
        result.say(*single)
    for function, argument in mutated.items():
        result.say(part.outputs_of(function), f"{function} changes its argument {argument} in place: its outputs "
                   f"earn half credit. Work on a copy (e.g. x = x.copy(), or np.pad, which returns a new array).")


def check_part(part, source, seed, timeout):
    """Grade ``part`` of the student's ``source``; returns a :class:`PartResult`.

    Three steps: the verdicts (each output of each case judged against the
    reference), the scoring (the points those verdicts earn) and the
    feedback (why points were lost).
    """
    cases = make_cases(part.key, seed)
    inputs, forward_calls, backward_calls = _calls(part, cases)
    # One child loads the student's code once for both functions; each
    # function keeps its own time budget, so a hanging backward costs nothing
    # of the forward's grade, and the other way round.
    calls = forward_calls + backward_calls
    results, load_problems = run_calls(source, inputs, calls, timeout)
    for index, result in enumerate(results):
        result.case_text = part.describe(cases[index % len(cases)])
    answers = _answers(part, cases, results)
    references = [_reference(part, case) for case in cases]
    verdicts = _verdicts(answers, references)
    mutated = _mutations(calls, results, inputs)

    problems, broken = _function_problems(part, calls, results, load_problems, source.problems)
    problems = [(OUTPUTS[:1], line) for line in load_notes(source, load_problems)] + problems
    result = PartResult(part.key, 0.0, part.points, problems, broken=broken)
    result.outputs = _fractions(part, verdicts, mutated)
    # A sum of whole hundredths: the part's score is exactly the sum of its outputs' points.
    result.score = sum(result.points_for(output) for output in OUTPUTS)
    _say_why(result, part, cases, answers, verdicts, references, mutated)
    # What the class report gathers (autograder.classroom.findings), beside the feedback.
    result.troubles = _troubles(part, calls, results)
    result.features = _failing_features(part, cases, verdicts)
    result.single_precision = {o for o, vs in verdicts.items() if any(v.status == "float32" for v in vs)}
    result.mutated = {o for function in mutated for o in part.outputs_of(function)}
    return result
