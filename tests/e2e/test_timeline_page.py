"""Rewinding and diagnosing on the real page, in headless Chromium against a real server.

The timeline scrubber under the loss chart shows a past epoch (the output's pixels and the
epoch said change, live frames do not overwrite it, the chart marks it) and goes back to
live; Replay plays the run from its first epoch; a watcher rewinding the teacher's run
sends nothing that changes it. The diagnostics: the issue's dead-ReLU network (ReLU, [4, 2],
seed 0, circle) marked dead with its advice, whose button changes the seed, and the watch page's
advice without a button; a divergent run (learning rate 10, linear) says the epoch and the layer
in a toast near the chart, and the output says it shows the last finite state.
Screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

try:
    from .browser_helpers import (
        browser,
        context,
        eventually,
        nnp_server,
        open_playground,
        page,
        save_screenshot,
        until,
        watch_problems,
    )
except ImportError:
    from browser_helpers import (  # type: ignore[no-redef]  # noqa: F401
        browser,
        context,
        eventually,
        nnp_server,
        open_playground,
        page,
        save_screenshot,
        until,
        watch_problems,
    )

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

EPOCH = "Number(document.querySelector('#epoch').textContent.replace(/,/g, ''))"
HEAT_PIXELS = """() => {
  const c = document.querySelector('#heatmap canvas.heatmap-grid');
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(',');
}"""
HEAT_CHANGED = f"(before) => ({HEAT_PIXELS})() !== before"
SCRUB_TEXT = "document.querySelector('.scrub-text').textContent"
# columns of the loss chart holding the rewound epoch's mark (its colour, rgb(124, 58, 237))
MARK_COLUMNS = """() => {
  const c = document.querySelector('#loss canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const cols = new Set();
  for (let i = 0; i < d.length; i += 4) {
    const near = (k, v) => Math.abs(d[i + k] - v) < 12;
    if (near(0, 124) && near(1, 58) && near(2, 237)) {
      cols.add(((i / 4) % c.width) / devicePixelRatio);
    }
  }
  return [...cols];
}"""
# every text the scrubber's state line shows, from now on
RECORD_SCRUB = """() => {
  window.scrubSeen = [];
  const el = document.querySelector('.scrub-text');
  new MutationObserver(() => window.scrubSeen.push(el.textContent))
    .observe(el, {childList: true, characterData: true, subtree: true});
}"""


# from now on, each text of the scrubber's state line with whether the output grid was painted
RECORD_SCRUB_AND_HEAT = f"""() => {{
  window.heatSeen = [];
  const el = document.querySelector('.scrub-text');
  const painted = () => ({HEAT_PIXELS})().split(',').some((v, i) => i % 4 === 3 && v !== '0');
  new MutationObserver(() => window.heatSeen.push([el.textContent, painted()]))
    .observe(el, {{childList: true, characterData: true, subtree: true}});
}}"""


def api(base: str, method: str, path: str, **kw: Any) -> Any:
    r = httpx.request(method, f"{base}/api{path}", timeout=30, **kw)
    r.raise_for_status()
    return r.json() if r.content else None


def summary(base: str, sid: str) -> dict[str, Any]:
    return dict(api(base, "GET", f"/sessions/{sid}"))


def viewing(page: Any, epoch: int) -> None:
    """Wait until the scrubber says the page shows ``epoch`` of the run."""
    until(page, f"{SCRUB_TEXT} === 'Viewing epoch {epoch:,}'")


def shown_epoch(page: Any) -> int:
    m = re.fullmatch(r"Viewing epoch ([\d,]+)", page.text_content(".scrub-text") or "")
    assert m, page.text_content(".scrub-text")
    return int(m.group(1).replace(",", ""))


def drawn(page: Any) -> None:
    """Return once the page has drawn two more animation frames."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def train_then_watch(page: Any, base: str, at_least: int,
                     hash_: str = "#dataset=circle&pace=300") -> str:
    sid = open_playground(page, base, hash_)
    page.click("#play")
    until(page, f"{EPOCH} >= {at_least}")
    return sid


