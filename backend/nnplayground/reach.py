"""Where students can reach this server: the base URL that a share link and its QR code carry.

The base is, in order: ``NNP_PUBLIC_URL`` (a proxy or a domain); the host the teacher's browser
used, when it is not this computer's own (loopback) address; the machine's network (LAN)
address, when the server listens on every interface and the browser came straight to it (not
through a proxy on another port, whose LAN address the server cannot know); otherwise the
browser's own address with ``reachable`` false, and the page warns (the server listens only on
this computer, or the link needs ``NNP_PUBLIC_URL``).
The LAN address is found without sending anything anywhere: ``connect()`` on a UDP socket only
asks the kernel which interface and source address it would route through. A machine without
a route outward has no LAN address here (``None``); in a container it may be the container's
own address (``container`` says so, and the page and ``serve`` suggest ``NNP_PUBLIC_URL``).
What it leaves out: HTTP (``api/share.py``), drawing QR codes (``qr.py``), and names to
resolve (a name could need a DNS query, so only literal addresses and ``localhost`` are
judged).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

PROBE = ("192.0.2.1", 9)
"""Where the UDP probe "connects": TEST-NET-1 (RFC 5737), a documentation address; a UDP
connect() sends no packet, it only picks the route."""
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
"""Bind addresses meaning "every interface"."""

CONTAINER_MARKERS = (Path("/.dockerenv"), Path("/run/.containerenv"))
"""Files Docker and Podman put in a container's root."""

Source = Literal["public_url", "browser", "network", "this_computer"]


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.y.z`` and ``::1`` (brackets allowed): only this computer."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def in_container(markers: Iterable[Path] = CONTAINER_MARKERS) -> bool:
    """Whether this process runs in a Docker or Podman container (their marker files)."""
    return any(marker.exists() for marker in markers)


def lan_address(bind_host: str) -> str | None:
    """The address other machines on the network reach this one at.

    A specific non-loopback bind address is that address. Otherwise the source address of the
    route outward (the UDP probe; nothing is sent), or ``None`` without such a route. In a
    container (unless on the host's network) that is the container's own address, which
    students cannot reach: :func:`in_container` lets callers say so.
    """
    host = bind_host.strip().strip("[]")
    if host not in WILDCARDS and not is_loopback(host):
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            address = str(probe.getsockname()[0])
    except OSError:  # no route outward (e.g. a machine with loopback only)
        return None
    return None if address in WILDCARDS or is_loopback(address) else address


def http_url(host: str, port: int) -> str:
    """``http://host:port``, with brackets around an IPv6 address."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def normalise_public_url(value: str) -> str:
    """``NNP_PUBLIC_URL`` checked: ``http(s)://host[:port][/prefix]`` without a query, a
    fragment or credentials, returned without its trailing slash. ``ValueError`` otherwise."""
    text = value.strip()
    parts = urlsplit(text)
    example = "e.g. https://nn.school.example or http://192.168.1.20:8000"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// URL with a host ({example}), "
                         f"got {text!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"must be a plain base URL without ?query, #fragment or user@ "
                         f"({example}), got {text!r}")
    _ = parts.port  # ValueError for a port that is not a number from 0 to 65535
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Reach:
    """What the server knows about its address, and the base URL a share link should use."""

    base: str
    source: Source
    reachable: bool  # False: only this computer can open ``base``
    public_url: str | None
    loopback_only: bool  # the server listens on a loopback address only
    lan_url: str | None  # http://<LAN address>:<port>, when the machine has one
    browser_url: str  # the origin the request came through
    container: bool = False  # in a container: lan_url may be the container's own address

    def allowed_bases(self) -> tuple[str, ...]:
        """The bases a URL may start with to get a QR code (this server's, not others')."""
        bases = [self.base, self.browser_url]
        if self.public_url:
            bases.append(self.public_url)
        if self.lan_url and not self.loopback_only:
            bases.append(self.lan_url)
        return tuple(dict.fromkeys(bases))


def reach(public_url: str | None, bind_host: str, port: int, browser_url: str,
          container: bool | None = None) -> Reach:
    """Choose the share base for a request that came through ``browser_url`` (its origin);
    ``container``: whether the server runs in one (None: :func:`in_container`)."""
    browser = browser_url.rstrip("/")
    loopback_only = is_loopback(bind_host)
    container = in_container() if container is None else container
    address = lan_address(bind_host)
    lan_url = http_url(address, port) if address else None
    source: Source
    if public_url:
        base, source = public_url, "public_url"
    elif not is_loopback(urlsplit(browser).hostname or ""):
        base, source = browser, "browser"
    elif lan_url and not loopback_only and _port(browser) == port:  # not through a proxy
        base, source = lan_url, "network"
    else:
        base, source = browser, "this_computer"
    return Reach(base, source, source != "this_computer", public_url, loopback_only, lan_url,
                 browser, container)


def _port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def belongs(url: str, bases: Iterable[str]) -> bool:
    """Whether ``url`` has the scheme and host of one of ``bases`` and lies under its path."""
    parts = urlsplit(url)
    for base in bases:
        b = urlsplit(base)
        prefix = b.path.rstrip("/")
        same_origin = (parts.scheme.lower(), parts.netloc.lower()) == (b.scheme.lower(),
                                                                       b.netloc.lower())
        if same_origin and (parts.path == prefix or parts.path.startswith(prefix + "/")):
            return True
    return False
