"""Grade one part: make the calls, compare with the reference, explain mistakes.

Points per output (forward, dx, dw, db; see :data:`parts.OUTPUT_WEIGHTS`),
each earned case by case, so a student with one wrong gradient keeps the
rest, and a gradient that is right for stride 1 only keeps that share.
"""
from dataclasses import dataclass, field

import numpy as np

from autograder import compare, misconceptions
from autograder.cases import make_cases
from autograder.parts import OUTPUT_WEIGHTS, OUTPUTS
from autograder.runner import run_calls
from autograder.source import load_notes
from solutions.vectorized import conv_backward, conv_forward

# Why a feature can matter, said once after "wrong when ...".
HINTS = {
    "N > 1": "check that every sample is handled and that dW and db add up over the batch",
    "C != F": "check which axis is C (input channels) and which is F (filters)",
    "C = F > 1": "check the sum over input channels",
    "H != W": "check that rows go with H and KH, columns with W and KW",
    "KH != KW": "check that rows go with KH and columns with KW",
    "pad > 0": "check how the input is padded and how the padding is stripped from dx",
    "a stride that does not divide in + 2*pad - k": "the last rows or columns are covered by no window: their gradient is 0",
    "a 1x1 kernel": "check the window bounds",
    "a kernel as large as the padded input": "the output has a single position: check the loop bounds",
}


@dataclass
class PartResult:
    key: str
    score: float
    max_score: float
    tagged: list = field(default_factory=list)      # (outputs the line is about, line)
    outputs: dict = field(default_factory=dict)     # output -> fraction earned
    named: dict = field(default_factory=dict)       # output -> misconception id found
    broken: set = field(default_factory=set)        # functions missing or not written

    def say(self, outputs, line):
        self.tagged.append((tuple(outputs), line))

    @property
    def feedback(self):
        return [line for _, line in self.tagged]

    def feedback_for(self, output):
        """The lines about one output (forward, dx, dw, db or accuracy)."""
        return [line for outputs, line in self.tagged if output in outputs]

    def points_for(self, output):
        """Points earned by one output (forward, dx, dw, db; "accuracy" for the cnn part), as a plain float."""
        if output == "accuracy":
            return float(round(self.score, 4))
        points = self.max_score * OUTPUT_WEIGHTS[output]
        return float(min(points, round(points * self.outputs.get(output, 0.0), 4)))

    def as_report(self):
        return {"score": round(self.score, 2), "max_score": self.max_score, "feedback": self.feedback}


def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


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


def _explain_values(part, output, cases, verdicts, answers):
    """A line that names the mistake behind wrong values."""
    wrong = [i for i, v in enumerate(verdicts) if v.status == "wrong"]
    passing = [i for i, v in enumerate(verdicts) if v.status in ("right", "float32")]
    for idea in misconceptions.CATALOGUE:
        if idea.output != output:
            continue
        if all(idea.applies(cases[i]) and compare.same(answers[i], part.native(
                "x" if output == "forward" else output, idea.compute(cases[i]))) for i in wrong):
            first = cases[wrong[0]]
            return idea.message.format(stride=first.stride, case=part.describe(first)), idea.id
    smallest = min(wrong, key=lambda i: cases[i].size)
    error = verdicts[smallest].error
    where = f"{part.describe(cases[smallest])}: max relative error {error:.2g}"
    if not passing:
        return f"{output} is wrong in every case (the smallest: {where}).", None
    common = set.intersection(*(set(cases[i].features(part.lead)) for i in wrong))
    seen_right = set().union(*(set(cases[i].features(part.lead)) for i in passing))
    apart = [feature for feature in cases[smallest].features(part.lead) if feature in common - seen_right]
    if apart:
        hints = "; ".join(HINTS[f] for f in apart if f in HINTS)
        return (f"{output} is right in the simpler cases but wrong when there is {' and '.join(apart)} "
                f"({where})." + (f" Hint: {hints}." if hints else "")), None
    features = cases[smallest].features(part.lead) or ["nothing unusual"]
    return (f"{output} is wrong in {len(wrong)} of {len(cases)} cases; the smallest has "
            f"{', '.join(features)} ({where})."), None


def check_part(part, source, seed, timeout):
    """Grade ``part`` of the student's ``source``; returns a :class:`PartResult`."""
    cases = make_cases(part.key, seed)
    inputs, forward_calls, backward_calls = _calls(part, cases)
    # One child loads the student's code once for both functions; each
    # function keeps its own time budget, so a hanging backward costs nothing
    # of the forward's grade, and the other way round.
    calls = forward_calls + backward_calls
    results, load_problems = run_calls(source, inputs, calls, timeout)
    forward_results, backward_results = results[:len(cases)], results[len(cases):]
    for index, result in enumerate(results):
        result.case_text = part.describe(cases[index % len(cases)])
    problems, broken = _function_problems(part, calls, results, load_problems, source.problems)
    problems = [(OUTPUTS[:1], line) for line in load_notes(source, load_problems)] + problems
    mutated = _mutations(calls, results, inputs)
    references = [_reference(part, case) for case in cases]

    result = PartResult(part.key, 0.0, part.points, problems, broken=broken)
    single_outputs, single_errors = [], []
    for output in OUTPUTS:
        function = part.forward if output == "forward" else part.backward
        answers, verdicts = [], []
        for k, case in enumerate(cases):
            call_result = (forward_results if output == "forward" else backward_results)[k]
            slot = "out0" if output == "forward" else f"out{('dx', 'dw', 'db').index(output)}"
            answer = call_result.arrays.get(slot) if call_result.status == "ok" else None
            answers.append(answer)
            verdicts.append(compare.Verdict("error", float("inf")) if answer is None
                            else compare.judge(answer, references[k][output]))
        fraction = sum(1.0 if v.status == "right" else compare.FLOAT32_CREDIT if v.status == "float32" else 0.0
                       for v in verdicts) / len(cases)
        if function in mutated:
            fraction *= 0.5
        result.outputs[output] = fraction
        result.score += part.points * OUTPUT_WEIGHTS[output] * fraction
        if function in broken:
            continue
        shapes = [i for i, v in enumerate(verdicts) if v.status == "shape"]
        if shapes:
            i = shapes[0]
            shape = np.shape(answers[i])
            line, named = (misconceptions.explain_forward_shape(part, cases[i], shape) if output == "forward"
                           else misconceptions.explain_gradient_shape(part, output, cases[i], shape))
            result.say([output], line)
            if named:
                result.named[output] = named
        if any(v.status == "wrong" for v in verdicts):
            line, result.named[output] = _explain_values(part, output, cases, verdicts, answers)
            result.say([output], line)
        single_errors += [v.error for v in verdicts if v.status == "float32"]
        if any(v.status == "float32" for v in verdicts):
            single_outputs.append(output)
    if single_outputs:
        result.say(single_outputs,
            f"{_and(single_outputs)} agree{'s' if len(single_outputs) == 1 else ''} with the reference only "
            f"to single precision (relative error up to {max(single_errors):.1e}), so those cases earn half "
            f"credit. Compute in float64 (no float32 arrays or casts): float32 is too coarse for gradient checks.")
    for function, argument in mutated.items():
        result.say(part.outputs_of(function), f"{function} changes its argument {argument} in place: its outputs earn half "
                        f"credit. Work on a copy (e.g. x = x.copy(), or np.pad, which returns a new array).")
    return result
