"""Accessibility of the real page in headless Chromium against a real server (WCAG 2.2 AA).

* axe-core (vendored for the tests only, tests/e2e/vendor/) finds no serious or critical
  violation on the main page, the watch page, and with each panel open: the backward pass,
  the share dialog, the weight editor, the value tables; on a lesson's challenge line, the
  timeline scrubber (live, rewound, replaying), the watch page's fork dialog, the advice box,
  the divergence toast, projector mode on both pages and the class dashboard (empty, with a
  fork); and on a network too big for hit paths (1,104 links), whose links stay out of any
  aria-hidden group;
* keyboard only: Tab reaches Play, Enter starts and pauses, the arrow keys reach a link of the
  network diagram, Enter + typing + Enter changes its weight on the server, Escape closes the
  editor and gives the focus back, and the backward pass opens and computes;
* the progress is announced in the live region; the value tables hold the model's numbers;
* the focus ring has >= 3:1 contrast on the dark bar and on the light panels;
* on a phone (390 x 844, touch) every visible interactive element is at least 24 x 24 CSS px
  or has the spacing exception (WCAG 2.5.8), the new controls among them: the scrubber's
  Replay and Back to live, import/export of your own data, the draw toggle, a lesson's watch
  page and its fork dialog;
* with prefers-reduced-motion nothing transitions and the boundary still updates.
Screenshots of the focus ring and of the phone layout go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from .browser_helpers import (
    ARTIFACTS,
    open_playground,
    save_screenshot,
    until,
    watch_problems,
)
from .browser_helpers import browser as browser  # a fixture (re-exported for pytest)
from .browser_helpers import context as context  # a fixture
from .browser_helpers import nnp_server as nnp_server  # a fixture
from .browser_helpers import page as page  # a fixture

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map(
  (v) => ({id: v.id, impact: v.impact, help: v.help,
           nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)})))"""
NAMED = """() => { const items = [...document.querySelectorAll('#network [data-item]')];
  return items.length > 0
    && items.every((el) => /-?\\d/.test(el.getAttribute('aria-label') || '')); }"""
ACTIVE = "document.activeElement"
STATUS = "document.querySelector('#status').textContent"
PIXELS = ("(() => { const c = document.querySelector('#heatmap canvas.heatmap-grid');"
          " return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"
          ".join(); })()")


def api(base: str, path: str) -> Any:
    r = httpx.get(f"{base}/api{path}", timeout=30)
    r.raise_for_status()
    return r.json()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (injected from the vendored file)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # the DevTools protocol evaluates it: the CSP allows it
    return list(page.evaluate(RUN_AXE))


def assert_no_serious(page: Any, where: str) -> None:
    bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in bad)


def ready(page: Any, base: str, hash_: str = "#preset=xnor") -> str:
    sid = open_playground(page, base, hash_)
    until(page, NAMED)  # the diagram's items carry their values
    return sid


