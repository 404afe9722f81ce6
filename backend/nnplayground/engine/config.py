"""The network's configuration: one frozen dataclass and its validation.

Defaults are the tutorial's: sigmoid on every layer including the output, MSE, He
initialisation (biases 0), full-batch plain gradient descent, no regularisation, float64. Fields in
``LIVE_FIELDS`` may change while training (no reset); the others define the network.
Validation raises :class:`ConfigError` naming the offending field; it knows nothing of limits
set by a server (those are the service's settings).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .errors import ConfigError
from .initializers import INITIALIZERS
from .losses import LOSSES
from .optimizers import OPTIMIZERS

REGULARIZATIONS = ("none", "l1", "l2")
DTYPES = ("float64", "float32")
MAX_MOMENTUM = 0.999999  # (1 would never forget a gradient)
LIVE_FIELDS = frozenset(
    {"learning_rate", "batch_size", "regularization", "reg_rate", "optimizer", "momentum"}
)


@dataclass(frozen=True, kw_only=True)
class TrainingOptions:
    """How a network computes and trains, apart from its layer sizes (shared with the
    session spec, which adds features and data and derives the sizes)."""

    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "mse"
    init: str = "he"
    #: every bias's starting value: 0 as in the tutorial, 0.1 as TensorFlow Playground
    bias_init: float = 0.0
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    batch_size: int | None = None
    regularization: str = "none"
    reg_rate: float = 0.0
    momentum: float = 0.9
    seed: int = 0
    dtype: str = "float64"

    def options(self) -> dict[str, Any]:
        """The training options as keyword arguments."""
        return {f.name: getattr(self, f.name) for f in fields(TrainingOptions)}


@dataclass(frozen=True, kw_only=True)
class NetworkConfig(TrainingOptions):
    """Everything that defines a network and how it trains."""

    layers: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        _validate(self)

    @property
    def activations(self) -> tuple[str, ...]:
        """The activation of each weight layer, the last one being the output's."""
        n_hidden = len(self.layers) - 2
        return (self.hidden_activation,) * n_hidden + (self.output_activation,)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["layers"] = list(self.layers)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown option {unknown[0]!r}", field=unknown[0])
        if "layers" not in data:
            raise ConfigError("layers is required", field="layers")
        return cls(**data)

    def with_changes(self, **changes: Any) -> NetworkConfig:
        return replace(self, **changes)


def _choice(value: object, options: tuple[str, ...] | list[str], field: str) -> None:
    if value not in options:
        raise ConfigError(f"{field} must be one of {', '.join(options)}; got {value!r}", field)


def _number(value: object, field: str, low: float, high: float, *, open_low: bool) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        v = float(value)  # type: ignore[arg-type]
        ok = (v > low if open_low else v >= low) and v <= high
    if not ok:
        bracket = "(" if open_low else "["
        raise ConfigError(
            f"{field} must be a number in {bracket}{low}, {high}]; got {value!r}", field
        )


def _validate(c: NetworkConfig) -> None:
    if len(c.layers) < 2:
        raise ConfigError("layers needs at least an input and an output size", "layers")
    for i, n in enumerate(c.layers):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError(f"layers[{i}] must be a positive integer; got {n!r}", "layers")
    _choice(c.hidden_activation, HIDDEN_ACTIVATIONS, "hidden_activation")
    _choice(c.output_activation, OUTPUT_ACTIVATIONS, "output_activation")
    _choice(c.loss, tuple(LOSSES), "loss")
    loss = LOSSES[c.loss]
    if c.output_activation not in loss.outputs:
        raise ConfigError(
            f"loss {c.loss} needs output_activation {' or '.join(loss.outputs)}; "
            f"got {c.output_activation}",
            "loss",
        )
    if c.output_activation == "softmax" and c.layers[-1] < 2:
        raise ConfigError("a softmax output needs at least 2 output neurons", "output_activation")
    _choice(c.init, tuple(INITIALIZERS), "init")
    _number(c.bias_init, "bias_init", -1.0, 1.0, open_low=False)
    _choice(c.optimizer, tuple(OPTIMIZERS), "optimizer")
    _number(c.learning_rate, "learning_rate", 0.0, 1e3, open_low=True)
    if c.batch_size is not None and (
        not isinstance(c.batch_size, int) or isinstance(c.batch_size, bool) or c.batch_size < 1
    ):
        raise ConfigError(f"batch_size must be a positive integer or null; got {c.batch_size!r}",
                          "batch_size")
    _choice(c.regularization, REGULARIZATIONS, "regularization")
    _number(c.reg_rate, "reg_rate", 0.0, 1e3, open_low=False)
    _number(c.momentum, "momentum", 0.0, MAX_MOMENTUM, open_low=False)
    if not isinstance(c.seed, int) or isinstance(c.seed, bool) or not 0 <= c.seed < 2**63:
        raise ConfigError(f"seed must be an integer in [0, 2^63); got {c.seed!r}", "seed")
    _choice(c.dtype, DTYPES, "dtype")
