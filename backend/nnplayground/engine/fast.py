"""Training many epochs: :func:`train`, the network's update compiled into in-place NumPy calls.

``train(net, X, Y, epochs)`` gives what repeating :meth:`Network.step <.network.Network.step>`
would (tests hold the two to 1e-12), several times faster. This module owns the layout that
speed needs: it copies the network's ``W``, ``b`` and optimiser state into its own packed,
transposed, sign-flipped blocks when a run starts and back when it ends (no cost per epoch),
so ``network.py`` keeps the tutorial's plain lists and never needs to know.

Tiny networks are bound by the number of NumPy calls per epoch (each costs about half a
microsecond here, whatever the array size), larger ones by the arithmetic: for the sigmoid
mostly ``exp`` (float64 ``exp`` is not vectorised on AVX2, about 5 ns an element) and the
small ``dot`` calls. A :class:`Trainer` computes the tutorial's update with as few calls as it
can, each on contiguous memory, and allocates no array per epoch (the bce and cce loss
figures excepted: they come from ``losses.py``):

* every buffer is preallocated for the batch size, and each call writes with ``out=``;
* the bias is folded into the weight matrix, against a row of ones kept under every
  activation buffer, so ``z = [W|b] @ [a;1]`` is one ``dot``, and ``dW`` and ``db`` come out
  of one ``dot``;
* the trainer holds each packed matrix *transposed*, ``Q = [W|b]^T`` (C-contiguous), copied
  from the network's ``W`` and ``b`` when a run starts and back when it ends: the forward pass
  reads ``Q.T`` and the backward pass ``W^T = Q[:-1]``, both views BLAS takes as they are (``dot``
  copies an operand that is neither C- nor F-contiguous, such as ``P[:, :-1].T``: an
  allocation per layer and epoch), and the gradient comes out in ``Q``'s layout as
  ``[a;1] @ delta^T``;
* all the ``Q`` are views of one block and all their gradients of another, so the update
  is one call for the whole network (regularisation two or three, momentum three, Adam
  thirteen), and so are the optimiser's velocities or moments;
* sigmoid layers are stored negated (``signs``), so ``dot`` already yields ``-z`` and
  the sigmoid is ``1 / (1 + exp(-z))`` in three calls. Each delta buffer holds the delta
  times the sign its layer is stored with, which makes ``[a;1] @ delta^T`` the gradient of
  the stored matrix itself; the sign costs nothing (``a (a - 1)`` instead of ``a (1 - a)``,
  a negative constant instead of a positive one);
* the learning rate and ``1/m`` are folded into the output delta (deltas are linear in it,
  so every gradient comes out scaled and plain gradient descent is one subtraction);
* a hidden layer's derivative overwrites its activations, which backward no longer needs
  once that layer's gradient is taken, and hidden deltas alternate between two buffers:
  less memory to touch, and ``D * f'(z)`` is ``D * a * (1 - a)`` in three calls, no temporary;
* activations, derivatives and optimiser steps are written out as ufunc calls with constants
  as 0-d arrays (a Python float costs a conversion on every call), ``divide(1, t)`` rather
  than ``reciprocal(t)`` (the former is vectorised), and a linear layer's derivative skipped;
* the MSE loss is one dot product of the residual ``a - y`` that backward needs anyway; the
  sums are divided by the size once, after the loop;
* products are bound ``ndarray.dot`` methods: ``np.dot`` adds about 0.1 us of dispatch
  (``__array_function__``) to each call, ``np.vdot`` 0.3 us;
* the caller runs ``K`` epochs per call, and the loop runs nothing but the calls, the loss
  and its finiteness check.

Measured and dropped: rendering the calls as generated Python source (at most 2% on the
smallest networks); a broadcast ``multiply`` for the output layer's outer product and
``matmul`` or ``einsum`` for any product (all slower than ``dot`` at these sizes).

What it leaves out: anything but training; predictions, gradients and the backward-pass view
use ``network.py``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .activations import LEAKY_SLOPE
from .errors import DivergenceError
from .losses import LOSSES
from .network import Network
from .optimizers import Adam, Momentum

Array = NDArray[Any]
Op = tuple[Callable[..., Any], tuple[Any, ...]]
INF = float("inf")


@dataclass
class History:
    """Per-epoch figures of one :func:`train` call (``nan`` where not tracked)."""

    loss: NDArray[np.float64]
    test_loss: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    test_accuracy: NDArray[np.float64]


class _Program:
    """NumPy calls ``f(*args)``, recorded once in order and replayed every epoch."""

    def __init__(self) -> None:
        self.ops: list[Op] = []

    def __call__(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.ops.append((functools.partial(f, **kwargs) if kwargs else f, args))

    def run(self) -> None:
        f: Callable[..., Any]
        for f, args in self.ops:
            f(*args)


@functools.lru_cache(maxsize=64)
def _const(value: float, dt: np.dtype[Any]) -> Array:
    """A read-only 0-d array: as an operand it costs nothing, unlike a Python float."""
    c = np.asarray(value, dtype=dt)
    c.flags.writeable = False
    return c


def _activate(p: _Program, name: str, z: Array) -> None:
    """``z = f(z)`` in place (for a sigmoid, ``z`` holds ``-z``: the layer is stored negated)."""
    dt = z.dtype
    if name == "sigmoid":
        one = _const(1.0, dt)
        p(np.exp, z, z)
        p(np.add, z, one, z)
        p(np.divide, one, z, z)
    elif name == "tanh":
        p(np.tanh, z, z)
    elif name == "relu":
        p(np.maximum, z, _const(0.0, dt), out=z)
    elif name == "leaky_relu":  # max(z, slope * z)
        tmp = np.empty_like(z)
        p(np.multiply, z, _const(LEAKY_SLOPE, dt), tmp)
        p(np.maximum, z, tmp, out=z)
    elif name == "softmax":  # column-wise, shifted by the column maximum
        col = np.empty((1, z.shape[1]), dtype=dt)
        p(np.maximum.reduce, z, 0, None, col, True)
        p(np.subtract, z, col, z)
        p(np.exp, z, z)
        p(np.add.reduce, z, 0, None, col, True)
        p(np.divide, z, col, z)
    else:
        assert name == "linear", f"no compiled form of {name}"


def _times_derivative(p: _Program, name: str, a: Array, D: Array, sign: float) -> None:
    """``D *= sign * f'(z)`` from ``a = f(z)``, overwriting ``a`` (not needed again this epoch).

    The sign is free for the sigmoid and tanh: swap the operands of the subtraction.
    """
    dt = a.dtype
    one = _const(1.0, dt)
    if name == "sigmoid":  # D a (1 - a)
        p(np.multiply, D, a, D)
        p(np.subtract, *((one, a) if sign > 0 else (a, one)), a)
        sign = 1.0
    elif name == "tanh":  # D (1 - a^2)
        p(np.multiply, a, a, a)
        p(np.subtract, *((one, a) if sign > 0 else (a, one)), a)
        sign = 1.0
    elif name == "relu":
        p(np.greater, a, _const(0.0, dt), a)
    elif name == "leaky_relu":
        p(np.greater, a, _const(0.0, dt), a)
        p(np.multiply, a, _const(1.0 - LEAKY_SLOPE, dt), a)
        p(np.add, a, _const(LEAKY_SLOPE, dt), a)
    else:
        assert name == "linear", f"no compiled derivative of {name}"
    if name != "linear":
        p(np.multiply, D, a, D)
    if sign < 0:
        p(np.negative, D, D)


def _buffers(net: Network, m: int) -> list[Array]:
    """``[a^l; 1]`` for every layer: shape ``(n_l + 1, m)``, the last row ones."""
    A = [np.empty((n + 1, m), dtype=net.dtype) for n in net.layers]
    for a in A:
        a[-1] = 1.0
    return A


def _forward(p: _Program, net: Network, Q: list[Array], A: list[Array]) -> None:
    """Calls that fill ``A[l][:-1]`` with ``a^l`` from ``A[0]``."""
    for l, act in enumerate(net.activations):
        z = A[l + 1][:-1]
        p(Q[l].T.dot, A[l], z)
        _activate(p, act.name, z)


class _Params:
    """The trainer's copy of the parameters and the optimiser's state, each one block.

    ``Q[l] = sign_l * [W[l] | b[l]]^T`` (shape ``(n_{l-1} + 1, n_l)``, C-contiguous) are views
    of ``flat``; ``G[l]``, the gradient of the cost with respect to ``Q[l]`` times the folded
    learning rate, views of ``grad``. ``state`` holds the optimiser's arrays in the same layout:
    momentum's velocities, Adam's first moments (both signed like the parameters) and second
    moments (squares: no sign).
    """

    def __init__(self, net: Network) -> None:
        self.signs = [-1.0 if f.name == "sigmoid" else 1.0 for f in net.activations]
        self.shapes = [(w.shape[1] + 1, w.shape[0]) for w in net.W]
        self.flat = np.empty(net.n_parameters, dtype=net.dtype)
        self.grad = np.empty_like(self.flat)
        self.Q = self.views(self.flat)
        self.G = self.views(self.grad)
        opt = net.optimizer
        pairs: list[tuple[list[Array], list[Array], bool]] = []
        if isinstance(opt, Momentum):
            pairs = [(opt.vW, opt.vb, True)]
        elif isinstance(opt, Adam):
            pairs = [(opt.mW, opt.mb, True), (opt.sW, opt.sb, False)]
        self.state = [(np.empty_like(self.flat), W, b, signed) for W, b, signed in pairs]

    def views(self, block: Array) -> list[Array]:
        out, start = [], 0
        for k, n in self.shapes:
            out.append(block[start : start + k * n].reshape(k, n))
            start += k * n
        return out

    def _pairs(self, net: Network) -> list[tuple[Array, list[Array], list[Array], bool]]:
        return [(self.flat, net.W, net.b, True), *self.state]

    def load(self, net: Network) -> None:
        """Copy in: the network's ``W``, ``b`` and optimiser state."""
        for block, W, b, signed in self._pairs(net):
            for q, w, v, s in zip(self.views(block), W, b, self.signs, strict=True):
                sign = s if signed else 1.0
                np.multiply(w.T, sign, out=q[:-1])
                np.multiply(v.T, sign, out=q[-1:])

    def store(self, net: Network) -> None:
        """Copy out, into the same arrays."""
        for block, W, b, signed in self._pairs(net):
            for q, w, v, s in zip(self.views(block), W, b, self.signs, strict=True):
                sign = s if signed else 1.0
                np.multiply(q[:-1].T, sign, out=w)
                np.multiply(q[-1:].T, sign, out=v)


