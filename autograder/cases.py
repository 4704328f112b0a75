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
            (1, 4, 5, 6, 2, 1, 1, 1, 0), (1, 2, 3, 4, 3, 5, 6, 1, 1), (1, 3, 8, 7, 2, 2, 3, 3, 2)],
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

    def features(self, lead):
        """What sets this case apart from the plainest one, in words.

        ``lead`` is the number of leading axes the part does not have, so a
        1D part never hears about H != W.
        """
        n, c, h, w = self.x.shape
        f, _, kh, kw = self.w.shape
        found = []
        if lead == 0 and n > 1:
            found.append("N > 1")
        if lead <= 1 and c != f:
            found.append("C != F")
        if lead <= 1 and c > 1 and c == f:
            found.append("C = F > 1")
        if lead <= 2 and h != w:
            found.append("H != W")
        if lead <= 2 and kh != kw:
            found.append("KH != KW")
        if self.pad > 0:
            found.append("pad > 0")
        if self.stride > 1:
            found.append(f"stride {self.stride}")
            hp, wp = h + 2 * self.pad, w + 2 * self.pad
            if (hp - kh) % self.stride or (wp - kw) % self.stride:
                found.append("a stride that does not divide in + 2*pad - k")
        if kh == 1 and kw == 1:
            found.append("a 1x1 kernel")
        if kh == h + 2 * self.pad and kw == w + 2 * self.pad:
            found.append("a kernel as large as the padded input")
        return found


def make_cases(part_key, seed):
    """The cases for one part, with values drawn from ``seed``."""
    rng = np.random.default_rng([seed, list(SHAPES).index(part_key)])
    cases = []
    for index, (n, c, h, w, f, kh, kw, stride, pad) in enumerate(SHAPES[part_key]):
        ho = (h + 2 * pad - kh) // stride + 1
        wo = (w + 2 * pad - kw) // stride + 1
        cases.append(Case(
            index=index,
            x=rng.standard_normal((n, c, h, w)),
            w=rng.standard_normal((f, c, kh, kw)),
            b=rng.standard_normal(f),
            dy=rng.standard_normal((n, f, ho, wo)),
            stride=stride, pad=pad,
        ))
    return cases
