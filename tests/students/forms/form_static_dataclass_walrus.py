from dataclasses import dataclass

import conv1d_core


@dataclass
class Conv1D:
    name: str = "conv"

    @staticmethod
    def forward(x, w, b):
        return conv1d_core.forward(x, w, b)

    def backward(self, dy, x, w):
        return conv1d_core.backward(dy, x, w)


(conv1d_forward := Conv1D.forward)
conv1d_backward = Conv1D("layer").backward
