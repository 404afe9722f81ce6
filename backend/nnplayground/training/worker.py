"""A training worker process: owns sessions, trains the running ones in round-robin chunks.

The API process never trains. It sends commands ``(request_id, op, session_id, payload)`` on
this worker's command queue; the worker answers on the shared event queue with
``("reply", request_id, ok, result)`` and publishes ``("event", session_id, kind, text, first,
last)`` where ``text`` is the JSON message already serialised once for every watcher. Between
two chunks it handles every pending command, so ``pause`` waits at most one chunk
(``chunk_seconds``, 20 ms by default). The running session that has trained least goes next,
so sessions share the CPU fairly in time; chunks are sized from each session's measured epoch
time, and a watched session's are shorter when it needs to be trained (and drawn) more often
to keep its snapshot rate. Snapshots (weights, the boundary grid and every
neuron's grid) are computed at most ``snapshot_fps`` times a second per watched session,
however many watchers it has, and less often when many sessions are watched, so drawing never
takes more than ``snapshot_share`` of the worker's time; the most watched sessions keep the
full rate longest. Sessions are checkpointed to the
store on pause, on changes, every ``checkpoint_seconds`` while running and on shutdown. The
epochs of a watched session go out at most ``epoch_messages_per_second`` times a second (those
of several chunks in one message, always before any other event of the session), with ``t``,
the wall-clock time the last of them was computed. A worker whose parent (the API
process) disappears, e.g. killed with -9, checkpoints and exits instead of training on.

What it leaves out: access control and limits (the API checks them before sending).
"""

from __future__ import annotations

import base64
import logging
import math
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from queue import Empty
from typing import Any

import numpy as np

from ..config import Settings
from ..datasets import DatasetError, from_points
from ..engine import EngineError, Network, gradient_check
from ..sessions import jsonsafe
from ..sessions.session import Session, grid_points
from ..sessions.spec import SessionSpec
from ..sessions.store import Store, StoreUnavailableError, open_store
from .pace import Pacer, Play

log = logging.getLogger("nnplayground.worker")
DEFER = object()
MIN_CHUNK_SECONDS = 0.002
PACED_SNAPSHOT_SHARE = 0.8  # of a worker's time, for drawing when nothing runs at full speed
IDLE_SECONDS = 0.25  # the longest wait for a command (then the parent process is checked)


class NotFoundError(Exception):
    """No session with that id (in memory or in the store)."""


class RefusedError(Exception):
    """A request that conflicts with the session's state (e.g. training a diverged run)."""


def run_worker(index: int, settings: dict[str, Any], commands: Any, events: Any) -> None:
    """Process entry point: serve commands until a ``None`` command, SIGTERM or the death of
    the parent (the API process)."""
    serve(Worker(Settings(**settings), commands, events))


def serve(worker: Worker) -> None:
    """Run ``worker``'s loop in this process, then checkpoint everything it holds."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the API, which stops us
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.parent = os.getppid()
    try:
        worker.loop()
    finally:
        if worker.orphaned:  # nobody reads the event queue any more: do not wait to flush it
            worker.events.cancel_join_thread()
        worker.checkpoint_all()
        worker.store.close()
        leave_if_orphaned(worker.parent)


def leave_if_orphaned(parent: int) -> None:
    """While this process exits, its event queue flushes what is left to the parent; if the
    parent dies meanwhile (killed after a slow shutdown), nobody reads it any more and the
    flush would block forever: a watcher thread then ends the process at once."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)  # polling the parent: there is no event for its death
        os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def quantize(grid: np.ndarray) -> dict[str, Any]:
    """A float grid as base64 bytes 0..255 with its range (a tenth of the JSON floats' size)."""
    lo, hi = float(np.min(grid)), float(np.max(grid))
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    q = np.rint((grid - lo) * scale).astype(np.uint8)
    return {"shape": list(grid.shape), "min": lo, "max": hi,
            "data": base64.b64encode(q.tobytes()).decode()}


