"""Console pages of tips (staff side), cases and victims' records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission as P  # noqa: N817 (as the console does)
from vigil.web.deps import DB, Principal, render, require
from vigil.web.nav import NavItem
from vigil.workflow import cases
from vigil.workflow.directory import support_services
from vigil.workflow.tables import Victim
from vigil.workflow.tips import service as tips
from vigil.workflow.victims import service as victims
from vigil.workflow.victims.service import VICTIM_FIELDS
from vigil.workflow.web.common import actor, keys, workflow_errors

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem("Tips", "/tips", P.TIPS_READ, 42),
    NavItem("Cases", "/cases", P.CASES_READ, 44),
]


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("/tips")
def tips_page(
    request: Request,
    who: Principal = require(P.TIPS_READ),
    db: Session = DB,
    status: str = Query("", pattern="^(|received|reviewing|closed)$"),
) -> Response:
    with workflow_errors():
        rows = [tips.tip_json(db, t) for t in tips.list_tips(db, actor(who), status=status or None)]
    return render(request, "workflow/tips.html", {"tips": rows, "status": status})


@router.get("/tips/{tip_id}")
def tip_page(
    request: Request, tip_id: str, who: Principal = require(P.TIPS_READ), db: Session = DB
) -> Response:
    with workflow_errors():
        tip = tips.tip_json(db, tips.get_tip(db, actor(who), tip_id), full=True)
    return render(request, "workflow/tip.html", {"tip": tip, "can_reply": who.can(P.QUEUE_DECIDE)})


@router.post("/tips/{tip_id}/reply")
def tip_reply(
    tip_id: str,
    body: str = Form(..., max_length=5000),
    who: Principal = require(P.QUEUE_DECIDE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        tips.reply(db, actor(who), tip_id, body)
    return _see_other(f"/tips/{tip_id}")


@router.get("/cases")
def cases_page(
    request: Request,
    who: Principal = require(P.CASES_READ),
    db: Session = DB,
    status: str = Query("", pattern="^(|open|active|closed)$"),
) -> Response:
    with workflow_errors():
        rows = [
            cases.case_json(db, c) for c in cases.list_cases(db, actor(who), status=status or None)
        ]
    return render(
        request,
        "workflow/cases.html",
        {
            "cases": rows,
            "status": status,
            "can_write": who.can(P.CASES_WRITE),
            "teams": sorted(who.teams),
        },
    )


@router.post("/cases")
def case_open(
    title: str = Form(..., max_length=300),
    team: str = Form(..., max_length=100),
    summary: str = Form("", max_length=10_000),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        case = cases.open_case(db, actor(who), title=title, team=team, summary=summary)
    return _see_other(f"/cases/{case.id}")


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: str, who: Principal = require(P.CASES_READ), db: Session = DB
) -> Response:
    me = actor(who)
    with workflow_errors():
        case = cases.get_case(db, me, case_id)
        data: dict[str, Any] = cases.case_json(db, case, full=True)
        events = cases.timeline(db, me, case_id)
    on_team = case.team in me.teams
    return render(
        request,
        "workflow/case.html",
        {
            "case": data,
            "timeline": events,
            "item_kinds": cases.ITEM_KINDS,
            "statuses": cases.CASE_STATUSES,
            "can_write": who.can(P.CASES_WRITE),
            "can_add_victim": who.can(P.VICTIMS_WRITE) and on_team,
            "can_read_victims": who.can(P.VICTIMS_READ) and on_team,
            "victim_fields": VICTIM_FIELDS,
        },
    )


@router.post("/cases/{case_id}/items")
def case_add_item(
    case_id: str,
    kind: str = Form(..., max_length=20),
    ref: str = Form(..., max_length=300),
    label: str = Form("", max_length=1000),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        cases.add_item(db, actor(who), case_id, kind=kind, ref=ref, label=label)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/tasks")
def case_add_task(
    case_id: str,
    title: str = Form(..., max_length=300),
    assignee: str = Form("", max_length=200),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        cases.add_task(db, actor(who), case_id, title=title, assignee=assignee or None)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/tasks/{task_id}/done")
def case_task_done(
    case_id: str, task_id: str, who: Principal = require(P.CASES_WRITE), db: Session = DB
) -> Response:
    with workflow_errors():
        cases.complete_task(db, actor(who), case_id, task_id)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/notes")
def case_add_note(
    case_id: str,
    body: str = Form(..., max_length=20_000),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        cases.add_note(db, actor(who), case_id, body)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/status")
def case_status(
    case_id: str,
    status: str = Form(..., max_length=16),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        cases.update_case(db, actor(who), case_id, status=status)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/hold")
def case_hold(
    case_id: str,
    on: bool = Form(...),
    reason: str = Form("", max_length=2000),
    who: Principal = require(P.CASES_WRITE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        cases.set_legal_hold(db, actor(who), case_id, on=on, reason=reason)
    return _see_other(f"/cases/{case_id}")


@router.post("/cases/{case_id}/victims")
async def victim_add(
    request: Request, case_id: str, who: Principal = require(P.VICTIMS_WRITE), db: Session = DB
) -> Response:
    form = await request.form()
    values: dict[str, str | None] = {f: str(form.get(f) or "")[:10_000] for f in VICTIM_FIELDS}

    def create() -> Any:
        with workflow_errors():
            return victims.create_victim(db, actor(who), keys(request), case_id, values)

    v = await run_in_threadpool(create)  # database work off the event loop
    return _see_other(f"/victims/{v.id}")


@router.get("/victims/{victim_id}")
def victim_page(
    request: Request, victim_id: str, who: Principal = require(P.VICTIMS_READ), db: Session = DB
) -> Response:
    with workflow_errors():
        rec = victims.read_victim(db, actor(who), keys(request), victim_id, purpose="console")
        victim = db.get(Victim, victim_id)
    services = [s for s in support_services()]
    return render(
        request,
        "workflow/victim.html",
        {
            "victim": rec,
            "case_id": victim.case_id if victim else "",
            "services": services,
            "can_shred": who.can(P.VICTIMS_SHRED),
            "can_refer": who.can(P.REFERRALS_MAKE),
        },
    )


@router.post("/victims/{victim_id}/shred")
def victim_shred(
    victim_id: str,
    reason: str = Form(..., max_length=500),
    confirm: str = Form(""),
    who: Principal = require(P.VICTIMS_SHRED),
    db: Session = DB,
) -> Response:
    from vigil.web.deps import problem

    if confirm != "shred":
        raise problem(422, "Not confirmed", "type shred in the confirmation box to shred")
    with workflow_errors():
        v = victims.shred_victim(db, actor(who), victim_id, reason=reason)
    return _see_other(f"/cases/{v.case_id}")


@router.post("/victims/{victim_id}/refer")
def victim_refer(
    request: Request,
    victim_id: str,
    service_id: str = Form(..., max_length=60),
    consent: bool = Form(False),
    note: str = Form("", max_length=2000),
    who: Principal = require(P.REFERRALS_MAKE),
    db: Session = DB,
) -> Response:
    with workflow_errors():
        victims.refer_victim(
            db,
            actor(who),
            keys(request),
            victim_id,
            service_id=service_id,
            consent=consent,
            note=note,
        )
    return _see_other(f"/victims/{victim_id}")