class _Adam:
    """``optimizers.Adam.step`` on the trainer's blocks: the same calls, once for all layers."""

    def __init__(self, opt: Adam, params: _Params) -> None:
        self.opt, self.flat, self.grad = opt, params.flat, params.grad
        (self.m, *_), (self.s, *_) = params.state
        self.tmp = np.empty_like(self.flat)

    def step(self) -> None:
        opt, G, m, s, tmp = self.opt, self.grad, self.m, self.s, self.tmp
        c1, c2 = opt.corrections()
        np.multiply(m, opt.beta1, m)
        np.multiply(G, 1 - opt.beta1, tmp)
        np.add(m, tmp, m)
        np.multiply(s, opt.beta2, s)
        np.multiply(G, G, tmp)
        np.multiply(tmp, 1 - opt.beta2, tmp)
        np.add(s, tmp, s)
        np.multiply(s, c2, tmp)
        np.sqrt(tmp, tmp)
        np.add(tmp, opt.eps, tmp)
        np.divide(m, tmp, tmp)
        np.multiply(tmp, c1, tmp)
        np.subtract(self.flat, tmp, self.flat)


class _Batch:
    """Buffers and the compiled forward + backward + update for batches of ``m`` columns."""

    def __init__(self, net: Network, params: _Params, m: int) -> None:
        c = net.config
        dt = net.dtype
        opt = net.optimizer
        acts = net.activations
        signs = params.signs
        Q, G = params.Q, params.G
        L = len(Q)
        self.A = A = _buffers(net, m)
        self.Y = Y = np.zeros((net.layers[-1], m), dtype=dt)
        self.R = R = np.empty_like(Y)
        self.r = R.reshape(-1)  # a view: r.dot(r) is the sum of squares
        assert self.r.base is R
        self.aL = aL = A[L][:-1]
        self.loss = loss = LOSSES[c.loss]
        self.mse = c.loss == "mse"
        fold = 1.0 if isinstance(opt, Adam) else c.learning_rate  # Adam needs raw gradients
        # Delta buffers hold sign_l * coef * dC/dz^l (sign_l: how layer l is stored).
        coef = _const(signs[-1] * fold / m, dt)

        p = self.program = _Program()
        _forward(p, net, Q, A)
        p(np.subtract, aL, Y, R)
        # The output delta: dC/dz^L = (a - y) for the fused pairs and a linear output, else
        # f'(z) * (a - y) (the derivative of MSE), or the softmax Jacobian applied to it.
        delta = np.empty_like(Y)
        out = acts[-1]
        if out.name in loss.fused or out.name == "linear":
            p(np.multiply, R, coef, delta)
        else:
            assert self.mse, f"{c.loss} needs its fused output activation"
            if out.name == "softmax":  # a * (r - sum(a * r))
                col = np.empty((1, m), dtype=dt)
                p(np.multiply, aL, R, delta)
                p(np.add.reduce, delta, 0, None, col, True)
                p(np.subtract, R, col, delta)
                p(np.multiply, delta, aL, delta)
            elif out.name == "sigmoid":  # a (1 - a) (a - y)
                p(np.subtract, _const(1.0, dt), aL, delta)
                p(np.multiply, delta, aL, delta)
                p(np.multiply, delta, R, delta)
            else:  # tanh: (1 - a^2) (a - y)
                assert out.name == "tanh", f"no compiled output delta of {out.name}"
                p(np.multiply, aL, aL, delta)
                p(np.subtract, _const(1.0, dt), delta, delta)
                p(np.multiply, delta, R, delta)
            p(np.multiply, delta, coef, delta)

        # Backward, last layer first: G[l], then delta^{l-1} from W before the update.
        size = max(net.layers[1:-1], default=0) * m
        spare = [np.empty(size, dtype=dt), np.empty(size, dtype=dt)]
        for l in range(L - 1, -1, -1):
            p(A[l].dot, delta.T, G[l])
            if l > 0:  # delta^{l-1} = (W^T delta) * f'(z^{l-1})
                nxt = spare[l % 2][: (Q[l].shape[0] - 1) * m].reshape(-1, m)
                p(Q[l][:-1].dot, delta, nxt)
                hidden = acts[l - 1]
                _times_derivative(p, hidden.name, A[l][:-1], nxt, signs[l - 1])
                delta = nxt

        flat, grad = params.flat, params.grad
        if c.regularization != "none" and c.reg_rate > 0:  # on the weights, not the biases
            reg = np.zeros_like(flat)
            for rate in params.views(reg):
                rate[:-1] = c.reg_rate * fold
            tmp = np.empty_like(flat)
            if c.regularization == "l1":
                p(np.sign, flat, tmp)
                p(np.multiply, tmp, reg, tmp)
            else:
                p(np.multiply, flat, reg, tmp)
            p(np.add, grad, tmp, grad)
        if isinstance(opt, Momentum):  # v = beta v - G; Q += v
            v = params.state[0][0]
            p(np.multiply, v, _const(opt.beta, dt), v)
            p(np.subtract, v, grad, v)
            p(np.add, flat, v, flat)
        elif isinstance(opt, Adam):
            p(_Adam(opt, params).step)
        else:  # Q -= G
            p(np.subtract, flat, grad, flat)

    def load(self, X: Array, Y: Array) -> None:
        self.A[0][:-1] = X
        self.Y[...] = Y

    def run(self) -> float:
        """One forward + backward + update; returns the loss of the weights it started from."""
        self.program.run()
        if self.mse:
            return float(self.r.dot(self.r)) / self.r.size
        return self.loss.value(self.aL, self.Y, self.R)

    def epochs(self, count: int, losses: Array) -> int:
        """``count`` epochs, the loss of each into ``losses``; returns how many ran before the
        first loss that is not finite (which is not stored), or ``count``."""
        ops, R = self.program.ops, self.R
        f: Callable[..., Any]
        if self.mse:  # the hot loop: store sum((a - y)^2), divide all of them at the end
            r = self.r
            square = r.dot
            done = count
            for e in range(count):
                for f, args in ops:
                    f(*args)
                total = float(square(r))  # a NumPy scalar is slow to compare and store
                if not total < INF:
                    done = e
                    break
                losses[e] = total
            np.divide(losses[:done], R.size, out=losses[:done])
            return done
        value, aL, Y = self.loss.value, self.aL, self.Y
        for e in range(count):
            for f, args in ops:
                f(*args)
            loss = value(aL, Y, R)
            if not loss < INF:
                return e
            losses[e] = loss
        return count


