"""Numerical gradient check: central differences of the exact cost against backprop.

For every weight and bias ``theta``: ``(C(theta + eps) - C(theta - eps)) / (2 eps)``, with
``C`` the network's ``cost`` (the function the update descends, regularisation included).
The relative error is ``||g_analytic - g_numeric|| / max(||g_analytic|| + ||g_numeric||, tiny)``
over all parameters, and per layer for the backward-pass view. Runs in float64 whatever the
network's dtype; it is O(parameters) forward passes, meant for small networks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .network import Gradients, Network

Array = NDArray[np.float64]


@dataclass
class GradientCheck:
    """Analytic and numerical gradients per layer and their relative errors."""

    analytic: Gradients
    dW: list[Array]
    db: list[Array]
    layer_errors: list[float]
    relative_error: float


def relative_error(a: Array, b: Array) -> float:
    num = float(np.linalg.norm(a - b))
    den = float(np.linalg.norm(a) + np.linalg.norm(b))
    return num / den if den > 1e-300 else 0.0


def gradient_check(net: Network, X: Any, Y: Any, eps: float = 1e-6) -> GradientCheck:
    """Compare ``net.gradients(X, Y)`` with central differences of ``net.cost``."""
    g = net.gradients(X, Y)
    W = [w.astype(np.float64) for w in net.W]
    b = [v.astype(np.float64) for v in net.b]
    numeric: list[list[Array]] = [[np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b]]
    for params, out in zip((W, b), numeric, strict=True):
        for p, o in zip(params, out, strict=True):
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + eps
                plus = net.cost(X, Y, W, b)
                p[idx] = old - eps
                minus = net.cost(X, Y, W, b)
                p[idx] = old
                o[idx] = (plus - minus) / (2 * eps)
    dW, db = numeric
    layer_errors = [
        relative_error(np.concatenate([ga.ravel(), gb.ravel()]),
                       np.concatenate([na.ravel(), nb.ravel()]))
        for ga, gb, na, nb in zip(g.dW, g.db, dW, db, strict=True)
    ]
    every = [np.concatenate([x.ravel() for x in xs]) for xs in (g.dW + g.db, dW + db)]
    return GradientCheck(g, dW, db, layer_errors, relative_error(*every))
