"""Workbench tables of the workflow (migration 0005). Times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.tables import Base

__all__ = [
    "Alert",
    "Case",
    "CaseItem",
    "CaseNote",
    "CaseTask",
    "Decision",
    "FeedRun",
    "QueueItem",
    "Referral",
    "Tip",
    "TipMessage",
    "UTCDateTime",
    "Victim",
    "VictimField",
    "Watch",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_TS = UTCDateTime()


class QueueItem(Base):
    """Something to review: a post, a cluster, a tip or a watch alert."""

    __tablename__ = "wf_queue_items"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # post | cluster | tip | alert | qa
    subject_type: Mapped[str] = mapped_column(String(20))  # post | cluster | tip | decision
    subject_id: Mapped[str] = mapped_column(String(100), index=True)
    queue: Mapped[str] = mapped_column(String(40), index=True)
    priority: Mapped[int] = mapped_column(Integer)  # 1 (most urgent) .. 4
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[dict[str, Any]] = mapped_column(JSON)  # why it is here (band, hits, match)
    rule: Mapped[str] = mapped_column(String(80))  # the routing rule that placed it
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | decided
    created_at: Mapped[datetime] = mapped_column(_TS)
    due_at: Mapped[datetime] = mapped_column(_TS)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(_TS)
    claim_expires_at: Mapped[datetime | None] = mapped_column(_TS)
    assigned_to: Mapped[str | None] = mapped_column(String(200))
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(_TS)


class Decision(Base):
    """A human decision on a subject, with its policy reason (``qa_of``: a QA re-review)."""

    __tablename__ = "wf_decisions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[str | None] = mapped_column(String(40), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(100), index=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    reason_id: Mapped[str] = mapped_column(String(60))
    statement_category: Mapped[str] = mapped_column(String(80))
    keywords: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(_TS)
    case_id: Mapped[str | None] = mapped_column(String(40))
    qa_of: Mapped[str | None] = mapped_column(String(40), index=True)


class FeedRun(Base):
    """One ingestion of scan results into the queue (the latest is used to link tips)."""

    __tablename__ = "wf_feed_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(_TS)
    actor: Mapped[str] = mapped_column(String(200))
    results_dir: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class Watch(Base):
    """An investigator's watch on an identifier, a cluster or a saved search."""

    __tablename__ = "wf_watches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # phone | email | ... | cluster | search
    value: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(_TS)
    expires_at: Mapped[datetime] = mapped_column(_TS)
    removed_at: Mapped[datetime | None] = mapped_column(_TS)


class Alert(Base):
    """A post that matched a watch (once per watch and post)."""

    __tablename__ = "wf_alerts"
    __table_args__ = (UniqueConstraint("watch_id", "post_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    watch_id: Mapped[str] = mapped_column(ForeignKey("wf_watches.id", ondelete="CASCADE"))
    post_id: Mapped[str] = mapped_column(String(100))
    matched: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_TS)
    seen_at: Mapped[datetime | None] = mapped_column(_TS)


class Tip(Base):
    """An anonymous tip: what the reporter wrote, its score and links. No address, ever."""

    __tablename__ = "wf_tips"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(_TS)
    last_activity_at: Mapped[datetime] = mapped_column(_TS)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)  # the parsed form fields
    text: Mapped[str] = mapped_column(Text)  # the text that was scored
    immediate_danger: Mapped[str] = mapped_column(String(8))  # yes | no | unsure
    country: Mapped[str | None] = mapped_column(String(2))
    risk: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    identifiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    linked_posts: Mapped[list[str]] = mapped_column(JSON)
    linked_clusters: Mapped[list[str]] = mapped_column(JSON)
    receipt_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # received | reviewing | closed


class TipMessage(Base):
    """More information from the reporter, or a reply from staff."""

    __tablename__ = "wf_tip_messages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("wf_tips.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(_TS)
    direction: Mapped[str] = mapped_column(String(10))  # reporter | staff
    author: Mapped[str | None] = mapped_column(String(200))  # staff name; None for reporter
    body: Mapped[str] = mapped_column(Text)


class Case(Base):
    __tablename__ = "wf_cases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))  # open | active | closed
    owner: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(100), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(_TS)
    closed_at: Mapped[datetime | None] = mapped_column(_TS)


class CaseItem(Base):
    """A post, cluster, tip, evidence item, identifier or suspect grouped in a case."""

    __tablename__ = "wf_case_items"
    __table_args__ = (UniqueConstraint("case_id", "kind", "ref"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("wf_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(_TS)


class CaseTask(Base):
    __tablename__ = "wf_case_tasks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("wf_cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    assignee: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(_TS)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(_TS)
    done_at: Mapped[datetime | None] = mapped_column(_TS)


class CaseNote(Base):
    __tablename__ = "wf_case_notes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("wf_cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(_TS)
    body: Mapped[str] = mapped_column(Text)


class Victim(Base):
    """A victim record: a pseudonym in clear, everything else in ``VictimField`` (encrypted).

    ``wrapped_key`` is the record's data key wrapped by the master key; shredding sets it to
    NULL, after which no field can be decrypted by anyone.
    """

    __tablename__ = "wf_victims"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("wf_cases.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(_TS)
    key_id: Mapped[str] = mapped_column(String(80))
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    shredded_at: Mapped[datetime | None] = mapped_column(_TS)


class VictimField(Base):
    """One encrypted field: AES-256-GCM under the victim's data key (tag appended)."""

    __tablename__ = "wf_victim_fields"

    victim_id: Mapped[str] = mapped_column(
        ForeignKey("wf_victims.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class Referral(Base):
    """A referral to a support service; its content (service, consent, note) is encrypted."""

    __tablename__ = "wf_referrals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    victim_id: Mapped[str] = mapped_column(
        ForeignKey("wf_victims.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(_TS)
    recorded_by: Mapped[str] = mapped_column(String(200))
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
