"""Why a session is stuck, in words: its diagnostics and one plain sentence of advice for each.

:func:`report` runs the engine's diagnostics (``engine/diagnostics.py``: one forward and
backward pass on the training data) on a session and turns what they find into ``findings``,
most urgent first, each ``{kind, layer, units, message, action}``. ``action`` is what a button
would do, as the stream's own client messages (``{"label", "commands": [{"type": "set",
"changes": {...}}, ...]}``, also sendable as ``PATCH``/``reset`` over REST), or ``None`` where
no single change is the cure. Kinds: ``diverged``, ``dead``, ``saturated``, ``large_updates``,
``small_updates``, ``plateau``. What it leaves out: how the page shows them, when they are sent
(the worker, at snapshot rate).
"""

from __future__ import annotations

import math
from array import array
from typing import Any, Protocol

import numpy as np

from ..engine import Network
from ..engine.diagnostics import SATURATED_Z, LayerDiagnostics, Plateau, diagnose
from .jsonsafe import clean
from .spec import SessionSpec


class Session(Protocol):
    """What advice reads of a session (``session.Session``, which calls it)."""

    spec: SessionSpec
    net: Network
    X_train: Any
    Y_train: Any
    divergence: dict[str, Any] | None
    plateau: Plateau
    history: dict[str, array[float]]
    seed_hint: tuple[SessionSpec, int | None] | None

    @property
    def status(self) -> str: ...
    @property
    def epoch(self) -> int: ...
    @property
    def classification(self) -> bool: ...

PLATEAU_EPOCHS = 2000  # epochs without improvement that count as a plateau
LARGE_UPDATE = 0.1  # learning_rate * |dW| / |W| above this overshoots, once the loss rises
OVERSHOOT = 1.0  # ... above this it overshoots from the first epoch on
RECENT_EPOCHS = 50  # the epochs over which a rising loss is looked for
SMALL_UPDATE = 1e-5  # ... below this (on a plateau) crawls
TARGET_UPDATE = 0.01  # what a suggested learning rate aims at
SEEDS_TRIED = 20  # seeds after the current one searched for one without dead layers


def _rate(x: float) -> float:
    """A learning rate to suggest: one significant digit, in the engine's (0, 1000]."""
    return min(1000.0, max(1e-6, float(f"{x:.1g}")))


def figure(x: float) -> str:
    """A number for a sentence: 3 significant figures, thousands separated below a million,
    scientific notation from a million (or below 0.001), ``non-finite`` for NaN or infinity."""
    if not math.isfinite(x):
        return "non-finite"
    if x == 0:
        return "0"
    r = float(f"{x:.3g}")
    if not 1e-3 <= abs(r) < 1e6:
        return f"{r:.3g}"
    return f"{r:,.0f}" if abs(r) >= 1000 else f"{r:g}"


def update_size(ratio: float) -> str:
    """An update's size relative to the weights, before "the weights": "35% of",
    "4.5 times", "2.33e+95 times", "a non-finite multiple of"."""
    if not math.isfinite(ratio):
        return "a non-finite multiple of"
    return f"{figure(ratio * 100)}% of" if ratio < 10 else f"{figure(ratio)} times"


def _set(label: str, **changes: Any) -> dict[str, Any]:
    return {"label": label, "commands": [{"type": "set", "changes": changes}]}


def _reset_lower(lr: float, factor: float) -> dict[str, Any]:
    new = _rate(lr * factor)
    return {"label": f"Reset with learning rate {new:g}",
            "commands": [{"type": "reset"}, {"type": "set", "changes": {"learning_rate": new}}]}


def _finding(kind: str, message: str, action: dict[str, Any] | None, layer: int | None = None,
             units: list[int] | None = None) -> dict[str, Any]:
    return {"kind": kind, "layer": layer, "units": units or [], "message": message,
            "action": action}


def _count(k: int, n: int) -> str:
    if k == n:
        return {1: "its only neuron is", 2: "both neurons are"}.get(n, f"all {n} neurons are")
    return f"{k} of {n} neurons {'is' if k == 1 else 'are'}"


def live_seed(s: Session) -> int | None:
    """The first seed after the session's whose initial network has no layer of dead ReLUs on
    the training data (cached per spec), or ``None`` among ``SEEDS_TRIED``."""
    key = s.spec
    if s.seed_hint is not None and s.seed_hint[0] == key:
        return s.seed_hint[1]
    found = None
    config = s.spec.network_config()
    for seed in range(config.seed + 1, config.seed + 1 + SEEDS_TRIED):
        net = Network(config=config.with_changes(seed=seed))
        fp = net.forward_pass(s.X_train)
        if not any(f.name == "relu" and np.all(a == 0, axis=1).all()
                   for f, a in zip(net.activations, fp.a[1:], strict=True)):
            found = seed
            break
    s.seed_hint = (key, found)
    return found


