"""Seeded test cases: fresh random values every grading run, on shapes chosen
so that a sloppy implementation cannot pass by luck.

A case is stored in the batch form ``x (N, C, H, W)``, ``w (F, C, KH, KW)``,
``b (F,)``, ``dy (N, F, Ho, Wo)``; each part views it through
:meth:`Part.native`. The shapes of each part go from the plainest case to the
awkward ones: H != W, KH != KW, C != F, N > 1, pad > 0, a stride that does not
divide ``in + 2*pad - k``, 1x1 kernels, kernels as large as the padded input.
"""
from dataclasses import dataclass

import numpy as np

from convkit.geometry import output_size

# (N, C, H, W, F, KH, KW, stride, pad) per part.
SHAPES = {
    "1d": [(1, 1, 1, 7, 1, 1, 3, 1, 0), (1, 1, 1, 9, 1, 1, 4, 1, 0), (1, 1, 1, 6, 1, 1, 1, 1, 0),
           (1, 1, 1, 5, 1, 1, 5, 1, 0), (1, 1, 1, 12, 1, 1, 2, 1, 0)],
    "2d": [(1, 1, 5, 5, 1, 3, 3, 1, 0), (1, 1, 6, 4, 1, 3, 2, 1, 0), (1, 1, 4, 7, 1, 1, 1, 1, 0),
           (1, 1, 4, 5, 1, 4, 5, 1, 0), (1, 1, 7, 5, 1, 2, 3, 1, 0), (1, 1, 3, 8, 1, 3, 1, 1, 0)],
    "stride": [(1, 1, 5, 5, 1, 3, 3, 1, 0), (1, 1, 5, 4, 1, 3, 3, 1, 1), (1, 1, 7, 7, 1, 3, 3, 2, 0),
               (1, 1, 6, 5, 1, 3, 2, 2, 1), (1, 1, 8, 7, 1, 2, 2, 3, 0), (1, 1, 5, 6, 1, 3, 3, 2, 2),
               (1, 1, 4, 3, 1, 6, 5, 2, 1), (1, 1, 5, 6, 1, 1, 1, 2, 0), (1, 1, 9, 5, 1, 4, 2, 3, 1)],
    "chw": [(1, 1, 5, 5, 1, 3, 3, 1, 0), (1, 3, 5, 4, 2, 3, 3, 1, 0), (1, 2, 6, 5, 4, 3, 2, 2, 1),
            (1, 4, 5, 6, 2, 1, 1, 1, 0), (1, 2, 3, 4, 3, 5, 6, 1, 1), (1, 3, 8, 7, 2, 2, 3, 3, 2),
            # C = F > 1 with pad 0 and KH != KW, and one channel into several filters, so that
            # "F > 1", "C > 1", "C != F" and "pad = 0", "KH = KW" are told apart.
            (1, 2, 6, 5, 2, 2, 3, 1, 0), (1, 1, 5, 4, 3, 3, 3, 2, 1)],
    "batch": [(1, 1, 5, 5, 1, 3, 3, 1, 0), (3, 2, 5, 6, 3, 3, 3, 1, 1), (2, 3, 7, 7, 2, 3, 3, 2, 1),
              (4, 1, 8, 6, 2, 2, 3, 3, 0), (2, 2, 4, 5, 2, 1, 1, 1, 0), (1, 3, 6, 5, 2, 3, 3, 2, 1), (2, 3, 3, 4, 2, 5, 6, 1, 1),
              (3, 2, 9, 6, 4, 4, 2, 2, 2)],
}


