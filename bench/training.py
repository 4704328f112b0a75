"""The tiny CNN with the reference layer: held-out accuracy, and the training
time to reach 98% (target: under 1 s).

Two runs: the grading budget of ``convkit.tiny_cnn`` (4 filters, plain SGD),
and a faster-learning setting (16 filters, SGD with momentum) for the 98% target.

    python -m bench.training [--smoke] [--out DIR]
"""
import os

from bench import results
from convkit import tiny_cnn
from convkit.digits import load_digits
from solutions.reference.vectorized import conv_backward, conv_forward

SETTINGS = {
    "grading budget": {},
    "16 filters, momentum": {"filters": 16, "batch": 32, "learning_rate": 0.1, "momentum": 0.9, "steps": 600},
}


def run(smoke=False):
    x_train, y_train, x_test, y_test = load_digits()
    rows = []
    for name, settings in SETTINGS.items():
        if smoke:
            settings = dict(settings, steps=10)
        _, history = tiny_cnn.train(conv_forward, conv_backward, x_train, y_train, x_test, y_test,
                                    every=10, **settings)
        reached = [t for t, a in zip(history.elapsed, history.accuracies) if a >= 0.98]
        rows.append({"setting": name, "final_accuracy": history.accuracies[-1],
                     "best_accuracy": max(history.accuracies), "train_seconds": history.elapsed[-1],
                     "seconds_to_98": reached[0] if reached else None})
    return {"cores": os.cpu_count(), "rows": rows}


def main(argv=None):
    args = results.parser(__doc__).parse_args(argv)
    result = run(args.smoke)
    lines = ["| setting | final accuracy | training s | s to 98% |", "|---|---|---|---|"]
    for row in result["rows"]:
        to98 = "not reached" if row["seconds_to_98"] is None else f"{row['seconds_to_98']:.2f}"
        lines.append(f"| {row['setting']} | {row['final_accuracy']:.1%} | {row['train_seconds']:.2f} | {to98} |")
    results.save("training", result, f"{result['cores']} cores, held-out: 359 digits", "\n".join(lines),
                 args.out, args.smoke)


if __name__ == "__main__":
    main()