def tab_to(page: Any, predicate: str, limit: int = 150, key: str = "Tab") -> None:
    """Press Tab until ``predicate`` (JS over ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const el = {ACTIVE}; return Boolean({predicate}); }}"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {predicate}")


def test_the_vendored_axe_is_the_pinned_version() -> None:
    head = AXE.read_text()[:200]
    assert f"axe v{AXE_VERSION}" in head
    assert f"**{AXE_VERSION}**" in (AXE.parent / "README.md").read_text()


def test_axe_finds_no_serious_violation_with_each_panel_open(nnp_server: str, page: Any,
                                                              context: Any) -> None:
    sid = ready(page, nnp_server)
    assert_no_serious(page, "the main page")
    page.click(".bp-compute")
    until(page, "document.querySelectorAll('.bp-matrix').length > 10")
    assert_no_serious(page, "the backward pass")
    page.focus("#network [data-item='W:1:0:1']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".param-editor:not([hidden])")
    assert_no_serious(page, "the weight editor")
    page.keyboard.press("Escape")
    page.click(".tables-toggle >> nth=0")
    page.wait_for_selector("#boundaryTable table")
    page.wait_for_selector("#matrixTables table")
    assert_no_serious(page, "the value tables")
    page.click("#share")
    page.wait_for_selector("#shareDialog[open]")
    assert_no_serious(page, "the share dialog")
    page.click("#closeShare")
    watch = context.new_page()
    problems = watch_problems(watch)
    watch.goto(f"{nnp_server}/watch.html#id={sid}")
    until(watch, NAMED)
    assert_no_serious(watch, "the watch page")
    watch.click(".tables-toggle >> nth=0")
    watch.wait_for_selector("#boundaryTable table")
    assert_no_serious(watch, "the watch page's value tables")
    problems.assert_clean()
    page.problems.assert_clean()


# The largest network the server allows in depth (8 hidden layers, config.py's max_layers),
# 12 neurons each, every feature: 7*12 + 7*12*12 + 12 = 1,104 links, too many for hit paths
# (network.js draws those up to 600), so the drawn curves are the keyboard's items.
BIG = "#features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&layers=" + ",".join(["12"] * 8)
BIG_LINKS = 7 * 12 + 7 * 12 * 12 + 12


def test_axe_finds_no_serious_violation_on_a_network_too_big_for_hit_paths(nnp_server: str,
                                                                          page: Any) -> None:
    ready(page, nnp_server, BIG)
    links = page.locator("#network [data-item^='W:']")
    assert links.count() == BIG_LINKS
    assert page.locator("#network .hit").count() == 0  # the curves themselves are the items
    hidden = page.evaluate("""() => [...document.querySelectorAll('#network [tabindex]')]
      .filter((el) => el.closest('[aria-hidden="true"]')).map((el) => el.dataset.item)""")
    assert hidden == [], f"focusable inside aria-hidden: {hidden[:5]}"
    assert_no_serious(page, "a network of 1,104 links")
    # in the accessibility tree (get_by_role leaves out what aria-hidden hides), by name
    first = page.get_by_role("button", name=re.compile(r"^Weight from x₁ to layer 1 neuron 1: "))
    assert first.count() == 1
    # the keyboard reaches a link, focused and named with the server's weight
    page.focus("#network [data-item='b:1:0']")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"{ACTIVE}.dataset.item") == "W:1:0:0"
    assert page.evaluate(f"{ACTIVE}.matches('path.link')")
    page.problems.assert_clean()


EPOCH = "Number(document.querySelector('#epoch').textContent.replace(/,/g, ''))"
SCRUB_TEXT = "document.querySelector('.scrub-text').textContent"
SHOWN = "(s) => { const e = document.querySelector(s); return !!e && !e.closest('[hidden]')"\
        " && e.getClientRects().length > 0; }"


def shown(page: Any, selector: str) -> None:
    until(page, SHOWN, arg=selector)


def trained(page: Any, base: str, hash_: str, epochs: int = 100) -> str:
    """A session of ``hash_`` trained at least ``epochs`` epochs, then paused."""
    sid = ready(page, base, hash_)
    page.click("#play")
    until(page, f"{EPOCH} >= {epochs}")
    page.click("#play")
    until(page, f"{STATUS} === 'paused'")
    return sid


def test_axe_on_a_lesson_its_timeline_rewound_and_the_watch_pages_fork_dialog(
        nnp_server: str, page: Any, context: Any) -> None:
    sid = trained(page, nnp_server, "#preset=lesson_xor")
    shown(page, "#challenge .challenge-goal")
    until(page, "!document.querySelector('.scrub-range').disabled")
    assert_no_serious(page, "a lesson's challenge line and the scrubber, live")
    page.focus(".scrub-range")
    page.keyboard.press("Home")
    until(page, f"{SCRUB_TEXT} === 'Viewing epoch 0'")
    shown(page, ".scrub-live")
    assert_no_serious(page, "the scrubber rewound (Back to live)")
    page.select_option(".scrub-speed", "20 s")
    page.click(".scrub-replay")
    until(page, "document.querySelector('.scrub-replay').textContent === 'Stop'")
    assert_no_serious(page, "the scrubber replaying")
    page.click(".scrub-replay")
    page.click(".scrub-live")
    until(page, f"{SCRUB_TEXT} === 'Live'")

    watch = context.new_page()
    problems = watch_problems(watch)
    watch.goto(f"{nnp_server}/watch.html#id={sid}")
    until(watch, NAMED)
    shown(watch, "#challenge .challenge-badge")
    assert_no_serious(watch, "the watch page of a lesson")
    watch.click("#fork")
    watch.wait_for_selector("#forkDialog[open]")
    assert watch.evaluate(f"{ACTIVE}.closest('#forkDialog') !== null")  # the focus is in it
    assert_no_serious(watch, "the fork dialog")
    watch.keyboard.press("Escape")
    until(watch, "!document.querySelector('#forkDialog').open")
    problems.assert_clean()
    page.problems.assert_clean()


def test_axe_on_the_advice_box_and_the_divergence_toast(nnp_server: str, page: Any,
                                                       context: Any) -> None:
    # the dead-ReLU network: layer 2 dead from the start, its advice with a button
    ready(page, nnp_server, "#dataset=circle&act=relu&layers=4,2&seed=0")
    shown(page, "#advice .advice-action")
    assert_no_serious(page, "the advice box")
    # learning rate 10, linear: the run diverges; the toast and the output's note
    diverging = context.new_page()
    problems = watch_problems(diverging)
    ready(diverging, nnp_server, "#dataset=circle&act=linear&out=linear&lr=10&pace=20")
    diverging.click("#play")
    shown(diverging, "#divergence .toast-action")
    shown(diverging, "#heatmap .output-note")
    assert_no_serious(diverging, "the divergence toast")
    problems.assert_clean()
    page.problems.assert_clean()


def test_axe_in_projector_mode_on_both_pages(nnp_server: str, page: Any, context: Any) -> None:
    sid = trained(page, nnp_server, "#preset=lesson_xor")
    page.evaluate("() => { location.hash += '&present'; }")
    until(page, "document.body.classList.contains('present')")
    shown(page, "#challenge .challenge-goal")
    assert_no_serious(page, "projector mode")
    watch = context.new_page()
    problems = watch_problems(watch)
    watch.goto(f"{nnp_server}/watch.html#id={sid}&present")
    until(watch, "document.body.classList.contains('present')")
    until(watch, NAMED)
    assert_no_serious(watch, "the watch page in projector mode")
    problems.assert_clean()
    page.problems.assert_clean()


def test_axe_on_the_class_dashboard_empty_and_with_a_fork(nnp_server: str, page: Any,
                                                          context: Any) -> None:
    sid = ready(page, nnp_server, "#preset=lesson_xor")
    board = context.new_page()  # the same browser: it holds the teacher's token
    problems = watch_problems(board)
    board.goto(f"{nnp_server}/dashboard.html#id={sid}")
    shown(board, "#challenge .challenge-goal")
    shown(board, "#empty")
    assert_no_serious(board, "the empty dashboard")
    r = httpx.post(f"{nnp_server}/api/sessions/{sid}/fork", json={"nickname": "Ada"}, timeout=30)
    r.raise_for_status()
    fork = r.json()["id"]
    until(board, "(id) => { const row = document.querySelector('#leaderboard tbody tr');"
                 " return row && row.dataset.id === id; }", arg=fork)
    assert board.text_content("#leaderboard tbody .col-nickname") == "Ada"
    assert_no_serious(board, "the dashboard with a fork")
    board.focus("#leaderboard tbody tr")
    assert_no_serious(board, "the dashboard, a row focused")
    problems.assert_clean()
    page.problems.assert_clean()


def test_keyboard_only_play_pause_edit_a_weight_and_open_the_backward_pass(nnp_server: str,
                                                                           page: Any) -> None:
    sid = ready(page, nnp_server)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, "el.id === 'play'")
    page.keyboard.press("Enter")
    until(page, f"{STATUS} === 'running'")
    page.keyboard.press("Enter")
    until(page, f"{STATUS} === 'paused'")
    # the pause is announced at once, with the epoch and the loss
    until(page, "/^Paused, epoch [\\d,]+, train loss/.test("
                "document.querySelector('#progressLive').textContent)")
    # into the network diagram (one Tab stop), then by the arrow keys to W¹[1,2]
    tab_to(page, "el.dataset && el.dataset.item")
    assert page.evaluate(f"{ACTIVE}.dataset.item") == "b:1:0"
    page.keyboard.press("ArrowLeft")  # the first link into the neuron
    page.keyboard.press("ArrowDown")  # the next one: from x2
    assert page.evaluate(f"{ACTIVE}.dataset.item") == "W:1:0:1"
    w = api(nnp_server, f"/sessions/{sid}/model")["weights"][0][0][1]
    label = page.evaluate(f"{ACTIVE}.getAttribute('aria-label')")
    m = re.fullmatch(r"Weight from x₂ to layer 1 neuron 1: (\S+)", label)
    assert m, label
    assert float(m.group(1)) == pytest.approx(w, rel=5e-3, abs=1e-3)
    # Escape closes the editor and gives the focus back
    page.keyboard.press("Enter")
    until(page, "document.activeElement.matches('.param-editor input')")
    page.keyboard.press("Escape")
    until(page, "document.querySelector('.param-editor').hidden")
    assert page.evaluate(f"{ACTIVE}.dataset.item") == "W:1:0:1"
    # Enter, type, Enter: the server has the new weight, the focus is back on the link
    page.keyboard.press("Enter")
    until(page, "document.activeElement.matches('.param-editor input')")
    page.keyboard.type("2.5")  # the old value is selected: typing replaces it
    page.keyboard.press("Enter")
    until(page, "document.querySelector('.param-editor').hidden")
    assert page.evaluate(f"{ACTIVE}.dataset.item") == "W:1:0:1"
    until(page, f"{ACTIVE}.getAttribute('aria-label').endsWith(': 2.5')")
    assert api(nnp_server, f"/sessions/{sid}/model")["weights"][0][0][1] == 2.5
    # the backward pass: close and open its panel, then compute
    tab_to(page, "el.matches('#backpropPanel > summary')")
    page.keyboard.press("Enter")
    assert not page.evaluate("document.querySelector('#backpropPanel').open")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('#backpropPanel').open")
    tab_to(page, "el.matches('.bp-compute')")
    page.keyboard.press("Enter")
    # the backward pass runs on the edited weight: W¹[1,2] = 2.5
    until(page, "() => { const f = document.querySelector('.bp-matrix[data-matrix=\"W1\"]');"
                " return f && f.querySelector('tr').querySelectorAll('td[data-v]')[1].dataset.v"
                " === '2.5'; }")
    page.problems.assert_clean()


def test_the_value_tables_hold_the_models_numbers(nnp_server: str, page: Any) -> None:
    sid = ready(page, nnp_server)
    page.click(".tables-toggle >> nth=0")
    until(page, "document.querySelectorAll('#matrixTables table').length === 2")
    assert page.is_checked(".tables-toggle >> nth=1")  # the matrices panel's box too
    model = api(nnp_server, f"/sessions/{sid}/model")
    cells = page.evaluate("""() => [...document.querySelectorAll('#matrixTables table')].map((t) =>
      [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')]
        .map((td) => Number(td.textContent))))""")
    for k, table in enumerate(cells):
        assert len(table) == len(model["weights"][k])
        for i, row in enumerate(table):
            expected = [*model["weights"][k][i], model["biases"][k][i][0]]
            assert row == pytest.approx(expected, rel=1e-3, abs=1e-4), (k, i)
    grid = page.evaluate("""() => [...document.querySelectorAll('#boundaryTable tbody tr')]
      .map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)))""")
    assert len(grid) == 8 and all(len(r) == 8 for r in grid)
    assert all(0 <= v <= 1 for r in grid for v in r)  # a sigmoid output
    page.click(".tables-toggle >> nth=0")
    until(page, "document.querySelector('#boundaryTable').hidden")


def focus_ring(page: Any) -> dict[str, Any]:
    """The focused element's outline (colour, width, style) and the colour behind it."""
    return dict(page.evaluate("""() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      let bg = null;
      for (let p = el.parentElement; p && !bg; p = p.parentElement) {
        const c = getComputedStyle(p).backgroundColor;
        if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') bg = c;
      }
      return {outline: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
              stroke: s.stroke, bg: bg || 'rgb(255, 255, 255)', what: el.id || el.className};
    }"""))


def luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_focus_ring_has_3_to_1_contrast_on_the_bar_and_the_panels(nnp_server: str,
                                                                       page: Any) -> None:
    ready(page, nnp_server)
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, "el.id === 'play'")
    ring = focus_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["outline"], ring["bg"]) >= 3, ring  # the dark bar
    page.locator(".topbar").screenshot(path=str(ARTIFACTS / "focus-header.png"))
    for where, predicate in (("a panel", "el.matches('#backpropPanel > summary')"),
                             ("the network diagram", "el.dataset && el.dataset.item")):
        page.evaluate("() => document.activeElement.blur()")
        tab_to(page, predicate)
        ring = focus_ring(page)
        assert ring["style"] == "solid" and ring["width"] >= 2, (where, ring)
        assert contrast(ring["outline"], ring["bg"]) >= 3, (where, ring)
    page.locator("#network").screenshot(path=str(ARTIFACTS / "focus-network.png"))
    page.keyboard.press("ArrowLeft")  # a link: its focus shows as a stroke
    ring = focus_ring(page)
    assert contrast(ring["stroke"], ring["bg"]) >= 3, ring
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, "el.matches('#backpropPanel > summary')")
    page.locator("#backpropPanel > summary").screenshot(path=str(ARTIFACTS / "focus-panel.png"))


