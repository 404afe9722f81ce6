"""``nnplayground serve`` for a classroom, run for real: what it prints before serving (the
address students open and a terminal QR code of it, read back by zbarimg), on the network, with
``NNP_PUBLIC_URL``, and on loopback only (how to reach the class instead)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools.launcher import Server

from nnplayground.reach import http_url, in_container, lan_address

from .zbar import decode, terminal_bitmap

pytestmark = pytest.mark.e2e
QR_CHARS = frozenset("█▀▄ ")


def serve_output(tmp_path: Path, host: str, public_url: str | None = None) -> tuple[str, int]:
    """Run ``nnplayground serve --host HOST`` until it answers on loopback, stop it, and return
    what it printed and its port (the banner comes first, flushed before uvicorn starts)."""
    env = {"NNP_PUBLIC_URL": public_url or "", "PYTHONIOENCODING": "utf-8"}
    srv = Server(tmp_path, host=host, **env).start()
    srv.stop()
    return srv.log.read_text(encoding="utf-8"), srv.port


def banner(out: str) -> tuple[str, list[str], list[str]]:
    """The "Students open:" URL, the QR code's lines, and the other lines."""
    lines = out.splitlines()
    students = [line.removeprefix("Students open: ") for line in lines
                if line.startswith("Students open: ")]
    code = [line for line in lines if line and set(line) <= QR_CHARS]
    rest = [line for line in lines if line not in code and not line.startswith("Students")]
    assert len(students) == 1, out
    return students[0], code, rest


def test_on_the_network_it_prints_the_lan_url_and_a_qr_code_of_it(tmp_path: Path) -> None:
    address = lan_address("0.0.0.0")
    out, port = serve_output(tmp_path, "0.0.0.0")
    if address is None:  # a machine without a network: it says so instead
        assert "has no network address" in out and f"http://127.0.0.1:{port}" in out
        return
    url, code, rest = banner(out)
    assert url == http_url(address, port)
    assert decode(terminal_bitmap(code, tmp_path / "code.pbm")) == [url]
    assert f"On this computer: http://127.0.0.1:{port}" in rest
    assert ("This runs in a container" in out) is in_container()  # then: NNP_PUBLIC_URL


def test_with_a_public_url_it_prints_that_and_its_qr_code(tmp_path: Path) -> None:
    out, _ = serve_output(tmp_path, "127.0.0.1", public_url="https://nn.school.example/lab/")
    url, code, _ = banner(out)
    assert url == "https://nn.school.example/lab" and "container" not in out
    assert decode(terminal_bitmap(code, tmp_path / "code.pbm")) == [url]


def test_on_loopback_it_says_how_to_open_it_to_the_class(tmp_path: Path) -> None:
    out, port = serve_output(tmp_path, "127.0.0.1")
    assert "Students open" not in out and not any(set(line) <= QR_CHARS for line in out.splitlines()
                                                  if line)
    assert f"Only this computer can open http://127.0.0.1:{port}" in out
    assert "nnplayground serve --host 0.0.0.0" in out and "make classroom" in out