class _Evaluate:
    """Forward only, for the test set: its loss and accuracy with the current weights."""

    def __init__(self, net: Network, Q: list[Array], m: int) -> None:
        self.A = _buffers(net, m)
        self.Y = np.empty((net.layers[-1], m), dtype=net.dtype)
        self.aL = self.A[-1][:-1]
        self.R = np.empty_like(self.aL)
        self.program = _Program()
        _forward(self.program, net, Q, self.A)
        self.program(np.subtract, self.aL, self.Y, self.R)
        self.loss = LOSSES[net.config.loss]

    def run(self) -> float:
        self.program.run()
        return self.loss.value(self.aL, self.Y, self.R)


def _correct(out: Array, Y: Array) -> int:
    if out.shape[0] == 1:
        return int(np.count_nonzero((out[0] > 0.5) == (Y[0] > 0.5)))
    return int(np.count_nonzero(out.argmax(axis=0) == Y.argmax(axis=0)))


_TRAINERS: weakref.WeakKeyDictionary[Network, dict[tuple[int, int], Trainer]] = (
    weakref.WeakKeyDictionary())


def train(net: Network, X: Any, Y: Any, epochs: int, *, X_test: Any = None, Y_test: Any = None,
          track_accuracy: bool = False) -> History:
    """Train ``net`` for ``epochs`` epochs on ``X``, ``Y`` (full batch, or mini-batches of the
    config's ``batch_size`` shuffled by the network's seeded generator); each epoch's loss (and
    optional test loss and accuracies) is computed with the weights the epoch started from.

    Raises :class:`DivergenceError` as soon as a loss or parameter is not finite; the epochs
    before it stay counted in ``net.epoch``. The compiled loop is kept per network and data size
    (until the network's configuration or optimiser changes), so training in chunks costs no
    more than one long call; data given again as the same array objects is not checked again.
    """
    given = (X, Y, X_test, Y_test)
    trainers = _TRAINERS.setdefault(net, {})
    for known in trainers.values():
        if known.fits(net) and known.data is not None \
                and all(a is b for a, b in zip(known.data[0], given, strict=True)):
            return known.run(net, *known.data[1], int(epochs), track_accuracy)
    Xa, Ya = net.check_data(X, Y)
    assert Ya is not None
    test = None
    if X_test is not None and Y_test is not None and np.asarray(X_test).shape[-1] > 0:
        Xt, Yt = net.check_data(X_test, Y_test)
        assert Yt is not None
        test = (Xt, Yt)
    key = (Xa.shape[1], 0 if test is None else test[0].shape[1])
    trainer = trainers.get(key)
    if trainer is None or not trainer.fits(net):
        trainer = trainers[key] = Trainer(net, *key)
    trainer.data = (given, (Xa, Ya, test))
    return trainer.run(net, Xa, Ya, test, int(epochs), track_accuracy)


