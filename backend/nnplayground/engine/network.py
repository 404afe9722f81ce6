"""The tutorial's multilayer perceptron: forward pass, backward pass, update.

Read it next to the tutorial. Inputs ``X`` have shape ``(n_inputs, m)``, one column per
example. The parameters are plain lists in the tutorial's shapes, ``W[l]`` of shape
``(layers[l+1], layers[l])`` and ``b[l]`` of shape ``(layers[l+1], 1)``: as in the tutorial's
code, list index ``l`` is the formulas' layer ``l + 1``. :meth:`Network.forward_pass` keeps every
``z`` and ``a``, :meth:`Network.backward` goes back through them for ``delta``, ``dW`` and ``db``,
and :meth:`Network.step` is one epoch of the tutorial's training: forward, backward, update.

The defaults are the tutorial's: sigmoid on every layer, MSE, He initialisation, plain
gradient descent. Where the code goes beyond it, a comment says so: other activations and
losses (each with its derivative: ``activations.py``, ``losses.py``), L2 or L1 regularisation
of the weights (never the biases: ``reg_rate * sum(W**2) / 2`` or ``reg_rate * sum(|W|)`` added
to the cost), momentum and Adam (``optimizers.py``), float32.

What it leaves out: training many epochs fast, which is :func:`~.fast.train` (the same update,
compiled into preallocated buffers; tests hold the two to 1e-12), feature maps
(``features.py``), data (``datasets``), and anything about sessions or the web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .activations import ACTIVATIONS, Activation
from .config import LIVE_FIELDS, NetworkConfig
from .errors import ConfigError, DivergenceError
from .initializers import INITIALIZERS
from .losses import LOSSES
from .optimizers import OPTIMIZERS, SGD

Array = NDArray[Any]


@dataclass
class ForwardPass:
    """``z[l]`` and ``a[l]`` of every layer; ``a[0]`` is the input (``z`` has no entry for it)."""

    z: list[Array]
    a: list[Array]


@dataclass
class Gradients:
    """One backward pass: ``delta[l] = dC/dz``, ``dW[l]``, ``db[l]`` (layer ``l+1`` of the math)."""

    delta: list[Array]
    dW: list[Array]
    db: list[Array]
    z: list[Array] = field(default_factory=list)
    a: list[Array] = field(default_factory=list)
    loss: float = 0.0
    cost: float = 0.0


class Network:
    """A multilayer perceptron trained by backpropagation (defaults: the tutorial's)."""

    def __init__(self, layers: Sequence[int] | None = None, *, config: NetworkConfig | None = None,
                 **options: Any) -> None:
        if config is None:
            if layers is None:
                raise ConfigError("layers is required", "layers")
            config = NetworkConfig(layers=tuple(layers), **options)
        self._config = config
        self.dtype = np.dtype(config.dtype)
        self.rng = np.random.default_rng(config.seed)
        self.epoch = 0
        self.activations: list[Activation] = [ACTIVATIONS[name] for name in config.activations]
        init = INITIALIZERS[config.init]  # the tutorial's: randn * sqrt(2 / n_in)
        sizes = config.layers
        self.W: list[Array] = []
        self.b: list[Array] = []
        for l in range(len(sizes) - 1):
            self.W.append(init(self.rng, sizes[l + 1], sizes[l]).astype(self.dtype))
            # the tutorial's zeros, or ``bias_init`` (beyond the tutorial: 0.1 revives dead ReLUs)
            self.b.append(np.full((sizes[l + 1], 1), config.bias_init, dtype=self.dtype))
        self._new_optimizer()

    # ----- configuration -------------------------------------------------------------------
    @property
    def config(self) -> NetworkConfig:
        return self._config

    @property
    def layers(self) -> tuple[int, ...]:
        return self._config.layers

    def update(self, **changes: Any) -> None:
        """Change hyperparameters in ``LIVE_FIELDS`` without touching the weights."""
        bad = sorted(set(changes) - LIVE_FIELDS)
        if bad:
            raise ConfigError(f"{bad[0]} cannot change without a reset", bad[0])
        old = self._config
        self._config = old.with_changes(**changes)
        if (self._config.optimizer, self._config.learning_rate, self._config.momentum) != (
            old.optimizer, old.learning_rate, old.momentum
        ):
            state = self.optimizer.state() if self._config.optimizer == old.optimizer else None
            self._new_optimizer()
            if state:
                self.optimizer.load_state(state)

    def _new_optimizer(self) -> None:
        c = self._config
        self.optimizer: SGD = OPTIMIZERS[c.optimizer](
            self.W, self.b, learning_rate=c.learning_rate, beta=c.momentum)

    # ----- the parameters, checked ---------------------------------------------------------
    @property
    def weights(self) -> list[Array]:
        """Copies of ``W``. Assign a whole list to change them (shapes and values checked)."""
        return [w.copy() for w in self.W]

    @weights.setter
    def weights(self, values: Sequence[Any]) -> None:
        self._assign(self.W, values, "weights")

    @property
    def biases(self) -> list[Array]:
        """Copies of ``b``. Assign a whole list to change them (a flat list per layer too)."""
        return [v.copy() for v in self.b]

    @biases.setter
    def biases(self, values: Sequence[Any]) -> None:
        self._assign(self.b, values, "biases")

    def _assign(self, params: list[Array], values: Sequence[Any], name: str) -> None:
        if len(values) != len(params):
            raise ConfigError(f"{name} needs {len(params)} arrays; got {len(values)}", name)
        arrays = []
        for l, (v, P) in enumerate(zip(values, params, strict=True)):
            arr = np.asarray(v, dtype=self.dtype)
            if name == "biases" and arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            if arr.shape != P.shape:
                raise ConfigError(f"{name}[{l}] must have shape {P.shape}; got {arr.shape}", name)
            if not np.all(np.isfinite(arr)):
                raise ConfigError(f"{name}[{l}] contains NaN or infinity", name)
            arrays.append(arr)
        for P, arr in zip(params, arrays, strict=True):
            P[...] = arr

    @property
    def n_parameters(self) -> int:
        return sum(w.size + v.size for w, v in zip(self.W, self.b, strict=True))

    def is_finite(self) -> bool:
        return all(bool(np.isfinite(P).all()) for P in self.W + self.b)

    def check_data(self, X: Any, Y: Any | None = None) -> tuple[Array, Array | None]:
        """``X`` (and ``Y``) as arrays of this network's dtype and shapes, or a
        :class:`ConfigError` saying what is wrong."""
        Xa = np.asarray(X, dtype=self.dtype)
        if Xa.ndim != 2 or Xa.shape[0] != self.layers[0] or Xa.shape[1] < 1:
            raise ConfigError(
                f"X must have shape ({self.layers[0]}, m) with m >= 1; got {Xa.shape}", "X")
        if not np.all(np.isfinite(Xa)):
            raise ConfigError("X contains NaN or infinity", "X")
        if Y is None:
            return Xa, None
        Ya = np.asarray(Y, dtype=self.dtype)
        if Ya.shape != (self.layers[-1], Xa.shape[1]):
            raise ConfigError(
                f"Y must have shape ({self.layers[-1]}, {Xa.shape[1]}); got {Ya.shape}", "Y")
        if not np.all(np.isfinite(Ya)):
            raise ConfigError("Y contains NaN or infinity", "Y")
        return Xa, Ya

    # ----- the tutorial's algorithm --------------------------------------------------------
    def forward_pass(self, X: Any, W: list[Array] | None = None,
                     b: list[Array] | None = None, dtype: Any = None) -> ForwardPass:
        """The forward pass: ``z = W[l] @ a + b[l]``, ``a = f(z)`` layer by layer, all kept;
        in ``dtype`` if given (a picture needs no float64), else in the network's."""
        a, _ = self.check_data(X)
        W = self.W if W is None else W
        b = self.b if b is None else b
        zs: list[Array] = []
        with np.errstate(all="ignore"):  # (beyond ``dtype``'s range: infinite, for the caller)
            if dtype is not None:
                a, W = a.astype(dtype), [w.astype(dtype) for w in W]
                b = [c.astype(dtype) for c in b]
            activations: list[Array] = [a]
            for l, f in enumerate(self.activations):
                z = W[l] @ a + b[l]
                a = f(z)
                zs.append(z)
                activations.append(a)
        return ForwardPass(zs, activations)

    def forward(self, X: Any) -> Array:
        """The output activations ``a[-1]``, shape ``(n_out, m)``."""
        return self.forward_pass(X).a[-1]

    def backward(self, fp: ForwardPass, Y: Array, W: list[Array] | None = None) -> Gradients:
        """The backward pass, from the output layer down.

        The output layer's ``delta = dC/dz`` is ``dC/da * f'(z)``: for the tutorial's MSE and
        sigmoid, ``(a - y) * a * (1 - a)``. Then, layer by layer, ``dW[l] = delta @ a[l].T / m``
        and ``db[l] = sum(delta) / m`` (averaged over the batch), and the layer below gets
        ``delta = (W[l].T @ delta) * f'(z)``.
        """
        c = self._config
        W = self.W if W is None else W
        loss, a = LOSSES[c.loss], fp.a
        L, m = len(W), Y.shape[1]
        delta = [np.zeros_like(z) for z in fp.z]
        dW = [np.zeros_like(w) for w in W]
        db = [np.zeros((w.shape[0], 1), dtype=w.dtype) for w in W]
        with np.errstate(all="ignore"):
            out = self.activations[-1]
            if out.name in loss.fused:  # beyond the tutorial: the two derivatives cancel
                delta[-1] = a[-1] - Y
            elif out.vjp is not None:  # beyond the tutorial: softmax's Jacobian
                delta[-1] = out.vjp(a[-1], loss.grad(a[-1], Y))
            else:  # the tutorial's (a - y) * a * (1 - a)
                delta[-1] = loss.grad(a[-1], Y) * out.grad(a[-1])
            for l in range(L - 1, -1, -1):
                dW[l] = delta[l] @ a[l].T / m
                db[l] = np.sum(delta[l], axis=1, keepdims=True) / m
                if l > 0:
                    delta[l - 1] = (W[l].T @ delta[l]) * self.activations[l - 1].grad(a[l])
            if c.regularization != "none" and c.reg_rate > 0:  # beyond the tutorial
                for l in range(L):
                    dW[l] += c.reg_rate * (W[l] if c.regularization == "l2" else np.sign(W[l]))
        return Gradients(delta=delta, dW=dW, db=db, z=fp.z, a=a,
                         loss=loss.value(a[-1], Y, a[-1] - Y), cost=self._cost_from(a[-1], Y, W))

    def gradients(self, X: Any, Y: Any) -> Gradients:
        """One forward and backward pass: every ``z``, ``a``, ``delta``, ``dW``, ``db``."""
        Xa, Ya = self.check_data(X, Y)
        assert Ya is not None
        return self.backward(self.forward_pass(Xa), Ya)

    def step(self, X: Any, Y: Any) -> Gradients:
        """One epoch of the tutorial's training on ``X``, ``Y``: forward, backward, and the
        update (for the default optimiser ``W[l] -= lr * dW[l]``, ``b[l] -= lr * db[l]``)."""
        g = self.gradients(X, Y)
        self.optimizer.step(self.W, self.b, g.dW, g.db)
        self.epoch += 1
        if not np.isfinite(g.loss) or not self.is_finite():
            raise DivergenceError(self.epoch, 0)
        return g

    # ----- figures -------------------------------------------------------------------------
    def _cost_from(self, aL: Array, Y: Array, W: list[Array]) -> float:
        c = self._config
        cost = LOSSES[c.loss].cost(aL, Y)
        if c.regularization == "l2":
            cost += c.reg_rate * sum(float(np.vdot(w, w)) for w in W) / 2
        elif c.regularization == "l1":
            cost += c.reg_rate * sum(float(np.abs(w).sum()) for w in W)
        return cost

    def cost(self, X: Any, Y: Any, W: list[Array] | None = None,
             b: list[Array] | None = None) -> float:
        """The exact function the update descends (loss ``cost`` plus regularisation)."""
        Xa, Ya = self.check_data(X, Y)
        assert Ya is not None
        W = self.W if W is None else W
        with np.errstate(all="ignore"):
            return self._cost_from(self.forward_pass(Xa, W, b).a[-1], Ya, W)

    def loss(self, X: Any, Y: Any) -> float:
        """The reported loss (for MSE the tutorial's ``mean((y - a)**2)``)."""
        Xa, Ya = self.check_data(X, Y)
        assert Ya is not None
        aL = self.forward(Xa)
        return LOSSES[self._config.loss].value(aL, Ya, aL - Ya)

    def predict(self, X: Any) -> NDArray[np.int64]:
        """Class predictions: ``a > 0.5`` for one output, the arg-max over several."""
        return predictions(self.forward(X))

    def accuracy(self, X: Any, Y: Any) -> float:
        Xa, Ya = self.check_data(X, Y)
        assert Ya is not None
        return float(np.mean(self.predict(Xa) == predictions(Ya)))

    # ----- serialisation -------------------------------------------------------------------
    @property
    def rng_state(self) -> dict[str, Any]:
        """The shuffling generator's state, integers as decimal strings (JSON-safe in
        JavaScript, whose numbers lose integers above 2^53)."""
        return _map_ints(dict(self.rng.bit_generator.state), str)

    @rng_state.setter
    def rng_state(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = _map_ints(state, int)

    def to_dict(self) -> dict[str, Any]:
        """The complete model as JSON-ready data: config, seed, weights, biases, epoch, state.

        Floats are written exactly (Python's ``repr`` round-trips float64), so importing the
        result with :meth:`from_dict` gives bit-identical predictions and training.
        """
        return {
            "config": self._config.to_dict(),
            "epoch": self.epoch,
            "weights": [w.tolist() for w in self.W],
            "biases": [v.tolist() for v in self.b],
            "optimizer_state": self.optimizer.state(),
            "rng_state": self.rng_state,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Network:
        """Rebuild a network from :meth:`to_dict`'s output; anything malformed is a
        :class:`ConfigError` naming the part."""
        try:
            return cls._from_dict(data)
        except ConfigError:
            raise
        except (TypeError, ValueError, OverflowError, AttributeError, KeyError) as exc:
            raise ConfigError(f"invalid model: {type(exc).__name__}: {exc}", "model") from exc

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Network:
        if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
            raise ConfigError("a model needs a config object", "config")
        net = cls(config=NetworkConfig.from_dict(data["config"]))
        for name in ("weights", "biases"):
            if name not in data:
                raise ConfigError(f"a model needs {name}", name)
            setattr(net, name, data[name])
        epoch = data.get("epoch", 0)
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
            raise ConfigError("epoch must be a non-negative integer", "epoch")
        net.epoch = epoch
        state = data.get("optimizer_state")
        if state is not None and not isinstance(state, dict):
            raise ConfigError("optimizer_state must be an object", "optimizer_state")
        try:
            if state:
                net.optimizer.load_state(state)
            if data.get("rng_state"):
                net.rng_state = data["rng_state"]
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as exc:
            raise ConfigError(f"invalid optimizer or rng state: {exc}", "optimizer_state") from exc
        return net


def _map_ints(state: dict[str, Any], convert: Any) -> dict[str, Any]:
    """Apply ``convert`` to the integer fields of a bit generator's state (nested)."""
    out: dict[str, Any] = {}
    for k, v in state.items():
        if isinstance(v, dict):
            out[k] = _map_ints(v, convert)
        elif k in ("state", "inc") and isinstance(v, int | str):
            out[k] = convert(v)
        else:
            out[k] = v
    return out


def predictions(out: Array) -> NDArray[np.int64]:
    """Classes from outputs or one-hot targets: threshold 0.5 for one row, arg-max for several."""
    if out.shape[0] == 1:
        return (out[0] > 0.5).astype(np.int64)
    return np.argmax(out, axis=0).astype(np.int64)
