"""One training session: spec, network, data, loss history, status and version, in one process.

A :class:`Session` is a plain object with no I/O: the training worker owns it, calls
:meth:`train` in chunks and publishes what it returns; stores save :meth:`to_state` and
rebuild with :meth:`from_state`. Every change bumps ``version``. What it leaves out: access
control (the API checks tokens), scheduling and events (``worker.py``), persistence
(``store.py``).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import math
import time
from array import array
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

import numpy as np

from ..datasets import Dataset, dataset_info, from_points, generate
from ..engine import (
    LIVE_FIELDS,
    ConfigError,
    DivergenceError,
    History,
    Network,
    feature_matrix,
    predictions,
    train,
)
from ..engine.diagnostics import Plateau, first_non_finite, layer_diagnostics
from . import advice
from .challenge import Challenge
from .errors import RefusedError
from .spec import LIVE, SessionSpec
from .timeline import Timeline, pack

Status = Literal["idle", "running", "paused", "diverged"]
SERIES = ("train_loss", "test_loss", "accuracy", "test_accuracy")


@dataclass
class EpochBatch:
    """The epochs ``first .. first + len - 1`` of one chunk, every series in full."""

    first: int
    train_loss: list[float | None]
    test_loss: list[float | None]
    accuracy: list[float | None]
    test_accuracy: list[float | None]

    def to_event(self) -> dict[str, Any]:
        return {"type": "epoch", "first": self.first, "train_loss": self.train_loss,
                "test_loss": self.test_loss, "accuracy": self.accuracy,
                "test_accuracy": self.test_accuracy}


def _clean(values: Any) -> list[float | None]:
    """Floats for JSON: NaN (not tracked) becomes ``None``."""
    return [None if math.isnan(v) else v for v in values]


def asdict_dataset(spec: SessionSpec) -> dict[str, Any]:
    """The spec's dataset fields (what a challenge is set on)."""
    return dataclasses.asdict(spec.dataset)


