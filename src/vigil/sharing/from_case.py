"""Signals from a case: its posts' identifiers, shared only after a human decision.

Sharing a person's identifiers goes through the workflow's ``require_decision`` (the same
gate as a referral): the case must carry a recorded decision that allows sharing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.settings import Settings
from vigil.sharing.local import KIND_TO_TYPE
from vigil.sharing.model import Opinion, SignalCategory
from vigil.sharing.service import add_signal
from vigil.sharing.tables import ShareSignal

__all__ = ["share_case"]


def share_case(
    session: Session,
    settings: Settings,
    actor: Any,
    case_id: str,
    *,
    group: str,
    category: SignalCategory,
    opinion: Opinion,
    kinds: Iterable[str] = ("phone", "email", "handle", "payment", "crypto"),
    tags: Iterable[str] = (),
) -> list[ShareSignal]:
    """Add the identifiers of the case's posts as signals for ``group``; return them.

    Raises the workflow's ``DecisionRequired`` when no decision allows sharing.
    """
    from vigil.reporting.referral_service import post_facts
    from vigil.workflow.cases import get_case
    from vigil.workflow.decisions import require_decision
    from vigil.workflow.tables import CaseItem

    get_case(session, actor, case_id)
    decision = require_decision(session, f"case:{case_id}")
    post_ids = sorted(
        session.scalars(
            select(CaseItem.ref).where(CaseItem.case_id == case_id, CaseItem.kind == "post")
        )
    )
    wanted = set(kinds)
    posts = post_facts(settings, post_ids)
    values = sorted({(k, v) for p in posts for k, v in p.identifiers if k in wanted})
    seen = [p.posted_at for p in posts if p.posted_at]
    out = []
    for kind, value in values:
        out.append(
            add_signal(
                session,
                group=group,
                type=KIND_TO_TYPE[kind],
                value=value,
                category=category,
                opinion=opinion,
                actor=actor.name,
                tags=tags,
                first_seen=min(seen) if seen else None,
                last_seen=max(seen) if seen else None,
                region=settings.default_region,
                ref=("case", f"{case_id}#{decision.id}"),
            )
        )
    return out
