"""The vectorised reference against PyTorch's conv2d on the CPU, float64, same threads.

    python -m bench.reference_speed [--smoke] [--out DIR]

For each layer shape: the median seconds of forward + backward for both, their
ratio (reference / PyTorch; at most 1.0 is the target), and the peak memory
the reference's backward allocates (tracemalloc) against the bytes of its
inputs and outputs (at most 3x is the target). Without PyTorch installed the
PyTorch columns say so.
"""
import os
import platform
import time
import tracemalloc

import numpy as np

from bench import results
from solutions.reference.vectorized import conv_backward, conv_forward

SHAPES = {  # name: (N, C, H, W, F, K, stride, pad)
    "tiny CNN layer": (64, 1, 8, 8, 8, 3, 1, 1),
    "CIFAR-sized layer": (50, 3, 32, 32, 32, 3, 1, 1),
    "strided layer": (32, 16, 16, 16, 32, 3, 2, 1),
}


def _median_seconds(run, repeats=15):
    run()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _arrays(shape, seed=0):
    n, c, h, w, f, k, stride, pad = shape
    rng = np.random.default_rng(seed)
    x, weights, b = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)), rng.standard_normal(f)
    ho, wo = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    return x, weights, b, rng.standard_normal((n, f, ho, wo)), stride, pad


def reference_seconds(shape, repeats):
    x, w, b, dout, stride, pad = _arrays(shape)
    return _median_seconds(lambda: (conv_forward(x, w, b, stride, pad), conv_backward(dout, x, w, stride, pad)),
                           repeats)


def torch_seconds(shape, repeats):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    x, w, b, dout, stride, pad = (torch.tensor(a) if isinstance(a, np.ndarray) else a for a in _arrays(shape))
    x.requires_grad_(True), w.requires_grad_(True), b.requires_grad_(True)

    def run():
        x.grad = w.grad = b.grad = None
        torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad).backward(dout)
    return _median_seconds(run, repeats)


def backward_memory_ratio(shape):
    x, w, b, dout, stride, pad = _arrays(shape)
    tracemalloc.start()
    dx, dw, db = conv_backward(dout, x, w, stride, pad)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    held = sum(a.nbytes for a in (x, w, b, dout, dx, dw, db))
    return peak / held


def run(smoke=False):
    rows = []
    shapes = dict(list(SHAPES.items())[:1]) if smoke else SHAPES
    repeats = 1 if smoke else 15
    for name, shape in shapes.items():
        ours, theirs = reference_seconds(shape, repeats), torch_seconds(shape, repeats)
        rows.append({"layer": name, "shape": shape, "reference_s": ours, "torch_s": theirs,
                     "ratio": None if theirs is None else ours / theirs,
                     "backward_peak_memory_x_io": backward_memory_ratio(shape)})
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    return {"cores": os.cpu_count(), "numpy": np.__version__, "torch": torch_version,
            "python": platform.python_version(), "rows": rows}


def main(argv=None):
    args = results.parser(__doc__).parse_args(argv)
    result = run(args.smoke)
    lines = ["| layer (N, C, H, W, F, K, stride, pad) | reference ms | PyTorch ms | ratio | backward peak / io |",
             "|---|---|---|---|---|"]
    for row in result["rows"]:
        torch_ms = "not installed" if row["torch_s"] is None else f"{1000 * row['torch_s']:.2f}"
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(f"| {row['layer']} {tuple(row['shape'])} | {1000 * row['reference_s']:.2f} | {torch_ms} "
                     f"| {ratio} | {row['backward_peak_memory_x_io']:.2f} |")
    heading = (f"{result['cores']} cores, NumPy {result['numpy']}, PyTorch {result['torch']}, "
               f"Python {result['python']}")
    results.save("reference_speed", result, heading, "\n".join(lines), args.out, args.smoke)


if __name__ == "__main__":
    main()
