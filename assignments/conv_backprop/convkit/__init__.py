"""convkit's student-side helpers: gradient checks (``gradcheck``), the tiny
CNN (``tiny_cnn``) and its other layers (``layers``), the handwritten-digits
data (``digits``) and the notebooks' figures (``figures``, one module per
topic).

The release step copies this package into the student release, so it must
need nothing but NumPy (and matplotlib for figures).
"""
