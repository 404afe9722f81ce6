"""Where students reach the server (``nnplayground.reach``): loopback, NNP_PUBLIC_URL, the base
a share link uses in each situation, and which URLs count as this server's."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnplayground.config import Settings
from nnplayground.reach import belongs, http_url, in_container, is_loopback, lan_address, reach


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("LOCALHOST", True),
    ("app.localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("10.0.0.5", False), ("nn.school.example", False),
    ("::", False), ("", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_specific_bind_address_is_the_lan_address() -> None:
    assert lan_address("192.168.1.20") == "192.168.1.20"


def test_the_detected_lan_address_is_not_loopback() -> None:
    found = lan_address("0.0.0.0")
    assert found == lan_address("127.0.0.1")  # the same probe for both
    if found is not None:
        assert not is_loopback(found) and found != "0.0.0.0"


@pytest.mark.parametrize(("given", "kept"), [
    ("https://nn.school.example/", "https://nn.school.example"),
    ("HTTP://NN.School.Example:8080/lab/", "http://nn.school.example:8080/lab"),
    ("  http://192.168.1.20:8000  ", "http://192.168.1.20:8000"),
])
def test_the_public_url_setting_is_normalised(given: str, kept: str) -> None:
    assert Settings(public_url=given, _env_file=None).public_url == kept  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", ["nn.school.example", "ftp://nn.school.example",
                                 "https://", "https://nn.example/?x=1", "https://nn.example/#a",
                                 "https://user@nn.example", "http://nn.example:99999"])
def test_a_public_url_that_is_not_a_base_url_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="public_url"):
        Settings(public_url=bad, _env_file=None)  # type: ignore[call-arg]


def test_an_empty_public_url_means_unset() -> None:
    assert Settings(public_url="", _env_file=None).public_url is None  # type: ignore[call-arg]


def test_the_public_url_wins() -> None:
    r = reach("https://nn.school.example", "127.0.0.1", 8000, "http://127.0.0.1:8000/")
    assert (r.base, r.source, r.reachable) == ("https://nn.school.example", "public_url", True)
    assert r.loopback_only


def test_a_browser_that_came_by_the_network_keeps_its_host() -> None:
    r = reach(None, "0.0.0.0", 8000, "http://192.168.1.20:8000/")
    assert (r.base, r.source, r.reachable) == ("http://192.168.1.20:8000", "browser", True)


def test_a_loopback_browser_gets_the_lan_address_when_the_server_listens_there() -> None:
    r = reach(None, "192.168.1.20", 8000, "http://127.0.0.1:8000/")
    assert (r.base, r.source, r.reachable) == ("http://192.168.1.20:8000", "network", True)


def test_a_server_on_loopback_only_cannot_be_reached_and_says_its_lan_address() -> None:
    r = reach(None, "127.0.0.1", 8000, "http://127.0.0.1:8000/")
    assert (r.base, r.source, r.reachable) == ("http://127.0.0.1:8000", "this_computer", False)
    assert r.loopback_only
    address = lan_address("0.0.0.0")
    assert r.lan_url == (http_url(address, 8000) if address else None)


def test_behind_a_local_proxy_the_lan_address_is_not_guessed() -> None:
    # the browser used port 8080 (a proxy), the server listens on 8000 on every interface
    r = reach(None, "0.0.0.0", 8000, "http://localhost:8080/")
    assert (r.source, r.reachable, r.loopback_only) == ("this_computer", False, False)


def test_ipv6_addresses_get_brackets() -> None:
    assert http_url("fe80::1", 8000) == "http://[fe80::1]:8000"
    assert http_url("10.0.0.5", 80) == "http://10.0.0.5:80"


def test_urls_of_this_server_belong_and_others_do_not() -> None:
    bases = ["http://127.0.0.1:8000", "https://nn.school.example/lab"]
    assert belongs("http://127.0.0.1:8000/watch.html#id=abc", bases)
    assert belongs("HTTP://127.0.0.1:8000/", bases)
    assert belongs("https://nn.school.example/lab/watch.html#id=abc", bases)
    assert belongs("https://nn.school.example/lab", bases)
    assert not belongs("https://nn.school.example/other/watch.html", bases)
    assert not belongs("https://nn.school.example/labs/watch.html", bases)
    assert not belongs("http://127.0.0.1:8001/watch.html", bases)
    assert not belongs("https://127.0.0.1:8000/watch.html", bases)
    assert not belongs("http://127.0.0.1:8000@evil.example/", bases)
    assert not belongs("http://evil.example/?u=http://127.0.0.1:8000", bases)


def test_the_allowed_bases_leave_out_a_lan_address_nobody_listens_on() -> None:
    listening = reach(None, "192.168.1.20", 8000, "http://127.0.0.1:8000")
    assert "http://192.168.1.20:8000" in listening.allowed_bases()
    local = reach(None, "127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert local.allowed_bases() == ("http://127.0.0.1:8000",)


def test_a_container_is_known_by_its_marker_file(tmp_path: Path) -> None:
    marker = tmp_path / ".dockerenv"
    assert not in_container([marker])
    marker.touch()
    assert in_container([marker])


def test_a_container_is_reported_with_the_address_it_sees() -> None:
    r = reach(None, "192.168.1.20", 8000, "http://127.0.0.1:8000/", container=True)
    assert (r.source, r.reachable, r.lan_url, r.container) == (
        "network", True, "http://192.168.1.20:8000", True)
    assert not reach(None, "192.168.1.20", 8000, "http://127.0.0.1:8000/",
                     container=False).container