# Every element a finger might press; SVG links count with their hit stroke's width, a file
# input with its label (the input itself is invisible). ``required``: selectors that must be
# among those measured (else they are listed as missing: a control the state should show).
SMALL_TARGETS = """(required) => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex],'
    + ' [role=button], .network .bias, .network .hit, label.file-button';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height && !(el instanceof SVGElement)) return false;
    for (let p = el; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.display === 'none' || s.visibility === 'hidden') return false;
    }
    return !el.closest('[hidden], [inert]') && el.getClientRects().length > 0;
  };
  const name = (el) => (el.id ? `#${el.id}` : el.tagName.toLowerCase())
    + (el.getAttribute('aria-label') ? ` "${el.getAttribute('aria-label')}"`
       : el.textContent.trim() ? ` "${el.textContent.trim().slice(0, 30)}"` : '')
    + (el.dataset.item ? ` [${el.dataset.item}]` : '') + ` .${el.getAttribute('class') || ''}`;
  const boxes = [...document.querySelectorAll(sel)].filter(shown).map((el) => {
    const r = el.getBoundingClientRect();
    const pad = el instanceof SVGGeometryElement
      ? parseFloat(getComputedStyle(el).strokeWidth) / 2 : 0;
    return { el, name: name(el), x: r.left - pad, y: r.top - pad,
             w: r.width + 2 * pad, h: r.height + 2 * pad };
  });
  const small = (b) => b.w < 24 - 0.01 || b.h < 24 - 0.01;
  const centre = (b) => [b.x + b.w / 2, b.y + b.h / 2];
  // the spacing exception: a 24 px circle on an undersized target meets no other target's
  // box nor another undersized target's circle
  const clear = (a) => boxes.every((b) => {
    if (b === a || b.el.contains(a.el) || a.el.contains(b.el)) return true;
    const [cx, cy] = centre(a);
    if (small(b)) { const [bx, by] = centre(b); return Math.hypot(cx - bx, cy - by) >= 24; }
    const dx = Math.max(b.x - cx, 0, cx - (b.x + b.w));
    const dy = Math.max(b.y - cy, 0, cy - (b.y + b.h));
    return Math.hypot(dx, dy) >= 12;
  });
  return { checked: boxes.length,
           failing: boxes.filter((b) => small(b) && !clear(b))
             .map((b) => `${b.name}: ${b.w.toFixed(1)} x ${b.h.toFixed(1)}`),
           missing: (required || []).filter((s) => !boxes.some((b) => b.el.matches(s))) };
}"""


