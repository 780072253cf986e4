"""Health and "who am I" endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from vigil import __version__
from vigil.web.deps import PUBLIC, Principal, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["meta"], responses=PROBLEM_RESPONSES)


class Health(BaseModel):
    status: str
    version: str
    results: bool


class Me(BaseModel):
    username: str
    roles: list[str]
    teams: list[str]
    permissions: list[str]
    via: str


@router.get("/health", openapi_extra=PUBLIC)
def health(request: Request) -> Health:
    """Liveness: the server answers (no login needed)."""
    return Health(status="ok", version=__version__, results=request.app.state.explorer.available)


@router.get("/me")
def me(who: Principal = require()) -> Me:
    """The caller's user, roles, teams and effective permissions."""
    return Me(
        username=who.username,
        roles=sorted(who.roles),
        teams=sorted(who.teams),
        permissions=sorted(who.permissions),
        via=who.via,
    )
