"""The notebooks' figures, one module per notebook, built on :mod:`convkit.figures.grid`.

Every function returns a matplotlib Figure, so a notebook cell shows it and a
test can check it without a screen.
"""
