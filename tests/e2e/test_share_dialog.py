"""The share dialog in headless Chromium against real servers: the link students can open.

Opened via 127.0.0.1 on a server that listens on loopback only, the dialog warns, says how to
open the server to the class and shows the detected LAN address, and shows no QR code; on a
server that listens on the network, the link and its QR code carry the LAN address. With
``NNP_PUBLIC_URL`` the link and the QR code carry the public URL: the QR code the page shows is
screenshotted and read by a real decoder (zbarimg). Screenshots at 1400x1000 and 390x844 are
kept under artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nnplayground.reach import http_url, in_container, lan_address

from ..zbar import decode
from .browser_helpers import ARTIFACTS, open_playground, until, watch_problems
from .browser_helpers import browser as browser  # a fixture (re-exported for pytest)
from .browser_helpers import nnp_server as nnp_server  # a fixture
from .conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PUBLIC = "https://nn.school.example/lab"
WARNING = ("This server only listens on this computer; start it with nnplayground serve --host "
           "0.0.0.0 (or make classroom) and open the page via your network address")
QR_LOADED = """(src) => {
  const img = document.querySelector('#qr');
  return !img.hidden && img.complete && img.naturalWidth > 0 && img.getAttribute('src') === src;
}"""
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(tmp_path_factory.mktemp("public"), NNP_PUBLIC_URL=PUBLIC + "/").start()
    yield srv.url
    srv.stop()


def open_share(p: Any, base: str) -> str:
    sid = open_playground(p, base)
    if not p.is_visible("#share"):  # on a phone it sits under "more options"
        p.click("details.more-options > summary")
    p.click("#share")
    until(p, "document.querySelector('#watchLink').value.includes('#id=')")
    return sid


def save_dialog(p: Any, name: str) -> None:
    """The viewport with the open dialog, as a person sees it (not the whole long page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / name))


def new_page(browser: Any, viewport: str) -> Any:
    ctx = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    ctx.set_default_timeout(15000)
    p = ctx.new_page()
    p.problems = watch_problems(p)
    return p


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_on_loopback_the_dialog_warns_and_shows_the_lan_address(nnp_server: str, browser: Any,
                                                                viewport: str) -> None:
    p = new_page(browser, viewport)
    try:
        sid = open_share(p, nnp_server)
        until(p, "!document.querySelector('.reach-warning').hidden")
        text = " ".join(p.text_content(".reach-warning").split())
        assert text.startswith(WARNING)
        port = int(nnp_server.rsplit(":", 1)[1])
        address = lan_address("0.0.0.0")
        lan_url = httpx.get(f"{nnp_server}/api/share", timeout=10).json()["lan_url"]
        if address is None:
            assert lan_url is None and "no network address was found" in text
        else:
            assert lan_url == http_url(address, port)
            assert text == f"{WARNING}: {lan_url}"
        assert p.is_hidden("#qr")  # no phone could open the link it would carry
        assert p.input_value("#watchLink") == f"{nnp_server}/watch.html#id={sid}"
        assert p.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        save_dialog(p, f"share-loopback-{viewport}.png")
        p.problems.assert_clean()
    finally:
        p.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_with_a_public_url_the_link_and_the_qr_code_carry_it(public_server: str, browser: Any,
                                                             viewport: str, tmp_path: Path) -> None:
    p = new_page(browser, viewport)
    try:
        sid = open_share(p, public_server)
        link = f"{PUBLIC}/watch.html#id={sid}"
        until(p, f"document.querySelector('#watchLink').value === {link!r}")
        src = p.evaluate("(u) => `/api/qr.svg?url=${encodeURIComponent(u)}`", link)
        until(p, QR_LOADED, src)
        assert p.is_hidden(".reach-warning")
        assert p.get_attribute("#watchAnchor", "href") == link
        box = p.locator("#qr").bounding_box()
        assert box["width"] == box["height"] >= 150  # big enough to scan from a seat
        shot = tmp_path / "qr.png"
        p.locator("#qr").screenshot(path=str(shot))  # what the teacher sees
        assert decode(shot) == [link]
        assert p.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        save_dialog(p, f"share-public-{viewport}.png")
        p.problems.assert_clean()
    finally:
        p.context.close()


def test_on_the_network_a_loopback_page_links_to_the_lan_address(browser: Any,
                                                                 tmp_path: Path) -> None:
    address = lan_address("0.0.0.0")
    if address is None:
        pytest.skip("this machine has no network address")  # then the CLI test says so
    srv = Server(tmp_path, host="0.0.0.0").start()  # as `make classroom` starts it
    p = new_page(browser, "desktop")
    try:
        sid = open_share(p, srv.url)  # the teacher still opens it via 127.0.0.1
        link = f"{http_url(address, srv.port)}/watch.html#id={sid}"
        until(p, f"document.querySelector('#watchLink').value === {link!r}")
        src = p.evaluate("(u) => `/api/qr.svg?url=${encodeURIComponent(u)}`", link)
        until(p, QR_LOADED, src)
        shot = tmp_path / "qr.png"
        p.locator("#qr").screenshot(path=str(shot))
        assert decode(shot) == [link]
        note = " ".join((p.text_content(".reach-warning") or "").split())
        if in_container():  # its address may be the container's own: say what to do
            assert p.is_visible(".reach-warning") and "NNP_PUBLIC_URL" in note
        else:
            assert p.is_hidden(".reach-warning")
        save_dialog(p, "share-network-desktop.png")
        p.problems.assert_clean()
    finally:
        p.context.close()
        srv.stop()
