"""/api/v1 endpoints of the workflow: queue, decisions, QA, watches, tips, cases, victims.

Every endpoint needs the permission the matching service checks; object-level rules (a
live claim to decide, team membership for victims' records, legal holds) are the
services' and come back as problem documents (404, 403, 409, 410, 422).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission
from vigil.web.deps import DB, Principal, require
from vigil.web.problems import PROBLEM_RESPONSES
from vigil.workflow import cases, decisions, queue, retention, watch
from vigil.workflow.directory import support_services
from vigil.workflow.taxonomy import reasons
from vigil.workflow.tips import service as tips
from vigil.workflow.victims import service as victims
from vigil.workflow.web.common import actor, keys, workflow_errors

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["workflow"], responses=PROBLEM_RESPONSES)
Json = dict[str, Any]


class DecideRequest(BaseModel):
    action: str = Field(description="no_concern, monitor, open_case, refer or preserve.")
    reason: str = Field(description="Policy reason id (GET /api/v1/decisions/reasons).")
    notes: str = Field("", max_length=5000)
    case_title: str | None = Field(None, max_length=300)
    team: str | None = Field(None, max_length=100, description="Team of a case opened.")


class NoteRequest(BaseModel):
    note: str = Field(max_length=2000)


class AssignRequest(BaseModel):
    to: str | None = Field(None, max_length=200, description="Reviewer; null: anyone.")


class WatchRequest(BaseModel):
    kind: str = Field(
        description="phone, email, handle, payment, crypto, url, image_hash, cluster or search."
    )
    value: str = Field(max_length=500)
    reason: str = Field(max_length=2000)
    days: int = Field(90, ge=1, le=366)


class CaseRequest(BaseModel):
    title: str = Field(max_length=300)
    team: str = Field(max_length=100)
    summary: str = Field("", max_length=10_000)


class CaseUpdate(BaseModel):
    status: str | None = None
    owner: str | None = Field(None, max_length=200)
    team: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=10_000)


class CaseItemRequest(BaseModel):
    kind: str = Field(description="post, cluster, tip, evidence, identifier or suspect.")
    ref: str = Field(max_length=300)
    label: str = Field("", max_length=1000)


class TaskRequest(BaseModel):
    title: str = Field(max_length=300)
    assignee: str | None = Field(None, max_length=200)


class TextRequest(BaseModel):
    body: str = Field(max_length=20_000)


class HoldRequest(BaseModel):
    on: bool
    reason: str = Field("", max_length=2000)


class VictimRequest(BaseModel):
    fields: dict[str, str | None] = Field(
        description="name, contact, date_of_birth, nationality, needs, consent, notes."
    )


class ShredRequest(BaseModel):
    reason: str = Field(max_length=500)


class ReferralRequest(BaseModel):
    service_id: str = Field(max_length=60)
    consent: bool = Field(description="The person consented; referrals without it are refused.")
    note: str = Field("", max_length=2000)


# ----------------------------------------------------------------------------- queue


@router.get("/queue")
def list_queue(
    who: Principal = require(Permission.QUEUE_READ),
    db: Session = DB,
    name: str | None = Query(None, alias="queue", max_length=40),
    status: str = Query("open", pattern="^(open|decided|all)$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=2**31 - 1),
) -> list[Json]:
    """Queue items in priority order, with SLA clocks."""
    with workflow_errors():
        items = queue.list_items(
            db,
            actor(who),
            queue=name,
            status=None if status == "all" else status,
            limit=limit,
            offset=offset,
        )
    return [queue.item_json(i) for i in items]


@router.get("/queue/items/{item_id}")
def get_item(
    item_id: str, who: Principal = require(Permission.QUEUE_READ), db: Session = DB
) -> Json:
    with workflow_errors():
        return queue.item_json(queue.get_item(db, item_id))


@router.post("/queue/claim", responses={204: {"description": "No free item to claim."}})
def claim_next(
    response: Response,
    who: Principal = require(Permission.QUEUE_DECIDE),
    db: Session = DB,
    name: str | None = Query(None, alias="queue", max_length=40),
) -> Json | None:
    """Claim the most urgent free item (204 when none)."""
    with workflow_errors():
        item = queue.claim_next(db, actor(who), queue=name)
    if item is None:
        response.status_code = 204
        return None
    return queue.item_json(item)


@router.post("/queue/items/{item_id}/claim")
def claim(
    item_id: str, who: Principal = require(Permission.QUEUE_DECIDE), db: Session = DB
) -> Json:
    with workflow_errors():
        return queue.item_json(queue.claim(db, actor(who), item_id))


@router.post("/queue/items/{item_id}/release")
def release(
    item_id: str, who: Principal = require(Permission.QUEUE_DECIDE), db: Session = DB
) -> Json:
    with workflow_errors():
        return queue.item_json(queue.release(db, actor(who), item_id))


@router.post("/queue/items/{item_id}/escalate")
def escalate(
    item_id: str,
    body: NoteRequest,
    who: Principal = require(Permission.QUEUE_DECIDE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        return queue.item_json(queue.escalate(db, actor(who), item_id, body.note))


@router.post("/queue/items/{item_id}/assign")
def assign(
    item_id: str,
    body: AssignRequest,
    who: Principal = require(Permission.QUEUE_ASSIGN),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        return queue.item_json(queue.reassign(db, actor(who), item_id, body.to))


@router.post("/queue/items/{item_id}/decision")
def decide(
    item_id: str,
    body: DecideRequest,
    who: Principal = require(Permission.QUEUE_DECIDE),
    db: Session = DB,
) -> Json:
    """Record the decision on an item you hold the claim on."""
    with workflow_errors():
        d = decisions.decide(
            db,
            actor(who),
            item_id,
            action_name=body.action,
            reason_id=body.reason,
            notes=body.notes,
            case_title=body.case_title,
            team=body.team,
        )
    return decisions.decision_json(d)


@router.get("/decisions/reasons")
def list_reasons(who: Principal = require(Permission.QUEUE_READ)) -> list[Json]:
    """Policy reasons with their DSA statement category and keywords."""
    return [
        {
            "id": r.id,
            "label": r.label,
            "statement_category": r.statement_category,
            "keywords": list(r.keywords),
            "concern": r.concern,
        }
        for r in reasons()
    ]


@router.get("/decisions/subject/{subject}")
def decision_for(
    subject: str, who: Principal = require(Permission.QUEUE_READ), db: Session = DB
) -> Json:
    """The latest decision on ``kind:id`` (404 when none)."""
    with workflow_errors():
        d = decisions.latest_decision(db, subject)
    if d is None:
        from vigil.web.deps import problem

        raise problem(404, "Not found", f"no decision on {subject}")
    return decisions.decision_json(d)


@router.get(
    "/decisions/labels",
    response_class=Response,
    responses={
        200: {
            "description": "One JSON object per line: the `vigil train` labels format.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def labels(
    who: Principal = require(Permission.QUEUE_READ),
    db: Session = DB,
    include_monitor: bool = Query(False),
) -> Response:
    """Decisions on posts as a `vigil train` labels file (JSONL)."""
    with workflow_errors():
        data = decisions.export_labels(db, actor(who), include_monitor=include_monitor)
    return Response(data, media_type="application/x-ndjson")


@router.post("/qa/sample")
def qa_sample(
    who: Principal = require(Permission.QUEUE_ASSIGN),
    db: Session = DB,
    share: float = Query(0.1, gt=0, le=1),
    seed: int | None = Query(None, ge=0, le=2**32 - 1),
) -> list[Json]:
    with workflow_errors():
        return [
            queue.item_json(i) for i in decisions.qa_sample(db, actor(who), share=share, seed=seed)
        ]


@router.get("/qa/agreement")
def qa_agreement(who: Principal = require(Permission.QUEUE_READ), db: Session = DB) -> Json:
    """Cohen's kappa between decisions and their QA re-reviews."""
    with workflow_errors():
        return decisions.qa_agreement(db, actor(who)).as_json()


