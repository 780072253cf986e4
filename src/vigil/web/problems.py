"""RFC 9457 problem details: the one error shape of the API."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field

__all__ = ["PROBLEM_RESPONSES", "Problem", "ProblemModel", "problem", "problem_body"]

MEDIA_TYPE = "application/problem+json"


class ProblemModel(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field("about:blank", description="A URI naming the problem type.")
    title: str = Field(description="A short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field("", description="What went wrong in this occurrence, for a person.")
    instance: str | None = Field(None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Per-field errors: location (`loc`) and message (`msg`)."
    )


class Problem(HTTPException):
    """Raise to answer with a problem document (API) or an error page (console)."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors


def problem(
    status: int,
    title: str | None = None,
    detail: str = "",
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Problem:
    """A :class:`Problem` to ``raise``: ``raise problem(404, "Not found", "no post p123")``."""
    return Problem(status, title, detail, errors=errors, headers=headers)


def problem_body(
    status: int,
    title: str | None,
    detail: str,
    instance: str | None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


_CONTENT = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemModel"}}}
#: ``responses=`` for API routes, so the OpenAPI document lists the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request", "content": _CONTENT},
    401: {"description": "Not authenticated", "content": _CONTENT},
    403: {"description": "Not allowed", "content": _CONTENT},
    404: {"description": "Not found", "content": _CONTENT},
    422: {"description": "Invalid input", "content": _CONTENT},
    409: {"description": "Conflicts with the current state", "content": _CONTENT},
    413: {"description": "Request too large", "content": _CONTENT},
    429: {"description": "Too many requests", "content": _CONTENT},
    503: {"description": "Workbench database unreachable (retry later)", "content": _CONTENT},
}
