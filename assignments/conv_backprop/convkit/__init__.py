"""convkit's student-side helpers: gradient checks, the tiny CNN's other
layers, the handwritten-digits data and (later) the notebooks' figures.

The release step copies this package into the student release, so it must
need nothing but NumPy (and matplotlib for figures).
"""
