import contextlib

import conv1d_core

match "loops":
    case "loops":
        conv1d_forward = conv1d_core.forward
    case _:
        conv1d_forward = None

with contextlib.suppress(ZeroDivisionError):
    conv1d_backward = conv1d_core.backward
    1 / 0
