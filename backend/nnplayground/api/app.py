"""The FastAPI application: routers, error handlers, middleware, the page, the lifespan.

``create_app(settings)`` builds an app whose lifespan opens the pool and registry for the
store (``backends.py``: local, or shared by several replicas through Redis), starts the
training workers and an expiry task, and on shutdown (SIGTERM/SIGINT) asks every worker to
checkpoint before exiting. Behind a proxy listed in ``trusted_proxies`` (only then)
uvicorn's ``ProxyHeadersMiddleware`` makes the forwarded address the client's (``quotas.py``).
``serve(settings)`` runs it with uvicorn. The page in ``frontend/`` is served at ``/`` (from
the wheel's copy when installed). Its OpenAPI document lists every error status and the
settings' limits (``openapi.py``); ``OPTIONS`` and wrong methods on API paths are answered with
the right ``Allow`` (``methods.py``). What it leaves out: the routes (``sessions.py``,
``classroom.py``, ``stream.py``, ``meta.py``) and training (``training/``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from .. import __version__
from ..config import Settings
from ..sessions import jsonsafe
from ..sessions.errors import SessionError
from . import classroom, errors, meta, openapi, sessions, share, stream
from .backends import open_backend, rate_storage
from .deps import AppState
from .methods import ApiMethods
from .middleware import BodyLimit, security_headers
from .quotas import Quotas

log = logging.getLogger("nnplayground")


def frontend_dir(settings: Settings) -> Path:
    """``frontend/`` of the source tree, or the copy inside an installed wheel."""
    if settings.frontend_dir is not None:
        return settings.frontend_dir
    packaged = Path(__file__).parents[1] / "frontend"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "frontend"


class SafeJSONResponse(JSONResponse):
    """The API's responses: JSON in which NaN and infinities (a diverged network) are null."""

    def render(self, content: object) -> bytes:
        return jsonsafe.dumps(content).encode()


async def _expire(state: AppState) -> None:
    """Delete sessions idle longer than ``session_ttl_seconds``, or ``unopened_ttl_seconds``
    for those nobody used after creating them (never a running one); their ids then answer
    ``expired``."""
    st = state.settings
    while True:
        await asyncio.sleep(min(60.0, st.session_ttl_seconds / 4, st.unopened_ttl_seconds / 4))
        try:
            idle = await state.registry.idle(st.session_ttl_seconds, st.unopened_ttl_seconds)
            for sid in idle:
                with contextlib.suppress(Exception):
                    await state.pool.call(sid, "delete")
                await state.registry.expire(sid)
                state.pool.release(sid)
        except SessionError as exc:  # the shared store is unreachable: next time
            log.warning("session expiry postponed: %s", exc.message)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool, registry = await open_backend(settings)  # local, or shared through Redis
        await pool.start()
        quotas = Quotas(settings, registry, rate_storage(settings))
        state = AppState(settings, pool, registry, quotas)
        app.state.nnp = state
        expiry = asyncio.create_task(_expire(state))
        try:
            yield
        finally:
            expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await expiry
            await pool.stop()
            await registry.close()
            await quotas.close()

    app = FastAPI(
        title="nnplayground", version=__version__, lifespan=lifespan, docs_url=None,
        default_response_class=SafeJSONResponse,
        redoc_url=None,
        description="Watch backpropagation happen: sessions that train small multilayer "
        "perceptrons with NumPy, over REST and a WebSocket stream.",
    )
    errors.install(app)
    for router in (meta.router, sessions.router, classroom.router, stream.router,
                   share.router):
        app.include_router(openapi.document_errors(router))

    import swagger_ui_bundle

    app.mount("/_swagger", StaticFiles(directory=str(swagger_ui_bundle.swagger_ui_path)),
              name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="nnplayground API",
                                   swagger_js_url="/_swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/_swagger/swagger-ui.css",
                                   swagger_favicon_url="/favicon.svg")

    openapi.install(app, settings)
    app.add_middleware(ApiMethods, routes=lambda: app.routes)
    app.middleware("http")(security_headers)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.trusted_proxies.strip():  # their X-Forwarded-For names the client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.mount("/", StaticFiles(directory=str(frontend_dir(settings)), html=True), name="page")
    return app


def serve(settings: Settings | None = None) -> None:
    """Run the playground with uvicorn (Ctrl-C or SIGTERM stop it after a checkpoint)."""
    import uvicorn

    settings = settings or Settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                ws_max_size=max(1 << 20, 4 * settings.ws_max_message_bytes),
                ws_per_message_deflate=settings.ws_compression,
                timeout_graceful_shutdown=10, log_level="info",
                proxy_headers=False)  # the app's own, from NNP_TRUSTED_PROXIES only
