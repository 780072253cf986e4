"""Record audit events and verify the hash chain.

Each event's hash is ``SHA-256(prev_hash || canonical event bytes)`` where the canonical
bytes are the sorted-key JSON of (seq, at, actor, action, object type and id, detail). The
first event chains to 32 zero bytes. Editing, deleting or reordering any stored event breaks
every hash after it, which :func:`verify_chain` reports with the first bad sequence number.

Appends are serialised by updating the one-row ``audit_head`` *before* reading it: on
PostgreSQL that takes the row lock, on SQLite the database write lock, so two writers can
never chain to the same predecessor.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vigil.audit.tables import AuditEvent, AuditHead

__all__ = ["GENESIS", "AuditChainError", "AuditEvent", "event_hash", "record", "verify_chain"]

GENESIS = bytes(32)


class AuditChainError(ValueError):
    """The stored audit events do not form an unbroken chain."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"audit chain broken at event {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def event_hash(
    prev_hash: bytes,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
) -> bytes:
    body = orjson.dumps(
        {
            "seq": seq,
            "at": _utc(at).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "detail": detail,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(prev_hash + body).digest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (committed with it, or not at all).

    ``detail`` must be JSON-serialisable and must not hold secrets or victims' data in clear:
    name the object, not its content.
    """
    detail = dict(detail or {})
    orjson.dumps(detail)  # fail early, before the head is locked, on a non-JSON detail
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    seq = head.seq + 1
    at = datetime.now(UTC)
    digest = event_hash(
        head.hash,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash = seq, digest
    session.flush()
    return event


def verify_chain(session: Session, batch: int = 5000) -> int:
    """Check every stored event; return how many there are or raise :class:`AuditChainError`."""
    prev, expected_seq, last = GENESIS, 1, 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                raise AuditChainError(expected_seq, f"missing (next stored event is {ev.seq})")
            if ev.prev_hash != prev:
                raise AuditChainError(ev.seq, "does not chain to the event before it")
            digest = event_hash(
                prev,
                seq=ev.seq,
                at=ev.at,
                actor=ev.actor,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                detail=ev.detail,
            )
            if digest != ev.hash:
                raise AuditChainError(ev.seq, "content does not match its hash")
            prev, expected_seq, last = ev.hash, ev.seq + 1, ev.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last or head.hash != prev):
        raise AuditChainError(last + 1, f"head says {head.seq} events; {last} are stored")
    return last
