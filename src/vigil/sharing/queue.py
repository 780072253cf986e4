"""Adapter to the review queue: a match becomes an item for a person, never an action.

Matches go to the workflow's queue (``vigil.workflow.queue.enqueue``) as items of source
``signal`` whose reason carries the signal's provenance. ``share_review_items`` is the
fallback used only where the workflow queue cannot be imported (a trimmed installation).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from vigil.sharing.tables import ShareReviewItem

__all__ = ["SOURCE", "enqueue"]

SOURCE = "signal"


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    subject_type: str,
    subject_id: str,
    reason: str,
    provenance: dict[str, Any],
    category: str,
    use_workflow: bool = True,
) -> str:
    """Queue ``subject`` for human review; return the queue item's id."""
    if use_workflow:
        try:
            from vigil.workflow.queue import NewItem
            from vigil.workflow.queue import enqueue as wf_enqueue
            from vigil.workflow.routing import Candidate
        except ImportError:  # pragma: no cover - workflow always ships with vigil today
            pass
        else:
            added = wf_enqueue(
                session,
                [
                    NewItem(
                        dedupe_key=dedupe_key[:200],
                        subject_type=subject_type,
                        subject_id=subject_id,
                        candidate=Candidate(source=SOURCE, categories=frozenset({category})),
                        reason={"summary": reason, "signal": provenance},
                    )
                ],
            )
            if added:
                return added[0].id
            from sqlalchemy import select

            from vigil.workflow.tables import QueueItem

            return str(
                session.scalars(
                    select(QueueItem.id).where(QueueItem.dedupe_key == dedupe_key[:200])
                ).one()
            )
    item_id = secrets.token_hex(16)
    session.add(
        ShareReviewItem(
            id=item_id,
            subject_type=subject_type,
            subject_id=subject_id,
            reason=reason,
            provenance=provenance,
            status="open",
            created_at=datetime.now(UTC),
        )
    )
    return item_id