def test_scrubbing_shows_a_past_epoch_and_back_to_live_resumes(nnp_server: str, page: Any) -> None:
    sid = train_then_watch(page, nnp_server, 600)
    assert page.text_content(".scrub-text") == "Live"
    assert page.evaluate(MARK_COLUMNS) == []
    live_pixels = page.evaluate(HEAT_PIXELS)

    page.focus(".scrub-range")
    page.keyboard.press("Home")  # the first epoch: the initial weights
    viewing(page, 0)
    until(page, HEAT_CHANGED, arg=live_pixels)
    assert page.text_content("#heatmap .output-note") == "Epoch 0 · rewound"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    viewing(page, 3)
    # the backward pass (open by default) follows: it is computed at that epoch
    until(page, "(document.querySelector('.bp-head') || {}).textContent?.includes('Epoch 3 ·')")
    drawn(page)
    past_pixels = page.evaluate(HEAT_PIXELS)
    assert past_pixels != live_pixels
    assert page.evaluate(MARK_COLUMNS), "the chart marks the rewound epoch"
    assert page.text_content("#lossReadout").startswith("Epoch 3 ·")
    # live frames keep coming (the counter goes on) but do not overwrite the past view
    epoch = page.evaluate(EPOCH)
    until(page, f"{EPOCH} >= {epoch + 200}")
    drawn(page)
    assert page.evaluate(HEAT_PIXELS) == past_pixels
    assert shown_epoch(page) == 3
    assert summary(nnp_server, sid)["status"] == "running"

    # a pointer on the track: the epoch under it, as the chart's axis places it
    box = page.locator(".scrub-range").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    until(page, f"/^Viewing epoch [\\d,]+$/.test({SCRUB_TEXT})"
                f" && {SCRUB_TEXT} !== 'Viewing epoch 3'")
    dragged = shown_epoch(page)
    assert 3 < dragged < page.evaluate(EPOCH)
    marks = page.evaluate(MARK_COLUMNS)
    thumb = page.evaluate("""() => {
      const r = document.querySelector('.scrub-range');
      const c = document.querySelector('#loss canvas').getBoundingClientRect();
      const box = r.getBoundingClientRect();
      return box.left - c.left + 8 + (box.width - 16) * r.value / r.max;
    }""")
    assert min(abs(x - thumb) for x in marks) < 4, "the thumb sits under the chart's mark"
    save_screenshot(page, "timeline-scrubbed.png")

    page.click(".scrub-live")
    until(page, f"{SCRUB_TEXT} === 'Live'")
    assert page.is_hidden("#heatmap .output-note")
    assert page.evaluate(MARK_COLUMNS) == []
    back = page.evaluate(HEAT_PIXELS)
    epoch = page.evaluate(EPOCH)
    until(page, f"{EPOCH} >= {epoch + 100}")
    until(page, HEAT_CHANGED, arg=back)  # live frames draw again
    page.problems.assert_clean()


def test_replay_plays_the_run_from_its_first_epoch(nnp_server: str, page: Any) -> None:
    sid = train_then_watch(page, nnp_server, 400)
    page.click("#play")
    until(page, "document.querySelector('#status').textContent === 'paused'")
    last = eventually(lambda: (s := summary(nnp_server, sid))["status"] == "paused" and s["epoch"],
                      what="paused")
    until(page, f"{EPOCH} === {last}")
    page.evaluate(RECORD_SCRUB)
    page.select_option(".scrub-speed", "4 s")
    page.click(".scrub-replay")
    until(page, "document.querySelector('.scrub-replay').textContent === 'Stop'")
    # a replay ends back at live (it is still 'Live' while the replay asks for the timeline)
    until(page, "document.querySelector('.scrub-replay').textContent === 'Replay'"
                f" && {SCRUB_TEXT} === 'Live'")
    seen = page.evaluate("window.scrubSeen")
    epochs = [int(m.group(1).replace(",", "")) for t in seen
              if (m := re.fullmatch(r"Viewing epoch ([\d,]+) · replaying", t))]
    assert epochs and epochs[0] == 0, seen
    assert epochs == sorted(epochs), f"a replay never goes backwards: {epochs}"
    assert len(set(epochs)) >= 5, f"it passes through epochs: {epochs}"
    assert epochs[-1] == last
    assert page.text_content(".scrub-replay") == "Replay"

    page.click(".scrub-replay")  # and Stop leaves it where it is
    until(page, f"{SCRUB_TEXT}.startsWith('Viewing epoch') && {SCRUB_TEXT}.endsWith('replaying')")
    page.click(".scrub-replay")
    until(page, f"/^Viewing epoch [\\d,]+$/.test({SCRUB_TEXT})")
    assert page.text_content(".scrub-replay") == "Replay"
    assert shown_epoch(page) < last
    page.problems.assert_clean()