# What each phone state must have measured, besides everything else it shows.
PHONE_CONTROLS = {
    "as loaded": ["#play", "#present", "#share", "label.file-button", "#exportPoints",
                  "#touchDraw", ".scrub-range", ".scrub-replay", ".scrub-speed"],
    "with More options open": ["#newSeed"],
    "with the share dialog open": ["#copyLink", "#closeShare"],
    "rewound by the scrubber": [".scrub-live", ".scrub-replay"],
    "the watch page of a lesson": ["#fork", "#present", ".scrub-replay"],
    "with the fork dialog open": ["#nickname", "#forkConfirm", "#forkCancel"],
}


def assert_targets(p: Any, state: str, least: int = 40) -> None:
    found = p.evaluate(SMALL_TARGETS, PHONE_CONTROLS[state])
    assert found["checked"] > least, found
    assert not found["missing"], f"{state}: not shown or not measured: {found['missing']}"
    assert not found["failing"], f"{state}: targets under 24 x 24 px: {found['failing']}"


def test_phone_tap_targets_are_at_least_24_px(nnp_server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    try:
        p = ctx.new_page()
        ready(p, nnp_server, "")
        until(p, "document.querySelectorAll('#datasets button.dataset').length >= 8")
        for state in ("as loaded", "with More options open", "with the share dialog open"):
            if state == "with More options open":
                p.click("details.more-options > summary")
            if state == "with the share dialog open":
                p.click("#share")
                p.wait_for_selector("#shareDialog[open]")
            assert_targets(p, state)
        p.click("#closeShare")
        save_screenshot(p, "phone-targets.png")
        p.tap("#play")
        until(p, f"{EPOCH} >= 50")
        p.tap("#play")
        until(p, f"{STATUS} === 'paused'")
        p.focus(".scrub-range")
        p.keyboard.press("Home")
        until(p, SHOWN, arg=".scrub-live")
        assert_targets(p, "rewound by the scrubber")

        # a lesson (its challenge line) on the watch page, and the fork dialog there
        lesson = httpx.post(f"{nnp_server}/api/sessions", json={"preset": "lesson_xor"},
                            timeout=30)
        lesson.raise_for_status()
        watch = ctx.new_page()
        watch.goto(f"{nnp_server}/watch.html#id={lesson.json()['id']}")
        until(watch, NAMED)
        until(watch, SHOWN, arg="#challenge .challenge-goal")
        assert_targets(watch, "the watch page of a lesson", least=12)
        watch.tap("#fork")
        watch.wait_for_selector("#forkDialog[open]")
        assert_targets(watch, "with the fork dialog open", least=12)
        save_screenshot(watch, "phone-fork-dialog.png")
    finally:
        ctx.close()


def test_reduced_motion_has_no_transitions_and_the_boundary_still_updates(nnp_server: str,
                                                                        browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    try:
        p = ctx.new_page()
        open_playground(p, nnp_server)
        assert p.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        moving = p.evaluate("""() => [...document.querySelectorAll('*')].filter((el) => {
          const s = getComputedStyle(el);
          return s.transitionDuration.split(',').some((d) => parseFloat(d) > 0)
            || s.animationName !== 'none';
        }).map((el) => el.id || el.className)""")
        assert moving == []
        until(p, "document.querySelector('#heatmap canvas.heatmap-grid').width > 1")
        before = p.evaluate(f"() => {PIXELS}")
        p.click("#play")
        until(p, f"(before) => {PIXELS} !== before", arg=before)
        p.click("#play")
    finally:
        ctx.close()
