"""The multilayer perceptron, in the tutorial's orientation.

Inputs ``X`` have shape ``(n_inputs, m)`` (one column per example), weights ``W[l]`` shape
``(n_l, n_{l-1})``, biases ``b[l]`` shape ``(n_l, 1)``. This module holds the readable
reference algorithm -- :meth:`Network.forward_pass` stores every ``z`` and ``a``,
:meth:`Network.backward` mirrors it in reverse and returns ``delta``, ``dW`` and ``db`` per
layer -- which the backward-pass view and the gradient check use. Training many epochs goes
through :mod:`fast`, which computes the same update with preallocated buffers; tests hold the
two to agreement.

The update is the exact gradient of the loss's ``cost`` (for MSE, ``C = (1/2m) sum ||a-y||^2``)
plus the regularisation ``reg_rate * sum(W**2)/2`` (L2) or ``reg_rate * sum(|W|)`` (L1) on the
weights (never the biases). What it leaves out: feature maps (``features.py``), data
(``datasets``) and anything about sessions or the web.
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


@dataclass
class History:
    """Per-epoch figures of one :meth:`Network.train` call (``nan`` where not tracked)."""

    loss: NDArray[np.float64]
    test_loss: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    test_accuracy: NDArray[np.float64]


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
        self._acts: list[Activation] = [ACTIVATIONS[name] for name in config.activations]
        # Packed parameters [W | b], stored negated for sigmoid layers so the fast forward
        # pass computes exp(-z) without a negation (see fast.py).
        self.signs = [-1.0 if a.name == "sigmoid" else 1.0 for a in self._acts]
        init = INITIALIZERS[config.init]
        sizes = config.layers
        self.params: list[Array] = []
        for l in range(len(sizes) - 1):
            P = np.zeros((sizes[l + 1], sizes[l] + 1), dtype=self.dtype)
            P[:, :-1] = self.signs[l] * init(self.rng, sizes[l + 1], sizes[l])
            self.params.append(P)
        self._new_optimizer()
        self._trainers: dict[tuple[int, int], Any] = {}

    # ----- configuration -------------------------------------------------------------------
    @property
    def config(self) -> NetworkConfig:
        return self._config

    @property
    def layers(self) -> tuple[int, ...]:
        return self._config.layers

    @property
    def activations(self) -> list[Activation]:
        return list(self._acts)

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
        self._trainers.clear()

    def _new_optimizer(self) -> None:
        c = self._config
        self.optimizer: SGD = OPTIMIZERS[c.optimizer](
            [P.shape for P in self.params], self.dtype,
            learning_rate=c.learning_rate, beta=c.momentum,
        )
        self._trainers = {}

    # ----- parameters in the tutorial's shapes -------------------------------------------
    @property
    def weights(self) -> list[Array]:
        """Copies of ``W[l]``, shape ``(n_l, n_{l-1})``. Assign a whole list to change them."""
        return [s * P[:, :-1] for s, P in zip(self.signs, self.params, strict=True)]

    @weights.setter
    def weights(self, values: Sequence[Any]) -> None:
        self._assign(values, slice(None, -1), "weights")

    @property
    def biases(self) -> list[Array]:
        """Copies of ``b[l]``, shape ``(n_l, 1)``. Assign a whole list to change them."""
        return [s * P[:, -1:] for s, P in zip(self.signs, self.params, strict=True)]

    @biases.setter
    def biases(self, values: Sequence[Any]) -> None:
        self._assign(values, slice(-1, None), "biases")

    def _assign(self, values: Sequence[Any], cols: slice, name: str) -> None:
        if len(values) != len(self.params):
            raise ConfigError(f"{name} needs {len(self.params)} arrays; got {len(values)}", name)
        arrays = []
        for l, (v, P) in enumerate(zip(values, self.params, strict=True)):
            arr = np.asarray(v, dtype=self.dtype)
            want = P[:, cols].shape
            if name == "biases" and arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            if arr.shape != want:
                raise ConfigError(f"{name}[{l}] must have shape {want}; got {arr.shape}", name)
            if not np.all(np.isfinite(arr)):
                raise ConfigError(f"{name}[{l}] contains NaN or infinity", name)
            arrays.append(arr)
        for s, P, arr in zip(self.signs, self.params, arrays, strict=True):
            P[:, cols] = s * arr

    @property
    def n_parameters(self) -> int:
        return sum(P.size for P in self.params)

    # ----- the reference algorithm ---------------------------------------------------------
    def _check_xy(self, X: Any, Y: Any | None = None) -> tuple[Array, Array | None]:
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

    def forward_pass(self, X: Any, weights: list[Array] | None = None,
                     biases: list[Array] | None = None) -> ForwardPass:
        """``z^l = W^l a^{l-1} + b^l``, ``a^l = f(z^l)`` for every layer, all kept."""
        a, _ = self._check_xy(X)
        W = self.weights if weights is None else weights
        b = self.biases if biases is None else biases
        zs: list[Array] = []
        acts: list[Array] = [a]
        with np.errstate(all="ignore"):
            for Wl, bl, act in zip(W, b, self._acts, strict=True):
                z = Wl @ a + bl
                a = act(z)
                zs.append(z)
                acts.append(a)
        return ForwardPass(zs, acts)

    def forward(self, X: Any) -> Array:
        """The output activations ``a^L``, shape ``(n_out, m)``."""
        return self.forward_pass(X).a[-1]

    def backward(self, fp: ForwardPass, Y: Array, weights: list[Array] | None = None) -> Gradients:
        """Mirror of :meth:`forward_pass`: ``delta^L``, then ``delta^l`` down, then ``dW``, ``db``.

        ``delta^L = dC/dz^L`` (for the defaults ``(a - y) * a * (1 - a)``),
        ``delta^l = (W^{l+1})^T delta^{l+1} * f'(z^l)``, ``dW^l = delta^l (a^{l-1})^T / m``,
        ``db^l = sum(delta^l) / m`` (averaged over the batch), plus regularisation on ``dW``.
        """
        c = self._config
        W = self.weights if weights is None else weights
        loss = LOSSES[c.loss]
        m = Y.shape[1]
        aL = fp.a[-1]
        with np.errstate(all="ignore"):
            r = aL - Y
            out = self._acts[-1]
            if out.name in loss.fused:
                delta = r
            else:
                delta = out.vjp(aL, loss.grad(aL, Y, r), np.empty_like(aL))
            deltas = [delta]
            for l in range(len(W) - 1, 0, -1):
                g = W[l].T @ deltas[0]
                deltas.insert(0, self._acts[l - 1].vjp(fp.a[l], g, np.empty_like(g)))
            dW = [d @ a.T / m for d, a in zip(deltas, fp.a[:-1], strict=True)]
            db = [d.sum(axis=1, keepdims=True) / m for d in deltas]
            if c.regularization != "none" and c.reg_rate > 0:
                for l, Wl in enumerate(W):
                    dW[l] += c.reg_rate * (Wl if c.regularization == "l2" else np.sign(Wl))
        return Gradients(delta=deltas, dW=dW, db=db, z=fp.z, a=fp.a,
                         loss=loss.value(aL, Y, r), cost=self._cost_from(aL, Y, W))

    def gradients(self, X: Any, Y: Any) -> Gradients:
        """One forward and backward pass: every ``z``, ``a``, ``delta``, ``dW``, ``db``."""
        Xa, Ya = self._check_xy(X, Y)
        assert Ya is not None
        return self.backward(self.forward_pass(Xa), Ya)

    def _cost_from(self, aL: Array, Y: Array, W: list[Array]) -> float:
        c = self._config
        cost = LOSSES[c.loss].cost(aL, Y)
        if c.regularization == "l2":
            cost += c.reg_rate * sum(float(np.vdot(w, w)) for w in W) / 2
        elif c.regularization == "l1":
            cost += c.reg_rate * sum(float(np.abs(w).sum()) for w in W)
        return cost

    def cost(self, X: Any, Y: Any, weights: list[Array] | None = None,
             biases: list[Array] | None = None) -> float:
        """The exact function the update descends (loss ``cost`` plus regularisation)."""
        Xa, Ya = self._check_xy(X, Y)
        assert Ya is not None
        W = self.weights if weights is None else weights
        with np.errstate(all="ignore"):
            return self._cost_from(self.forward_pass(Xa, W, biases).a[-1], Ya, W)

    def loss(self, X: Any, Y: Any) -> float:
        """The reported loss (for MSE the tutorial's ``mean((y - a)**2)``)."""
        Xa, Ya = self._check_xy(X, Y)
        assert Ya is not None
        aL = self.forward(Xa)
        return LOSSES[self._config.loss].value(aL, Ya, aL - Ya)

    def predict(self, X: Any) -> NDArray[np.int64]:
        """Class predictions: ``a > 0.5`` for one output, the arg-max over several."""
        return predictions(self.forward(X))

    def accuracy(self, X: Any, Y: Any) -> float:
        Xa, Ya = self._check_xy(X, Y)
        assert Ya is not None
        return float(np.mean(self.predict(Xa) == predictions(Ya)))

    # ----- training ------------------------------------------------------------------------
    def step(self, X: Any, Y: Any) -> Gradients:
        """One epoch of full-batch training by the reference algorithm (slow, for teaching)."""
        g = self.gradients(X, Y)
        c = self._config
        opt = self.optimizer
        opt.begin_step()
        fold = c.learning_rate if opt.folds_learning_rate else 1.0
        for l, (s, P) in enumerate(zip(self.signs, self.params, strict=True)):
            G = np.hstack([g.dW[l], g.db[l]]) * fold
            opt.step(l, P, G.astype(self.dtype), s)
        self.epoch += 1
        if not np.isfinite(g.loss) or not self.is_finite():
            raise DivergenceError(self.epoch, 0)
        return g

    def train(self, X: Any, Y: Any, epochs: int, *, X_test: Any = None, Y_test: Any = None,
              track_accuracy: bool = False) -> History:
        """Run ``epochs`` epochs (full batch or mini-batches of ``batch_size``, shuffled by the
        network's seeded generator); returns each epoch's loss (and optional test loss and
        accuracies) computed with the weights the epoch started from.

        Raises :class:`DivergenceError` as soon as a loss or parameter is not finite; the
        epochs before it stay counted in ``epoch``.
        """
        from .fast import Trainer

        Xa, Ya = self._check_xy(X, Y)
        assert Ya is not None
        test = None
        if X_test is not None and Y_test is not None and np.asarray(X_test).shape[-1] > 0:
            Xt, Yt = self._check_xy(X_test, Y_test)
            assert Yt is not None
            test = (Xt, Yt)
        key = (Xa.shape[1], 0 if test is None else test[0].shape[1])
        trainer = self._trainers.get(key)
        if trainer is None:
            trainer = self._trainers[key] = Trainer(self, *key)
        return trainer.run(Xa, Ya, test, int(epochs), track_accuracy)

    def is_finite(self) -> bool:
        return all(bool(np.isfinite(P).all()) for P in self.params)

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
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
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
        try:
            if data.get("optimizer_state"):
                net.optimizer.load_state(data["optimizer_state"])
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