def stop_message(s: Session, at: int, why: str) -> str:
    """What a run that met its stop condition says: which one, when, and where it got."""
    figures = [f"{k.replace('_', ' ')} {v:.1%}" if k.endswith("accuracy") else
               f"{k.replace('_', ' ')} {v:.4g}"
               for k, v in s.summary()["last"].items() if v is not None]
    reached = "" if at == s.epoch else f", reached at epoch {at:,}"
    return f"stopped at epoch {s.epoch:,} (stop_at: {why}{reached}): {', '.join(figures)}"


class Worker:
    """The sessions one process owns and the loop that trains them."""

    def __init__(self, settings: Settings, commands: Any, events: Any,
                 store: Store | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock  # any origin: every "last time" below starts at -inf
        self.commands = commands
        self.events = events
        self.store = store or open_store(settings.store, settings.data_dir)
        self.sessions: dict[str, Session] = {}
        self.running: deque[str] = deque()
        self.used: dict[str, float] = {}  # seconds trained since the session last started
        self.watchers: dict[str, int] = {}
        self.targets: dict[str, tuple[int, list[int]]] = {}
        self.epoch_time: dict[str, float] = {}
        self.last_snapshot: dict[str, float] = {}
        self.published: dict[str, tuple[int, float]] = {}  # sid -> (last epoch sent, when)
        self.snapshot_cost = 0.002  # seconds per snapshot, measured (moving average)
        self.last_checkpoint: dict[str, float] = {}
        self.plays: dict[str, Play] = {}  # sessions running by Play: their pace and stop
        self.stopping = False
        self.parent: int | None = None  # the API process: exit when it is gone (kill -9)
        self.orphaned = False

    def stop(self) -> None:
        self.stopping = True

    # ----- the loop ------------------------------------------------------------------------
    def loop(self) -> None:
        while not self.stopping:
            if self.parent is not None and os.getppid() != self.parent:
                log.warning("the server process is gone; checkpointing and exiting")
                self.orphaned = self.stopping = True
                return
            self.turn(wait=self.idle_seconds())

    def turn(self, wait: float = 0.0) -> str | None:
        """One turn of the loop: the commands (waiting up to ``wait`` seconds for one if no
        session may train now), then a chunk of the next session that may; which one."""
        self.drain(block=wait > 0, timeout=wait)
        ready = self.ready(self.clock())
        if not ready or self.stopping:
            return None
        sid = self.next_session(ready)
        self.train_chunk(sid)
        return sid

    def ready(self, now: float) -> list[str]:
        """The running sessions that may train now: all but paced ones with no epoch due."""
        return [sid for sid in self.running
                if (pacer := self.pacer(sid)) is None or pacer.allowed(now) >= 1]

    def idle_seconds(self) -> float:
        """How long the loop may wait for a command: until a paced epoch is due, or a while
        if nothing runs; not at all if a session may train now."""
        now = self.clock()
        if self.ready(now):
            return 0.0
        waits = [p.wait(now) for sid in self.running if (p := self.pacer(sid)) is not None]
        return min([IDLE_SECONDS, *waits])

    def pacer(self, sid: str) -> Pacer | None:
        """The pace of ``sid`` if it runs by Play (``step``/``train`` run at full speed)."""
        play = self.plays.get(sid)
        return play.pacer if play is not None and sid not in self.targets else None

    def drain(self, block: bool, timeout: float = 0.0) -> None:
        try:
            msg = self.commands.get(timeout=timeout) if block else self.commands.get_nowait()
        except Empty:
            return
        while True:
            if msg is None:
                self.stopping = True
                return
            self.handle(*msg)
            try:
                msg = self.commands.get_nowait()
            except Empty:
                return

    def reply(self, req: int, ok: bool, result: Any) -> None:
        if req:
            self.events.put(("reply", req, ok, result))

    def handle(self, req: int, op: str, sid: str, payload: dict[str, Any]) -> None:
        fn: Callable[[str, dict[str, Any], int], Any] | None = getattr(self, "op_" + op, None)
        try:
            if fn is None:
                raise RefusedError(f"unknown operation {op!r}")
            result = fn(sid, payload or {}, req)
        except NotFoundError:
            self.reply(req, False, {"status": 404, "code": "not_found",
                                    "message": "no session with this id"})
        except StoreUnavailableError as exc:
            self.reply(req, False, {"status": 503, "code": "unavailable", "message": str(exc)})
        except RefusedError as exc:
            self.reply(req, False, {"status": 409, "code": "conflict", "message": str(exc)})
        except (EngineError, DatasetError) as exc:
            self.reply(req, False, {"status": 422, "code": "invalid_" + (
                "dataset" if isinstance(exc, DatasetError) else "config"),
                "message": exc.message, "field": exc.field})
        except Exception as exc:  # a bug: keep serving everyone else
            log.exception("worker failed on %s", op)
            self.reply(req, False, {"status": 500, "code": "internal",
                                    "message": f"{type(exc).__name__} while handling {op}"})
        else:
            if result is not DEFER:
                self.reply(req, True, result)

    # ----- sessions ------------------------------------------------------------------------
    def get(self, sid: str) -> Session:
        s = self.sessions.get(sid)
        if s is None:
            state = self.store.load(sid)
            if state is None:
                raise NotFoundError(sid)
            s = self.sessions[sid] = Session.from_state(state)
        return s

    def checkpoint(self, s: Session) -> None:
        self.store.save(s.to_state())
        self.last_checkpoint[s.id] = self.clock()

    def checkpoint_all(self) -> None:
        for s in self.sessions.values():
            try:
                self.checkpoint(s)
            except Exception:  # keep saving the others
                log.exception("checkpoint of %s failed", s.id)

    def publish(self, s: Session, kind: str, message: dict[str, Any],
                first: int = 0, last: int = 0) -> None:
        if kind != "epoch":  # the epochs trained so far go first
            self.publish_epochs(s)
        self.events.put(("event", s.id, kind, jsonsafe.dumps(message), first, last))

    def publish_epochs(self, s: Session) -> None:
        """The epochs trained since the last epoch message, as one message, if watched."""
        sent, when = self.published.get(s.id, (s.epoch, -math.inf))
        sent = min(sent, s.epoch)  # (after a reset)
        if s.epoch > sent and self.watchers.get(s.id):
            batch = s.history_since(sent)
            self.publish(s, "epoch", {**batch.to_event(), "t": time.time()}, batch.first,
                         s.epoch)
            when = self.clock()
        self.published[s.id] = (s.epoch, when)

    def publish_status(self, s: Session, **extra: Any) -> None:
        self.publish(s, "status", {"type": "status", "status": s.status, "epoch": s.epoch,
                                   "version": s.version, "message": s.message, **extra})
        if self.watchers.get(s.id):
            self.publish_snapshot(s)

    def publish_snapshot(self, s: Session) -> None:
        if not s.net.is_finite():  # a diverged network has nothing to draw
            return
        st = self.settings
        t0 = self.clock()
        grids = s.grids(st.snapshot_resolution)
        neurons = s.grids(st.neuron_resolution, neurons=True)["neurons"]
        self.publish(s, "snapshot", {
            "type": "snapshot", "epoch": s.epoch, "version": s.version,
            "weights": [w.tolist() for w in s.net.weights],
            "biases": [b.tolist() for b in s.net.biases],
            "domain": grids["domain"], "boundary": quantize(grids["output"]),
            "neurons": [quantize(n) for n in neurons],
        })
        now = self.clock()
        self.snapshot_cost = 0.8 * self.snapshot_cost + 0.2 * (now - t0)
        self.last_snapshot[s.id] = now

    def next_session(self, ready: list[str] | None = None) -> str:
        """The running session (of ``ready``) that has trained least: each gets the same time."""
        return min(ready or self.running, key=lambda sid: self.used.get(sid, 0.0))

    def chunk_budget(self, sid: str) -> float:
        """Seconds of training in a chunk of ``sid``: ``chunk_seconds``, or shorter for a
        watched session, so that it trains (and is drawn after training) as often as its
        snapshot rate asks: with equal time for all, a session of ``n`` running gets
        ``1/n`` of the worker, in chunks of ``1/(n * rate)``. Not under ``MIN_CHUNK_SECONDS``
        (a chunk has a fixed cost), and only the watched sessions pay it."""
        st = self.settings
        if not self.watchers.get(sid):
            return st.chunk_seconds
        share = 1 / max(1, len(self.running))
        return min(st.chunk_seconds, max(MIN_CHUNK_SECONDS, share * self.snapshot_interval(sid)))

    def snapshot_interval(self, sid: str) -> float:
        """Seconds between two snapshots of ``sid``. Drawing may take ``snapshot_share`` of the
        worker's time; that budget is shared by the watched running sessions in proportion to
        their watchers, none above ``snapshot_fps`` (water-filling): a classroom's session with
        200 watchers is drawn at the full rate before one-watcher sessions share the rest.
        When every running session is paced, training leaves most of the time free, and
        drawing may take up to ``PACED_SNAPSHOT_SHARE`` of it."""
        st = self.settings
        share = st.snapshot_share
        if all(self.pacer(r) is not None for r in self.running):
            share = max(share, PACED_SNAPSHOT_SHARE)
        budget = share / self.snapshot_cost  # snapshots a second, all sessions
        weights = sorted((n for r in self.running if (n := self.watchers.get(r, 0))),
                         reverse=True)
        mine, left = self.watchers.get(sid, 0), float(sum(weights))
        for w in weights:  # the most watched first: they are the ones the cap holds back
            rate = min(st.snapshot_fps, budget * w / left)
            if w == mine:  # (equally watched sessions get equal rates)
                return 1 / rate
            budget, left = budget - rate, left - w
        return 1 / st.snapshot_fps

    def set_running(self, s: Session, running: bool) -> None:
        if running and s.id not in self.running:  # level with the others: no catching up
            self.used[s.id] = min((self.used.get(r, 0.0) for r in self.running), default=0.0)
            self.running.append(s.id)
        elif not running and s.id in self.running:
            self.running.remove(s.id)
        if not running:
            self.plays.pop(s.id, None)

    def play(self, s: Session) -> None:
        """Run ``s`` by Play from now: at its pace, until its stop condition (which counts only
        if it does not hold already: Play after a stop goes on)."""
        now, old = self.clock(), self.plays.get(s.id)
        pacer = None
        if s.spec.pace is not None:
            pacer = old.pacer if old is not None and old.pacer is not None else None
            if pacer is None:
                pacer = Pacer(s.spec.pace, now)
            else:
                pacer.retime(s.spec.pace, now)
        stop = s.spec.stop_at
        last = s.summary()["last"]
        if stop is not None and stop.first_reached(s.epoch, {k: [v] for k, v in last.items()}):
            stop = None
        self.plays[s.id] = Play(pacer, stop)

    def finish_targets(self, s: Session) -> None:
        _, reqs = self.targets.pop(s.id, (0, []))
        for req in reqs:
            self.reply(req, True, s.summary())

    def halt(self, s: Session, status: str) -> None:
        """Stop training ``s`` (paused or diverged), answer waiting calls, checkpoint."""
        if status != "diverged" and s.status != "diverged":  # pausing keeps "diverged"
            s.status = "paused" if s.epoch > 0 else "idle"
        self.set_running(s, False)
        self.finish_targets(s)
        self.checkpoint(s)
        self.publish_status(s)

    def train_chunk(self, sid: str) -> None:
        s = self.sessions[sid]
        st = self.settings
        per_epoch = self.epoch_time.get(sid, 1e-4)
        k = max(1, min(100_000, int(self.chunk_budget(sid) / per_epoch)))
        target = self.targets.get(sid)
        play = self.plays.get(sid) if target is None else None
        if target is not None:
            k = min(k, target[0] - s.epoch)
        if play is not None and play.pacer is not None:
            k = min(k, play.pacer.allowed(self.clock()))
        stop_epoch = None if play is None or play.stop is None else play.stop.epoch
        if stop_epoch is not None and stop_epoch > s.epoch:
            k = min(k, stop_epoch - s.epoch)
        k = min(k, st.max_history - s.epoch)
        if k <= 0:
            if target is None:
                s.message = f"reached the history limit of {st.max_history} epochs"
            self.halt(s, "paused")
            return
        self.published.setdefault(sid, (s.epoch, -math.inf))
        t0 = time.perf_counter()
        batch = s.train(k)
        elapsed = time.perf_counter() - t0
        self.epoch_time[sid] = 0.7 * per_epoch + 0.3 * elapsed / k if sid in self.epoch_time \
            else elapsed / k
        self.used[sid] = self.used.get(sid, 0.0) + elapsed
        now = self.clock()
        if play is not None and play.pacer is not None:
            play.pacer.spend(k, now)
        if now - self.published[sid][1] >= 1 / st.epoch_messages_per_second:
            self.publish_epochs(s)
        stopped = None if play is None or play.stop is None else play.stop.first_reached(
            batch.first, vars(batch))
        if s.status == "diverged":
            self.halt(s, "diverged")
        elif target is not None and s.epoch >= target[0]:
            self.halt(s, "paused")
        elif stopped is not None:
            s.message = stop_message(s, *stopped)
            self.halt(s, "paused")
        else:
            slow = play is not None and play.pacer is not None \
                and play.pacer.pace <= st.snapshot_fps  # every epoch is drawn
            interval = self.snapshot_interval(sid)
            last = self.last_snapshot.get(sid, -math.inf)
            if (slow or now - last >= interval) and self.watchers.get(sid):
                self.publish_snapshot(s)
                if now - last < 2 * interval:  # on time: the next is due one interval after
                    self.last_snapshot[sid] = last + interval  # this one was, not after now
            if now - self.last_checkpoint.get(sid, now) >= st.checkpoint_seconds:
                self.checkpoint(s)
            self.last_checkpoint.setdefault(sid, now)

    # ----- operations (op_<name>(sid, payload, req)) ---------------------------------------
    def op_create(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = Session(sid, p["token_hash"], SessionSpec.from_dict(p["spec"]), points=p.get("points"))
        if p.get("weights") is not None:
            s.net.weights, s.net.biases = p["weights"], p["biases"]
        self.sessions[sid] = s
        self.checkpoint(s)
        return s.summary()

    def op_create_from_state(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = Session.from_state(p["state"])
        self.sessions[sid] = s
        self.checkpoint(s)
        return s.summary()

    def op_fork_state(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).fork(p["id"], p["token_hash"]).to_state()

    def op_summary(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).summary()

    def op_delete(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        self.set_running(s, False)
        self.finish_targets(s)
        self.sessions.pop(sid, None)
        self.store.delete(sid)
        self.publish(s, "status", {"type": "status", "status": "deleted", "epoch": s.epoch,
                                   "version": s.version + 1, "message": "session deleted"})
        return {"deleted": sid}

    def _trainable(self, s: Session) -> None:
        if s.status == "diverged":
            raise RefusedError("the session diverged (its weights are no longer finite): reset "
                               "it, and lower the learning rate before training again")

    def op_start(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        self._trainable(s)
        self.finish_targets(s)  # a waiting step ends here: its target no longer applies
        s.status, s.message = "running", None
        self.set_running(s, True)
        self.play(s)
        self.publish_status(s)
        return s.summary()

    def op_pause(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        self.halt(s, "paused")
        return s.summary()

    def op_step(self, sid: str, p: dict[str, Any], req: int) -> Any:
        """Train ``epochs`` more epochs then pause; ``wait`` answers only when they are done."""
        s = self.get(sid)
        self._trainable(s)
        epochs = int(p.get("epochs", 1))
        end, reqs = self.targets.get(sid, (s.epoch, []))
        end = max(end, s.epoch) + epochs if s.status == "running" and sid in self.targets \
            else s.epoch + epochs
        if p.get("wait"):
            reqs.append(req)
        self.targets[sid] = (end, reqs)
        s.status = "running"
        self.set_running(s, True)
        self.publish_status(s)
        return DEFER if p.get("wait") else s.summary()

    def restart(self, sid: str, change: Callable[[Session], None]) -> Session:
        """Stop ``sid``, apply a change that starts its run again, save and announce it."""
        s = self.get(sid)
        self.set_running(s, False)
        self.finish_targets(s)
        change(s)
        self.checkpoint(s)
        self.publish_status(s, reset=True)
        return s

    def op_reset(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.restart(sid, Session.reset).summary()

    def op_update(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        was_running = s.status == "running"
        reset = s.update(p["changes"])
        if reset:
            self.set_running(s, False)
            self.finish_targets(s)
        elif was_running:
            s.status = "running"
            if s.id in self.plays:  # a new pace or stop condition, from now on
                self.play(s)
        self.checkpoint(s)
        self.publish_status(s, reset=reset)
        return {**s.summary(), "reset": reset}

    def op_dataset(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        return {"name": s.data.name, "problem": s.data.problem, "n_classes": s.data.n_classes,
                "domain": list(s.data.domain), "custom": s.points is not None,
                **s.data.to_points()}

    def op_set_points(self, sid: str, p: dict[str, Any], req: int) -> Any:
        self.restart(sid, lambda s: s.set_points(p["points"]))
        return self.op_dataset(sid, p, req)

    def op_model(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).model()

    def op_load_model(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.restart(sid, lambda s: s.load_model(p["model"])).summary()

    def op_predict(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).predict(p["inputs"])

    def op_boundary(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        g = s.grids(int(p["resolution"]), neurons=bool(p.get("neurons")))
        out = {"epoch": s.epoch, "resolution": g["resolution"], "domain": g["domain"],
               "output": g["output"].tolist()}
        if "neurons" in g:
            out["neurons"] = [n.tolist() for n in g["neurons"]]
        return out

    def op_history(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        batch = s.history_since(int(p.get("since", 0)))
        return {"epoch": s.epoch, "status": s.status, "version": s.version, **batch.to_event()}

    def op_watch(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        self.publish_epochs(s)  # to those watching already: the new one starts after them
        n = self.watchers.get(sid, 0) + int(p.get("delta", 1))
        self.watchers[sid] = max(0, n)
        if p.get("since") is not None:  # the history a new watcher missed, in order with events
            batch = s.history_since(int(p["since"]))
            return {"epoch": s.epoch, "status": s.status, "version": s.version,
                    "summary": s.summary(), **batch.to_event()}
        return {"watchers": self.watchers[sid]}

    def op_snapshot(self, sid: str, p: dict[str, Any], req: int) -> Any:
        self.publish_snapshot(self.get(sid))
        return {}

    def op_backprop(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid)
        net = s.net
        if p.get("points") is not None:
            data = from_points(p["points"], [], s.data.problem, s.data.n_classes,
                               max_points=self.settings.max_points,
                               n_outputs=s.net.layers[-1])
            X, Y = s.features(data.X_train.T), data.Y_train
        else:
            X, Y = s.X_train, s.Y_train
            if p.get("index") is not None:
                i = int(p["index"])
                if not 0 <= i < X.shape[1]:
                    raise EngineError(f"index must be in 0..{X.shape[1] - 1}", "index")
                X, Y = X[:, i : i + 1], Y[:, i : i + 1]
        g = net.gradients(X, Y)
        lr = net.config.learning_rate
        W, b = net.weights, net.biases
        layers = [
            {"l": l + 1, "W": W[l].tolist(), "b": b[l].tolist(), "z": g.z[l].tolist(),
             "a": g.a[l + 1].tolist(), "delta": g.delta[l].tolist(), "dW": g.dW[l].tolist(),
             "db": g.db[l].tolist(), "W_next": (W[l] - lr * g.dW[l]).tolist(),
             "b_next": (b[l] - lr * g.db[l]).tolist(),
             "activation": net.activations[l].name}
            for l in range(len(W))
        ]
        out: dict[str, Any] = {
            "epoch": s.epoch, "m": int(X.shape[1]), "x": X.tolist(), "y": Y.tolist(),
            "loss": g.loss, "cost": g.cost, "learning_rate": lr, "loss_name": net.config.loss,
            "layers": layers,
        }
        if p.get("check"):
            if net.n_parameters > self.settings.max_gradcheck_parameters:
                raise EngineError(
                    f"gradient check is limited to {self.settings.max_gradcheck_parameters} "
                    f"parameters; this network has {net.n_parameters}", "check")
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
        return out


__all__ = ["NotFoundError", "RefusedError", "Worker", "grid_points", "quantize", "run_worker"]
