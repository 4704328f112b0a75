"""convkit's student-side helpers: gradient checks (``gradcheck``), the tiny
CNN (``tiny_cnn``) and its other layers (``layers``), the handwritten-digits
data (``digits``), the notebooks' figures (``figures``, one module per
topic), what a check does while a function is not written yet (``checks``)
and nbgrader's Validate for students without nbgrader (``validate``).

The release step copies this package into the student release, so it must
need nothing but NumPy (and matplotlib for figures; ``validate`` uses
nbformat and nbclient, which come with JupyterLab).
"""
