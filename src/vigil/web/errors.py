"""Error handlers: problem+json for the API, an error page for the console, never a trace."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import sqlalchemy.exc
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigil.web.problems import MEDIA_TYPE, Problem, problem_body

#: errors that mean the workbench database is down or unreachable (a 503, not a 500)
UNAVAILABLE: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)

__all__ = ["UNAVAILABLE", "database_down", "install"]

log = logging.getLogger("vigil.web")


def _respond(
    request: Request,
    status: int,
    title: str | None,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    api = request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
        "accept", ""
    )
    if status == 401 and not api:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if api:
        if status == 401:
            headers = {**(headers or {}), "www-authenticate": "Bearer"}
        return JSONResponse(
            problem_body(status, title, detail, request.url.path, errors),
            status_code=status,
            media_type=MEDIA_TYPE,
            headers=headers,
        )
    from vigil.web.deps import render

    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": title or HTTPStatus(status).phrase,
            "detail": detail,
            "errors": errors or [],
        },
        status_code=status,
    )


async def database_down(request: Request, exc: Exception) -> Response:
    """The 503 for a workbench database that is down (also sent by the security middleware,
    which runs outside the exception handlers)."""
    # The message names no host, driver or statement: the log has the details.
    log.warning("workbench database unavailable on %s %s: %s", request.method,
                request.url.path, type(exc).__name__)  # fmt: skip
    return _respond(
        request,
        503,
        "Service unavailable",
        "the workbench database cannot be reached; try again shortly",
        headers={"retry-after": "5"},
    )


def _loc(loc: Any) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, Problem):
            return _respond(
                request, exc.status_code, exc.title, str(exc.detail), exc.errors, exc.headers
            )
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).description
        if status == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        return _respond(request, status, None, detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": _loc(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": "", "msg": "invalid request"}
        return _respond(
            request,
            422,
            "Invalid input",
            f"{first['loc']}: {first['msg']}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            errors,
        )

    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, database_down)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Errors raised in middleware (e.g. resolving the session) only reach this handler.
        if isinstance(exc, UNAVAILABLE):
            return await database_down(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "Internal error", "the server failed; the error was logged")