def test_a_watcher_rewinding_does_not_touch_the_teachers_session(nnp_server: str, page: Any,
                                                                 browser: Any) -> None:
    sid = train_then_watch(page, nnp_server, 300)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # no teacher's token
    watch = ctx.new_page()
    problems = watch_problems(watch)
    sent: list[str] = []
    changes: list[str] = []
    watch.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(str(f))))
    watch.on("request", lambda r: r.method != "GET" and changes.append(f"{r.method} {r.url}"))
    try:
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, "!document.querySelector('.scrub-range').disabled")
        teacher_pixels = page.evaluate(HEAT_PIXELS)
        watch.focus(".scrub-range")
        watch.keyboard.press("Home")
        viewing(watch, 0)
        watch.select_option(".scrub-speed", "4 s")
        watch.click(".scrub-replay")
        until(watch, f"{SCRUB_TEXT}.endsWith('replaying')")
        before = summary(nnp_server, sid)
        assert before["status"] == "running"
        # the teacher's run goes on, live on the teacher's page
        eventually(lambda: summary(nnp_server, sid)["epoch"] >= before["epoch"] + 150,
                   what="the teacher's run going on")
        until(page, HEAT_CHANGED, arg=teacher_pixels)
        assert page.text_content(".scrub-text") == "Live"
        assert summary(nnp_server, sid)["status"] == "running"
        watch.click(".scrub-replay")  # stop
        until(watch, f"/^Viewing epoch [\\d,]+$/.test({SCRUB_TEXT})")
        watch.click(".scrub-live")
        until(watch, f"{SCRUB_TEXT} === 'Live'")
        assert all(json.loads(f)["type"] == "ping" for f in sent), sent  # no command, no auth
        assert changes == []
        assert summary(nnp_server, sid)["status"] == "running"
        save_screenshot(watch, "timeline-watch.png")
        problems.assert_clean()
    finally:
        ctx.close()
    page.problems.assert_clean()


def test_dead_relu_layer_is_marked_and_its_advice_changes_the_seed(nnp_server: str, page: Any,
                                                                   browser: Any) -> None:
    sid = open_playground(page, nnp_server, "#dataset=circle&act=relu&layers=4,2&seed=0")
    s = summary(nnp_server, sid)
    spec = s["spec"]
    assert (spec["hidden_activation"], spec["hidden_layers"], spec["seed"]) == ("relu", [4, 2], 0)
    layer2 = s["diagnostics"]["layers"][1]
    assert layer2["dead"] == [0, 1]
    finding = s["diagnostics"]["findings"][0]
    until(page, "document.querySelectorAll('.network .neuron-mark.dead').length === 2")
    marks = page.evaluate("""() => [...document.querySelectorAll('.network .neuron-mark')]
      .map((m) => [m.textContent, m.className])""")
    assert marks == [["dead", "neuron-mark dead"]] * 2
    # the dead ones are layer 2's two neurons (after layer 1's four, in the diagram's order)
    dead = page.evaluate("""() => [...document.querySelectorAll('.network .node.neuron')]
      .map((n) => n.classList.contains('dead'))""")
    assert dead == [False] * 4 + [True, True] + [False]
    until(page, "!document.querySelector('#advice').hidden")
    assert page.text_content("#advice .advice-text") == finding["message"]
    assert finding["message"].startswith("Layer 2: both neurons are dead")
    button = page.locator("#advice .advice-action")
    assert button.text_content() == finding["action"]["label"]
    new_seed = finding["action"]["commands"][0]["changes"]["seed"]

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    watch = ctx.new_page()
    problems = watch_problems(watch)
    try:  # the watch page: the sentence, without the button
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, "!document.querySelector('#advice').hidden")
        assert watch.text_content("#advice .advice-text") == finding["message"]
        assert watch.is_hidden("#advice .advice-action")
        assert watch.locator(".network .neuron-mark.dead").count() == 2
        problems.assert_clean()
    finally:
        ctx.close()

    save_screenshot(page, "diagnostics-dead.png")
    button.click()
    eventually(lambda: summary(nnp_server, sid)["spec"]["seed"] == new_seed, what="the new seed")
    until(page, f"new URLSearchParams(location.hash.slice(1)).get('seed') === '{new_seed}'")
    until(page, "document.querySelectorAll('.network .neuron-mark').length === 0")
    assert summary(nnp_server, sid)["diagnostics"]["layers"][1]["dead"] == []
    page.problems.assert_clean()


