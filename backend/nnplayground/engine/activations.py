"""Activation functions, each travelling with its derivative.

``ACTIVATIONS[name]`` is an :class:`Activation` with

* ``fn(z, out)``  -> ``a = f(z)``, written into ``out`` (``out`` may be ``z`` itself);
* ``grad(a, out)`` -> ``f'(z)`` expressed through the activation's *output* ``a``, as the
  tutorial does for the sigmoid (``sigma'(z) = a (1 - a)``), so backward never needs ``z``.

Softmax is not element-wise: it has no ``grad`` but a vector-Jacobian product ``vjp`` and is
only allowed on the output layer. Nothing here allocates when ``out`` is given; overflow inside
``exp`` is harmless (it saturates to 0 or 1) and callers run under ``np.errstate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
Fn = Callable[[Array, Array], Array]

LEAKY_SLOPE = 0.01


def _sigmoid(z: Array, out: Array) -> Array:
    np.negative(z, out)
    np.exp(out, out)
    np.add(out, 1.0, out)
    return np.reciprocal(out, out)


def _sigmoid_grad(a: Array, out: Array) -> Array:
    np.subtract(1.0, a, out)
    return np.multiply(out, a, out)


def _tanh(z: Array, out: Array) -> Array:
    return np.tanh(z, out)


def _tanh_grad(a: Array, out: Array) -> Array:
    np.multiply(a, a, out)
    return np.subtract(1.0, out, out)


def _relu(z: Array, out: Array) -> Array:
    return np.maximum(z, 0.0, out=out)


def _relu_grad(a: Array, out: Array) -> Array:
    return np.greater(a, 0.0, out=out, casting="unsafe")


def _leaky_relu(z: Array, out: Array) -> Array:
    # max(z, slope*z) is z for z > 0 and slope*z otherwise (0 < slope < 1).
    tmp = z * LEAKY_SLOPE
    return np.maximum(z, tmp, out=out)


def _leaky_relu_grad(a: Array, out: Array) -> Array:
    np.greater(a, 0.0, out=out, casting="unsafe")
    np.multiply(out, 1.0 - LEAKY_SLOPE, out)
    return np.add(out, LEAKY_SLOPE, out)


def _linear(z: Array, out: Array) -> Array:
    if out is not z:
        np.copyto(out, z)
    return out


def _linear_grad(a: Array, out: Array) -> Array:
    out.fill(1.0)
    return out


def _softmax(z: Array, out: Array) -> Array:
    # Column-wise over classes; subtracting the max keeps exp from overflowing.
    np.subtract(z, z.max(axis=0, keepdims=True), out)
    np.exp(out, out)
    return np.divide(out, out.sum(axis=0, keepdims=True), out)


def _softmax_vjp(a: Array, g: Array, out: Array) -> Array:
    # J^T g for J = diag(a) - a a^T, column by column: a * (g - sum(a * g)).
    s = (a * g).sum(axis=0, keepdims=True)
    np.subtract(g, s, out)
    return np.multiply(out, a, out)


@dataclass(frozen=True)
class Activation:
    """An activation ``fn`` with its derivative ``grad`` (or, for softmax, its ``vjp``)."""

    name: str
    fn: Fn
    grad: Fn | None = None
    vjp_fn: Callable[[Array, Array, Array], Array] | None = None
    hidden: bool = True

    def __call__(self, z: Array) -> Array:
        """``f(z)`` into a new array."""
        return self.fn(z, np.empty_like(z))

    def vjp(self, a: Array, g: Array, out: Array) -> Array:
        """``delta = dC/dz`` from ``g = dC/da``: ``g * f'(z)`` (or the softmax Jacobian)."""
        if self.vjp_fn is not None:
            return self.vjp_fn(a, g, out)
        assert self.grad is not None
        self.grad(a, out)
        return np.multiply(out, g, out)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad),
    "tanh": Activation("tanh", _tanh, _tanh_grad),
    "relu": Activation("relu", _relu, _relu_grad),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_grad),
    "linear": Activation("linear", _linear, _linear_grad),
    "softmax": Activation("softmax", _softmax, vjp_fn=_softmax_vjp, hidden=False),
}

HIDDEN_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear", "softmax")
