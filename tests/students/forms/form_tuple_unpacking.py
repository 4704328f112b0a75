from conv1d_core import backward, forward

_F, _B = forward, backward
conv1d_forward, conv1d_backward = _F, _B
