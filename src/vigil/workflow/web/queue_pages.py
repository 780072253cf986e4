"""Console pages of the review queue, decisions, QA and watchlists (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission as P  # noqa: N817 (as the console does)
from vigil.web.deps import DB, Principal, audit, problem, render, require
from vigil.web.nav import NavItem
from vigil.workflow import decisions, queue, watch
from vigil.workflow.routing import default_routing
from vigil.workflow.tables import Decision
from vigil.workflow.taxonomy import Action, reasons
from vigil.workflow.web.common import actor, results_dir, workflow_errors

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem("Queue", "/queue", P.QUEUE_READ, 40),
    NavItem("Watches", "/watches", P.WATCH_MANAGE, 46),
]


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    who: Principal = require(P.QUEUE_READ),
    db: Session = DB,
    name: str = Query("", alias="queue", max_length=40),
    status: str = Query("open", pattern="^(open|decided|all)$"),
    mine: bool = Query(False),
) -> Response:
    me = actor(who)
    with workflow_errors():
        items = queue.list_items(
            db,
            me,
            queue=name or None,
            status=None if status == "all" else status,
            claimed_by=me.name if mine else None,
            limit=200,
        )
    queues = (*default_routing().queues, "escalations")
    return render(
        request,
        "workflow/queue.html",
        {
            "items": [queue.item_json(i) for i in items],
            "queues": queues,
            "filters": {"queue": name, "status": status, "mine": mine},
        },
    )


@router.post("/queue/claim-next")
def claim_next(
    request: Request,
    who: Principal = require(P.QUEUE_DECIDE),
    db: Session = DB,
    name: str = Form("", alias="queue", max_length=40),
) -> Response:
    with workflow_errors():
        item = queue.claim_next(db, actor(who), queue=name or None)
    if item is None:
        raise problem(404, "Nothing to claim", "no open item is free in that queue")
    return _see_other(f"/queue/items/{item.id}")


def _subject(request: Request, db: Session, who: Principal, item: Any) -> dict[str, Any]:
    """What the reviewer reads: the post, cluster or tip (for QA, the decided subject)."""
    kind, ident = item.subject_type, item.subject_id
    if kind == "decision":
        original = db.get(Decision, ident)
        if original is None:
            return {"kind": "missing"}
        kind, ident = original.subject_type, original.subject_id
    ex = request.app.state.explorer
    out: dict[str, Any] = {"kind": kind, "id": ident}
    if kind == "post":
        out["post"] = ex.post(ident) if ex.available else None
    elif kind == "cluster":
        out["cluster"] = ex.cluster(ident) if ex.available else None
    elif kind == "tip":
        from vigil.workflow.tips.service import get_tip, tip_json

        with workflow_errors():
            out["tip"] = tip_json(db, get_tip(db, actor(who), ident), full=True)
    return out


@router.get("/queue/items/{item_id}")
def item_page(
    request: Request, item_id: str, who: Principal = require(P.QUEUE_READ), db: Session = DB
) -> Response:
    with workflow_errors():
        item = queue.get_item(db, item_id)
    subject = _subject(request, db, who, item)
    if subject["kind"] == "post":
        audit(db, who, "post.read", "post", subject["id"][:200], {"via": "queue"})
    me = actor(who)
    return render(
        request,
        "workflow/item.html",
        {
            "item": queue.item_json(item),
            "subject": subject,
            "me": me.name,
            "reasons": reasons(),
            "actions": [a.value for a in Action],
            "can_assign": who.can(P.QUEUE_ASSIGN),
            "can_decide": who.can(P.QUEUE_DECIDE),
            "teams": sorted(me.teams),
        },
    )


@router.post("/queue/items/{item_id}/claim")
def item_claim(
    item_id: str, who: Principal = require(P.QUEUE_DECIDE), db: Session = DB
) -> Response:
    with workflow_errors():
        queue.claim(db, actor(who), item_id)
    return _see_other(f"/queue/items/{item_id}")


@router.post("/queue/items/{item_id}/release")
def item_release(
    item_id: str, who: Principal = require(P.QUEUE_DECIDE), db: Session = DB
) -> Response:
    with workflow_errors():
        queue.release(db, actor(who), item_id)
    return _see_other(f"/queue/items/{item_id}")


@router.post("/queue/items/{item_id}/escalate")
def item_escalate(
    item_id: str,
    note: str = Form(..., max_length=2000),
    who: Principal = require(P.QUEUE_DECIDE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        queue.escalate(db, actor(who), item_id, note)
    return _see_other("/queue")


@router.post("/queue/items/{item_id}/reassign")
def item_reassign(
    item_id: str,
    to: str = Form("", max_length=200),
    who: Principal = require(P.QUEUE_ASSIGN),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        queue.reassign(db, actor(who), item_id, to.strip() or None)
    return _see_other(f"/queue/items/{item_id}")


@router.post("/queue/items/{item_id}/decide")
def item_decide(
    item_id: str,
    action: str = Form(..., max_length=20),
    reason: str = Form(..., max_length=60),
    notes: str = Form("", max_length=5000),
    case_title: str = Form("", max_length=300),
    team: str = Form("", max_length=100),
    who: Principal = require(P.QUEUE_DECIDE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        d = decisions.decide(
            db,
            actor(who),
            item_id,
            action_name=action,
            reason_id=reason,
            notes=notes,
            case_title=case_title or None,
            team=team or None,
        )
    if d.case_id and who.can(P.CASES_READ):
        return _see_other(f"/cases/{d.case_id}")
    return _see_other(f"/queue?decided={d.id}")


@router.get("/queue/items/{item_id}/images/{index}")
def item_image(
    request: Request,
    item_id: str,
    index: int,
    reveal: bool = Query(False),
    who: Principal = require(P.QUEUE_READ),
    db: Session = DB,
) -> Response:
    """An image of the item's post: blurred and greyscale unless revealed (audited)."""
    from vigil.linking.images import resolve
    from vigil.workflow.media import images_root, preview

    with workflow_errors():
        item = queue.get_item(db, item_id)
    post = request.app.state.explorer.post(item.subject_id) if item.subject_type == "post" else None
    if post is None or not 0 <= index < len(post.images):
        raise problem(404, "Not found", f"item {item_id} has no image {index}")
    configured = request.app.state.settings.images_root
    path = resolve(images_root(results_dir(request), configured), post.images[index])
    if path is None:
        raise problem(404, "Not found", "the image file is not available on this server")
    if reveal:
        audit(db, who, "image.reveal", "post", item.subject_id[:200], {"image": index})
    try:
        data = preview(path, reveal=reveal)
    except OSError:
        raise problem(415, "Unreadable image", "the file is not an image vigil can read") from None
    return Response(data, media_type="image/png")


