"""A training worker: the sessions one process owns, the commands it serves, and the loop that
trains the running ones in chunks.

The API process never trains. It sends commands ``(request_id, op, session_id, payload)`` on
this worker's command queue; the worker puts on its event queue

* ``("reply", request_id, ok, result)``: the answer, or the domain error as
  ``SessionError.to_dict()`` (``sessions/errors.py``), never an HTTP status;
* ``("event", session_id, kind, text, first, last, cache)``: what watchers get, ``text`` the
  JSON message serialised once for all of them (``""`` if no watcher wants it;
  ``first..last``: the epochs of an epoch message), ``cache`` what display clients get
  instead, when one watches (``frames.py``: the live ``epochs`` message, the snapshot frame);
* ``("notice", session_id, kind, data)``: news for the pool itself, never for watchers (a
  cluster's worker reports running state and lost sessions this way).

What one turn of the loop says (the replies to the commands it handled, then a chunk's
events) goes as one list on the event queue. Between two chunks it handles every pending
command, so ``pause`` waits at most one chunk
(``chunk_seconds``, 20 ms by default); which session trains next and for how long is the
scheduler's (``scheduler.py``). A run started by Play keeps its spec's pace and stops by
itself at its ``stop_at`` condition (``pace.py``); ``step`` and ``train`` ignore both.
Snapshots (``payloads.py``) and the diagnostics sent with each are computed only for watched
sessions, at most at their snapshot rate (every chunk of a paced run below it), however many
watchers they have, and only in the forms they are watched in (``op_watch`` counts the
display clients): with display clients only, the diagnostics only when they are news. Sessions are
checkpointed to the store on pause, on changes, every ``checkpoint_seconds`` while running and
on shutdown. The epochs of a watched session go out at most ``epoch_messages_per_second`` times
a second (those of several chunks in one message, always before any other event of the
session), with ``t``, the wall-clock time the last of them was computed. ``clock`` (monotonic,
any origin) times everything else.

What it leaves out: the process around it (``process.py``), access control and limits (the
API checks them before sending).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from ..config import Settings
from ..datasets import DatasetError
from ..engine import EngineError
from ..sessions import jsonsafe
from ..sessions.challenge import Challenge
from ..sessions.errors import (
    InternalError,
    LimitedError,
    NotFoundError,
    RefusedError,
    SessionError,
    invalid,
)
from ..sessions.session import Session
from ..sessions.spec import SessionSpec
from ..sessions.store import Store
from . import frames, pace, payloads
from .owned import Owned
from .scheduler import Scheduler

log = logging.getLogger("nnplayground.worker")
DEFER = object()  # an operation's result when its answer comes later (``step`` with ``wait``)


class Worker:
    """The sessions one process owns and the loop that trains them."""

    def __init__(self, settings: Settings, commands: Any, events: Any, store: Store,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.commands = commands
        self.events = events
        self.pending: list[tuple[Any, ...]] = []  # what this turn says, sent by ``flush``
        self.store = store
        self.owned: dict[str, Owned] = {}
        self.scheduler = Scheduler(settings)
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
        self.flush()
        ready = self.scheduler.ready(self.clock())
        if not ready or self.stopping:
            return None
        o = self.scheduler.next(ready)
        self.train_chunk(o)
        self.flush()
        return o.id

    def flush(self) -> None:
        """What was said since the last flush, as one item on the event queue: one pickling
        and one wake-up of the API's reader for the replies and events of a turn."""
        if self.pending:
            batch, self.pending = self.pending, []
            self.events.put(batch)

    def idle_seconds(self) -> float:
        return self.scheduler.idle_seconds(self.clock())

    def drain(self, block: bool, timeout: float = 0.0) -> None:
        """Handle every command waiting (waiting up to ``timeout`` for one if ``block``)."""
        if not block and self.commands.empty():  # the common case, without the queue's lock
            return
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

    # ----- messages out --------------------------------------------------------------------
    def reply(self, req: int, ok: bool, result: Any) -> None:
        if req:
            self.pending.append(("reply", req, ok, result))

    def fail(self, req: int, error: SessionError) -> None:
        self.reply(req, False, error.to_dict())

    def notify(self, sid: str, kind: str, data: dict[str, Any]) -> None:
        """News for the pool, not for watchers."""
        self.pending.append(("notice", sid, kind, data))

    def wants(self, o: Owned) -> tuple[bool, bool]:
        """Whether ``o``'s watchers want the full stream (so does a call with none counted),
        and the display one (the cluster's worker, which learns only how many watch, says
        both)."""
        return o.watchers == 0 or o.watchers > o.display_watchers, o.display_watchers > 0

    def publish(self, o: Owned, kind: str, message: dict[str, Any] | None, first: int = 0,
                last: int = 0, cache: dict[str, Any] | None = None) -> None:
        """An event to ``o``'s watchers: ``message`` as JSON (``""``: none wants it), with what
        display clients get instead, made here (``cache``: ``api/display.py``'s keys)."""
        if kind != "epoch":  # the epochs trained so far go first
            self.publish_epochs(o)
        text = "" if message is None else jsonsafe.dumps(message)
        self.pending.append(("event", o.id, kind, text, first, last, cache or {}))

    def publish_epochs(self, o: Owned) -> None:
        """The epochs trained since the last epoch message, as one message, if watched (and
        its display form, if a display client watches)."""
        s = o.session
        sent = s.epoch if o.sent is None else min(o.sent, s.epoch)  # (min: after a reset)
        if s.epoch > sent and o.watchers:
            batch = s.history_since(sent)
            last = s.last()
            fit = s.fit(last["train_loss"], last["test_loss"])  # regression: R², RMSE
            event, t = batch.to_event(), time.time()
            shown = {"epochs": frames.live_epochs(batch.first, event, s.epoch, t, fit)} \
                if self.wants(o)[1] else None
            self.publish(o, "epoch", {**event, "t": t, **({"fit": fit} if fit else {})},
                         batch.first, s.epoch, shown)
            o.sent_at = self.clock()
        o.sent = s.epoch

    def publish_status(self, o: Owned, **extra: Any) -> None:
        self.publish(o, "status", payloads.status(o.session, **extra))
        if o.watchers:
            self.publish_snapshot(o, news=True)
        self.post_row(o, force=True)

    def post_row(self, o: Owned, force: bool = False) -> None:
        """A fork's dashboard row to the pool (``payloads.row``), when it changed: at once if
        ``force``, else at most twice per ``forks_seconds``."""
        s = o.session
        if s.classroom is None or s.version == o.row_version:
            return
        now = self.clock()
        if not force and now - o.row_at < self.settings.forks_seconds / 2:
            return
        o.row_at, o.row_version = now, s.version
        self.notify(s.id, "row", {"classroom": s.classroom,
                                  "row": jsonsafe.clean(payloads.row(
                                      s, self.settings.thumbnail_resolution))})

    def publish_snapshot(self, o: Owned, news: bool = False) -> None:
        """A snapshot with finite numbers only (``payloads.live_snapshot``: after a divergence
        the latest finite epoch's, kept until the session changes; none if there is none), as
        JSON for full clients and as a frame for display clients, and the diagnostics that go
        with it, marked as ``news`` (for display clients) when ``news`` is asked for, a finding
        changed, or ``diagnostics_news_seconds`` have passed. With display clients only, the
        diagnostics are computed only when they are news for them: when asked for, or once
        every ``diagnostics_news_seconds``."""
        t0 = self.clock()
        s = o.session
        full, shown = self.wants(o)
        if s.status == "diverged":
            if o.stand_in is None or o.stand_in[0] != s.version:
                o.stand_in = (s.version, payloads.live_snapshot(s, self.settings))
            snap = o.stand_in[1]
        else:
            o.stand_in = None
            snap = payloads.live_snapshot(s, self.settings)
        if snap is not None:
            self.publish(o, "snapshot", snap.to_dict() if full else None,
                         cache={"frame": snap.frame()} if shown else None)
        due = t0 - o.news_at >= self.settings.diagnostics_news_seconds
        if full or news or due:
            diag = payloads.diagnostics(o.session)
            key = payloads.diagnostics_key(diag)
            diag["news"] = news or key != o.news_key or due
            if diag["news"]:
                o.news_key, o.news_at = key, t0
            self.publish(o, "diagnostics", diag)
        now = self.clock()
        self.scheduler.drew(now - t0, o)
        o.last_snapshot = now

    # ----- commands ------------------------------------------------------------------------
    def handle(self, req: int, op: str, sid: str, payload: dict[str, Any]) -> None:
        """Run ``op_<op>`` and reply with its result or its error, in the domain's words."""
        fn: Callable[[str, dict[str, Any], int], Any] | None = getattr(self, "op_" + op, None)
        try:
            if fn is None:
                raise RefusedError(f"unknown operation {op!r}")
            result = fn(sid, payload or {}, req)
        except SessionError as exc:
            self.fail(req, exc)
        except (EngineError, DatasetError) as exc:
            self.fail(req, invalid(exc))
        except Exception as exc:  # a bug: keep serving everyone else
            log.exception("worker failed on %s", op)
            self.fail(req, InternalError(f"{type(exc).__name__} while handling {op}"))
        else:
            if result is not DEFER:
                self.reply(req, True, result)

    # ----- sessions ------------------------------------------------------------------------
    def get(self, sid: str) -> Owned:
        """The session ``sid``, loaded from the store if this worker does not hold it yet."""
        o = self.owned.get(sid)
        if o is None:
            state = self.store.load(sid)
            if state is None:
                raise NotFoundError()
            o = self.own(Session.from_state(state))
        return o

    def own(self, s: Session, client: str | None = None) -> Owned:
        old = self.owned.get(s.id)
        if old is not None:
            self.scheduler.stop(old)
        st = self.settings
        s.timeline.configure(st.timeline_frames, st.timeline_seconds, st.timeline_max_replay)
        o = self.owned[s.id] = Owned(s, client=client or "")
        return o

    def claim(self, o: Owned, p: dict[str, Any]) -> None:
        """The client a ``start`` or ``step`` trains for (its CPU share), if the API named it;
        only while ``o`` is not running (its share is settled when it starts). A client
        already running ``max_running_per_client`` sessions on this worker is refused."""
        if p.get("client") and o not in self.scheduler:
            o.client = str(p["client"])
        if o.client and o not in self.scheduler:
            st = self.settings
            limit = st.max_class_sessions if o.client.startswith("class:") \
                else st.max_running_per_client
            if sum(r.client == o.client for r in self.scheduler.running) >= limit:
                raise LimitedError(f"this client runs {limit} sessions at once here, its limit "
                                   "(max_running_per_client); pause one first")

    def forget(self, sid: str, error: SessionError | None = None) -> Owned | None:
        """Drop ``sid`` from memory without saving; calls waiting on it fail with ``error``
        (or get its summary when there is none)."""
        o = self.owned.pop(sid, None)
        if o is not None:
            self.scheduler.stop(o)
            self.finish_target(o, error)
        return o

    def checkpoint(self, o: Owned) -> None:
        self.store.save(o.session.to_state())
        o.last_checkpoint = self.clock()

    def checkpoint_all(self) -> None:
        for o in list(self.owned.values()):
            try:
                self.checkpoint(o)
            except Exception:  # keep saving the others
                log.exception("checkpoint of %s failed", o.id)

    def set_running(self, o: Owned, running: bool) -> None:
        if running:
            self.scheduler.start(o)
        else:
            self.scheduler.stop(o)
            o.play = None

    def finish_target(self, o: Owned, error: SessionError | None = None) -> None:
        """The step target no longer applies: answer the calls that waited for it."""
        o.target = None
        waiting, o.waiting = o.waiting, []
        for req in waiting:
            if error is None:
                self.reply(req, True, o.session.summary())
            else:
                self.fail(req, error)

    def halt(self, o: Owned, status: str) -> None:
        """Stop training ``o`` (paused or diverged), checkpoint, announce it, then answer the
        calls that waited (after the status: whoever they answer sees no stale event)."""
        s = o.session
        if status != "diverged" and s.status != "diverged":  # pausing keeps "diverged"
            s.status = "paused" if s.epoch > 0 else "idle"
        self.set_running(o, False)
        self.checkpoint(o)
        self.publish_status(o)
        self.finish_target(o)

    def train_chunk(self, o: Owned) -> None:
        s, st = o.session, self.settings
        k = self.scheduler.chunk_epochs(o)
        play = o.play if o.target is None else None
        if o.target is not None:
            k = min(k, o.target - s.epoch)
        if play is not None and play.pacer is not None:
            k = min(k, play.pacer.allowed(self.clock()))
        stop_epoch = None if play is None or play.stop is None else play.stop.epoch
        if stop_epoch is not None and stop_epoch > s.epoch:
            k = min(k, stop_epoch - s.epoch)
        k = min(k, st.max_history - s.epoch)
        if k <= 0:
            if o.target is None:
                s.message = f"reached the history limit of {st.max_history} epochs"
            self.halt(o, "paused")
            return
        if o.sent is None:
            o.sent = s.epoch
        t0 = time.perf_counter()
        unmet = s.challenge is not None and s.challenge_met is None
        batch = s.train(k)
        self.scheduler.trained(o, k, time.perf_counter() - t0)
        now = self.clock()
        if play is not None and play.pacer is not None:
            play.pacer.spend(k, now)
        if now - o.sent_at >= 1 / st.epoch_messages_per_second:
            self.publish_epochs(o)
        if unmet and s.challenge_met is not None:  # met in this chunk: say so at once
            self.publish(o, "challenge", payloads.challenge(s))
            self.post_row(o, force=True)
        else:
            self.post_row(o)
        stopped = None if play is None or play.stop is None else play.stop.first_reached(
            batch.first, vars(batch))
        if s.status == "diverged":
            self.halt(o, "diverged")
        elif o.target is not None and s.epoch >= o.target:
            self.halt(o, "paused")
        elif stopped is not None:
            s.message = payloads.stop_message(s, *stopped)
            self.halt(o, "paused")
        else:
            slow = play is not None and play.pacer is not None \
                and play.pacer.pace / play.pacer.grain <= st.snapshot_fps  # every chunk drawn
            interval = self.scheduler.snapshot_interval(o)
            last = o.last_snapshot
            if (slow or now - last >= interval) and o.watchers:
                self.publish_snapshot(o)
                if now - last < 2 * interval:  # on time: the next is due one interval after
                    o.last_snapshot = last + interval  # this one was, not after now
            if o.last_checkpoint is None:
                o.last_checkpoint = now
            elif now - o.last_checkpoint >= st.checkpoint_seconds:
                self.checkpoint(o)

    # ----- operations (op_<name>(sid, payload, req)) ---------------------------------------
    def op_create(self, sid: str, p: dict[str, Any], req: int) -> Any:
        spec = SessionSpec.from_dict(p["spec"])
        challenge = None if p.get("challenge") is None else \
            Challenge.from_dict(p["challenge"]).on(dataclasses.asdict(spec.dataset))
        s = Session(sid, p["token_hash"], spec, points=p.get("points"), challenge=challenge)
        if p.get("weights") is not None:
            s.set_parameters(p["weights"], p["biases"])
        self.checkpoint(self.own(s, p.get("client")))
        return s.summary()

    def op_create_from_state(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = Session.from_state(p["state"])
        o = self.own(s, p.get("client"))
        self.checkpoint(o)
        self.post_row(o, force=True)
        return s.summary()

    def op_fork_state(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).session.fork(p["id"], p["token_hash"], p.get("classroom"),
                                          p.get("nickname")).to_state()

    def op_summary(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).session.summary()

    def op_delete(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        self.set_running(o, False)
        self.forget(sid)
        self.store.delete(sid)
        self.publish(o, "status", payloads.deleted(o.session))
        return {"deleted": sid}

    def op_delete_idle(self, sid: str, p: dict[str, Any], req: int) -> Any:
        """Delete an idle session to make room; refused if it runs or someone watches it."""
        o = self.owned.get(sid)
        if o is not None and (o in self.scheduler or o.watchers or o.target is not None):
            raise RefusedError("the session is running or watched")
        return self.op_delete(sid, p, req)

    def _trainable(self, o: Owned) -> None:
        if o.session.status == "diverged":
            raise RefusedError("the session diverged (its weights are no longer finite): reset "
                               "it, and lower the learning rate before training again")

    def op_start(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        self._trainable(o)
        self.claim(o, p)
        self.finish_target(o)  # a waiting step ends here: its target no longer applies
        o.session.status, o.session.message = "running", None
        self.set_running(o, True)
        o.play = pace.play(o.session, o.play, self.clock(),
                            self.settings.epoch_messages_per_second)
        self.publish_status(o)
        return o.session.summary()

    def op_pause(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        self.halt(o, "paused")
        return o.session.summary()

    def op_step(self, sid: str, p: dict[str, Any], req: int) -> Any:
        """Train ``epochs`` more epochs then pause; ``wait`` answers only when they are done."""
        o = self.get(sid)
        s = o.session
        self._trainable(o)
        self.claim(o, p)
        epochs = int(p.get("epochs", 1))
        if s.status == "running" and o.target is not None:  # steps add up
            o.target = max(o.target, s.epoch) + epochs
        else:
            o.target = s.epoch + epochs
        if p.get("wait"):
            o.waiting.append(req)
        s.status = "running"
        self.set_running(o, True)
        self.publish_status(o)
        return DEFER if p.get("wait") else s.summary()

    def restart(self, sid: str, change: Callable[[Session], None]) -> Session:
        """Stop ``sid``, apply a change that starts its run again, save and announce it."""
        o = self.get(sid)
        self.set_running(o, False)
        self.finish_target(o)
        change(o.session)
        self.checkpoint(o)
        self.publish_status(o, reset=True)
        return o.session

    def op_reset(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.restart(sid, Session.reset).summary()

    def op_update(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        s = o.session
        was_running = s.status == "running"
        reset = s.update(p["changes"])
        if reset:
            self.set_running(o, False)
            self.finish_target(o)
        elif was_running:
            s.status = "running"
            if o.play is not None:  # a new pace or stop condition, from now on
                o.play = pace.play(s, o.play, self.clock(),
                                    self.settings.epoch_messages_per_second)
        self.checkpoint(o)
        self.publish_status(o, reset=reset)
        return {**s.summary(), "reset": reset}

    def op_dataset(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return payloads.dataset(self.get(sid).session)

    def op_set_points(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return payloads.dataset(self.restart(
            sid, lambda s: s.set_points(p["points"], p.get("dataset"))))

    def op_model(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).session.model()

    def op_load_model(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.restart(sid, lambda s: s.load_model(p["model"])).summary()

    def op_predict(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).session.predict(p["inputs"])

    def op_boundary(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return payloads.boundary(self.get(sid).session, int(p["resolution"]),
                                 bool(p.get("neurons")))

    def op_history(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return payloads.history(self.get(sid).session, int(p.get("since", 0)))

    def op_watch(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        self.publish_epochs(o)  # to those watching already: the new one starts after them
        delta = int(p.get("delta", 1))
        o.watchers = max(0, o.watchers + delta)
        if p.get("detail") == "display":
            o.display_watchers = max(0, o.display_watchers + delta)
        o.display_watchers = min(o.display_watchers, o.watchers)
        if p.get("since") is not None:  # the history a new watcher missed, in order with events
            return {**payloads.history(o.session, int(p["since"])),
                    "summary": o.session.summary()}
        return {"watchers": o.watchers}

    def op_snapshot(self, sid: str, p: dict[str, Any], req: int) -> Any:
        self.publish_snapshot(self.get(sid), news=True)  # for a new watcher
        return {}

    def op_backprop(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid).session
        if p.get("epoch") is not None:
            s = s.at(int(p["epoch"]))
        return payloads.backprop(s, p, self.settings)

    def op_row(self, sid: str, p: dict[str, Any], req: int) -> Any:
        """The session's dashboard row (also sent to the pool, for the next reads)."""
        o = self.get(sid)
        o.row_version = -1
        self.post_row(o, force=True)
        return jsonsafe.clean(payloads.row(o.session, self.settings.thumbnail_resolution))

    def op_challenge(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return self.get(sid).session.challenge_status()

    def op_timeline(self, sid: str, p: dict[str, Any], req: int) -> Any:
        return payloads.timeline(self.get(sid).session)

    def op_snapshot_at(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.get(sid).session
        return payloads.snapshot(s.at(int(p["epoch"])), self.settings, run=s)
