"""Refuse request bodies over the configured size with 413, before they are read into memory.

A declared ``Content-Length`` over the limit is refused at once; a body without one
(chunked) is counted as it streams and cut off when it passes the limit. Pure ASGI, so it
runs before any handler or form parser sees a byte.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.web.problems import MEDIA_TYPE, problem_body

__all__ = ["BodyLimitMiddleware", "BodyTooLarge"]


class BodyTooLarge(Exception):
    """The streamed body passed the limit."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = orjson.dumps(
            problem_body(
                413,
                "Request too large",
                f"the request body is over the {self.limit // (1024 * 1024)} MiB limit",
                scope.get("path", ""),
                None,
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False  # the server rejects a malformed length itself
            if too_big:
                await self._refuse(scope, send)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"BodyLimitMiddleware(limit={self.limit})"