def grid_points(domain: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """``(2, res*res)`` points on a ``res x res`` grid over the domain, row by row from the top."""
    x1min, x1max, x2min, x2max = domain
    xs = np.linspace(x1min, x1max, resolution)
    ys = np.linspace(x2max, x2min, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.vstack([gx.ravel(), gy.ravel()])


def _inside(data: Dataset, domain: tuple[float, float, float, float]) -> bool:
    """Whether every point (train and test) lies in ``domain``."""
    X = np.concatenate([data.X_train, data.X_test], axis=1)
    x1min, x1max, x2min, x2max = domain
    return bool(np.all((X[0] >= x1min) & (X[0] <= x1max) & (X[1] >= x2min) & (X[1] <= x2max)))


def _load_network(model: dict[str, Any], diverged: bool) -> Network:
    """``Network.from_dict``, except that a diverged run's NaN or infinite weights (which
    ``from_dict`` refuses) are restored as they were saved."""
    try:
        return Network.from_dict(model)
    except ConfigError:
        if not diverged:
            raise
    finite = {k: [np.nan_to_num(np.asarray(v, dtype=np.float64), nan=0.0, posinf=0.0,
                                neginf=0.0) for v in model[k]] for k in ("weights", "biases")}
    net = Network.from_dict({**model, **finite})
    for w, v, W, b in zip(net.W, net.b, model["weights"], model["biases"], strict=True):
        w[...] = np.asarray(W, dtype=np.float64)
        v[...] = np.asarray(b, dtype=np.float64).reshape(-1, 1)
    return net


class Session:
    """A visitor's network and data, trained epoch by epoch."""

    def __init__(self, id: str, token_hash: str, spec: SessionSpec,
                 points: dict[str, list[dict[str, Any]]] | None = None,
                 parent: str | None = None, challenge: Challenge | None = None) -> None:
        self.id = id
        self.token_hash = token_hash
        self.spec = spec
        self.points = points  # user-supplied points replace the generated dataset
        self.parent = parent
        #: a fork's: the teacher's session whose class it is in, and the name its student gave
        self.classroom: str | None = None
        self.nickname: str | None = None
        #: the goal (``challenge.py``) and when it was first met: ``{epoch, time, config,
        #: figures}`` (kept once met, whatever the run does next)
        self.challenge = challenge
        self.challenge_met: dict[str, Any] | None = None
        #: whether the network's rules hold: (for this spec, with own points?, they hold)
        self._rules: tuple[SessionSpec, bool, bool] | None = None
        self.status: Status = "idle"
        self.message: str | None = None
        self.version = 1
        self.created = self.updated = time.time()
        self.history = {name: array("d") for name in SERIES}
        self.history_start = 0  # the epoch before the first recorded one
        self.plateau = Plateau()  # epochs since the training loss last improved
        #: where a diverged run blew up (``divergence_at``), ``None`` otherwise
        self.divergence: dict[str, Any] | None = None
        self.seed_hint: tuple[SessionSpec, int | None] | None = None  # (``advice.live_seed``)
        self.timeline = Timeline()  # frames of this run, to rebuild any epoch
        self._grid_inputs: dict[tuple[Any, ...], np.ndarray] = {}
        self._build()
        self.keep_frame("log")

    # ----- building ------------------------------------------------------------------------
    def _build(self) -> None:
        data = self._dataset()  # first: invalid points must leave the session as it was
        self.net = Network(config=self.spec.network_config())
        self.data = data
        feats = self.spec.features
        self.X_train = feature_matrix(feats, self.data.X_train)
        self.X_test = feature_matrix(feats, self.data.X_test)
        self.Y_train, self.Y_test = self.data.Y_train, self.data.Y_test

    def _dataset(self) -> Dataset:
        if self.points is None:
            return generate(self.spec.dataset)
        info = dataset_info(self.spec.dataset.name)
        data = from_points(self.points.get("train", []), self.points.get("test", []),
                           info.problem, info.n_classes, max_points=10**9, name=info.name,
                           n_outputs=info.n_outputs)
        if not _inside(data, info.domain):  # imported points elsewhere: drawn where they are
            return data
        return dataclasses.replace(data, domain=info.domain)

    def _touch(self) -> None:
        self.version += 1
        self.updated = time.time()

    @property
    def epoch(self) -> int:
        return self.net.epoch

    @property
    def classification(self) -> bool:
        return self.data.problem == "classification"

    # ----- training ------------------------------------------------------------------------
    def train(self, epochs: int) -> EpochBatch:
        """Train ``epochs`` epochs, append to the history; on NaN/inf stop as ``diverged``.
        The timeline's frames are kept on the way (the chunk is cut at their epochs)."""
        first = self.net.epoch + 1
        batches = []
        left = epochs
        while left > 0 and self.status != "diverged":
            k = min(left, self.timeline.next_due(self.net.epoch) - self.net.epoch)
            batches.append(self._train(k))
            left -= k
            self.keep_frame(finite=True)  # (training raises before a parameter is not)
        self._touch()
        batch = batches[0] if len(batches) == 1 else EpochBatch(
            first, *([v for b in batches for v in getattr(b, name)] for name in SERIES))
        self._check_challenge(batch)
        return batch

    # ----- the challenge -------------------------------------------------------------------
    def _network_conditions(self) -> list[dict[str, Any]]:
        assert self.challenge is not None
        return self.challenge.network_conditions(
            self.spec.hidden_layers, self.spec.features, asdict_dataset(self.spec),
            self.points is not None)

    def _check_challenge(self, batch: EpochBatch) -> None:
        """Record the first epoch of ``batch`` at which the challenge is met, if it is."""
        c = self.challenge
        if c is None or self.challenge_met is not None or not batch.train_loss:
            return
        own = self.points is not None
        if self._rules is None or self._rules[0] is not self.spec or self._rules[1] != own:
            self._rules = (self.spec, own, all(x["ok"] for x in self._network_conditions()))
        if not self._rules[2]:  # (a change of the network or the data replaces the spec)
            return
        at = c.first_met(batch.first, vars(batch))
        if at is None:
            return
        i = at - batch.first
        figures = {k: getattr(batch, k)[i] for k in SERIES}
        spec = self.spec.to_dict()
        config = {k: spec[k] for k in ("hidden_layers", "features", "hidden_activation",
                                       "learning_rate", "optimizer", "batch_size",
                                       "regularization", "reg_rate", "seed")}
        self.challenge_met = {"epoch": at, "time": time.time(), "config": config,
                              "figures": figures}

    def challenge_status(self) -> dict[str, Any] | None:
        """Met or not, and why: each condition with the current value (``None``: none)."""
        c = self.challenge
        if c is None:
            return None
        conditions = c.figure_conditions(self.last()) + self._network_conditions()
        return {"classroom": self.classroom, "nickname": self.nickname,
                "goal": c.goal(), "text": c.text, "challenge": c.to_dict(),
                "met": self.challenge_met is not None, "met_at": self.challenge_met,
                "epoch": self.epoch, "holds_now": all(x["ok"] for x in conditions),
                "conditions": conditions}

    def _train(self, epochs: int) -> EpochBatch:
        first = self.net.epoch + 1
        try:
            h = train(self.net, self.X_train, self.Y_train, epochs, X_test=self.X_test,
                      Y_test=self.Y_test, track_accuracy=self.classification)
            done = epochs
        except DivergenceError as exc:
            h = exc.history  # type: ignore[attr-defined]
            done = exc.completed
            self.status = "diverged"
            self.message = exc.message
            self.divergence = self.divergence_at(exc.epoch)
        return self._record(first, h, done)

    def set_parameters(self, weights: Any, biases: Any) -> None:
        """Start this run from these weights and biases instead of the seed's."""
        self.net.weights, self.net.biases = weights, biases
        self.timeline.clear()
        self.keep_frame("log")

    def keep_frame(self, kind: str | None = None, finite: bool = False) -> None:
        """Keep a timeline frame of the network as it is now if one is due (or ``kind``);
        ``finite``: its parameters are known to be finite."""
        if self.status == "diverged" or not (finite or self.net.is_finite()):
            return
        now = time.monotonic()
        kind = kind or self.timeline.due(self.epoch, now)
        if kind is not None:
            loss = self.history["train_loss"][-1] if len(self.history["train_loss"]) else None
            model = pack(self.net, with_config=kind == "change" or self.epoch == self.history_start)
            self.timeline.keep(self.epoch, kind, loss, model, now)

    def at(self, epoch: int) -> Session:
        """A read-only view of the session at a past ``epoch`` of this run (its network
        rebuilt from the nearest kept frame, trained on exactly as the run was)."""
        if not self.history_start <= epoch <= self.epoch:
            raise RefusedError(f"epoch must be in {self.history_start}..{self.epoch} (this "
                               f"run's epochs); got {epoch}", "epoch")
        if epoch == self.epoch:
            return self
        view = copy.copy(self)
        net = self._rebuilt(epoch)
        view.net = net
        view.status = "paused"
        return view

    def divergence_at(self, epoch: int) -> dict[str, Any]:
        """Where a run whose loss stopped being finite at ``epoch`` blew up: the network is
        rebuilt (from the timeline, deterministically) before its last finite update, whose
        size per layer is measured, then trained once more, and the first layer whose weights,
        biases, ``z`` or ``a`` are not finite is named."""
        ratios: list[float] | None = None
        net = self.net
        with contextlib.suppress(RefusedError):  # too far from a frame: name it from now
            if epoch - 2 >= self.history_start:
                net = self._rebuilt(epoch - 2)
                g = net.gradients(self.X_train, self.Y_train)
                ratios = [x.update_ratio for x in layer_diagnostics(net, g)]
                with contextlib.suppress(DivergenceError):  # it blows up here: where?
                    train(net, self.X_train, self.Y_train, 1)
            elif epoch - 1 >= self.history_start:
                net = self._rebuilt(epoch - 1)
        blowup = first_non_finite(net, self.X_train)
        layer, where = (len(net.W), "a") if blowup is None else (blowup.layer, blowup.where)
        return {"epoch": epoch, "layer": layer, "where": where,
                "last_update_ratio": None if ratios is None else max(ratios),
                "last_update_ratios": ratios, "learning_rate": net.config.learning_rate}

    def _rebuilt(self, epoch: int) -> Network:
        """A new network as this run's was at ``epoch`` (from the frame at or before it)."""
        frame = self.timeline.base(epoch)
        net = self.timeline.network(frame)
        if epoch > frame.epoch:
            train(net, self.X_train, self.Y_train, epoch - frame.epoch)
        return net

    def _record(self, first: int, h: History, n: int) -> EpochBatch:
        cols = (h.loss[:n], h.test_loss[:n], h.accuracy[:n], h.test_accuracy[:n])
        self.plateau.feed(cols[0])
        for name, values in zip(SERIES, cols, strict=True):
            self.history[name].extend(values.tolist())
        return EpochBatch(first, *(_clean(c.tolist()) for c in cols))

    def history_since(self, since: int) -> EpochBatch:
        """Epochs after ``since`` (0 = all) as one batch; an imported model's history starts
        at the epoch it was imported with (``history_start``)."""
        since = max(self.history_start, min(since, self.epoch))
        i = since - self.history_start
        return EpochBatch(since + 1, *(_clean(self.history[s][i:]) for s in SERIES))

    def reset(self) -> None:
        """Back to epoch 0 with the seed's initial weights; the data is kept."""
        self.net = Network(config=self.spec.network_config())
        self.history = {name: array("d") for name in SERIES}
        self.history_start = 0
        self.plateau = Plateau()
        self.divergence = None
        self.status = "idle"
        self.message = None
        self.timeline.clear()
        self.keep_frame("log")
        self._touch()

    def update(self, changes: dict[str, Any]) -> bool:
        """Apply spec changes; returns True if they needed a reset (architecture, data...)."""
        spec = self.spec.with_changes(changes)
        if set(changes) <= LIVE:
            self.net.update(**{k: getattr(spec, k) for k in changes if k in LIVE_FIELDS})
            self.spec = spec
            if set(changes) & LIVE_FIELDS:  # replays from before it must not cross it
                self.keep_frame("change")
            if self.status == "diverged" and self.net.is_finite():
                # the loss blew up but the weights did not: a gentler setting may recover
                self.status, self.message = "paused", None
            self._touch()
            return False
        if "dataset" in changes or "features" in changes:
            self.points = None if "dataset" in changes else self.points
        self.spec = spec
        self._build()
        self.reset()
        return True

    def set_points(self, points: dict[str, list[dict[str, Any]]],
                   dataset: str | None = None) -> None:
        """Replace the data by user-supplied points (validated) and reset. ``dataset`` (a
        built-in dataset's name) first takes that dataset's problem, classes and drawing area,
        in the same step: if the points do not fit it, nothing changes."""
        old = self.points, self.spec
        if dataset is not None and dataset != self.spec.dataset.name:
            self.spec = self.spec.with_changes({"dataset": {"name": dataset}})
        self.points = points
        try:
            self._build()
        except Exception:
            self.points, self.spec = old
            raise
        self.reset()

    # ----- reading -------------------------------------------------------------------------
    def features(self, inputs: Any) -> np.ndarray:
        X = np.asarray(inputs, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ConfigError("inputs must be a list of [x1, x2] pairs", "inputs")
        if not np.all(np.isfinite(X)):
            raise ConfigError("inputs contain NaN or infinity", "inputs")
        return feature_matrix(self.spec.features, X.T)

    def _refuse_non_finite(self, what: str) -> NoReturn:
        """Refuse to hand out ``what`` (numbers meant to be used) as it is NaN or infinite."""
        why = ""
        if self.status == "diverged":
            at = self.divergence["epoch"] if self.divergence else self.epoch + 1
            why = f": training diverged at epoch {at:,}; reset, and lower the learning rate"
        raise RefusedError(f"{what} not finite (NaN or infinite){why}")

    def predict(self, inputs: Any) -> dict[str, Any]:
        """The outputs (and classes) at ``inputs``; refused if they are not finite."""
        X = self.features(inputs)
        if not self.net.is_finite():
            self._refuse_non_finite("the network's weights are")
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.net.forward(X)
        if not np.isfinite(out).all():
            self._refuse_non_finite("the network's outputs at these inputs are")
        result: dict[str, Any] = {"outputs": out.T.tolist()}
        if self.classification:
            result["classes"] = predictions(out).tolist()
        return result

    def grids(self, resolution: int, neurons: bool = False, dtype: Any = None) -> dict[str, Any]:
        """The output over a ``res x res`` grid of the domain (and every neuron's, if asked),
        computed in ``dtype`` (default: the network's)."""
        key = (resolution, self.data.domain, self.spec.features)
        if key not in self._grid_inputs:  # the grid changes only with the data or features
            pts = grid_points(self.data.domain, resolution)
            self._grid_inputs[key] = feature_matrix(self.spec.features, pts)
        fp = self.net.forward_pass(self._grid_inputs[key], dtype=dtype)
        out = fp.a[-1]
        grid: dict[str, Any] = {"resolution": resolution, "domain": list(self.data.domain),
                                "output": out.reshape(out.shape[0], resolution, resolution)}
        if neurons:
            grid["neurons"] = [a.reshape(a.shape[0], resolution, resolution) for a in fp.a[1:]]
        return grid

    def last(self) -> dict[str, float | None]:
        """Each series' latest value (``None`` where none or not tracked)."""
        last = {s: (self.history[s][-1] if len(self.history[s]) else None) for s in SERIES}
        return {k: (None if v is None or math.isnan(v) else v) for k, v in last.items()}

    def summary(self) -> dict[str, Any]:
        last = self.last()
        return {
            "id": self.id, "status": self.status, "message": self.message, "epoch": self.epoch,
            "version": self.version, "spec": self.spec.to_dict(), "layers": list(self.net.layers),
            "network": self.net.config.to_dict(), "problem": self.data.problem,
            "n_classes": self.data.n_classes, "custom_data": self.points is not None,
            "parent": self.parent, "created": self.created, "updated": self.updated,
            "last": {**last, **self.fit(last["train_loss"], last["test_loss"])},
            "diagnostics": advice.report(self), "nickname": self.nickname,
            "challenge": self.challenge_status(),
        }

    def fit(self, train_loss: float | None, test_loss: float | None) -> dict[str, float | None]:
        """Regression with the MSE loss: RMSE and R² (``1 - MSE / variance of the targets``)
        of the train and test sets, from their losses; nothing for other problems."""
        if self.data.problem != "regression" or self.net.config.loss != "mse":
            return {}
        out: dict[str, float | None] = {}
        for prefix, loss, Y in (("", train_loss, self.Y_train), ("test_", test_loss, self.Y_test)):
            ok = loss is not None and math.isfinite(loss) and Y.size > 0
            variance = float(np.var(Y)) if Y.size else 0.0
            out[prefix + "rmse"] = math.sqrt(loss) if ok and loss is not None else None
            out[prefix + "r2"] = 1 - loss / variance if ok and loss is not None and variance > 0 \
                else None
        return out

    def model(self) -> dict[str, Any]:
        """The model to export (``load_model`` takes it back); refused if its weights are not
        finite (a diverged run's: no model could load them)."""
        if not self.net.is_finite():
            self._refuse_non_finite("the network's weights are")
        return {"spec": self.spec.to_dict(), **self.net.to_dict()}

    def load_model(self, data: dict[str, Any]) -> None:
        """Import a model (from :meth:`model`): the spec may change architecture; history resets."""
        spec = SessionSpec.from_dict(data["spec"]) if isinstance(data.get("spec"), dict) else None
        net = Network.from_dict(data)
        want = (spec or self.spec).network_config()
        if net.config.layers != want.layers:
            raise ConfigError(f"the model's layers {list(net.config.layers)} do not fit this "
                              f"session's features and data {list(want.layers)}", "config.layers")
        if spec is not None and spec != self.spec:
            self.spec = spec
            self._build()
        self.history = {name: array("d") for name in SERIES}
        self.history_start = net.epoch
        self.plateau = Plateau()
        self.divergence = None
        self.net = net
        self.timeline.clear()
        self.keep_frame("change")
        self.status, self.message = "idle", None
        self._touch()

    # ----- persistence ---------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        return {
            "id": self.id, "token_hash": self.token_hash, "spec": self.spec.to_dict(),
            "points": self.points, "parent": self.parent, "status": self.status,
            "message": self.message, "version": self.version, "created": self.created,
            "updated": self.updated, "model": self.net.to_dict(),
            "history": {k: base64.b64encode(v.tobytes()).decode() for k, v in self.history.items()},
            "history_start": self.history_start, "divergence": self.divergence,
            "timeline": self.timeline.to_state(), "classroom": self.classroom,
            "nickname": self.nickname,
            "challenge": None if self.challenge is None else self.challenge.to_dict(),
            "challenge_met": self.challenge_met,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Session:
        s = cls(state["id"], state["token_hash"], SessionSpec.from_dict(state["spec"]),
                points=state.get("points"), parent=state.get("parent"),
                challenge=Challenge.from_dict(state["challenge"])
                if state.get("challenge") else None)
        s.classroom, s.nickname = state.get("classroom"), state.get("nickname")
        s.challenge_met = state.get("challenge_met")
        s.net = _load_network(state["model"], state["status"] == "diverged")
        for k, v in state["history"].items():
            s.history[k] = array("d", base64.b64decode(v))
        s.history_start = int(state.get("history_start", 0))
        s.plateau.feed(s.history["train_loss"])
        s.divergence = state.get("divergence")
        s.timeline.load_state(state.get("timeline"))
        if not s.timeline.frames:  # a state from before timelines: from here on
            s.keep_frame("change")
        s.status = "paused" if state["status"] == "running" else state["status"]
        s.message, s.version = state.get("message"), state["version"]
        s.created, s.updated = state["created"], state["updated"]
        return s

    def fork(self, id: str, token_hash: str, classroom: str | None = None,
             nickname: str | None = None) -> Session:
        """A copy owned by someone else: same spec, data, weights, history and challenge (not
        met yet: the fork's own numbers must meet it), in ``classroom`` under ``nickname``."""
        state = self.to_state()
        status = self.status
        if status == "running":
            status = "paused" if self.epoch else "idle"
        state.update(id=id, token_hash=token_hash, parent=self.id, status=status, version=1,
                     created=time.time(), classroom=classroom, nickname=nickname,
                     challenge_met=None)
        return Session.from_state(state)
