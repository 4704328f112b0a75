"""The ``cnn`` part: train the tiny CNN on real handwritten digits with the
student's ``conv_forward`` / ``conv_backward`` and grade the held-out accuracy.

The child trains and predicts the held-out images; it never sees their
labels. The accuracy is computed here. Full marks from
:data:`convkit.tiny_cnn.PASS_ACCURACY`; below it the points fall linearly to
zero at :data:`ZERO_ACCURACY`. The reference layer's own accuracy with the
same budget is measured on the spot and quoted in the feedback.
"""
import functools

import numpy as np

from autograder.engine.check import PartResult, exception_type
from autograder.engine.source import AST_LOCK
from autograder.sandbox.runner import run_training
from convkit import tiny_cnn
from convkit.digits import load_digits
from solutions.reference.vectorized import conv_backward, conv_forward

ZERO_ACCURACY = 0.5
# What the training takes from the student's layer: the conv layer comes first in the network, so its
# dx feeds nothing and is neither used nor checked (the chw and batch parts grade it).
TRAINING_USES = ("forward", "dw", "db")
TRAINING = {"steps": tiny_cnn.STEPS, "batch": tiny_cnn.BATCH, "learning_rate": tiny_cnn.LEARNING_RATE,
            "filters": tiny_cnn.FILTERS, "seed": 0}


@functools.lru_cache(maxsize=1)
def digits():
    # NumPy parses the file's array headers with ast.literal_eval: under the lock, see source.AST_LOCK.
    with AST_LOCK:
        return load_digits()


@functools.lru_cache(maxsize=1)
def reference_accuracy():
    x_train, y_train, x_test, y_test = digits()
    params, _ = tiny_cnn.train(conv_forward, conv_backward, x_train, y_train, **TRAINING)
    return float(np.mean(tiny_cnn.predict(params, x_test, conv_forward) == y_test))


def credit(accuracy):
    """Fraction of the part's points for a held-out accuracy."""
    span = tiny_cnn.PASS_ACCURACY - ZERO_ACCURACY
    return float(np.clip((accuracy - ZERO_ACCURACY) / span, 0.0, 1.0))


def _advice(batch, notes):
    """Why a layer may train badly, from what grading it found: never a guess that contradicts it."""
    if notes:
        return (f" During training, {'; '.join(notes)}: the training then works on changed arrays. "
                f"Return new arrays and leave the arguments as they were (an update of w belongs to the "
                f"training, not to backward).")
    graded = {output: fraction for output, fraction in (batch.outputs if batch is not None else {}).items()
              if output in TRAINING_USES}
    wrong = [output for output, fraction in graded.items() if fraction < 1.0]
    if wrong:
        return f" The batch part found {' and '.join(wrong)} wrong in some cases: the training uses them."
    if graded:
        return (" Your conv_forward and conv_backward are right on every graded case, so the difference is "
                "in how they behave over many calls: do they keep state between calls, or depend on "
                "the order in which they are called?")
    return " Check conv_backward's dw and db: they are what the training uses."


def check_cnn(part, source, timeout, batch=None):
    """Grade the ``cnn`` part. ``batch`` is the batch part's result for the same layer, when graded."""
    result = PartResult(part.key, 0.0, part.points)
    if batch is not None and batch.broken:
        result.say(["accuracy"], f"The tiny CNN was not trained: {' and '.join(sorted(batch.broken))} "
                                 f"not working yet.")
        return result
    x_train, y_train, x_test, y_test = digits()
    # The child gets the training digits and the held-out images, never their labels.
    data = {"x_train": x_train, "y_train": y_train, "x_test": x_test}
    record, arrays = run_training(source, part.forward, part.backward, TRAINING, data, timeout)
    notes = [str(note) for note in record.get("notes", [])][:3]
    if record.get("status") != "ok":
        status = record.get("status")
        result.troubles["accuracy"] = (status if status in ("timeout", "crash")
                                       else exception_type(str(record.get("error", ""))))
        result.say(["accuracy"], f"Training the tiny CNN with your layer failed: {record.get('error', 'no result')}."
                   + (f" Also, {'; '.join(notes)}." if notes else ""))
        return result
    predictions = arrays.get("predictions")
    if predictions is None or np.shape(predictions) != y_test.shape:
        result.say(["accuracy"], "Training the tiny CNN with your layer gave no prediction for the held-out digits.")
        return result
    accuracy = float(np.mean(predictions == y_test))
    result.score = part.points * credit(accuracy)
    result.outputs["accuracy"] = accuracy
    losses = arrays.get("losses", np.array([]))
    if accuracy < tiny_cnn.PASS_ACCURACY:
        diverged = losses.size and not np.all(np.isfinite(losses))
        result.say(["accuracy"],
            f"The tiny CNN trained with your layer reaches {accuracy:.1%} held-out accuracy after "
            f"{TRAINING['steps']} steps; {tiny_cnn.PASS_ACCURACY:.0%} earns full marks (the reference layer "
            f"reaches {reference_accuracy():.1%} with the same budget)."
            + (" The loss became NaN or infinite." if diverged else "") + _advice(batch, notes))
    elif notes:
        result.say(["accuracy"], f"During training, {'; '.join(notes)}: return new arrays instead.")
    return result
