"""Workbench tables of the evidence vault and its transparency log (migration 0003)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.tables import Base

__all__ = [
    "CheckpointRow",
    "CustodyEventRow",
    "ItemRow",
    "LogEntry",
    "LogNode",
    "LogState",
    "TimestampRow",
]


class LogState(Base):
    """One row (id 1): the log's size. Appends lock this row, one writer at a time."""

    __tablename__ = "evidence_log_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)


class LogEntry(Base):
    """A leaf: its index, its RFC 6962 leaf hash and the leaf data (commitments only)."""

    __tablename__ = "evidence_log_entries"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)


class LogNode(Base):
    """The hash of a perfect subtree: leaves ``[idx * 2**level, (idx + 1) * 2**level)``."""

    __tablename__ = "evidence_log_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CheckpointRow(Base):
    """A signed checkpoint (C2SP signed note), as issued, with any cosignatures added."""

    __tablename__ = "evidence_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TimestampRow(Base):
    """An RFC 3161 token over a checkpoint, with the TSA's certificate chain (PEM)."""

    __tablename__ = "evidence_timestamps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("evidence_checkpoints.id"), index=True)
    tsa_url: Mapped[str] = mapped_column(Text)
    token: Mapped[bytes] = mapped_column(LargeBinary)
    chain_pem: Mapped[str] = mapped_column(Text)
    gen_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ItemRow(Base):
    """An evidence item: one write-once blob in the vault and how it was captured."""

    __tablename__ = "evidence_items"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    source_kind: Mapped[str] = mapped_column(String(16))  # post | file | url
    source_ref: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    captured_by: Mapped[str] = mapped_column(String(200))
    tool_version: Mapped[str] = mapped_column(String(32))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed: Mapped[bool] = mapped_column(default=False)


class CustodyEventRow(Base):
    """One chain-of-custody event on an item (who, when, why), and its log leaf."""

    __tablename__ = "evidence_custody_events"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("evidence_items.id"), primary_key=True, autoincrement=False
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    log_index: Mapped[int] = mapped_column(BigInteger, unique=True)
