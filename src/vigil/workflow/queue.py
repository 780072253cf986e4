"""The review queue: items ordered by priority, exclusive claims with a timeout, SLA clocks.

A claim is taken with one conditional UPDATE (the item is open and unclaimed, or its claim
has expired, or the claimer already holds it), so two reviewers can never hold the same
item, on SQLite or PostgreSQL. ``claimed_at`` is kept so time-to-claim can be measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.errors import ClaimConflict, Forbidden, InvalidInput, NotFound
from vigil.workflow.routing import Candidate, Routing, default_routing
from vigil.workflow.tables import QueueItem

__all__ = [
    "NewItem",
    "claim",
    "claim_next",
    "enqueue",
    "escalate",
    "get_item",
    "item_json",
    "list_items",
    "reassign",
    "release",
    "sla_state",
]


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item to add: ``dedupe_key`` makes adding the same thing twice a no-op."""

    dedupe_key: str
    subject_type: str
    subject_id: str
    candidate: Candidate
    reason: dict[str, Any]


def enqueue(
    session: Session,
    items: Iterable[NewItem],
    *,
    routing: Routing | None = None,
    at: datetime | None = None,
) -> list[QueueItem]:
    """Route and add the items not already queued; returns those added (in input order)."""
    routing = routing or default_routing()
    at = at or now()
    pending = list(items)
    keys = [i.dedupe_key for i in pending]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        existing |= set(
            session.scalars(select(QueueItem.dedupe_key).where(QueueItem.dedupe_key.in_(chunk)))
        )
    added: list[QueueItem] = []
    for item in pending:
        if item.dedupe_key in existing:
            continue
        existing.add(item.dedupe_key)
        route = routing.route(item.candidate)
        row = QueueItem(
            id=new_id("q"),
            dedupe_key=item.dedupe_key,
            source=item.candidate.source,
            subject_type=item.subject_type,
            subject_id=item.subject_id,
            queue=route.queue,
            priority=route.priority,
            score=float(item.candidate.score),
            reason=item.reason,
            rule=route.rule,
            status="open",
            created_at=at,
            due_at=at + routing.sla_for(route.priority),
            escalations=0,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def get_item(session: Session, item_id: str) -> QueueItem:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound("queue item", item_id)
    return item


def _order() -> Sequence[Any]:
    return (QueueItem.priority, QueueItem.due_at, QueueItem.score.desc(), QueueItem.id)


def list_items(
    session: Session,
    actor: Actor,
    *,
    queue: str | None = None,
    status: str | None = "open",
    claimed_by: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[QueueItem]:
    """Items in priority order (priority, then due time, then score)."""
    actor.require(Permission.QUEUE_READ)
    query = select(QueueItem)
    if queue:
        query = query.where(QueueItem.queue == queue)
    if status:
        query = query.where(QueueItem.status == status)
    if claimed_by:
        query = query.where(QueueItem.claimed_by == claimed_by)
    return list(session.scalars(query.order_by(*_order()).limit(limit).offset(offset)))


def _claimable(actor: Actor, at: datetime) -> Any:
    return and_(
        QueueItem.status == "open",
        or_(
            QueueItem.claimed_by.is_(None),
            QueueItem.claim_expires_at < at,
            QueueItem.claimed_by == actor.name,
        ),
        or_(QueueItem.assigned_to.is_(None), QueueItem.assigned_to == actor.name),
    )


def claim(
    session: Session,
    actor: Actor,
    item_id: str,
    *,
    routing: Routing | None = None,
    at: datetime | None = None,
) -> QueueItem:
    """Claim one item exclusively for ``routing.claim_timeout``; refuses a held item."""
    actor.require(Permission.QUEUE_DECIDE)
    routing = routing or default_routing()
    at = at or now()
    item = get_item(session, item_id)
    result = session.execute(
        update(QueueItem)
        .where(QueueItem.id == item_id, _claimable(actor, at))
        .values(claimed_by=actor.name, claimed_at=at, claim_expires_at=at + routing.claim_timeout)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(item)
        if item.status != "open":
            raise ClaimConflict(f"item {item_id} is {item.status}, not open")
        if item.assigned_to and item.assigned_to != actor.name:
            raise ClaimConflict(f"item {item_id} is assigned to {item.assigned_to}")
        raise ClaimConflict(
            f"item {item_id} is claimed by {item.claimed_by} until "
            f"{aware(item.claim_expires_at or at).isoformat(timespec='seconds')}"
        )
    session.refresh(item)
    record(
        session,
        actor=actor.audit,
        action="queue.claim",
        object_type="queue_item",
        object_id=item_id,
        detail={"expires_at": aware(at + routing.claim_timeout).isoformat()},
    )
    return item


def claim_next(
    session: Session,
    actor: Actor,
    *,
    queue: str | None = None,
    routing: Routing | None = None,
    at: datetime | None = None,
) -> QueueItem | None:
    """Claim the most urgent claimable item (of ``queue``); None when there is none."""
    actor.require(Permission.QUEUE_DECIDE)
    at = at or now()
    for _ in range(20):  # another reviewer may win a race for the first candidate
        query = select(QueueItem.id).where(_claimable(actor, at))
        if queue:
            query = query.where(QueueItem.queue == queue)
        ids = list(session.scalars(query.order_by(*_order()).limit(5)))
        if not ids:
            return None
        for item_id in ids:
            try:
                return claim(session, actor, item_id, routing=routing, at=at)
            except ClaimConflict:
                continue
    return None


def _held_by(item: QueueItem, actor: Actor, at: datetime) -> bool:
    return (
        item.claimed_by == actor.name
        and item.claim_expires_at is not None
        and aware(item.claim_expires_at) >= at
    )


def release(session: Session, actor: Actor, item_id: str) -> QueueItem:
    """Give a claim back (its holder, or someone who may assign work)."""
    item = get_item(session, item_id)
    if item.claimed_by != actor.name:
        actor.require(Permission.QUEUE_ASSIGN)
    item.claimed_by = item.claim_expires_at = item.claimed_at = None
    record(
        session,
        actor=actor.audit,
        action="queue.release",
        object_type="queue_item",
        object_id=item_id,
    )
    session.flush()
    return item


def reassign(session: Session, actor: Actor, item_id: str, to: str | None) -> QueueItem:
    """Assign an item to a named reviewer (None: back to everyone); drops any claim."""
    actor.require(Permission.QUEUE_ASSIGN)
    item = get_item(session, item_id)
    if item.status != "open":
        raise InvalidInput(f"item {item_id} is {item.status}; only open items can be reassigned")
    item.assigned_to = to
    item.claimed_by = item.claim_expires_at = item.claimed_at = None
    record(
        session,
        actor=actor.audit,
        action="queue.reassign",
        object_type="queue_item",
        object_id=item_id,
        detail={"to": to},
    )
    session.flush()
    return item


def escalate(
    session: Session,
    actor: Actor,
    item_id: str,
    note: str,
    *,
    routing: Routing | None = None,
    at: datetime | None = None,
) -> QueueItem:
    """Raise an item to the escalations queue, one priority up, its SLA clock shortened."""
    routing = routing or default_routing()
    at = at or now()
    item = get_item(session, item_id)
    if not (_held_by(item, actor, at) or actor.can(Permission.QUEUE_ASSIGN)):
        raise Forbidden("escalate an item you hold the claim on (or have queue.assign)")
    if item.status != "open":
        raise InvalidInput(f"item {item_id} is {item.status}; only open items can be escalated")
    if not note.strip():
        raise InvalidInput("say why the item is escalated", "note")
    item.priority = max(1, item.priority - 1)
    item.queue = "escalations"
    item.escalations += 1
    item.due_at = min(aware(item.due_at), at + routing.sla_for(item.priority))
    item.claimed_by = item.claim_expires_at = item.claimed_at = None
    record(
        session,
        actor=actor.audit,
        action="queue.escalate",
        object_type="queue_item",
        object_id=item_id,
        detail={"priority": item.priority, "note": note.strip()[:500]},
    )
    session.flush()
    return item


def sla_state(item: QueueItem, at: datetime | None = None) -> dict[str, Any]:
    """The SLA clock: time left (negative when overdue) and whether the claim is live."""
    at = at or now()
    left: timedelta = aware(item.due_at) - at
    claim_live = item.claim_expires_at is not None and aware(item.claim_expires_at) >= at
    return {
        "due_at": aware(item.due_at).isoformat(timespec="seconds"),
        "seconds_left": int(left.total_seconds()),
        "overdue": left.total_seconds() < 0 and item.status == "open",
        "claimed_by": item.claimed_by if claim_live else None,
        "claimed_at": aware(item.claimed_at).isoformat(timespec="seconds")
        if item.claimed_at and claim_live
        else None,
    }


def item_json(item: QueueItem, at: datetime | None = None) -> dict[str, Any]:
    return {
        "id": item.id,
        "source": item.source,
        "subject": f"{item.subject_type}:{item.subject_id}",
        "queue": item.queue,
        "priority": item.priority,
        "score": round(item.score, 4),
        "rule": item.rule,
        "status": item.status,
        "reason": item.reason,
        "assigned_to": item.assigned_to,
        "escalations": item.escalations,
        "created_at": aware(item.created_at).isoformat(timespec="seconds"),
        "sla": sla_state(item, at),
    }