class Trainer:
    """Runs epochs of one network on data of ``m`` training (and ``m_test`` test) columns.

    It holds no reference to the network (only to its optimiser's arrays), so a network that
    is no longer used is freed with its cached trainers."""

    def __init__(self, net: Network, m: int, m_test: int) -> None:
        self.config, self.optimizer = net.config, net.optimizer
        self.params = params = _Params(net)
        bs = net.config.batch_size
        self.full = bs is None or bs >= m
        self.size = m if self.full else int(bs)  # type: ignore[arg-type]
        self.batch = _Batch(net, params, self.size)
        rest = m % self.size
        self.last = _Batch(net, params, rest) if rest else None
        self.evaluate = _Evaluate(net, params.Q, m_test) if m_test else None
        #: the data last given (as given, and as checked), to skip checking it again
        self.data: tuple[tuple[Any, ...], tuple[Array, Array, tuple[Array, Array] | None]] \
            | None = None

    def fits(self, net: Network) -> bool:
        """Whether this loop was compiled for ``net`` as it is configured now."""
        return net.config is self.config and net.optimizer is self.optimizer

    def run(self, net: Network, X: Array, Y: Array, test: tuple[Array, Array] | None,
            epochs: int, track_accuracy: bool) -> History:
        block = np.empty((4, epochs))
        block.fill(np.nan)
        history = History(*block)
        losses = history.loss
        evaluate = self.evaluate if test is not None else None
        if evaluate is not None:
            assert test is not None
            evaluate.A[0][:-1] = test[0]
            evaluate.Y[...] = test[1]
        m = X.shape[1]
        batch = self.batch
        self.params.load(net)
        try:
            with np.errstate(all="ignore"):
                if self.full:
                    batch.load(X, Y)
                if evaluate is None and self.full and not track_accuracy:
                    done = batch.epochs(epochs, losses)
                    net.epoch += done
                    if done < epochs:
                        self._diverged(net, done, history)
                else:
                    for e in range(epochs):
                        if evaluate is not None:
                            history.test_loss[e] = evaluate.run()
                            if track_accuracy:
                                history.test_accuracy[e] = (_correct(evaluate.aL, evaluate.Y)
                                                            / evaluate.Y.shape[1])
                        loss, correct = self._epoch(net, X, Y, m, track_accuracy)
                        if not loss < INF:
                            self._diverged(net, e, history)
                        losses[e] = loss
                        if track_accuracy:
                            history.accuracy[e] = correct / m
                        net.epoch += 1
        finally:
            self.params.store(net)
        if not np.isfinite(self.params.flat).all():
            self._diverged(net, epochs, history)
        return history

    def _epoch(self, net: Network, X: Array, Y: Array, m: int, track: bool) -> tuple[float, int]:
        batch = self.batch
        if self.full:
            loss = batch.run()
            return loss, _correct(batch.aL, batch.Y) if track else 0
        order = net.rng.permutation(m)
        total, correct = 0.0, 0
        for start in range(0, m, self.size):
            idx = order[start : start + self.size]
            b = batch if len(idx) == self.size else self.last
            assert b is not None
            np.take(X, idx, axis=1, out=b.A[0][:-1])
            np.take(Y, idx, axis=1, out=b.Y)
            total += b.run() * len(idx)
            if track:
                correct += _correct(b.aL, b.Y)
        return total / m, correct

    def _diverged(self, net: Network, completed: int, history: History) -> None:
        err = DivergenceError(net.epoch + 1, completed)
        err.history = history  # type: ignore[attr-defined]
        raise err