# ----------------------------------------------------------------------------- watches


@router.get("/watches")
def list_watches(who: Principal = require(Permission.WATCH_MANAGE), db: Session = DB) -> list[Json]:
    me = actor(who)
    with workflow_errors():
        return [watch.watch_json(w) for w in watch.list_watches(db, me, owner=me.name)]


@router.post("/watches", status_code=201)
def add_watch(
    request: Request,
    body: WatchRequest,
    who: Principal = require(Permission.WATCH_MANAGE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        w = watch.add_watch(
            db,
            actor(who),
            kind=body.kind,
            value=body.value,
            reason=body.reason,
            days=body.days,
            region=request.app.state.settings.default_region,
        )
    return watch.watch_json(w)


@router.delete("/watches/{watch_id}")
def remove_watch(
    watch_id: str, who: Principal = require(Permission.WATCH_MANAGE), db: Session = DB
) -> Json:
    with workflow_errors():
        return watch.watch_json(watch.remove_watch(db, actor(who), watch_id))


@router.get("/alerts")
def alerts(
    who: Principal = require(Permission.WATCH_MANAGE),
    db: Session = DB,
    unseen: bool = Query(False),
) -> list[Json]:
    """Alerts on my watches, newest first."""
    with workflow_errors():
        rows = watch.alerts_for(db, actor(who), unseen_only=unseen)
    return [
        {
            "id": a.id,
            "watch": w.id,
            "post_id": a.post_id,
            "matched": a.matched,
            "at": a.created_at.isoformat(timespec="seconds"),
            "seen": a.seen_at is not None,
        }
        for a, w in rows
    ]


# ----------------------------------------------------------------------------- tips


@router.get("/tips")
def list_tips(
    who: Principal = require(Permission.TIPS_READ),
    db: Session = DB,
    status: str | None = Query(None, pattern="^(received|reviewing|closed)$"),
) -> list[Json]:
    with workflow_errors():
        return [tips.tip_json(db, t) for t in tips.list_tips(db, actor(who), status=status)]


@router.get("/tips/{tip_id}")
def get_tip(tip_id: str, who: Principal = require(Permission.TIPS_READ), db: Session = DB) -> Json:
    """One tip in full (the read is audited)."""
    with workflow_errors():
        return tips.tip_json(db, tips.get_tip(db, actor(who), tip_id), full=True)


@router.post("/tips/{tip_id}/replies", status_code=201)
def reply(
    tip_id: str,
    body: TextRequest,
    who: Principal = require(Permission.QUEUE_DECIDE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        msg = tips.reply(db, actor(who), tip_id, body.body)
    return {"id": msg.id, "at": msg.at.isoformat(timespec="seconds")}


# ----------------------------------------------------------------------------- cases


@router.get("/cases")
def list_cases(
    who: Principal = require(Permission.CASES_READ),
    db: Session = DB,
    status: str | None = Query(None, pattern="^(open|active|closed)$"),
) -> list[Json]:
    with workflow_errors():
        return [cases.case_json(db, c) for c in cases.list_cases(db, actor(who), status=status)]


@router.post("/cases", status_code=201)
def open_case(
    body: CaseRequest, who: Principal = require(Permission.CASES_WRITE), db: Session = DB
) -> Json:
    with workflow_errors():
        case = cases.open_case(
            db, actor(who), title=body.title, team=body.team, summary=body.summary
        )
        return cases.case_json(db, case, full=True)


@router.get("/cases/{case_id}")
def get_case(
    case_id: str, who: Principal = require(Permission.CASES_READ), db: Session = DB
) -> Json:
    with workflow_errors():
        return cases.case_json(db, cases.get_case(db, actor(who), case_id), full=True)


@router.patch("/cases/{case_id}")
def update_case(
    case_id: str,
    body: CaseUpdate,
    who: Principal = require(Permission.CASES_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        case = cases.update_case(db, actor(who), case_id, **body.model_dump())
        return cases.case_json(db, case, full=True)


@router.post("/cases/{case_id}/items", status_code=201)
def add_case_item(
    case_id: str,
    body: CaseItemRequest,
    who: Principal = require(Permission.CASES_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        item = cases.add_item(
            db, actor(who), case_id, kind=body.kind, ref=body.ref, label=body.label
        )
    return {"id": item.id, "kind": item.kind, "ref": item.ref}


@router.post("/cases/{case_id}/tasks", status_code=201)
def add_task(
    case_id: str,
    body: TaskRequest,
    who: Principal = require(Permission.CASES_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        task = cases.add_task(db, actor(who), case_id, title=body.title, assignee=body.assignee)
    return {"id": task.id, "title": task.title}


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(
    case_id: str,
    body: TextRequest,
    who: Principal = require(Permission.CASES_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        note = cases.add_note(db, actor(who), case_id, body.body)
    return {"id": note.id}


@router.post("/cases/{case_id}/legal-hold")
def legal_hold(
    case_id: str,
    body: HoldRequest,
    who: Principal = require(Permission.CASES_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        case = cases.set_legal_hold(db, actor(who), case_id, on=body.on, reason=body.reason)
        return cases.case_json(db, case)


@router.get("/cases/{case_id}/timeline")
def case_timeline(
    case_id: str, who: Principal = require(Permission.CASES_READ), db: Session = DB
) -> list[Json]:
    with workflow_errors():
        return cases.timeline(db, actor(who), case_id)


@router.get("/cases/{case_id}/facts")
def case_facts(
    case_id: str, who: Principal = require(Permission.CASES_READ), db: Session = DB
) -> Json:
    """The case-facts document of the legal module (victims by pseudonym only)."""
    from vigil.workflow.facts import case_facts as build

    with workflow_errors():
        facts: Json = build(db, case_id).model_dump(mode="json", exclude_none=True)
    return facts


# ----------------------------------------------------------------------------- victims


@router.post("/cases/{case_id}/victims", status_code=201)
def add_victim(
    request: Request,
    case_id: str,
    body: VictimRequest,
    who: Principal = require(Permission.VICTIMS_WRITE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        v = victims.create_victim(db, actor(who), keys(request), case_id, body.fields)
    return {"id": v.id, "pseudonym": v.pseudonym, "case_id": v.case_id}


@router.get("/victims/{victim_id}")
def read_victim(
    request: Request,
    victim_id: str,
    who: Principal = require(Permission.VICTIMS_READ),
    db: Session = DB,
    purpose: str = Query("", max_length=200),
) -> Json:
    """Decrypt a victim record (investigators on the case's team; audited)."""
    with workflow_errors():
        return victims.read_victim(
            db, actor(who), keys(request), victim_id, purpose=purpose
        ).as_json()


@router.post("/victims/{victim_id}/shred")
def shred_victim(
    victim_id: str,
    body: ShredRequest,
    who: Principal = require(Permission.VICTIMS_SHRED),
    db: Session = DB,
) -> Json:
    """Destroy the record's data key (refused under legal hold). Irreversible."""
    with workflow_errors():
        v = victims.shred_victim(db, actor(who), victim_id, reason=body.reason)
    return {"id": v.id, "shredded_at": v.shredded_at.isoformat() if v.shredded_at else None}


@router.post("/victims/{victim_id}/referrals", status_code=201)
def refer_victim(
    request: Request,
    victim_id: str,
    body: ReferralRequest,
    who: Principal = require(Permission.REFERRALS_MAKE),
    db: Session = DB,
) -> Json:
    with workflow_errors():
        r = victims.refer_victim(
            db,
            actor(who),
            keys(request),
            victim_id,
            service_id=body.service_id,
            consent=body.consent,
            note=body.note,
        )
    return {"id": r.id}


@router.get("/support-services")
def list_services(
    who: Principal = require(Permission.VICTIMS_READ),
    country: str | None = Query(None, min_length=2, max_length=2),
) -> list[Json]:
    from dataclasses import asdict

    from vigil.workflow.directory import services_for

    rows = services_for(country) if country else list(support_services())
    return [asdict(s) for s in rows]


@router.post("/retention/run")
def run_retention(
    who: Principal = require(Permission.ACCOUNTS_MANAGE),
    db: Session = DB,
    dry_run: bool = Query(True),
) -> Json:
    """Apply the retention schedules (``dry_run=false`` to remove)."""
    with workflow_errors():
        return retention.run_retention(db, actor(who), dry_run=dry_run).as_json()
