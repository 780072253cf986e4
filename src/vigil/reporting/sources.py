"""Read decisions, notices and referrals from the workbench for DSA reporting.

The workflow records *why* (policy reason → statement category and keywords) and *how*
(the queue item's source); what the platform then *restricted* is not vigil's to record, so
a :class:`StatementProfile` says which restriction each action stands for on this platform
(default: content removed for ``open_case``, ``refer`` and ``preserve``; nothing for
``no_concern`` and ``monitor``). Sources, per queue item source:

=========  ===============================  ===================
source     source_type                      automated_detection
=========  ===============================  ===================
post       SOURCE_VOLUNTARY (own initiative) Yes (vigil scored it)
cluster    SOURCE_VOLUNTARY                  Yes
alert      SOURCE_VOLUNTARY                  Yes (a watch fired)
signal     SOURCE_TYPE_OTHER_NOTIFICATION    Yes (matched a partner's signal)
tip        SOURCE_ARTICLE_16 (a notice)      No
qa         (not a first-line decision: skipped)
=========  ===============================  ===================

Every decision is a person's: ``automated_decision`` is always NOT_AUTOMATED.
Appeals (Art. 20 complaints) are not recorded by vigil yet; the report shows zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.reporting.dsa import DecisionRecord, Restriction
from vigil.reporting.transparency import DecisionRow, NoticeRow, ReferralRow

__all__ = ["StatementProfile", "decision_records", "decision_rows", "notice_rows", "referral_rows"]

_SOURCES: dict[str, tuple[str, bool]] = {
    "post": ("SOURCE_VOLUNTARY", True),
    "cluster": ("SOURCE_VOLUNTARY", True),
    "alert": ("SOURCE_VOLUNTARY", True),
    "signal": ("SOURCE_TYPE_OTHER_NOTIFICATION", True),
    "tip": ("SOURCE_ARTICLE_16", False),
}
_DESCRIBE = {
    "post": "flagged by automated risk scoring of public posts",
    "cluster": "flagged by automated linking of related posts",
    "alert": "flagged by a saved watch",
    "signal": "matched a signal shared by a partner organisation",
    "tip": "reported in a notice",
}


@dataclass(frozen=True, slots=True)
class StatementProfile:
    """What this platform did for each action, and the fixed parts of its statements."""

    restrictions: dict[str, Restriction] = field(
        default_factory=lambda: {
            a: Restriction(visibility=("DECISION_VISIBILITY_CONTENT_REMOVED",))
            for a in ("open_case", "refer", "preserve")
        }
    )
    incompatible_ground: str = "Terms of service: human trafficking and exploitation"
    incompatible_explanation: str = (
        "The content advertises or facilitates the exploitation of people, which the terms of "
        "service prohibit."
    )
    incompatible_illegal: bool = True
    ground_reference_url: str | None = None
    content_types: tuple[str, ...] = ("CONTENT_TYPE_TEXT",)
    territorial_scope: tuple[str, ...] = ()
    account_type: str | None = None

    @classmethod
    def load(cls, path: Path) -> StatementProfile:
        """Read a profile JSON file (keys as the fields; restrictions as Restriction fields)."""
        try:
            raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            restrictions: dict[str, Restriction] = {}
            for action, spec in raw.pop("restrictions", {}).items():
                kwargs: dict[str, Any] = dict(spec)
                if "visibility" in kwargs:
                    kwargs["visibility"] = tuple(kwargs["visibility"])
                for key in [k for k in kwargs if k.startswith("end_date_")]:
                    kwargs[key] = date.fromisoformat(kwargs[key]) if kwargs[key] else None
                restrictions[action] = Restriction(**kwargs)
            for key in ("content_types", "territorial_scope"):
                if key in raw:
                    raw[key] = tuple(raw[key])
            if restrictions:
                raw["restrictions"] = restrictions
            profile: StatementProfile = cls(**raw)
            return profile
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a statement profile ({exc})") from None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _decisions(session: Session, start: date, end: date) -> list[tuple[Any, Any]]:
    from vigil.workflow.tables import Decision, QueueItem

    lo = datetime(start.year, start.month, start.day, tzinfo=UTC)
    hi = datetime(end.year, end.month, end.day, 23, 59, 59, 999999, tzinfo=UTC)
    rows = session.execute(
        select(Decision, QueueItem)
        .outerjoin(QueueItem, QueueItem.id == Decision.item_id)
        .where(Decision.qa_of.is_(None), Decision.decided_at >= lo, Decision.decided_at <= hi)
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    return [(d, q) for d, q in rows]


def decision_records(
    session: Session,
    start: date,
    end: date,
    profile: StatementProfile | None = None,
    *,
    content_dates: dict[str, date] | None = None,
) -> list[DecisionRecord]:
    """Statement inputs for the first-line decisions of the period."""
    from vigil.workflow.taxonomy import reason

    profile = profile or StatementProfile()
    out = []
    for d, q in _decisions(session, start, end):
        source = q.source if q is not None else "post"
        source_type, automated = _SOURCES.get(source, ("SOURCE_VOLUNTARY", False))
        decided = _utc(d.decided_at)
        content = (content_dates or {}).get(d.subject_id) or (
            _utc(q.created_at).date() if q is not None else decided.date()
        )
        label = reason(d.reason_id).label
        facts = (
            f"The {d.subject_type} was {_DESCRIBE.get(source, 'reviewed')} and reviewed by a "
            f"person, who found: {label}."
        )
        out.append(
            DecisionRecord(
                id=d.id,
                decided_at=decided,
                action=d.action,
                category=d.statement_category,
                keywords=tuple(d.keywords),
                facts=facts,
                content_date=min(content, decided.date()),
                restriction=profile.restrictions.get(d.action, Restriction()),
                incompatible_ground=profile.incompatible_ground,
                incompatible_explanation=profile.incompatible_explanation,
                incompatible_illegal=profile.incompatible_illegal,
                ground_reference_url=profile.ground_reference_url,
                content_types=profile.content_types,
                territorial_scope=profile.territorial_scope,
                account_type=profile.account_type,
                source_type=source_type,
                automated_detection=automated,
            )
        )
    return out


def decision_rows(
    session: Session, start: date, end: date, profile: StatementProfile | None = None
) -> list[DecisionRow]:
    profile = profile or StatementProfile()
    out = []
    for d, q in _decisions(session, start, end):
        source = q.source if q is not None else "post"
        source_type, automated = _SOURCES.get(source, ("SOURCE_VOLUNTARY", False))
        restriction = profile.restrictions.get(d.action, Restriction())
        out.append(
            DecisionRow(
                id=d.id,
                decided_at=_utc(d.decided_at),
                detected_at=_utc(q.created_at) if q is not None else _utc(d.decided_at),
                action=d.action,
                category=d.statement_category,
                keywords=tuple(d.keywords),
                source_type=source_type,
                automated_detection=automated,
                restricted=not restriction.empty,
            )
        )
    return out


def notice_rows(session: Session) -> list[NoticeRow]:
    """Tips are the notices vigil receives (Art. 16); actioned when first decided."""
    from vigil.workflow.tables import Decision, Tip

    first: dict[str, datetime] = {}
    for subject_id, at in session.execute(
        select(Decision.subject_id, Decision.decided_at).where(
            Decision.subject_type == "tip", Decision.qa_of.is_(None)
        )
    ):
        at = _utc(at)
        if subject_id not in first or at < first[subject_id]:
            first[subject_id] = at
    cats: dict[str, str] = {}
    for subject_id, category in session.execute(
        select(Decision.subject_id, Decision.statement_category)
        .where(Decision.subject_type == "tip", Decision.qa_of.is_(None))
        .order_by(Decision.decided_at)
    ):
        cats.setdefault(subject_id, category)
    return [
        NoticeRow(
            id=t.id,
            received_at=_utc(t.created_at),
            source_type="SOURCE_ARTICLE_16",
            category=cats.get(t.id),
            actioned_at=first.get(t.id),
        )
        for t in session.scalars(select(Tip))
    ]


def referral_rows(session: Session) -> list[ReferralRow]:
    from vigil.reporting.tables import Referral

    return [
        ReferralRow(id=r.id, made_at=_utc(r.created_at))
        for r in session.scalars(select(Referral).order_by(Referral.created_at))
    ]