def test_a_divergent_run_says_when_and_where_near_the_chart(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server, "#dataset=circle&act=linear&out=linear&lr=10&pace=20")
    page.click("#play")
    until(page, "!document.querySelector('#divergence').hidden")
    s = summary(nnp_server, sid)
    assert s["status"] == "diverged"
    d = s["diagnostics"]["divergence"]
    title = page.text_content("#divergence .toast-title")
    assert title == f"Training diverged at epoch {d['epoch']:,} (layer {d['layer']})"
    text = page.text_content("#divergence .toast-text")
    assert f"layer {d['layer']}'s z became infinite or NaN" in text
    assert "lower the learning rate" in text
    toast = page.locator("#divergence").bounding_box()
    chart = page.locator("#loss").bounding_box()
    scrubber = page.locator("#scrubber").bounding_box()  # right under the chart, then the toast
    assert 0 <= toast["y"] - (scrubber["y"] + scrubber["height"]) < 16, (toast, scrubber)
    assert 0 <= toast["y"] - (chart["y"] + chart["height"]) < 100, (toast, chart)
    assert abs(toast["x"] - chart["x"]) < 20
    # the output says it is the last finite state, not the present
    until(page, "document.querySelector('#heatmap').classList.contains('stale')")
    note = page.text_content("#heatmap .output-note")
    m = re.fullmatch(rf"Diverged at epoch {d['epoch']:,} — boundary from epoch ([\d,]+), "
                     "before the blow-up", note or "")
    assert m, note
    shown = int(m.group(1).replace(",", ""))  # the epoch of the boundary drawn: a finite one
    assert shown < d["epoch"]
    past = api(nnp_server, "GET", f"/sessions/{sid}/snapshot", params={"epoch": shown})
    assert all(v is not None for W in past["weights"] for row in W for v in row)
    assert past["finite"] is True and past["diverged_at"] == d["epoch"]
    save_screenshot(page, "diagnostics-diverged.png")
    # a replay ends on the blown-up epoch itself: nothing finite to draw there, nor drawn
    blown = api(nnp_server, "GET", f"/sessions/{sid}/snapshot", params={"epoch": s["epoch"]})
    assert (blown["finite"], blown["boundary"]) == (False, None)
    page.evaluate(RECORD_SCRUB_AND_HEAT)
    page.select_option(".scrub-speed", "4 s")
    page.click(".scrub-replay")
    until(page, "document.querySelector('.scrub-replay').textContent === 'Stop'")
    until(page, "document.querySelector('.scrub-replay').textContent === 'Replay'"
                f" && {SCRUB_TEXT} === 'Live'")  # a replay ends back at live
    seen = page.evaluate("window.heatSeen")
    at_end = [painted for text, painted in seen
              if text == f"Viewing epoch {s['epoch']:,} · replaying"]
    assert at_end and not any(at_end), seen
    assert any(painted for text, painted in seen if text == "Viewing epoch 0 · replaying"), seen
    until(page, "document.querySelector('#heatmap .output-note').textContent"
                f".includes('boundary from epoch {shown:,}')")
    action = next(f for f in s["diagnostics"]["findings"] if f["kind"] == "diverged")["action"]
    assert page.text_content("#divergence .toast-action") == action["label"]
    page.click("#divergence .toast-action")
    eventually(lambda: (x := summary(nnp_server, sid))["status"] == "idle"
               and x["spec"]["learning_rate"] == action["commands"][1]["changes"]["learning_rate"],
               what="reset with the smaller learning rate")
    until(page, "document.querySelector('#divergence').hidden")
    until(page, "document.querySelector('#heatmap .output-note').hidden")
    page.problems.assert_clean()
