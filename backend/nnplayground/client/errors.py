"""The client's errors: a refusal by the server, with the API's ``code`` (``docs/protocol.md``).

What it leaves out: connection failures, which stay httpx's and websockets' own exceptions.
"""

from __future__ import annotations

import httpx


class ApiError(Exception):
    """A refusal by the server: HTTP ``status`` (``None`` on the stream), the API's stable
    ``code`` (``not_found``, ``over_limit``, ``wrong_token``, ...), its ``message`` and the
    ``field`` it names; ``retry_after`` (seconds) when the server said when to try again."""

    def __init__(self, status: int | None, code: str, message: str, field: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}" + (f" ({field})" if field else ""))
        self.status, self.code, self.message, self.field = status, code, message, field
        self.retry_after = retry_after

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {"code": "http_error", "message": response.text[:300] or response.reason_phrase}
        retry = response.headers.get("Retry-After")
        return cls(response.status_code, str(body.get("code", "http_error")),
                   str(body.get("message", "")), body.get("field"),
                   float(retry) if retry and retry.replace(".", "", 1).isdigit() else None)


class StreamClosedError(ApiError):
    """The stream ended: the server closed it (``code`` ``closed``, the close code in
    ``message``). Iterating over a stream simply stops there."""
