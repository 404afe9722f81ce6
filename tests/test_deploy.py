"""The deployment files agree with each other and with the app (Docker is not needed): the
compose services, ports, the ``NNP_*`` variables the app reads, nginx's WebSocket proxying and
the Dockerfile's base image, user and health check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from nnplayground.config import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def nginx(compose: dict[str, Any]) -> str:
    mounts = [v.split(":") for v in compose["services"]["proxy"]["volumes"]]
    (source, target, *_), = [m for m in mounts if m[1].startswith("/etc/nginx/")]
    assert target == "/etc/nginx/conf.d/default.conf"
    path = ROOT / source
    assert path.is_file(), source
    return path.read_text()


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def settings_of(service: dict[str, Any]) -> Settings:
    """The settings a replica runs with: its ``NNP_*`` variables, no ``.env`` file."""
    values: dict[str, Any] = {k[4:].lower(): v for k, v in env_of(service).items()}
    return Settings(_env_file=None, **values)


def test_the_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", "app", "proxy"}
    assert services["redis"]["image"].startswith("redis:")
    assert services["redis"]["healthcheck"]["test"][-1] == "ping"
    app = services["app"]
    assert app["build"] == "." and (ROOT / "Dockerfile").is_file()
    assert app["deploy"]["replicas"] >= 2
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "ports" not in app  # only through the proxy: replicas cannot share a host port
    assert services["proxy"]["image"].startswith("nginx:")
    volumes = compose.get("volumes", {})
    for service in services.values():
        for volume in service.get("volumes", []):
            name = volume.split(":")[0]
            assert name.startswith("./") or name in volumes, name


def test_the_app_environment_is_what_the_app_reads(compose: dict[str, Any]) -> None:
    env = env_of(compose["services"]["app"])
    fields = set(Settings.model_fields)
    for name in env:
        assert name.startswith("NNP_") and name[4:].lower() in fields, f"{name} is not a setting"
    settings = settings_of(compose["services"]["app"])  # valid values, too
    assert settings.host == "0.0.0.0"  # reachable from the proxy's container
    store = urlsplit(settings.store)
    assert store.scheme == "redis" and store.hostname == "redis"
    assert store.port == 6379 and "--port" not in compose["services"]["redis"].get("command", [])
    assert str(settings.port) in compose["services"]["app"]["expose"]


def test_nginx_spreads_http_and_websockets_over_the_replicas(compose: dict[str, Any],
                                                             nginx: str) -> None:
    port = settings_of(compose["services"]["app"]).port
    assert re.search(rf"^\s*server\s+app:{port}\s+resolve;", nginx, re.M)  # every replica
    assert re.search(r"^\s*zone\s+\w+\s+\d+k;", nginx, re.M)  # needed by "resolve"
    assert re.search(r"^resolver\s+127\.0\.0\.11\b", nginx, re.M)  # Docker's DNS
    for line in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header Connection $connection_upgrade;",
                 "proxy_pass http://nnplayground;"):
        assert line in nginx
    listen = re.search(r"^\s*listen\s+(\d+);", nginx, re.M)
    assert listen is not None
    host, container = compose["services"]["proxy"]["ports"][0].split(":")
    assert container == listen.group(1) and host == "8000"


def test_the_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim$", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    health = re.search(r"^HEALTHCHECK .*\n?.*", text, re.M)
    assert health is not None and "/api/health" in text[health.start():]
    assert re.search(r"pip install \"?\.\[redis\]", text)  # the redis extra for NNP_STORE
    expose = re.search(r"^EXPOSE (\d+)", text, re.M)
    port = re.search(r"NNP_PORT=(\d+)", text)
    assert expose is not None and port is not None and expose.group(1) == port.group(1)
    assert f"127.0.0.1:{port.group(1)}/api/health" in text
