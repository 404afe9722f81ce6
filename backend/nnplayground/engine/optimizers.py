"""Parameter updates: the tutorial's plain gradient descent, momentum and Adam.

``step(W, b, dW, db)`` updates the network's weights and biases (lists of arrays in the
tutorial's shapes) in place from their gradients. State (velocities, moments) lives in the
optimiser in the same shapes and is exported with the model (``state``/``load_state``; a state
without this layout's keys, e.g. from before it, starts the optimiser afresh). What it leaves
out: the compiled training loop, which applies the same updates to its own copy of the
parameters and of this state (``fast.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


class SGD:
    """The tutorial's update: ``W[l] -= lr * dW[l]``, ``b[l] -= lr * db[l]``."""

    name = "sgd"

    def __init__(self, W: list[Array], b: list[Array], learning_rate: float = 0.1,
                 **_: float) -> None:
        self.learning_rate = learning_rate

    def step(self, W: list[Array], b: list[Array], dW: list[Array], db: list[Array]) -> None:
        for l in range(len(W)):
            W[l] -= self.learning_rate * dW[l]
            b[l] -= self.learning_rate * db[l]

    def state(self) -> dict[str, Any]:
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        """Plain gradient descent keeps no state."""


class Momentum(SGD):
    """``v = beta * v - lr * dW; W += v`` (and the same for ``b``)."""

    name = "momentum"

    def __init__(self, W: list[Array], b: list[Array], learning_rate: float = 0.1,
                 beta: float = 0.9, **_: float) -> None:
        super().__init__(W, b, learning_rate)
        self.beta = beta
        self.vW = [np.zeros_like(w) for w in W]
        self.vb = [np.zeros_like(v) for v in b]

    def step(self, W: list[Array], b: list[Array], dW: list[Array], db: list[Array]) -> None:
        for P, v, G in zip(W + b, self.vW + self.vb, dW + db, strict=True):
            v *= self.beta
            v -= self.learning_rate * G
            P += v

    def state(self) -> dict[str, Any]:
        return {"vW": _export(self.vW), "vb": _export(self.vb)}

    def load_state(self, state: dict[str, Any]) -> None:
        _load(self.vW, state.get("vW", []))
        _load(self.vb, state.get("vb", []))


class Adam(SGD):
    """Adam (Kingma & Ba) with bias correction: moments ``m`` and ``s`` of each parameter."""

    name = "adam"

    def __init__(self, W: list[Array], b: list[Array], learning_rate: float = 0.001,
                 beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 **_: float) -> None:
        super().__init__(W, b, learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.mW, self.mb = [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b]
        self.sW, self.sb = [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b]
        self.t = 0

    def corrections(self) -> tuple[float, float]:
        """Advance the step count; the bias corrections ``lr / (1 - beta1^t)`` of the first
        moment and ``1 / (1 - beta2^t)`` of the second."""
        self.t += 1
        return (self.learning_rate / (1 - self.beta1**self.t), 1.0 / (1 - self.beta2**self.t))

    def step(self, W: list[Array], b: list[Array], dW: list[Array], db: list[Array]) -> None:
        c1, c2 = self.corrections()
        moments = zip(W + b, dW + db, self.mW + self.mb, self.sW + self.sb, strict=True)
        for P, G, m, s in moments:
            m *= self.beta1
            m += G * (1 - self.beta1)
            s *= self.beta2
            s += (G * G) * (1 - self.beta2)
            P -= (m / (np.sqrt(s * c2) + self.eps)) * c1

    def state(self) -> dict[str, Any]:
        return {"t": self.t, "mW": _export(self.mW), "mb": _export(self.mb),
                "sW": _export(self.sW), "sb": _export(self.sb)}

    def load_state(self, state: dict[str, Any]) -> None:
        if "mW" not in state:
            return
        self.t = int(state.get("t", 0))
        for name in ("mW", "mb", "sW", "sb"):
            _load(getattr(self, name), state.get(name, []))


def _export(arrays: list[Array]) -> list[Any]:
    return [x.tolist() for x in arrays]


def _load(arrays: list[Array], values: list[Any]) -> None:
    for dst, src in zip(arrays, values, strict=False):
        dst[...] = src


OPTIMIZERS: dict[str, type[SGD]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
