"""The notebooks' figures, one module per notebook, built on :mod:`convkit.figures.grid`.

Every function returns a matplotlib Figure, so a test can check it without a
screen; in Jupyter each figure shows once, wherever a cell draws it, also
inside an ``if``, a loop or a function (:mod:`convkit.figures.showing`).
"""