def findings(s: Session, layers: list[LayerDiagnostics]) -> list[dict[str, Any]]:
    """What is wrong, most urgent first."""
    c = s.net.config
    lr = c.learning_rate
    out: list[dict[str, Any]] = []
    d = s.divergence
    if s.status == "diverged" and d is not None:
        where = {"W": "weights", "b": "biases", "z": "z", "a": "outputs"}[d["where"]]
        last = d.get("last_update_ratio")
        step = "" if last is None else f"; the last finite update was {update_size(last)} the " \
                                         "weights"
        out.append(_finding(
            "diverged", f"Training diverged at epoch {d['epoch']:,}: layer {d['layer']}'s "
                        f"{where} became infinite or NaN{step}. Reset and lower the learning "
                        "rate.", _reset_lower(lr, 0.1), d["layer"]))
        return out
    if not layers:
        return out
    dead_all = [x for x in layers if x.dead and len(x.dead) == x.units]
    for x in dead_all:
        seed = live_seed(s)
        action = (_set(f"Try seed {seed}", seed=seed) if seed is not None
                  else _set("Use Leaky ReLU", hidden_activation="leaky_relu"))
        out.append(_finding(
            "dead", f"Layer {x.l}: {_count(len(x.dead), x.units)} dead (output 0 for every "
                    "point): nothing can learn. Try a new seed, Leaky ReLU, or a small positive "
                    "bias init.", action, x.l, x.dead))
    for x in layers:
        if x.saturated:
            out.append(_finding(
                "saturated", f"Layer {x.l}: {_count(len(x.saturated), x.units)} saturated "
                             f"(|z| > {SATURATED_Z:g} for most points, so f'(z) is almost 0): "
                             "they barely learn. Reset with a smaller learning rate.",
                _reset_lower(lr, 0.1), x.l, x.saturated))
    biggest = max(layers, key=lambda x: x.update_ratio)
    if biggest.update_ratio > OVERSHOOT or (biggest.update_ratio > LARGE_UPDATE
                                            and _loss_rose(s.history["train_loss"])):
        new = _rate(lr * TARGET_UPDATE / biggest.update_ratio)
        out.append(_finding(
            "large_updates", f"Updates are {update_size(biggest.update_ratio)} the weights (layer "
                             f"{biggest.l}): lower the learning rate.",
            _set(f"Learning rate {new:g}", learning_rate=new), biggest.l))
    for x in layers:
        if x.dead and x not in dead_all:
            out.append(_finding(
                "dead", f"Layer {x.l}: {_count(len(x.dead), x.units)} dead (output 0 for every "
                        "point): they no longer learn.",
                _set("Use Leaky ReLU", hidden_activation="leaky_relu"), x.l, x.dead))
    stalled = s.plateau.stalled
    acc = s.history["accuracy"][-1] if len(s.history["accuracy"]) else float("nan")
    learnt = s.classification and acc >= 0.99
    if stalled >= PLATEAU_EPOCHS and not learnt:
        if biggest.update_ratio < SMALL_UPDATE and not dead_all:
            new = _rate(lr * 10)
            out.append(_finding(
                "small_updates", f"Updates are {update_size(biggest.update_ratio)} the weights: "
                                 "raise the learning rate.",
                _set(f"Learning rate {new:g}", learning_rate=new), biggest.l))
        out.append(_finding("plateau", f"The loss has not improved for {stalled:,} epochs.",
                            None))
    return out


def _loss_rose(losses: array[float]) -> bool:
    """Whether the training loss is above its minimum of the recent epochs: large updates that
    still lower the loss every epoch (a small network's first epochs) are not overshooting."""
    recent = losses[-RECENT_EPOCHS:]
    return len(recent) >= 2 and recent[-1] > min(recent)


def report(s: Session) -> dict[str, Any]:
    """The session's diagnostics: per layer figures, the plateau, the divergence, findings
    (JSON-ready: a figure that is not finite, such as the gradient of a blown-up loss, is
    ``None``)."""
    layers = [] if not s.net.is_finite() else diagnose(s.net, s.X_train, s.Y_train)
    best = s.plateau.best
    return clean({
        "epoch": s.epoch,
        "layers": [x.to_dict() for x in layers],
        "plateau": {"epochs": s.plateau.stalled, "best_loss": best if np.isfinite(best) else None},
        "divergence": s.divergence if s.status == "diverged" else None,
        "findings": findings(s, layers),
    })
