"""The API names are served by the module's __getattr__ (PEP 562), as `from form import name` would find them."""
import conv1d_core


def __getattr__(name):
    if name == "conv1d_forward":
        return conv1d_core.forward
    if name == "conv1d_backward":
        return conv1d_core.backward
    raise AttributeError(name)
