"""Benchmark: epochs per second of the engine against a plain implementation of the tutorial.

The baseline is the tutorial's algorithm written straight from its math (forward storing every
activation, the loss every epoch, backward, update; new arrays each epoch), float64, started
from the same weights; the benchmark checks it ends with the same weights as the engine.
Each figure is the median of repeated timed runs; both sides run in the same process, in
alternation, so machine noise hits both. Prints a table of ratios (engine / baseline).

    python bench/engine.py            # full run (about a minute)
    python bench/engine.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from nnplayground.engine import Network, train

WORKLOADS: list[tuple[list[int], int, str]] = [
    ([2, 2, 1], 4, "float64"),
    ([2, 4, 3, 1], 4, "float64"),
    ([2, 16, 8, 4, 1], 8, "float64"),
    ([2, 8, 8, 8, 1], 250, "float64"),
    ([2, 8, 8, 8, 1], 1000, "float64"),
    ([2, 64, 64, 1], 1000, "float64"),
    ([2, 8, 8, 8, 1], 1000, "float32"),
]
TARGETS = {0: 5.0, 1: 5.0, 2: 4.0, 3: 2.8, 6: 3.5}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def baseline_train(W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray,
                   epochs: int, lr: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The tutorial's full-batch gradient descent, straight from the formulas."""
    W = [w.copy() for w in W]
    b = [v.copy() for v in b]
    L, m = len(W), X.shape[1]
    for _ in range(epochs):
        a = [X]
        for l in range(L):
            a.append(sigmoid(W[l] @ a[-1] + b[l]))
        _loss = np.mean((Y - a[-1]) ** 2)
        dW: list[np.ndarray] = [np.zeros_like(w) for w in W]
        db: list[np.ndarray] = [np.zeros_like(v) for v in b]
        delta = (a[-1] - Y) * a[-1] * (1 - a[-1])
        for l in range(L - 1, -1, -1):
            dW[l] = delta @ a[l].T / m
            db[l] = np.sum(delta, axis=1, keepdims=True) / m
            if l > 0:
                delta = (W[l].T @ delta) * a[l] * (1 - a[l])
        for l in range(L):
            W[l] -= lr * dW[l]
            b[l] -= lr * db[l]
    return W, b


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(layers: list[int], m: int, dtype: str, repeats: int) -> dict[str, float]:
    rng = np.random.default_rng(7)
    X = rng.random((layers[0], m))
    Y = (X[:1] ** 2 + X[1:2] ** 2 > 0.5).astype(float)
    # Enough epochs that building the network (inside the timing, as for a user) is amortised.
    epochs = max(200, min(3000, 2_000_000 // (m * sum(layers))))
    lr = 1.0
    net0 = Network(layers, learning_rate=lr, seed=3)
    W0, b0 = net0.weights, net0.biases

    def engine() -> Network:
        net = Network(layers, learning_rate=lr, seed=3, dtype=dtype)
        train(net, X, Y, epochs)
        return net

    # Correctness: both sides end with the same weights.
    net = engine()
    Wb, bb = baseline_train(W0, b0, X, Y, epochs, lr)
    tol = 1e-9 if dtype == "float64" else 1e-2
    err = max(float(np.max(np.abs(x - y))) for x, y in zip(net.weights + net.biases, Wb + bb,
                                                           strict=True))
    assert err < tol, f"engine and baseline disagree by {err} on {layers} m={m}"
    t_engine, t_base = [], []
    for _ in range(repeats):
        t_base.append(timed(lambda: baseline_train(W0, b0, X, Y, epochs, lr)))
        t_engine.append(timed(engine))
    e_eps = epochs / statistics.median(t_engine)
    b_eps = epochs / statistics.median(t_base)
    return {"engine": e_eps, "baseline": b_eps, "ratio": e_eps / b_eps, "max_diff": err}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 9")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    print(f"{'workload':28s} {'engine ep/s':>12s} {'baseline ep/s':>14s} {'ratio':>7s} "
          f"{'target':>7s} {'max |dW|':>9s}")
    for i, (layers, m, dtype) in enumerate(WORKLOADS):
        r = run(layers, m, dtype, repeats)
        name = f"{layers} m={m}" + (" f32" if dtype == "float32" else "")
        target = f">={TARGETS[i]:.1f}x" if i in TARGETS else ">=1.0x"
        print(f"{name:28s} {r['engine']:12.0f} {r['baseline']:14.0f} {r['ratio']:6.2f}x "
              f"{target:>7s} {r['max_diff']:9.1e}")


if __name__ == "__main__":
    main()
