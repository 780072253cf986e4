"""/api/v1/share: import packages, list received signals, give feedback (share.exchange)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission
from vigil.web.deps import DB, Principal, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/share", tags=["sharing"], responses=PROBLEM_RESPONSES)
MAX_BODY = 64 * 1024 * 1024


class FeedbackRequest(BaseModel):
    kind: str = Field(description="seen, true_positive or false_positive.")


@router.post("/packages")
async def import_package(
    request: Request, who: Principal = require(Permission.SHARE_EXCHANGE), db: Session = DB
) -> dict[str, Any]:
    """Verify and store a signed package (the request body); 422 names the problem's pointer.

    Signals are stored with their provenance; nothing is acted on (run a match to queue
    matching posts for review).
    """
    from vigil.sharing.keys import KeyError_, KeyStore
    from vigil.sharing.package import PackageError
    from vigil.sharing.service import import_package as do_import

    data = await request.body()
    if len(data) > MAX_BODY:
        raise problem(413, "Too large", "a package is at most 64 MiB")
    keys = KeyStore(request.app.state.settings.home)
    try:
        result = await run_in_threadpool(do_import, db, keys, data, actor=who.actor)
    except PackageError as exc:
        errors = [{"loc": exc.pointer or "/", "msg": str(exc)}]
        raise problem(422, "Package refused", str(exc), errors=errors) from None
    except KeyError_ as exc:
        raise problem(409, "Keys missing", str(exc)) from None
    return result.as_json()


@router.get("/received")
def received(
    who: Principal = require(Permission.SHARE_EXCHANGE), db: Session = DB
) -> list[dict[str, Any]]:
    """Received signals (tokens are not shown) with their provenance."""
    from vigil.sharing.tables import ShareReceived

    return [
        {"id": r.id, "group": r.group, "source_org": r.source_org, "type": r.type,
         "category": r.category, "opinion": r.opinion, "tags": r.tags,
         "first_seen": r.first_seen.isoformat(), "last_seen": r.last_seen.isoformat(),
         "expires_at": r.expires_at.isoformat() if r.expires_at else None}
        for r in db.scalars(select(ShareReceived).order_by(ShareReceived.id))
    ]  # fmt: skip


@router.post("/received/{received_id}/feedback")
def feedback(
    received_id: str,
    body: FeedbackRequest,
    who: Principal = require(Permission.SHARE_EXCHANGE),
    db: Session = DB,
) -> dict[str, Any]:
    """Note feedback on a received signal; it goes back with the next feedback export."""
    from vigil.sharing.model import FeedbackKind
    from vigil.sharing.service import record_feedback

    try:
        kind, rid = FeedbackKind(body.kind), int(received_id)
    except ValueError:
        raise problem(422, "Invalid input", "kind: seen, true_positive or false_positive; "
                      "id: a number") from None  # fmt: skip
    try:
        row = record_feedback(db, received_id=rid, kind=kind, actor=who.actor)
    except LookupError as exc:
        raise problem(404, "Not found", str(exc)) from None
    return {"received": rid, "kind": row.kind, "sent": row.package_id is not None}
