"""/share: signal packages received and sent, import and export, matches with provenance.

Everything here needs ``share.exchange``. A received signal never acts by itself: a
match only queues the local post or cluster for review, with the signal's provenance.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import chain
from typing import Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission as P  # noqa: N817 (as the console does)
from vigil.web.deps import DB, Principal, audit, problem, render, require
from vigil.web.nav import NavItem

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Sharing", "/share", P.SHARE_EXCHANGE, 70)]
MAX_PACKAGE = 64 * 1024 * 1024


def _keys(request: Request) -> Any:
    from vigil.sharing.keys import KeyStore

    return KeyStore(request.app.state.settings.home)


def _at(value: datetime | None) -> str:
    if value is None:
        return ""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")


@router.get("/share")
def share_page(
    request: Request, who: Principal = require(P.SHARE_EXCHANGE), db: Session = DB
) -> Response:
    from vigil.sharing.tables import ShareMatch, SharePackage, ShareReceived

    packages = db.scalars(select(SharePackage).order_by(SharePackage.processed_at.desc())).all()
    counts = dict(
        db.execute(
            select(ShareMatch.received_id, func.count()).group_by(ShareMatch.received_id)
        ).all()
    )
    received = db.scalars(select(ShareReceived).order_by(ShareReceived.id.desc()).limit(500)).all()
    matches = db.execute(
        select(ShareMatch, ShareReceived)
        .join(ShareReceived, ShareReceived.id == ShareMatch.received_id)
        .order_by(ShareMatch.matched_at.desc())
        .limit(500)
    ).all()
    try:
        groups = _keys(request).groups()
    except Exception:
        groups = []
    audit(db, who, "share.view", "share", "console", {"received": len(received)})
    return render(
        request,
        "sharing/share.html",
        {
            "sent": [p for p in packages if p.direction == "out"],
            "got": [p for p in packages if p.direction == "in"],
            "received": received,
            "counts": counts,
            "matches": matches,
            "groups": groups,
            "at": _at,
            "notice": request.query_params.get("notice", "")[:300],
        },
    )


@router.post("/share/import")
async def share_import(
    request: Request,
    package: UploadFile = File(...),
    who: Principal = require(P.SHARE_EXCHANGE),
    db: Session = DB,
) -> Response:
    """Verify (signature, group, schema) and store a package; 422 names the JSON pointer."""
    from vigil.sharing.keys import KeyError_
    from vigil.sharing.package import PackageError
    from vigil.sharing.service import import_package

    data = await package.read(MAX_PACKAGE + 1)
    if len(data) > MAX_PACKAGE:
        raise problem(413, "Too large", "a package is at most 64 MiB")
    try:
        result = await run_in_threadpool(import_package, db, _keys(request), data, actor=who.actor)
    except PackageError as exc:
        errors = [{"loc": exc.pointer or "/", "msg": str(exc)}]
        raise problem(
            422, "Package refused", f"{exc.pointer or '/'}: {exc}", errors=errors
        ) from None
    except KeyError_ as exc:
        raise problem(409, "Keys missing", str(exc)) from None
    r = result.as_json()
    note = (
        f"package {r['package']} from {r['source_org']} was already imported"
        if r["already_imported"]
        else f"imported {r['package']} from {r['source_org']}: {r['new']} new, "
        f"{r['updated']} updated, {r['feedback']} feedback"
    )
    return RedirectResponse(f"/share?notice={note}", status_code=303)


@router.post("/share/export")
def share_export(
    request: Request,
    group: str = Form(..., min_length=1, max_length=64),
    who: Principal = require(P.SHARE_EXCHANGE),
    db: Session = DB,
) -> Response:
    """Download a signed package of this organisation's unexpired signals for ``group``."""
    from vigil.sharing.keys import KeyError_
    from vigil.sharing.service import export_signals

    try:
        data = export_signals(db, _keys(request), group=group, actor=who.actor)
    except KeyError_ as exc:
        raise problem(409, "Keys missing", str(exc)) from None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in group)
    return Response(
        data,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="signals-{safe}-{stamp}.json"'},
    )


@router.post("/share/match")
def share_match(
    request: Request, who: Principal = require(P.SHARE_EXCHANGE), db: Session = DB
) -> Response:
    """Match received signals against the local lake and clusters; queue matches for review."""
    from vigil.sharing.local import cluster_members, cluster_values, lake_values
    from vigil.sharing.service import match

    settings = request.app.state.settings
    results = request.app.state.explorer.results
    local = chain(lake_values(settings), cluster_values(results))
    result = match(
        db, _keys(request), local, actor=who.actor, clusters=cluster_members(results) or None
    )
    note = f"{result.new_matches} new matches queued for review"
    return RedirectResponse(f"/share?notice={note}", status_code=303)


@router.post("/share/received/{received_id}/feedback")
def share_feedback(
    received_id: str,
    kind: str = Form(..., pattern="^(seen|true_positive|false_positive)$"),
    who: Principal = require(P.SHARE_EXCHANGE),
    db: Session = DB,
) -> Response:
    """Note feedback on a received signal; it goes back with the next feedback export."""
    from vigil.sharing.model import FeedbackKind
    from vigil.sharing.service import record_feedback

    if not received_id.isdigit():
        raise problem(422, "Invalid input", "received signal id: a number")
    try:
        record_feedback(db, received_id=int(received_id), kind=FeedbackKind(kind), actor=who.actor)
    except LookupError as exc:
        raise problem(404, "Not found", str(exc)) from None
    note = f"feedback {kind} noted on signal {received_id}"
    return RedirectResponse(f"/share?notice={note}", status_code=303)
