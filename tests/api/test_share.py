"""REST tests of the share dialog's routes on a real app: ``GET /api/share`` (where students
reach the server) and ``GET /api/qr.svg`` (QR codes of this server's URLs only, clear 4xx
otherwise); ``NNP_PUBLIC_URL`` in share links and in ``watch_url``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nnplayground import qr
from nnplayground.api.app import create_app
from nnplayground.reach import http_url, in_container, lan_address

from ..conftest import make_settings

PUBLIC = "https://nn.school.example/lab"


@pytest.fixture(scope="module")
def public_client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(public_url=PUBLIC + "/"))) as c:
        yield c


def test_share_names_the_host_the_browser_used(client: TestClient) -> None:
    r = client.get("/api/share")
    assert r.status_code == 200
    data = r.json()
    assert (data["base"], data["source"], data["reachable"]) == ("http://testserver", "browser",
                                                                 True)
    assert data["public_url"] is None and data["loopback_only"] is True
    address = lan_address("0.0.0.0")
    assert data["lan_url"] == (http_url(address, 80) if address else None)
    assert data["container"] is in_container()


def test_share_warns_when_the_browser_used_loopback_and_the_server_listens_there_only(
        client: TestClient) -> None:
    data = client.get("/api/share", headers={"Host": "127.0.0.1:8000"}).json()
    assert (data["base"], data["source"], data["reachable"]) == ("http://127.0.0.1:8000",
                                                                 "this_computer", False)


def test_the_public_url_is_the_base_of_share_links(public_client: TestClient) -> None:
    data = public_client.get("/api/share", headers={"Host": "127.0.0.1:8000"}).json()
    assert (data["base"], data["source"], data["reachable"]) == (PUBLIC, "public_url", True)
    created = public_client.post("/api/sessions", json={"preset": "xnor"}).json()
    assert created["watch_url"] == f"{PUBLIC}/watch.html#id={created['id']}"


def test_without_a_public_url_watch_url_is_the_request_s_host(client: TestClient) -> None:
    created = client.post("/api/sessions", json={"preset": "xnor"}).json()
    assert created["watch_url"] == f"http://testserver/watch.html#id={created['id']}"


def test_the_qr_code_of_a_link_of_this_server_is_segno_s_svg(client: TestClient) -> None:
    url = "http://testserver/watch.html#id=abc"
    r = client.get("/api/qr.svg", params={"url": url})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.content == qr.svg(url)


def test_the_public_url_gets_a_qr_code(public_client: TestClient) -> None:
    r = public_client.get("/api/qr.svg", params={"url": f"{PUBLIC}/watch.html#id=abc"})
    assert r.status_code == 200 and r.content.startswith(b"<svg")


@pytest.mark.parametrize(("url", "status", "code"), [
    ("https://evil.example/watch.html", 403, "foreign_url"),
    ("http://testserver.evil.example/", 403, "foreign_url"),
    ("http://testserver:81/watch.html", 403, "foreign_url"),
    ("javascript:alert(1)", 422, "invalid_url"),
    ("/watch.html#id=abc", 422, "invalid_url"),
    ("http://[", 403, "foreign_url"),
    ("", 422, "invalid_url"),
])
def test_other_urls_get_no_qr_code(client: TestClient, url: str, status: int, code: str) -> None:
    """A malformed URL is the client's error (422); another server's is refused (403)."""
    r = client.get("/api/qr.svg", params={"url": url})
    assert r.status_code == status
    body = r.json()
    assert (body["code"], body["field"]) == (code, "url")
    assert "url" in body["message"]


def test_a_public_url_server_still_refuses_other_paths(public_client: TestClient) -> None:
    r = public_client.get("/api/qr.svg", params={"url": "https://nn.school.example/other"})
    assert r.status_code == 403 and r.json()["code"] == "foreign_url"
    assert PUBLIC in r.json()["message"]


def test_a_url_over_the_length_limit_is_refused_naming_the_limit(client: TestClient) -> None:
    limit = make_settings().qr_max_url_chars
    url = "http://testserver/watch.html#id=" + "a" * limit
    r = client.get("/api/qr.svg", params={"url": url})
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["field"]) == ("over_limit", "url")
    assert f"qr_max_url_chars={limit}" in body["message"]


def test_a_missing_url_is_named(client: TestClient) -> None:
    r = client.get("/api/qr.svg")
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("validation_error", "url")
