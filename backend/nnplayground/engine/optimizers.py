"""Parameter updates: plain gradient descent (the tutorial's), momentum and Adam.

Each optimiser updates one packed parameter matrix ``P`` (weights with the bias as the last
column) in place from ``G``, the batch gradient already multiplied by ``fold`` (the learning
rate for ``sgd`` and ``momentum``, so their step is a subtraction; ``1`` for ``adam``, which
needs the raw gradient). ``sign`` is ``-1`` where the trainer stores a layer negated (it then
holds ``-P``; see ``fast.py``), so the same code updates either layout. State (velocities,
moments) lives in the optimiser, keyed by layer, and is exported with the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


class SGD:
    """``P -= lr * dP`` (``G`` is already ``lr * dP``)."""

    name = "sgd"
    folds_learning_rate = True

    def __init__(self, shapes: list[tuple[int, int]], dtype: Any, **_: float) -> None:
        self.shapes = shapes

    def begin_step(self) -> None:
        """Called once per update of all layers."""

    def step(self, layer: int, P: Array, G: Array, sign: float) -> None:
        if sign > 0:
            np.subtract(P, G, P)
        else:
            np.add(P, G, P)

    def state(self) -> dict[str, Any]:
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        """Plain gradient descent keeps no state."""


class Momentum(SGD):
    """``v = beta * v - lr * dP; P += v`` (``v`` kept in the stored layout)."""

    name = "momentum"

    def __init__(self, shapes: list[tuple[int, int]], dtype: Any, beta: float = 0.9, **_: float):
        super().__init__(shapes, dtype)
        self.beta = np.asarray(beta, dtype=dtype)
        self.v = [np.zeros(s, dtype=dtype) for s in shapes]

    def step(self, layer: int, P: Array, G: Array, sign: float) -> None:
        v = self.v[layer]
        np.multiply(v, self.beta, v)
        if sign > 0:
            np.subtract(v, G, v)
        else:
            np.add(v, G, v)
        np.add(P, v, P)

    def state(self) -> dict[str, Any]:
        return {"v": [x.tolist() for x in self.v]}

    def load_state(self, state: dict[str, Any]) -> None:
        for dst, src in zip(self.v, state.get("v", []), strict=False):
            dst[...] = src


class Adam(SGD):
    """Adam (Kingma & Ba) with bias correction; ``G`` is the raw gradient ``dP``."""

    name = "adam"
    folds_learning_rate = False

    def __init__(
        self,
        shapes: list[tuple[int, int]],
        dtype: Any,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        **_: float,
    ) -> None:
        super().__init__(shapes, dtype)
        self.lr, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m = [np.zeros(s, dtype=dtype) for s in shapes]
        self.s = [np.zeros(s, dtype=dtype) for s in shapes]
        self.tmp = [np.zeros(s, dtype=dtype) for s in shapes]
        self.t = 0
        self._c1 = self._c2 = 1.0

    def begin_step(self) -> None:
        self.t += 1
        self._c1 = self.lr / (1 - self.beta1**self.t)
        self._c2 = 1.0 / (1 - self.beta2**self.t)

    def step(self, layer: int, P: Array, G: Array, sign: float) -> None:
        m, s, tmp = self.m[layer], self.s[layer], self.tmp[layer]
        # m and s follow the gradient of the stored matrix, sign * G.
        np.multiply(m, self.beta1, m)
        np.multiply(G, sign * (1 - self.beta1), tmp)
        np.add(m, tmp, m)
        np.multiply(s, self.beta2, s)
        np.multiply(G, G, tmp)
        np.multiply(tmp, 1 - self.beta2, tmp)
        np.add(s, tmp, s)
        np.multiply(s, self._c2, tmp)
        np.sqrt(tmp, tmp)
        np.add(tmp, self.eps, tmp)
        np.divide(m, tmp, tmp)
        np.multiply(tmp, self._c1, tmp)
        np.subtract(P, tmp, P)

    def state(self) -> dict[str, Any]:
        return {"t": self.t, "m": [x.tolist() for x in self.m], "s": [x.tolist() for x in self.s]}

    def load_state(self, state: dict[str, Any]) -> None:
        self.t = int(state.get("t", 0))
        for dst, src in zip(self.m + self.s, state.get("m", []) + state.get("s", []), strict=False):
            dst[...] = src


OPTIMIZERS: dict[str, type[SGD]] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
