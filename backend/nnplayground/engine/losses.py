"""Loss functions, each travelling with its derivative with respect to the output activation.

``LOSSES[name]`` is a :class:`Loss` with

* ``value(a, y, r)`` -> the figure reported each epoch (``r = a - y`` is passed in because
  backward needs it anyway: MSE is one dot product of it). MSE is the tutorial's
  ``mean((y - a)**2)``.
* ``cost(a, y)`` -> the exact function whose gradient backward computes, averaged over the
  batch of ``m`` columns. For MSE that is ``C = (1/2m) * sum ||a - y||^2``: the tutorial's update
  ``delta = (a - y) * a * (1 - a)`` is the exact gradient of this ``C`` (half the reported
  figure when there is one output). Gradient checks must use ``cost``.
* ``grad(a, y)`` -> ``dC/da`` of one column (``m`` times the batch average's): for MSE the
  tutorial's ``a - y``.
* ``fused``: output activations for which ``delta = dC/dz = a - y`` exactly (sigmoid with
  binary cross-entropy, softmax with categorical cross-entropy): the derivatives cancel, so
  there is no division by ``a (1 - a)``.

Logs are clipped away from 0 so a saturated output never produces ``-inf``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
EPS = 1e-12


def _mse_value(a: Array, y: Array, r: Array) -> float:
    return float(np.vdot(r, r)) / r.size


def _mse_cost(a: Array, y: Array) -> float:
    r = a - y
    return float(np.vdot(r, r)) / (2 * a.shape[1])


def _mse_grad(a: Array, y: Array) -> Array:
    return a - y


def _bce_elementwise(a: Array, y: Array) -> Array:
    p = np.clip(a, EPS, 1 - EPS)
    out: Array = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    return out


def _bce_value(a: Array, y: Array, r: Array) -> float:
    return float(_bce_elementwise(a, y).mean())


def _bce_cost(a: Array, y: Array) -> float:
    return float(_bce_elementwise(a, y).sum()) / a.shape[1]


def _bce_grad(a: Array, y: Array) -> Array:
    p = np.clip(a, EPS, 1 - EPS)
    out: Array = (a - y) / (p * (1 - p))
    return out


def _cce_cost(a: Array, y: Array) -> float:
    return float(-(y * np.log(np.clip(a, EPS, None))).sum()) / a.shape[1]


def _cce_value(a: Array, y: Array, r: Array) -> float:
    return _cce_cost(a, y)


def _cce_grad(a: Array, y: Array) -> Array:
    out: Array = -y / np.clip(a, EPS, None)
    return out


@dataclass(frozen=True)
class Loss:
    """A loss: reported ``value``, exact ``cost``, ``grad``, and the activations it fuses with."""

    name: str
    value: Callable[[Array, Array, Array], float]
    cost: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    outputs: tuple[str, ...]
    fused: tuple[str, ...] = ()


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", _mse_value, _mse_cost, _mse_grad, ("sigmoid", "tanh", "linear", "softmax")),
    "bce": Loss("bce", _bce_value, _bce_cost, _bce_grad, ("sigmoid",), fused=("sigmoid",)),
    "cce": Loss("cce", _cce_value, _cce_cost, _cce_grad, ("softmax",), fused=("softmax",)),
}
