"""Workbench tables of signal exchange (migration 0006)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.tables import Base

__all__ = [
    "ShareFeedback",
    "ShareMatch",
    "SharePackage",
    "ShareReceived",
    "ShareReviewItem",
    "ShareSignal",
]


class ShareSignal(Base):
    """A signal this organisation shares; ``value`` is in clear and never leaves the store."""

    __tablename__ = "share_signals"
    __table_args__ = (UniqueConstraint("group", "type", "value", name="uq_share_signals_gtv"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    opinion: Mapped[str] = mapped_column(String(24))
    tags: Mapped[list[str]] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    ref_type: Mapped[str | None] = mapped_column(String(40))
    ref_id: Mapped[str | None] = mapped_column(String(200))


class SharePackage(Base):
    """A package made here (out) or accepted here (in); makes re-imports idempotent."""

    __tablename__ = "share_packages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))  # in | out
    kind: Mapped[str] = mapped_column(String(16))  # signals | feedback
    group: Mapped[str] = mapped_column(String(64))
    source_org: Mapped[str] = mapped_column(String(64))
    recipient_org: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    items: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class ShareReceived(Base):
    """A signal received from a partner: a token (or PDQ hash) and its provenance."""

    __tablename__ = "share_received"
    __table_args__ = (
        UniqueConstraint("group", "source_org", "type", "value", name="uq_share_received_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group: Mapped[str] = mapped_column(String(64), index=True)
    source_org: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(40))
    opinion: Mapped[str] = mapped_column(String(24))
    tags: Mapped[list[str]] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    package_id: Mapped[str] = mapped_column(ForeignKey("share_packages.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShareMatch(Base):
    """A local post (or cluster, case) that holds a received signal."""

    __tablename__ = "share_matches"
    __table_args__ = (
        UniqueConstraint("received_id", "subject_type", "subject_id", name="uq_share_matches_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_id: Mapped[int] = mapped_column(ForeignKey("share_received.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    matched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    review_item_id: Mapped[str | None] = mapped_column(String(64))


class ShareReviewItem(Base):
    """A review-queue entry raised by a match (used until the workflow queue takes it)."""

    __tablename__ = "share_review_items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShareFeedback(Base):
    """Feedback given on a received signal (out) or received on one of ours (in)."""

    __tablename__ = "share_feedback"
    __table_args__ = (
        UniqueConstraint("direction", "org", "type", "value", "kind", name="uq_share_feedback_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(4))  # out | in
    group: Mapped[str] = mapped_column(String(64))
    org: Mapped[str] = mapped_column(String(64))  # the other organisation
    type: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    package_id: Mapped[str | None] = mapped_column(String(32))
    signal_id: Mapped[str | None] = mapped_column(String(32))
