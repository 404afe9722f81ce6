"""The classroom in headless Chromium with two browsers (two contexts: two people): the teacher
opens a lesson and its class dashboard from the share dialog; a student opens the watch link,
forks it under a nickname and trains. The dashboard shows the fork within 2 s with the
server's figures (compared to a REST read of the fork), the challenge badge appears on the
student's page and on the dashboard once the server finds it met, and not before; a row's
click opens that fork's watch page (the projector's window). Screenshots go to artifacts/.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .browser_helpers import ARTIFACTS, open_playground, until, watch_problems
from .browser_helpers import browser as browser  # a fixture (re-exported for pytest)
from .browser_helpers import nnp_server as nnp_server  # a fixture

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ROW = "document.querySelector('#leaderboard tbody tr')"
APPEARS_MS = 2000  # the promise: a new fork is on the dashboard within 2 s


def person(browser: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    ctx.set_default_timeout(20000)
    p = ctx.new_page()
    p.problems = watch_problems(p)
    return p


def cell(p: Any, key: str) -> str | None:
    value: str | None = p.evaluate(
        f"(k) => {ROW}.querySelector(`td.col-${{k}}`).dataset.value", key)
    return value


def test_a_student_forks_and_the_teachers_dashboard_follows(nnp_server: str,
                                                           browser: Any) -> None:
    teacher, student = person(browser), person(browser)
    try:
        sid = open_playground(teacher, nnp_server, "#preset=lesson_or")
        teacher.click("#share")
        until(teacher, "document.querySelector('#watchLink').value.includes('#id=')")
        watch_link = teacher.input_value("#watchLink")
        with teacher.context.expect_page() as opened:
            teacher.click("#dashboardAnchor")
        board = opened.value
        board.problems = watch_problems(board)
        until(board, "(document.querySelector('#challenge .challenge-goal') || {}).textContent"
                     "?.startsWith('OR with one neuron')")
        assert board.is_visible("#empty") and board.is_hidden("#leaderboard")

        student.goto(watch_link)
        until(student, "(document.querySelector('#challenge .challenge-badge') || {})"
                       ".textContent === 'Not met yet'")
        student.click("#fork")
        student.fill("#nickname", "  Ada  ")
        student.click("#forkConfirm")
        until(student, "document.querySelector('#play') && !document.querySelector('#play')"
                       ".disabled && new URLSearchParams(location.hash.slice(1)).get('id')")
        fork = student.evaluate("new URLSearchParams(location.hash.slice(1)).get('id')")
        assert fork != sid
        board.wait_for_function(f"() => {ROW} && {ROW}.dataset.id === {fork!r} && "
                                f"{ROW}.querySelector('.col-nickname').textContent === 'Ada'",
                                timeout=APPEARS_MS)

        # The student trains with the preset's hidden layer: the network breaks the rule.
        student.click("#play")
        until(student, "Number(document.querySelector('#epoch').textContent"
                       ".replace(/,/g, '')) >= 300")
        student.click("#play")  # pause
        until(student, "document.querySelector('#status').textContent === 'paused'")
        summary = httpx.get(f"{nnp_server}/api/sessions/{fork}", timeout=10).json()
        board.wait_for_function(f"(e) => {ROW}.dataset.epoch === String(e)", arg=summary["epoch"])
        assert float(cell(board, "accuracy") or "nan") == summary["last"]["accuracy"]
        assert float(cell(board, "loss") or "nan") == summary["last"]["train_loss"]
        assert cell(board, "network") == "2"  # hidden neurons: [2, 2, 1]
        assert board.text_content("#leaderboard td.col-status") == "paused"
        assert board.text_content("#leaderboard td.col-challenge") == "not yet"
        assert student.text_content("#challenge .challenge-badge") == "Not met yet"
        assert "2 hidden neurons: at most 0" in student.text_content("#challenge .challenge-rules")
        report = httpx.get(f"{nnp_server}/api/sessions/{fork}/challenge", timeout=10).json()
        assert report["met"] is False

        # No hidden layer: the single neuron learns OR and the server finds the goal met.
        student.click("#removeLayer")
        until(student, "document.querySelector('#challenge .challenge-rules').hidden")
        student.click("#play")
        until(student, "document.querySelector('#challenge .challenge-badge.met')")
        met = httpx.get(f"{nnp_server}/api/sessions/{fork}/challenge", timeout=10).json()
        assert met["met"] and met["met_at"]["config"]["hidden_layers"] == []
        epoch = met["met_at"]["epoch"]
        assert student.text_content("#challenge .challenge-badge") == f"✓ Met at epoch {epoch:,}"
        until(board, "document.querySelector('#leaderboard td.col-challenge.met')")
        assert board.text_content("#leaderboard td.col-challenge") == f"✓ epoch {epoch:,}"
        assert board.text_content("#metCount") == "1 of 1"
        ARTIFACTS.mkdir(exist_ok=True)
        board.screenshot(path=str(ARTIFACTS / "dashboard.png"))
        student.screenshot(path=str(ARTIFACTS / "challenge-met.png"))

        # A row's click puts that fork's watch page on the projector.
        with teacher.context.expect_page() as projected:
            board.click("#leaderboard tbody tr")
        shown = projected.value
        shown.wait_for_load_state()
        assert shown.url.endswith(f"/watch.html#id={fork}")
        until(shown, "document.querySelector('#challenge .challenge-badge.met')")
        for p in (teacher, student, board):
            p.problems.assert_clean()
    finally:
        teacher.context.close()
        student.context.close()