@router.get("/qa")
def qa_page(
    request: Request, who: Principal = require(P.QUEUE_ASSIGN), db: Session = DB
) -> Response:
    with workflow_errors():
        agreement = decisions.qa_agreement(db, actor(who))
    return render(request, "workflow/qa.html", {"agreement": agreement.as_json()})


@router.post("/qa/sample")
def qa_sample(
    share: float = Form(0.1, ge=0.01, le=1.0),
    who: Principal = require(P.QUEUE_ASSIGN),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        decisions.qa_sample(db, actor(who), share=share)
    return _see_other("/queue?queue=qa")


@router.get("/watches")
def watches_page(
    request: Request, who: Principal = require(P.WATCH_MANAGE), db: Session = DB
) -> Response:
    me = actor(who)
    with workflow_errors():
        mine = [watch.watch_json(w) for w in watch.list_watches(db, me, owner=me.name)]
        alerts = [
            {
                "id": a.id,
                "watch": w.id,
                "kind": w.kind,
                "value": w.value,
                "post_id": a.post_id,
                "matched": a.matched,
                "at": a.created_at,
                "new": a.seen_at is None,
            }
            for a, w in watch.alerts_for(db, me, mark_seen=True)
        ]
    return render(
        request,
        "workflow/watches.html",
        {
            "watches": mine,
            "alerts": alerts[:500],
            "kinds": watch.WATCH_KINDS,
        },
    )


@router.post("/watches")
def watch_add(
    request: Request,
    kind: str = Form(..., max_length=20),
    value: str = Form(..., max_length=500),
    reason: str = Form(..., max_length=2000),
    days: int = Form(90, ge=1, le=366),
    who: Principal = require(P.WATCH_MANAGE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        watch.add_watch(
            db,
            actor(who),
            kind=kind,
            value=value,
            reason=reason,
            days=days,
            region=request.app.state.settings.default_region,
        )
    return _see_other("/watches")


@router.post("/watches/{watch_id}/remove")
def watch_remove(
    watch_id: str, who: Principal = require(P.WATCH_MANAGE), db: Session = DB
) -> Response:
    with workflow_errors():
        watch.remove_watch(db, actor(who), watch_id)
    return _see_other("/watches")
