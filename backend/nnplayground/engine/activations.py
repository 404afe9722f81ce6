"""Activation functions, each travelling with its derivative: ``ACTIVATIONS[name]``.

An :class:`Activation` is the pair ``fn`` (``a = f(z)``) and ``grad`` (``f'(z)``), the
derivative written through the activation's *output* ``a``, as the tutorial does for the
sigmoid (``sigma'(z) = a (1 - a)``), so the backward pass never needs ``z``. Softmax is not
element-wise: instead of ``grad`` it has ``vjp(a, g)``, the Jacobian applied to ``g = dC/da``,
and it is only allowed on the output layer. Adding an activation is one pair here (plus its
in-place form in ``fast.py``). Overflow inside ``exp`` is harmless (it saturates to 0 or 1);
callers run under ``np.errstate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
Fn = Callable[[Array], Array]

LEAKY_SLOPE = 0.01


def sigmoid(z: Array) -> Array:
    return 1 / (1 + np.exp(-z))


def sigmoid_grad(a: Array) -> Array:
    return a * (1 - a)


def tanh(z: Array) -> Array:
    return np.tanh(z)


def tanh_grad(a: Array) -> Array:
    return 1 - a * a


def relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def relu_grad(a: Array) -> Array:
    return (a > 0).astype(a.dtype)


def leaky_relu(z: Array) -> Array:
    return np.maximum(z, z * LEAKY_SLOPE)  # z for z > 0, slope * z otherwise (0 < slope < 1)


def leaky_relu_grad(a: Array) -> Array:
    return np.where(a > 0, 1.0, LEAKY_SLOPE).astype(a.dtype)


def linear(z: Array) -> Array:
    return z.copy()


def linear_grad(a: Array) -> Array:
    return np.ones_like(a)


def softmax(z: Array) -> Array:
    """Column by column; subtracting each column's maximum keeps ``exp`` from overflowing."""
    e = np.exp(z - z.max(axis=0, keepdims=True))
    out: Array = e / e.sum(axis=0, keepdims=True)
    return out


def softmax_grad(a: Array) -> Array:
    raise TypeError("softmax is not element-wise: use its vjp")


def softmax_vjp(a: Array, g: Array) -> Array:
    """``J^T g`` for ``J = diag(a) - a a^T``, column by column: ``a * (g - sum(a * g))``."""
    out: Array = (g - (a * g).sum(axis=0, keepdims=True)) * a
    return out


@dataclass(frozen=True)
class Activation:
    """``fn`` with its derivative ``grad`` (or, for softmax, its ``vjp``)."""

    name: str
    fn: Fn
    grad: Fn
    vjp: Callable[[Array, Array], Array] | None = None
    hidden: bool = True

    def __call__(self, z: Array) -> Array:
        return self.fn(z)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_grad),
    "tanh": Activation("tanh", tanh, tanh_grad),
    "relu": Activation("relu", relu, relu_grad),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_grad),
    "linear": Activation("linear", linear, linear_grad),
    "softmax": Activation("softmax", softmax, softmax_grad, softmax_vjp, hidden=False),
}

HIDDEN_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear", "softmax")
