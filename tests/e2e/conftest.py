"""A real server for end-to-end tests: ``nnplayground serve`` (uvicorn) on a free loopback port.

``live_server`` is one module-scoped :class:`~tools.launcher.Server` with the memory
store, ``server`` its base URL; tests that restart a server make their own ``Server``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tools.launcher import Server, free_port

__all__ = ["Server", "free_port"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("server")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def server(live_server: Server) -> str:
    """The base URL (``http://127.0.0.1:<port>``) of the module's running server."""
    return live_server.url
