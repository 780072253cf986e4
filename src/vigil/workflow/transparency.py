"""Case and victim-record events in the evidence vault's transparency log (RFC 6962).

Each event already appended to the audit log is also appended to the Merkle log as a
commitment: ``PREFIX || audit event hash``. The audit hash binds the event's sequence
number, time, actor, action, object and detail, and holds nothing personal in clear, so
the log stays publishable and every proof stays valid after a record is crypto-shredded.

The audit log is the authority. Should appending to the transparency log fail, the
append is rolled back to a savepoint, the failure is itself audited
(``transparency.append_failed``) and logged, and the workflow goes on: protecting a
victim must not wait for the evidence log.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from vigil.audit import AuditEvent, record

__all__ = ["PREFIX", "log_event"]

PREFIX = b"vigil-workflow-event/v1\x00"
log = logging.getLogger("vigil.workflow")


def log_event(session: Session, event: AuditEvent) -> int | None:
    """Append the event's commitment to the transparency log; its leaf index, or None."""
    from vigil.evidence.log import append_entries

    try:
        with session.begin_nested():
            (index,) = append_entries(session, [PREFIX + event.hash])
    except Exception as exc:  # any failure of the other log is reported, not fatal
        log.error("transparency log append failed for audit event %s: %s", event.seq, exc)
        record(
            session,
            actor="system",
            action="transparency.append_failed",
            object_type="audit_event",
            object_id=str(event.seq),
            detail={"error": type(exc).__name__},
        )
        return None
    return index
