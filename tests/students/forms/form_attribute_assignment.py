import conv1d_core


class Layer:
    def forward(self, x, w, b):
        return conv1d_core.forward(x, w, b)


def _backward(self, dy, x, w):
    return conv1d_core.backward(dy, x, w)


Layer.backward = _backward
_layer = Layer()
conv1d_forward = _layer.forward
conv1d_backward = _layer.backward
