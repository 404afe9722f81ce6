"""The training loop, compiled once into a flat list of in-place NumPy calls.

Tiny networks are bound by the number of NumPy calls per epoch (each costs about a
microsecond here, whatever the array size), so a :class:`Trainer` computes the tutorial's
update with as few calls as it can and no allocation per epoch:

* every buffer is preallocated for the batch size, and each call writes with ``out=``;
* the bias is folded into the weight matrix as a last column, against a row of ones kept
  under every activation buffer, so ``z = [W|b] @ [a;1]`` is one ``dot`` and
  ``dW`` and ``db`` come out of one ``dot`` as ``delta @ [a;1]^T``;
* sigmoid layers are stored negated (``Network.signs``), so ``dot`` already yields ``-z`` and
  the sigmoid is ``1 / (1 + exp(-z))`` in three calls; the sign is carried into the update;
* the learning rate and ``1/m`` are folded into the output delta (deltas are linear in it,
  so every ``dW`` comes out scaled and plain gradient descent is one subtraction);
* the MSE loss is one dot product of the residual ``a - y`` that backward needs anyway;
* constants are 0-d arrays (a Python float costs a conversion on every call);
* the caller runs ``K`` epochs per call instead of one call per epoch.

The result equals :meth:`Network.step` repeated (tests hold them to 1e-12). What it leaves
out: anything but training; predictions and the backward-pass view use ``network.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .errors import DivergenceError
from .losses import LOSSES

if TYPE_CHECKING:
    from .activations import Activation
    from .network import History, Network

Array = NDArray[Any]
Op = tuple[Callable[..., Any], tuple[Any, ...]]
INF = float("inf")


def forward_ops(net: Network, A: list[Array]) -> list[Op]:
    """Calls that fill ``A[l][:n_l]`` with ``a^l`` from ``A[0]`` (each ``A[l]`` has a ones row)."""
    ops: list[Op] = []
    for l, (P, act, s) in enumerate(zip(net.params, net.activations, net.signs, strict=True)):
        z = A[l + 1][:-1]
        ops.append((np.dot, (P, A[l], z)))
        if s < 0:  # sigmoid on a negated layer: z holds -z, so a = 1 / (1 + exp(-z))
            one = np.asarray(1.0, dtype=z.dtype)
            ops += [(np.exp, (z, z)), (np.add, (z, one, z)), (np.reciprocal, (z, z))]
        else:
            ops.append((act.fn, (z, z)))
    return ops


def _grad(act: Activation) -> Callable[..., Any]:
    assert act.grad is not None, f"{act.name} is not element-wise"
    return act.grad


def _buffers(net: Network, m: int) -> list[Array]:
    return [np.ones((n + 1, m), dtype=net.dtype) for n in net.layers]


class _Batch:
    """Buffers and the compiled forward + backward + update for batches of ``m`` columns."""

    def __init__(self, net: Network, m: int) -> None:
        c = net.config
        dt = net.dtype
        opt = net.optimizer
        L = len(net.params)
        self.m = m
        self.A = A = _buffers(net, m)
        self.Y = Y = np.zeros((net.layers[-1], m), dtype=dt)
        self.R = R = np.empty_like(Y)
        self.aL = aL = A[L][:-1]
        loss = LOSSES[c.loss]
        self.mse = c.loss == "mse"
        self.loss = loss
        fold = c.learning_rate if opt.folds_learning_rate else 1.0
        coef = np.asarray(fold / m, dtype=dt)
        acts = net.activations
        out = acts[-1]

        ops = forward_ops(net, A)
        ops.append((np.subtract, (aL, Y, R)))
        delta = np.empty_like(Y)
        if out.name in loss.fused:
            ops.append((np.multiply, (R, coef, delta)))
        elif out.grad is not None:
            ops += [(out.grad, (aL, delta)), (np.multiply, (delta, R, delta)),
                    (np.multiply, (delta, coef, delta))]
        else:
            ops += [(out.vjp, (aL, R, delta)), (np.multiply, (delta, coef, delta))]
        if type(opt).__name__ != "SGD":
            ops.append((opt.begin_step, ()))
        rho = 1.0  # delta buffers hold rho * coef * delta
        for l in range(L - 1, -1, -1):
            P, s = net.params[l], net.signs[l]
            G = np.empty_like(P)
            nxt = None
            if l > 0:
                D = np.empty((P.shape[1] - 1, m), dtype=dt)
                nxt = np.empty_like(D)
                a_prev = A[l][:-1]
                ops += [
                    (np.dot, (P[:, :-1].T, delta, D)),
                    (_grad(acts[l - 1]), (a_prev, nxt)),
                    (np.multiply, (nxt, D, nxt)),
                ]
            ops.append((np.dot, (delta, A[l].T, G)))
            sign = s * rho  # the stored matrix's gradient is sign * G
            if c.regularization != "none" and c.reg_rate > 0:
                regc = np.asarray(sign * fold * c.reg_rate, dtype=dt)
                tmp = np.empty_like(P[:, :-1])
                W, GW = P[:, :-1], G[:, :-1]
                if c.regularization == "l1":
                    ops += [(np.sign, (W, tmp)), (np.multiply, (tmp, regc, tmp))]
                else:
                    ops.append((np.multiply, (W, regc, tmp)))
                ops.append((np.add, (GW, tmp, GW)))
            if type(opt).__name__ == "SGD":
                ops.append(((np.subtract if sign > 0 else np.add), (P, G, P)))
            else:
                ops.append((opt.step, (l, P, G, sign)))
            if nxt is not None:
                delta, rho = nxt, sign
        self.ops = ops

    def load(self, X: Array, Y: Array) -> None:
        np.copyto(self.A[0][:-1], X)
        np.copyto(self.Y, Y)

    def run(self) -> float:
        f: Callable[..., Any]
        for f, args in self.ops:
            f(*args)
        if self.mse:
            return float(np.vdot(self.R, self.R)) / self.R.size
        return self.loss.value(self.aL, self.Y, self.R)


class _Evaluate:
    """Forward only, for the test set: its loss and accuracy with the current weights."""

    def __init__(self, net: Network, X: Array, Y: Array) -> None:
        self.A = _buffers(net, X.shape[1])
        np.copyto(self.A[0][:-1], X)
        self.Y = Y
        self.aL = self.A[-1][:-1]
        self.R = np.empty_like(self.aL)
        self.ops: list[Op] = [*forward_ops(net, self.A), (np.subtract, (self.aL, Y, self.R))]
        self.loss = LOSSES[net.config.loss]

    def run(self) -> float:
        for f, args in self.ops:
            f(*args)
        return self.loss.value(self.aL, self.Y, self.R)


def _correct(out: Array, Y: Array) -> int:
    if out.shape[0] == 1:
        return int(np.count_nonzero((out[0] > 0.5) == (Y[0] > 0.5)))
    return int(np.count_nonzero(out.argmax(axis=0) == Y.argmax(axis=0)))


class Trainer:
    """Runs epochs of one network on data of ``m`` training (and ``m_test`` test) columns."""

    def __init__(self, net: Network, m: int, m_test: int) -> None:
        self.net = net
        bs = net.config.batch_size
        self.full = bs is None or bs >= m
        self.size = m if self.full else int(bs)  # type: ignore[arg-type]
        self.batch = _Batch(net, self.size)
        rest = m % self.size
        self.last = _Batch(net, rest) if rest else None

    def run(self, X: Array, Y: Array, test: tuple[Array, Array] | None, epochs: int,
            track_accuracy: bool) -> History:
        from .network import History

        net = self.net
        losses = np.full(epochs, np.nan)
        test_losses = np.full(epochs, np.nan)
        acc = np.full(epochs, np.nan)
        test_acc = np.full(epochs, np.nan)
        history = History(losses, test_losses, acc, test_acc)
        evaluate = _Evaluate(net, *test) if test is not None else None
        m = X.shape[1]
        batch = self.batch
        with np.errstate(all="ignore"):
            if self.full:
                batch.load(X, Y)
            if evaluate is None and self.full and not track_accuracy:
                run = batch.run
                for e in range(epochs):  # the hot loop: nothing but the epoch itself
                    loss = run()
                    if not loss < INF:
                        self._diverged(e, history)
                    losses[e] = loss
                    net.epoch += 1
            else:
                for e in range(epochs):
                    if evaluate is not None:
                        test_losses[e] = evaluate.run()
                        if track_accuracy:
                            test_acc[e] = _correct(evaluate.aL, evaluate.Y) / evaluate.Y.shape[1]
                    loss, correct = self._epoch(X, Y, m, track_accuracy)
                    if not loss < INF:
                        self._diverged(e, history)
                    losses[e] = loss
                    if track_accuracy:
                        acc[e] = correct / m
                    net.epoch += 1
            if not net.is_finite():
                self._diverged(epochs, history)
        return history

    def _epoch(self, X: Array, Y: Array, m: int, track: bool) -> tuple[float, int]:
        batch = self.batch
        if self.full:
            loss = batch.run()
            return loss, _correct(batch.aL, batch.Y) if track else 0
        order = self.net.rng.permutation(m)
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

    def _diverged(self, completed: int, history: History) -> None:
        net = self.net
        err = DivergenceError(net.epoch + 1, completed)
        err.history = history  # type: ignore[attr-defined]
        raise err
