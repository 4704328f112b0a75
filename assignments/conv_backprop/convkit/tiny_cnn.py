"""A tiny CNN built on any convolution layer that follows the student API.

conv (3x3, pad 1) -> ReLU -> 2x2 max-pool -> affine -> softmax cross-entropy,
trained with plain minibatch SGD on the shipped handwritten digits.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from convkit import layers

# One place for the training budget, used by the notebook and the grader alike.
FILTERS = 4
KERNEL = 3
STEPS = 200
BATCH = 16
LEARNING_RATE = 0.5
PASS_ACCURACY = 0.92


def init_params(filters=FILTERS, kernel=KERNEL, image=8, classes=10, seed=0):
    """He-initialised weights: conv w (F, 1, K, K), b (F,); affine w (F*image^2/4, classes), b."""
    rng = np.random.default_rng(seed)
    pooled = filters * (image // 2) ** 2
    return {
        "conv_w": rng.standard_normal((filters, 1, kernel, kernel)) * np.sqrt(2.0 / kernel ** 2),
        "conv_b": np.zeros(filters),
        "fc_w": rng.standard_normal((pooled, classes)) * np.sqrt(2.0 / pooled),
        "fc_b": np.zeros(classes),
    }


def forward(params, x, conv_forward):
    """Class scores (N, classes) for images x (N, 1, 8, 8), plus what backward needs."""
    conv = conv_forward(x, params["conv_w"], params["conv_b"], 1, KERNEL // 2)  # stride 1, pad 1
    relu = layers.relu_forward(conv)
    pooled = layers.max_pool_forward(relu)
    scores = layers.affine_forward(pooled, params["fc_w"], params["fc_b"])
    return scores, (conv, relu, pooled)


def loss_and_grads(params, x, labels, conv_forward, conv_backward):
    """Mean loss on a batch and the gradient of every parameter."""
    scores, (conv, relu, pooled) = forward(params, x, conv_forward)
    loss, dscores = layers.softmax_cross_entropy(scores, labels)
    dpooled, dfc_w, dfc_b = layers.affine_backward(dscores, pooled, params["fc_w"])
    drelu = layers.max_pool_backward(dpooled, relu)
    dconv = layers.relu_backward(drelu, conv)
    _, dconv_w, dconv_b = conv_backward(dconv, x, params["conv_w"], 1, KERNEL // 2)
    return loss, {"conv_w": dconv_w, "conv_b": dconv_b, "fc_w": dfc_w, "fc_b": dfc_b}


def predict(params, x, conv_forward, batch=256):
    """Predicted labels (N,) for images x (N, 1, 8, 8)."""
    scores = [forward(params, x[i:i + batch], conv_forward)[0] for i in range(0, len(x), batch)]
    return np.concatenate(scores).argmax(axis=1)


@dataclass
class History:
    """What a training run saw: one loss per step, accuracy every ``every`` steps."""
    losses: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    accuracies: list = field(default_factory=list)
    elapsed: list = field(default_factory=list)     # training seconds (evaluation excluded) at each accuracy
    seconds: float = 0.0


def train(conv_forward, conv_backward, x_train, y_train, x_val=None, y_val=None,
          steps=STEPS, batch=BATCH, learning_rate=LEARNING_RATE, filters=FILTERS, seed=0, every=25,
          momentum=0.0):
    """Train the tiny CNN with minibatch SGD (plain by default); returns (params, History).

    The learning rate falls linearly to zero over the run, so the last step
    does not land on a noisy point. The minibatches are drawn from a seeded
    generator, so a run is repeatable. Accuracy on (x_val, y_val) is recorded
    every ``every`` steps when given.
    """
    rng = np.random.default_rng(seed)
    params = init_params(filters=filters, seed=seed)
    history = History()
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    start, evaluating = time.perf_counter(), 0.0
    for step in range(1, steps + 1):
        rows = rng.choice(len(x_train), size=batch, replace=False)
        rate = learning_rate * (1 - (step - 1) / steps)
        loss, grads = loss_and_grads(params, x_train[rows], y_train[rows], conv_forward, conv_backward)
        for name in params:
            velocity[name] = momentum * velocity[name] - rate * np.asarray(grads[name], dtype=np.float64)
            params[name] = params[name] + velocity[name]
        history.losses.append(loss)
        if x_val is not None and (step % every == 0 or step == steps):
            evaluation = time.perf_counter()
            history.elapsed.append(evaluation - start - evaluating)
            history.steps.append(step)
            history.accuracies.append(float(np.mean(predict(params, x_val, conv_forward) == y_val)))
            evaluating += time.perf_counter() - evaluation
    history.seconds = time.perf_counter() - start
    return params, history