@dataclass
class Case:
    """One set of inputs, in the batch form."""
    index: int
    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    dy: np.ndarray
    stride: int
    pad: int

    @property
    def size(self):
        return self.x.size + self.w.size

    def conditions(self, lead):
        """Every condition this case meets, from both sides of each question.

        Each question is asked with its two answers ("pad = 0" or "pad > 0",
        "N = 1" or "N > 1", ...), so that a mistake made only in the plain
        cases (a ``[pad:-pad]`` slice fails exactly when pad = 0) can be told
        apart as well as one made only in the awkward cases. The order is the
        order of preference when several conditions tell the same cases
        apart. ``lead`` is the number of leading axes the part does not have,
        so a 1D part never hears about H != W.
        """
        n, c, h, w = self.x.shape
        f, _, kh, kw = self.w.shape
        _, _, ho, wo = self.dy.shape
        hp, wp = h + 2 * self.pad, w + 2 * self.pad
        found = []

        def either(test, yes, no):
            found.append(yes if test else no)

        either(self.pad > 0, "pad > 0", "pad = 0")
        if self.pad > 0:
            found.append("pad = 1" if self.pad == 1 else "pad > 1")
        either(self.stride > 1, "stride > 1", "stride 1")
        if self.stride > 1:
            found.append(f"stride {self.stride}")
        either((hp - kh) % self.stride or (wp - kw) % self.stride,
               "a stride that does not divide in + 2*pad - k", "a stride that divides in + 2*pad - k")
        if lead == 0:
            either(n > 1, "N > 1", "N = 1")
        if lead <= 1:
            either(f > 1, "F > 1", "F = 1")
            either(c > 1, "C > 1", "C = 1")
            either(c != f, "C != F", "C = F")
            if c == f > 1:
                found.append("C = F > 1")
        if lead <= 2:
            either(h != w, "H != W", "H = W")
            either(kh != kw, "KH != KW", "KH = KW")
        either(kh == 1 and kw == 1, "a 1x1 kernel", "a kernel larger than 1x1")
        either(kh == hp and kw == wp, "a kernel as large as the padded input",
               "a kernel smaller than the padded input")
        either((kh > self.stride and ho > 1) or (kw > self.stride and wo > 1),
               "overlapping windows", "no overlapping windows")
        return found

    def features(self, lead):
        """What sets this case apart from the plainest one: its conditions that the plainest case lacks."""
        return [condition for condition in self.conditions(lead) if condition not in PLAIN]


# The conditions of the plainest case (one sample, one channel, one filter,
# H = W, a 3x3 kernel, stride 1, pad 0): every part's first case.
PLAIN = {"N = 1", "C = 1", "F = 1", "C = F", "H = W", "KH = KW", "pad = 0", "stride 1",
         "a stride that divides in + 2*pad - k", "a kernel larger than 1x1",
         "a kernel smaller than the padded input", "overlapping windows"}


def what_sets_apart(cases, failing, lead):
    """What the failing cases share and no passing case has.

    ``failing`` holds the positions in ``cases`` of the cases that fail (at
    least one case fails and one passes). Returns the conditions (see
    :meth:`Case.conditions`) that hold in every failing case and in no
    passing one; when no single condition does, the pairs of conditions
    ("stride 2 and pad > 0") that do. An empty list when neither exists.
    """
    met = [case.conditions(lead) for case in cases]
    fail = [met[i] for i in range(len(cases)) if i in failing]
    passing = [set(met[i]) for i in range(len(cases)) if i not in failing]
    shared = [c for c in met[min(failing)] if all(c in conditions for conditions in fail)]
    singles = [c for c in shared if not any(c in conditions for conditions in passing)]
    if singles:
        return singles
    return [f"{first} and {second}" for k, first in enumerate(shared) for second in shared[k + 1:]
            if not any(first in conditions and second in conditions for conditions in passing)]


def only_values(cases, failing):
    """The settings that every passing case shares and no failing case has: [("pad", 1)], ...

    A bug that hard-codes ``pad = 1`` passes exactly the cases with pad 1;
    no condition of :meth:`Case.conditions` says so, because the failing
    cases have pad 0 or pad 2.
    """
    found = []
    for name in ("pad", "stride"):
        passing = {getattr(case, name) for i, case in enumerate(cases) if i not in failing}
        failed = {getattr(case, name) for i, case in enumerate(cases) if i in failing}
        if len(passing) == 1 and not passing & failed:
            found.append((name, passing.pop()))
    return found


def make_cases(part_key, seed):
    """The cases for one part, with values drawn from ``seed``."""
    rng = np.random.default_rng([seed, list(SHAPES).index(part_key)])
    cases = []
    for index, (n, c, h, w, f, kh, kw, stride, pad) in enumerate(SHAPES[part_key]):
        ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
        cases.append(Case(
            index=index,
            x=rng.standard_normal((n, c, h, w)),
            w=rng.standard_normal((f, c, kh, kw)),
            b=rng.standard_normal(f),
            dy=rng.standard_normal((n, f, ho, wo)),
            stride=stride, pad=pad,
        ))
    return cases
