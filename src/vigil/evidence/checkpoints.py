"""Signed checkpoints of the log: issue, store, cosign, and audit the whole log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.evidence import log, merkle
from vigil.evidence.note import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    format_checkpoint,
    open_checkpoint,
    sign_note,
    split_note,
)
from vigil.evidence.tables import CheckpointRow, TimestampRow

if TYPE_CHECKING:
    from vigil.evidence.timestamp import TsaConfig

__all__ = [
    "LogAudit",
    "add_cosignature",
    "audit_log",
    "checkpoint_at_least",
    "issue_checkpoint",
    "latest_checkpoint",
    "timestamp_checkpoint",
]


def latest_checkpoint(session: Session) -> CheckpointRow | None:
    return session.scalars(
        select(CheckpointRow).order_by(CheckpointRow.tree_size.desc(), CheckpointRow.id.desc())
    ).first()


def issue_checkpoint(session: Session, signer: Signer) -> CheckpointRow:
    """Sign a checkpoint of the log's current size (reuse the latest if nothing changed)."""
    size = log.log_size(session)
    latest = latest_checkpoint(session)
    if latest is not None and latest.tree_size == size:
        return latest
    root = log.root_at(session, size)
    note = sign_note(format_checkpoint(signer.name, size, root), [signer])
    row = CheckpointRow(tree_size=size, root_hash=root, note=note, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return row


def timestamp_checkpoint(session: Session, row: CheckpointRow, config: TsaConfig) -> TimestampRow:
    """Get an RFC 3161 token over the checkpoint's text (its body, not its signatures,
    so later cosignatures do not invalidate it) and keep it with the TSA's chain."""
    from vigil.evidence.timestamp import request_timestamp

    text, _ = split_note(row.note)
    token = request_timestamp(config, text.encode())
    ts = TimestampRow(
        checkpoint_id=row.id,
        tsa_url=config.url,
        token=token.token,
        chain_pem=token.chain_pem,
        gen_time=token.gen_time,
    )
    session.add(ts)
    session.flush()
    return ts


def checkpoint_at_least(session: Session, size: int) -> CheckpointRow | None:
    """The smallest stored checkpoint covering ``size`` leaves."""
    return session.scalars(
        select(CheckpointRow)
        .where(CheckpointRow.tree_size >= size)
        .order_by(CheckpointRow.tree_size, CheckpointRow.id)
    ).first()


def add_cosignature(session: Session, cosigned: str, log_key: Verifier) -> CheckpointRow:
    """Store a witness-cosigned copy of one of our checkpoints (its extra lines kept)."""
    text, _ = split_note(cosigned)
    cp = open_checkpoint(cosigned, log_key)
    row = session.scalars(
        select(CheckpointRow).where(
            CheckpointRow.tree_size == cp.size, CheckpointRow.root_hash == cp.root
        )
    ).first()
    if row is None:
        raise NoteError(f"no checkpoint of size {cp.size} with that root was issued here")
    have = set(row.note.splitlines(keepends=True))
    new_lines = [ln for ln in cosigned[len(text) + 1 :].splitlines(keepends=True) if ln not in have]
    if new_lines:
        row.note = row.note + "".join(new_lines)
    return row


@dataclass
class LogAudit:
    """What `vigil log verify` found."""

    size: int
    root: bytes
    checkpoint: Checkpoint | None
    earlier: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_log(
    session: Session,
    log_key: Verifier,
    earlier_notes: list[tuple[str, str]] | None = None,
    witnesses: list[Verifier] | None = None,
    required_witnesses: int = 0,
) -> LogAudit:
    """Recompute the whole log and check it against its latest checkpoint and kept ones.

    ``earlier_notes`` are (label, signed note) pairs a user kept: each must verify with
    the log key and be consistent with the current log (a consistency proof from the log
    is checked with :func:`merkle.verify_consistency` against the signed roots).
    """
    size = log.log_size(session)
    try:
        root = log.verify_log(session, size)
    except log.LogError as exc:
        return LogAudit(size, b"", None, problems=[str(exc)])
    audit = LogAudit(size, root, None)
    latest = latest_checkpoint(session)
    if latest is None:
        audit.problems.append("no checkpoint has been issued: run `vigil log checkpoint`")
    else:
        try:
            cp = open_checkpoint(latest.note, log_key, witnesses, required_witnesses)
        except NoteError as exc:
            audit.problems.append(f"latest checkpoint: {exc}")
        else:
            audit.checkpoint = cp
            if cp.size > size:
                audit.problems.append(
                    f"latest checkpoint claims {cp.size} entries, the log holds {size}"
                )
            elif log.root_at(session, cp.size) != cp.root:
                audit.problems.append(
                    f"latest checkpoint's root for size {cp.size} does not match the log"
                )
    for label, note in earlier_notes or []:
        try:
            old = open_checkpoint(note, log_key)
        except NoteError as exc:
            audit.problems.append(f"{label}: {exc}")
            continue
        audit.earlier.append(old)
        if old.size > size:
            audit.problems.append(
                f"{label}: it claims {old.size} entries, the log holds only {size} "
                "(the log was truncated or this is another log)"
            )
            continue
        if old.size == 0:
            if old.root != merkle.EMPTY_ROOT:
                audit.problems.append(f"{label}: an empty checkpoint with a non-empty root")
            continue
        try:
            proof = log.consistency_proof(session, old.size, size)
            merkle.verify_consistency(old.size, size, old.root, root, proof)
        except merkle.ProofError as exc:
            audit.problems.append(f"{label}: not consistent with the current log: {exc}")
    return audit
