"""Why a network is stuck, per layer, from one forward and backward pass on the training data.

For each layer (``l = 1..L``, the tutorial's numbering) :func:`diagnose` reports, in the
tutorial's names:

* ``dead``: ReLU units whose ``a`` is 0 for every training point (``z <= 0`` everywhere: no
  gradient reaches their weights, so nothing can revive them);
* ``saturated``: sigmoid or tanh units whose ``|z| > SATURATED_Z`` for more than
  ``SATURATED_SHARE`` of the points (their derivative there is below 0.02: they barely learn);
* ``dW_norm`` and ``W_norm``: the Frobenius norms ``||dW||`` and ``||W||`` (vanishing or
  exploding gradients);
* ``update_ratio``: ``learning_rate * ||dW|| / ||W||``, the size of a plain gradient step
  relative to the weights (too large: it overshoots; too small: it crawls).

:class:`Plateau` reads a loss history: how many epochs since the loss last improved by more
than a relative ``PLATEAU_TOLERANCE``. :func:`divergence` finds, for a network whose
parameters or values just stopped being finite, the first layer where they did. What it leaves
out: words and suggested actions (``sessions/advice.py``), when to compute it (the worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .network import Gradients, Network

Array = NDArray[Any]

SATURATED_Z = 4.0  # sigmoid'(4) = 0.018, tanh'(4) = 0.0013
SATURATED_SHARE = 0.9
PLATEAU_TOLERANCE = 1e-3


@dataclass(frozen=True)
class LayerDiagnostics:
    """One layer's figures (``l``: the tutorial's layer number, 1 = the first hidden layer)."""

    l: int
    activation: str
    units: int
    dead: list[int]
    saturated: list[int]
    dW_norm: float
    W_norm: float
    update_ratio: float

    def to_dict(self) -> dict[str, Any]:
        # (not dataclasses.asdict: its deep copy was a quarter of the diagnostics' cost)
        return {**vars(self), "dead": list(self.dead), "saturated": list(self.saturated)}


def _norm(x: Array) -> float:
    """``sqrt(sum(x**2))``, scaled so that large finite entries do not overflow the square."""
    top = float(np.max(np.abs(x), initial=0.0))
    if top == 0 or not np.isfinite(top):
        return top
    y = x / top
    return top * float(np.sqrt(np.vdot(y, y)))


def layer_diagnostics(net: Network, g: Gradients, *, saturated_z: float = SATURATED_Z,
                      saturated_share: float = SATURATED_SHARE) -> list[LayerDiagnostics]:
    """Per layer, from a backward pass ``g`` of ``net`` (``net.gradients(X, Y)``)."""
    lr = net.config.learning_rate
    out = []
    for l, f in enumerate(net.activations):
        z, a = g.z[l], g.a[l + 1]
        dead: list[int] = []
        saturated: list[int] = []
        if f.name == "relu":
            dead = np.flatnonzero(np.all(a == 0, axis=1)).tolist()
        elif f.name in ("sigmoid", "tanh"):
            share = np.mean(np.abs(z) > saturated_z, axis=1)
            saturated = np.flatnonzero(share > saturated_share).tolist()
        dW_norm, W_norm = _norm(g.dW[l]), _norm(net.W[l])
        ratio = lr * dW_norm / W_norm if W_norm > 0 else float("inf") if dW_norm else 0.0
        out.append(LayerDiagnostics(l + 1, f.name, int(z.shape[0]), dead, saturated, dW_norm,
                                    W_norm, ratio))
    return out


def diagnose(net: Network, X: Any, Y: Any) -> list[LayerDiagnostics]:
    """One forward and backward pass of ``net`` on ``X``, ``Y``, and its figures per layer."""
    return layer_diagnostics(net, net.gradients(X, Y))


class Plateau:
    """How long a loss history has gone without improving, read incrementally.

    :meth:`feed` takes the losses after those already read; ``stalled`` is then the number of
    epochs since the last one whose loss beat the best before it by more than ``tolerance`` of
    it (the first epoch counts as such), ``best`` the lowest loss so far.
    """

    def __init__(self, tolerance: float = PLATEAU_TOLERANCE) -> None:
        self.tolerance = tolerance
        self.read = 0
        self.best = float("inf")
        self.last_gain = -1

    @property
    def stalled(self) -> int:
        return 0 if self.last_gain < 0 else self.read - 1 - self.last_gain

    def feed(self, losses: Any) -> None:
        x = np.asarray(losses, dtype=np.float64)
        if x.size == 0:
            return
        x = np.where(np.isfinite(x), x, np.inf)
        before = np.minimum.accumulate(np.concatenate(([self.best], x[:-1])))
        gains = np.flatnonzero((x < before * (1 - self.tolerance)) | (before == np.inf))
        gains = gains[np.isfinite(x[gains])]
        if gains.size:
            self.last_gain = self.read + int(gains[-1])
        self.best = min(self.best, float(x.min()))
        self.read += x.size


@dataclass(frozen=True)
class Blowup:
    """Where a network's numbers stopped being finite: ``layer`` (1..L), in ``where`` (``W``,
    ``b``, ``z`` or ``a``)."""

    layer: int
    where: str


def first_non_finite(net: Network, X: Any) -> Blowup | None:
    """The first layer, going forward, whose parameters or values on ``X`` are not finite."""
    fp = net.forward_pass(X)
    for l in range(len(net.W)):
        for where, value in (("W", net.W[l]), ("b", net.b[l]), ("z", fp.z[l]),
                             ("a", fp.a[l + 1])):
            if not np.all(np.isfinite(value)):
                return Blowup(l + 1, where)
    return None
