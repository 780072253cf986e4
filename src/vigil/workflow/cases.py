"""Cases: what they group (posts, clusters, tips, evidence, identifiers, suspects, victims),
their status, owner, team, tasks, notes and timeline, and the legal hold.

Every change is one audit event on ``case:<id>``; the timeline is read back from the audit
log, so it cannot disagree with it. A legal hold blocks deleting the case and shredding
its victims' records (and retention leaves everything the case groups alone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from vigil.audit import AuditEvent, record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.errors import InvalidInput, LegalHold, NotFound
from vigil.workflow.tables import Case, CaseItem, CaseNote, CaseTask, Decision, Victim
from vigil.workflow.transparency import log_event

__all__ = [
    "CASE_STATUSES",
    "ITEM_KINDS",
    "add_item",
    "add_note",
    "add_task",
    "case_json",
    "complete_task",
    "delete_case",
    "get_case",
    "list_cases",
    "open_case",
    "remove_item",
    "set_legal_hold",
    "timeline",
    "update_case",
]

CASE_STATUSES = ("open", "active", "closed")
ITEM_KINDS = ("post", "cluster", "tip", "evidence", "identifier", "suspect")


def _audit(session: Session, actor: Actor, action: str, case_id: str, **detail: Any) -> None:
    event = record(
        session,
        actor=actor.audit,
        action=f"case.{action}",
        object_type="case",
        object_id=case_id,
        detail=detail,
    )
    log_event(session, event)


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("must not be empty", field)
    if len(value) > limit:
        raise InvalidInput(f"at most {limit} characters", field)
    return value


def open_case(
    session: Session,
    actor: Actor,
    *,
    title: str,
    team: str,
    owner: str | None = None,
    summary: str = "",
    from_decision: str | None = None,
) -> Case:
    """Open a case (``cases.write``, or a reviewer's ``open_case`` decision)."""
    if from_decision is None:
        actor.require(Permission.CASES_WRITE)
    else:
        actor.require(Permission.QUEUE_DECIDE)
    case = Case(
        id=new_id("c"),
        title=_text(title, "title", 300),
        status="open",
        owner=owner or actor.name,
        team=_text(team, "team", 100),
        summary=summary.strip(),
        legal_hold=False,
        created_at=now(),
    )
    session.add(case)
    session.flush()
    _audit(
        session, actor, "open", case.id, team=case.team, owner=case.owner, decision=from_decision
    )
    return case


def get_case(session: Session, actor: Actor, case_id: str) -> Case:
    """A case, for holders of ``cases.read`` on the case's team."""
    actor.require(Permission.CASES_READ)
    return _case(session, case_id, actor)


def _case(session: Session, case_id: str, actor: Actor | None = None) -> Case:
    """The case; with ``actor``, only when the actor is on the case's team."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if actor is not None:
        actor.require_team(case.team, f"case {case_id}")
    return case


def list_cases(
    session: Session, actor: Actor, *, status: str | None = None, team: str | None = None
) -> list[Case]:
    actor.require(Permission.CASES_READ)
    query = select(Case).where(Case.team.in_(sorted(actor.teams)))  # a team sees its own cases
    if status:
        query = query.where(Case.status == status)
    if team:
        query = query.where(Case.team == team)
    return list(session.scalars(query.order_by(Case.created_at.desc(), Case.id)))


def update_case(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    status: str | None = None,
    owner: str | None = None,
    team: str | None = None,
    title: str | None = None,
    summary: str | None = None,
) -> Case:
    actor.require(Permission.CASES_WRITE)
    case = _case(session, case_id, actor)
    changes: dict[str, Any] = {}
    if status is not None and status != case.status:
        if status not in CASE_STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(CASE_STATUSES)}", "status")
        case.status = changes["status"] = status
        case.closed_at = now() if status == "closed" else None
    if owner is not None and owner != case.owner:
        case.owner = changes["owner"] = _text(owner, "owner", 200)
    if team is not None and team != case.team:
        case.team = changes["team"] = _text(team, "team", 100)
    if title is not None and title != case.title:
        case.title = changes["title"] = _text(title, "title", 300)
    if summary is not None and summary != case.summary:
        case.summary = summary.strip()
        changes["summary"] = "changed"
    if changes:
        _audit(session, actor, "update", case_id, **changes)
    session.flush()
    return case


def add_item(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    kind: str,
    ref: str,
    label: str = "",
    from_decision: bool = False,
) -> CaseItem:
    """Group a post, cluster, tip, evidence item, identifier or suspect in the case."""
    if not from_decision:
        actor.require(Permission.CASES_WRITE)
    if kind not in ITEM_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(ITEM_KINDS)}", "kind")
    _case(session, case_id, None if from_decision else actor)
    ref = _text(ref, "ref", 300)
    found = session.scalars(
        select(CaseItem).where(
            CaseItem.case_id == case_id, CaseItem.kind == kind, CaseItem.ref == ref
        )
    ).first()
    if found is not None:
        return found
    item = CaseItem(
        id=new_id("ci"),
        case_id=case_id,
        kind=kind,
        ref=ref,
        label=label.strip()[:1000],
        added_by=actor.name,
        added_at=now(),
    )
    session.add(item)
    session.flush()
    _audit(session, actor, "add_item", case_id, item=item.id, kind=kind, ref=ref)
    return item


def remove_item(session: Session, actor: Actor, case_id: str, item_id: str) -> None:
    actor.require(Permission.CASES_WRITE)
    item = session.get(CaseItem, item_id)
    if item is None or item.case_id != case_id:
        raise NotFound("case item", item_id)
    if _case(session, case_id, actor).legal_hold:
        raise LegalHold(f"case {case_id} is under legal hold: its items cannot be removed")
    session.delete(item)
    _audit(session, actor, "remove_item", case_id, item=item_id, kind=item.kind, ref=item.ref)
    session.flush()


def add_task(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    title: str,
    assignee: str | None = None,
    due_at: datetime | None = None,
) -> CaseTask:
    actor.require(Permission.CASES_WRITE)
    _case(session, case_id, actor)
    task = CaseTask(
        id=new_id("ct"),
        case_id=case_id,
        title=_text(title, "title", 300),
        assignee=assignee,
        due_at=due_at,
        created_by=actor.name,
        created_at=now(),
    )
    session.add(task)
    session.flush()
    _audit(session, actor, "add_task", case_id, task=task.id, assignee=assignee)
    return task


def complete_task(session: Session, actor: Actor, case_id: str, task_id: str) -> CaseTask:
    actor.require(Permission.CASES_WRITE)
    task = session.get(CaseTask, task_id)
    if task is None or task.case_id != case_id:
        raise NotFound("task", task_id)
    task.done_at = now()
    _audit(session, actor, "complete_task", case_id, task=task_id)
    session.flush()
    return task


def add_note(session: Session, actor: Actor, case_id: str, body: str) -> CaseNote:
    actor.require(Permission.CASES_WRITE)
    _case(session, case_id, actor)
    note = CaseNote(
        id=new_id("cn"),
        case_id=case_id,
        author=actor.name,
        at=now(),
        body=_text(body, "note", 20_000),
    )
    session.add(note)
    session.flush()
    _audit(session, actor, "add_note", case_id, note=note.id)
    return note


def set_legal_hold(
    session: Session, actor: Actor, case_id: str, *, on: bool, reason: str = ""
) -> Case:
    """Place or lift a legal hold (a reason is required to place one)."""
    actor.require(Permission.CASES_WRITE)
    case = _case(session, case_id, actor)
    if on:
        case.legal_hold_reason = _text(reason, "reason", 2000)
    else:
        case.legal_hold_reason = None
    case.legal_hold = on
    _audit(
        session,
        actor,
        "legal_hold" if on else "legal_hold_lifted",
        case_id,
        reason=case.legal_hold_reason,
    )
    session.flush()
    return case


def delete_case(session: Session, actor: Actor, case_id: str) -> None:
    """Delete a case that has no victims' records left and is not under legal hold."""
    actor.require(Permission.CASES_WRITE)
    case = _case(session, case_id, actor)
    if case.legal_hold:
        raise LegalHold(f"case {case_id} is under legal hold and cannot be deleted")
    if session.scalars(select(Victim.id).where(Victim.case_id == case_id)).first():
        raise InvalidInput(f"case {case_id} holds victims' records: shred and remove them first")
    for table in (CaseItem, CaseTask, CaseNote):
        session.execute(delete(table).where(table.case_id == case_id))
    session.delete(case)
    _audit(session, actor, "delete", case_id)
    session.flush()


def timeline(session: Session, actor: Actor, case_id: str) -> list[dict[str, Any]]:
    """Every audited event of the case, oldest first: the case's own events, its victims'
    records, the decisions tied to it (and the claims of their queue items), and the tips it
    groups (from their submission on)."""
    actor.require(Permission.CASES_READ)
    _case(session, case_id, actor)
    objects: dict[str, list[str]] = {
        "case": [case_id],
        "victim": list(session.scalars(select(Victim.id).where(Victim.case_id == case_id))),
        "tip": list(
            session.scalars(
                select(CaseItem.ref).where(CaseItem.case_id == case_id, CaseItem.kind == "tip")
            )
        ),
    }
    decided = session.execute(
        select(Decision.id, Decision.item_id).where(Decision.case_id == case_id)
    ).all()
    objects["decision"] = [d for d, _ in decided]
    objects["queue_item"] = [i for _, i in decided if i]
    conds = [
        (AuditEvent.object_type == kind) & AuditEvent.object_id.in_(ids)
        for kind, ids in objects.items()
        if ids
    ]
    events = session.scalars(select(AuditEvent).where(or_(*conds)).order_by(AuditEvent.seq))
    return [
        {
            "seq": e.seq,
            "at": aware(e.at).isoformat(timespec="seconds"),
            "actor": e.actor,
            "action": e.action,
            "object": f"{e.object_type}:{e.object_id}",
            "detail": e.detail,
        }
        for e in events
    ]


def case_json(session: Session, case: Case, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": case.id,
        "title": case.title,
        "status": case.status,
        "owner": case.owner,
        "team": case.team,
        "legal_hold": case.legal_hold,
        "legal_hold_reason": case.legal_hold_reason,
        "created_at": aware(case.created_at).isoformat(timespec="seconds"),
        "closed_at": aware(case.closed_at).isoformat(timespec="seconds")
        if case.closed_at
        else None,
    }
    if full:
        out["summary"] = case.summary
        out["items"] = [
            {"id": i.id, "kind": i.kind, "ref": i.ref, "label": i.label, "added_by": i.added_by}
            for i in session.scalars(
                select(CaseItem).where(CaseItem.case_id == case.id).order_by(CaseItem.added_at)
            )
        ]
        out["tasks"] = [
            {
                "id": t.id,
                "title": t.title,
                "assignee": t.assignee,
                "done": t.done_at is not None,
                "due_at": aware(t.due_at).isoformat(timespec="seconds") if t.due_at else None,
            }
            for t in session.scalars(
                select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.created_at)
            )
        ]
        out["notes"] = [
            {
                "id": n.id,
                "author": n.author,
                "at": aware(n.at).isoformat(timespec="seconds"),
                "body": n.body,
            }
            for n in session.scalars(
                select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.at)
            )
        ]
        out["victims"] = [
            {"id": v.id, "pseudonym": v.pseudonym, "shredded": v.shredded_at is not None}
            for v in session.scalars(
                select(Victim).where(Victim.case_id == case.id).order_by(Victim.created_at)
            )
        ]
    return out
