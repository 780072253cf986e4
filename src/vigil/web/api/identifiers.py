"""Identifier lookup: every post and cluster that uses one (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore import Explorer
from vigil.explore.models import IdentifierDetail
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["identifiers"], responses=PROBLEM_RESPONSES)

KIND = "^(phone|email|url|handle|payment|crypto|age|price|place)$"


def explorer(request: Request) -> Explorer:
    ex: Explorer = request.app.state.explorer
    return ex


@router.get("/identifiers/{kind}/{value}")
def get_identifier(
    kind: Annotated[str, Path(pattern=KIND)],
    value: Annotated[str, Path(min_length=1, max_length=300)],
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> IdentifierDetail:
    """Posts (highest risk first) and clusters that use the normalised identifier
    (phones in E.164, e-mails lower-case, handles `platform:name`)."""
    audit(db, who, "identifier.read", "identifier", f"{kind}:{value}"[:200], {"via": "api"})
    detail = ex.identifier(kind, value)
    if detail is None:
        raise problem(404, "Not found", f"no post uses {kind} {value!r}")
    return detail
