"""What a worker sends about a session: snapshots with quantised grids, the boundary, the
dataset, the history, status messages, diagnostics and the backward pass with the tutorial's
numbers.

Plain functions of a :class:`~nnplayground.sessions.session.Session` (and the settings), so
each is built once however many clients receive it. Weights and biases are in the tutorial's
shapes. After a divergence the numbers may be NaN or infinite, which JSON cannot hold: every
payload here is JSON-ready (``null`` in their place) and says so (``finite``); a snapshot
also names the epoch the run diverged at (``diverged_at``), and :func:`live_snapshot` stands
in the latest finite epoch's for a live state that has nothing to draw. Numbers meant to be
used elsewhere (a prediction, an exported model) are refused instead. What it leaves out:
when to send them (``worker.py``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Settings
from ..datasets import from_points
from ..engine import EngineError, Network, gradient_check
from ..sessions import advice, jsonsafe
from ..sessions.errors import RefusedError
from ..sessions.session import Session
from . import frames


def quantize(grid: np.ndarray) -> dict[str, Any]:
    """A float grid as base64 bytes 0..255 with its range (a tenth of the JSON floats' size)."""
    return _quantised(frames.quantise(grid))


def _quantised(g: frames.Grid) -> dict[str, Any]:
    q, lo, hi = g
    return {"shape": list(q.shape), "min": lo, "max": hi,
            "data": base64.b64encode(q.tobytes()).decode()}


def status(s: Session, **extra: Any) -> dict[str, Any]:
    return {"type": "status", "status": s.status, "epoch": s.epoch, "version": s.version,
            "message": s.message, **extra}


def stop_message(s: Session, at: int, why: str) -> str:
    """What a run that met its stop condition says: which one, when, and where it got."""
    figures = [f"{k.replace('_', ' ')} {v:.1%}" if k.endswith("accuracy") else
               f"{k.replace('_', ' ')} {v:.4g}"
               for k, v in s.last().items() if v is not None]
    reached = "" if at == s.epoch else f", reached at epoch {at:,}"
    return f"stopped at epoch {s.epoch:,} (stop_at: {why}{reached}): {', '.join(figures)}"


def deleted(s: Session) -> dict[str, Any]:
    return {"type": "status", "status": "deleted", "epoch": s.epoch, "version": s.version + 1,
            "message": "session deleted"}


PICTURE_DTYPE = np.float32
LOOK_BACK = 5  # epochs searched back from a diverged state for the latest finite one


def diverged_at(s: Session) -> int | None:
    """The epoch whose loss was first not finite, if the session diverged (else ``None``)."""
    if s.status != "diverged":
        return None
    return s.divergence["epoch"] if s.divergence else s.epoch + 1


@dataclass(frozen=True)
class Snapshot:
    """One epoch's picture, built once: the parameters ``W[l]``, ``b[l]`` and the quantised
    grids (the boundary, then each layer's neurons), sent as JSON (:meth:`to_dict`, to
    ``detail=full`` clients), as a binary frame (:meth:`frame`, to ``detail=display`` ones) or
    both. ``finite``: whether every number is (if not, there are no grids: nothing to draw)."""

    epoch: int
    version: int
    finite: bool
    diverged_at: int | None
    domain: list[float]
    W: list[np.ndarray]
    b: list[np.ndarray]
    grids: list[frames.Grid]

    def to_dict(self) -> dict[str, Any]:
        """The JSON snapshot; ``null`` stands for the numbers that are not finite."""
        weights = [w.tolist() for w in self.W]
        biases = [b.tolist() for b in self.b]
        return {"type": "snapshot", "epoch": self.epoch, "version": self.version,
                "finite": self.finite, "diverged_at": self.diverged_at,
                "weights": weights if self.finite else jsonsafe.clean(weights),
                "biases": biases if self.finite else jsonsafe.clean(biases),
                "domain": self.domain,
                "boundary": _quantised(self.grids[0]) if self.grids else None,
                "neurons": [_quantised(g) for g in self.grids[1:]]}

    def frame(self) -> bytes:
        return frames.snapshot_frame(vars(self), self.W, self.b, self.grids)


def picture(s: Session, settings: Settings, run: Session | None = None) -> Snapshot:
    """The :class:`Snapshot` of ``s``; ``diverged_at`` of the run (``run``: the session a past
    epoch's view ``s`` belongs to). Its grids are computed in ``PICTURE_DTYPE``: they are
    quantised to 256 levels, and float64's ``tanh`` and ``exp`` take four times as long."""
    finite = s.net.is_finite()
    grids: list[np.ndarray] = []
    for dtype in (PICTURE_DTYPE, None) if finite else ():
        grids = [s.grids(settings.snapshot_resolution, dtype=dtype)["output"],
                 *s.grids(settings.neuron_resolution, neurons=True, dtype=dtype)["neurons"]]
        finite = all(bool(np.isfinite(g).all()) for g in grids)
        if finite:  # (else beyond float32's range: the network's own dtype decides)
            break
    return Snapshot(s.epoch, s.version, finite, diverged_at(run or s), list(s.data.domain),
                    [w.copy() for w in s.net.W], [b.copy() for b in s.net.b],
                    [frames.quantise(g) for g in grids] if finite else [])


def snapshot(s: Session, settings: Settings, run: Session | None = None) -> dict[str, Any]:
    """Weights, biases, the boundary grid and every neuron's grid, quantised (as JSON)."""
    return picture(s, settings, run).to_dict()


def live_snapshot(s: Session, settings: Settings) -> Snapshot | None:
    """The session's snapshot if its numbers are finite; after a divergence whose are not,
    that of the latest epoch (at most ``LOOK_BACK`` back, rebuilt from the timeline) whose
    are, with its own ``epoch``; ``None`` if there is none."""
    snap = picture(s, settings)
    if snap.finite:
        return snap
    if s.status != "diverged":
        return None
    for epoch in range(s.epoch - 1, max(s.history_start, s.epoch - LOOK_BACK) - 1, -1):
        try:
            past = picture(s.at(epoch), settings, run=s)
        except (RefusedError, EngineError):  # too far from a kept frame, or it blew up there
            return None
        if past.finite:
            return past
    return None


def row(s: Session, resolution: int) -> dict[str, Any]:
    """A fork's row on its class's dashboard: who, how far, its figures, its network, a small
    boundary (``resolution`` squared, quantised) and its challenge (met or not, when)."""
    out = s.grids(resolution)["output"] if s.net.is_finite() else None
    met = s.challenge_met
    return {"id": s.id, "nickname": s.nickname, "parent": s.parent, "epoch": s.epoch,
            "status": s.status, "version": s.version, "updated": s.updated, "last": s.last(),
            "layers": list(s.net.layers), "hidden_layers": list(s.spec.hidden_layers),
            "activation": s.spec.hidden_activation, "features": list(s.spec.features),
            "learning_rate": s.spec.learning_rate,
            "output_activation": s.net.config.output_activation,
            "thumbnail": None if out is None else quantize(out),
            "challenge": None if s.challenge is None else {
                "met": met is not None, "epoch": met and met["epoch"],
                "time": met and met["time"]}}


def challenge(s: Session) -> dict[str, Any]:
    """The stream's ``challenge`` message: the session's challenge status."""
    return {"type": "challenge", "version": s.version, **(s.challenge_status() or {})}


def timeline(s: Session) -> dict[str, Any]:
    """The run's kept frames: their epochs, kinds and training losses (no parameters)."""
    frames = s.timeline.to_state()["frames"]
    return {"epoch": s.epoch, "first": s.history_start, "version": s.version,
            "max_replay": s.timeline.max_replay,
            "frames": [{k: f[k] for k in ("epoch", "kind", "train_loss")} for f in frames]}


def diagnostics(s: Session) -> dict[str, Any]:
    """Why it is stuck (``sessions/advice.py``): per layer figures, plateau, findings."""
    return {"type": "diagnostics", "version": s.version, **advice.report(s)}


def diagnostics_key(d: dict[str, Any]) -> str:
    """What a change of makes diagnostics news: the findings (not their wording, whose
    figures move every epoch) and the divergence."""
    findings = [(f["kind"], f["layer"], f["units"]) for f in d["findings"]]
    return json.dumps([findings, d["divergence"]], default=str)


def boundary(s: Session, resolution: int, neurons: bool) -> dict[str, Any]:
    """The output (and every neuron, if asked) over a grid, in full precision; ``finite``:
    whether every value is (``null`` stands for those that are not)."""
    with np.errstate(all="ignore"):
        g = s.grids(resolution, neurons=neurons)
    out = {"epoch": s.epoch, "resolution": g["resolution"], "domain": g["domain"],
           "output": g["output"].tolist()}
    if "neurons" in g:
        out["neurons"] = [n.tolist() for n in g["neurons"]]
    return _marked(out)


def _marked(out: dict[str, Any]) -> dict[str, Any]:
    """``out`` with ``finite`` (whether every number in it is), ``null`` for those that are
    not."""
    finite = jsonsafe.finite(out)
    marked: dict[str, Any] = {**out, "finite": finite}
    return marked if finite else jsonsafe.clean(marked)


def dataset(s: Session) -> dict[str, Any]:
    d = s.data
    return {"name": d.name, "problem": d.problem, "n_classes": d.n_classes,
            "domain": list(d.domain), "custom": s.points is not None, **d.to_points()}


def history(s: Session, since: int) -> dict[str, Any]:
    """The epochs after ``since`` with where the session stands."""
    return {"epoch": s.epoch, "status": s.status, "version": s.version,
            **s.history_since(since).to_event()}


def backprop(s: Session, p: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """One forward and backward pass on the training data, one of its points (``index``) or
    given ``points``: per layer ``W, b, z, a, delta, dW, db`` and the update's result;
    ``check`` adds the numerical gradient check (in float64); ``finite`` as in
    :func:`boundary`."""
    net = s.net
    if p.get("points") is not None:
        data = from_points(p["points"], [], s.data.problem, s.data.n_classes,
                           max_points=settings.max_points, n_outputs=net.layers[-1])
        X, Y = s.features(data.X_train.T), data.Y_train
    else:
        X, Y = s.X_train, s.Y_train
        if p.get("index") is not None:
            i = int(p["index"])
            if not 0 <= i < X.shape[1]:
                raise RefusedError(f"index must be in 0..{X.shape[1] - 1} (this session's "
                                   "training points)", "index")
            X, Y = X[:, i : i + 1], Y[:, i : i + 1]
    with np.errstate(all="ignore"):
        g = net.gradients(X, Y)
        lr = net.config.learning_rate
        W, b = net.W, net.b
        layers = [
            {"l": l + 1, "W": W[l].tolist(), "b": b[l].tolist(), "z": g.z[l].tolist(),
             "a": g.a[l + 1].tolist(), "delta": g.delta[l].tolist(), "dW": g.dW[l].tolist(),
             "db": g.db[l].tolist(), "W_next": (W[l] - lr * g.dW[l]).tolist(),
             "b_next": (b[l] - lr * g.db[l]).tolist(), "activation": net.activations[l].name}
            for l in range(len(W))
        ]
    out: dict[str, Any] = {
        "epoch": s.epoch, "m": int(X.shape[1]), "x": X.tolist(), "y": Y.tolist(),
        "loss": g.loss, "cost": g.cost, "learning_rate": lr, "loss_name": net.config.loss,
        "layers": layers,
    }
    if p.get("check") and not net.is_finite():
        raise RefusedError("the gradient check needs finite weights; these are NaN or "
                           "infinite (the run diverged): reset it", "check")
    if p.get("check"):
        if net.n_parameters > settings.max_gradcheck_parameters:
            raise EngineError(f"gradient check is limited to {settings.max_gradcheck_parameters}"
                              f" parameters; this network has {net.n_parameters}", "check")
        probe = net
        if net.dtype != np.float64:  # check in float64 whatever the training dtype
            model = net.to_dict()
            model["config"]["dtype"] = "float64"
            probe = Network.from_dict(model)
        chk = gradient_check(probe, X, Y)
        out["gradient_check"] = {
            "relative_error": chk.relative_error, "layer_errors": chk.layer_errors,
            "dW": [d.tolist() for d in chk.dW], "db": [d.tolist() for d in chk.db],
        }
    return _marked(out)
