"""The evidence vault: items, their write-once blobs, and chain-of-custody events.

Each custody event (captured, viewed, exported, transferred, annotated, sealed) is
stored with who, when and why, and its salted commitment is appended to the
transparency log in the same transaction (see :mod:`vigil.evidence.records`).
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil import __version__
from vigil.evidence import log
from vigil.evidence.blobs import BlobError, BlobStore, FileBlobStore
from vigil.evidence.records import ACTIONS, canonical_json, event_commitment, event_leaf_data
from vigil.evidence.tables import CustodyEventRow, ItemRow
from vigil.settings import Settings

__all__ = [
    "EventSpec",
    "Vault",
    "VaultError",
    "event_record",
    "external_blobs",
    "open_blob_store",
    "vault_dir",
]


class VaultError(ValueError):
    """A request the vault refuses (unknown item, sealed item, bad action...)."""


def vault_dir(settings: Settings) -> Path:
    return settings.home / "vault"


def open_blob_store(settings: Settings) -> BlobStore:
    """The store of evidentiary copies that the settings choose (``blob_store``).

    ``file``: ``<home>/vault/blobs``. ``s3``: the bucket ``s3_bucket`` (credentials from
    the standard AWS variables). Working copies stay local files either way.
    """
    if settings.blob_store == "s3":
        if not settings.s3_bucket:
            raise BlobError("VIGIL_BLOB_STORE is 's3' but VIGIL_S3_BUCKET is not set")
        from vigil.evidence.s3blobs import S3BlobStore

        return S3BlobStore(
            settings.s3_bucket,
            prefix=settings.s3_prefix or "",
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            object_lock_days=settings.s3_object_lock_days,
        )
    return FileBlobStore(vault_dir(settings) / "blobs")


def external_blobs(settings: Settings) -> dict[str, Any] | None:
    """For a backup: the blobs kept outside the data home (None with the file store).

    Lists every evidence item's SHA-256 from the workbench, so that a backup can name
    what it does not contain and ``verify_backup`` can check those blobs where they live.
    """
    if settings.blob_store == "file":
        return None
    from sqlalchemy import inspect

    from vigil.store import make_engine

    store = open_blob_store(settings)
    engine = make_engine(settings.workbench_url)
    try:
        hashes: list[str] = []
        if inspect(engine).has_table(ItemRow.__tablename__):
            with engine.connect() as con:
                hashes = list(
                    con.scalars(select(ItemRow.sha256).distinct().order_by(ItemRow.sha256))
                )
    finally:
        engine.dispose()
    return {
        "store": settings.blob_store,
        "location": store.location,
        "copied": False,
        "sha256": hashes,
    }


def _iso(at: datetime) -> str:
    """UTC ISO 8601 with microseconds; naive values (SQLite gives them back) are UTC."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_record(row: CustodyEventRow) -> dict[str, Any]:
    """The committed record of a custody event (what a bundle discloses)."""
    return {
        "item": row.item_id,
        "seq": row.seq,
        "action": row.action,
        "actor": row.actor,
        "reason": row.reason,
        "at": _iso(row.at),
        "detail": row.detail,
    }


@dataclass(frozen=True)
class EventSpec:
    item_id: str
    action: str
    actor: str
    reason: str
    detail: dict[str, Any] | None = None


def _safe_filename(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name.strip() or "item"
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base)
    return cleaned.lstrip(".")[:200] or "item"


class Vault:
    """The vault over one workbench session and data home. Callers commit."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.blobs: BlobStore = open_blob_store(settings)

    # -- events ---------------------------------------------------------------------
    def record_events(self, specs: Sequence[EventSpec]) -> list[CustodyEventRow]:
        """Record custody events and append their commitments to the log, in one batch."""
        if not specs:
            return []
        for s in specs:
            if s.action not in ACTIONS:
                raise VaultError(f"unknown custody action {s.action!r} ({', '.join(ACTIONS)})")
            if not s.actor.strip():
                raise VaultError("a custody event needs who did it (actor)")
        ids = sorted({s.item_id for s in specs})
        items: dict[str, ItemRow] = {}
        next_seq: dict[str, int] = {}
        for k in range(0, len(ids), 5000):
            chunk = ids[k : k + 5000]
            items.update(
                {
                    i.id: i
                    for i in self.session.scalars(select(ItemRow).where(ItemRow.id.in_(chunk)))
                }
            )
            rows = self.session.execute(
                select(CustodyEventRow.item_id, func.max(CustodyEventRow.seq))
                .where(CustodyEventRow.item_id.in_(chunk))
                .group_by(CustodyEventRow.item_id)
            )
            next_seq.update({r[0]: int(r[1]) + 1 for r in rows})
        now = datetime.now(UTC)
        events: list[CustodyEventRow] = []
        for s in specs:
            item = items.get(s.item_id)
            if item is None:
                raise VaultError(f"no evidence item {s.item_id!r}")
            if item.sealed and s.action not in ("viewed", "exported"):
                raise VaultError(f"item {s.item_id} is sealed: only viewing and export remain")
            seq = next_seq.get(s.item_id, 0)
            next_seq[s.item_id] = seq + 1
            if (seq == 0) != (s.action == "captured"):
                raise VaultError("an item's first event, and only that one, is 'captured'")
            if s.action == "sealed":
                item.sealed = True
            events.append(
                CustodyEventRow(
                    item_id=s.item_id,
                    seq=seq,
                    action=s.action,
                    actor=s.actor,
                    reason=s.reason,
                    at=now,
                    detail=dict(s.detail or {}),
                    salt=os.urandom(32),
                    log_index=-1,
                )
            )
        leaves = []
        for e in events:
            canonical_json(e.detail)  # refuse floats and other non-canonical values early
            commit = event_commitment(e.salt, event_record(e))
            leaves.append(event_leaf_data(e.item_id, e.seq, e.action, commit))
        # lock order: the audit head first, then the log (as other domains do)
        self._audit(events)
        indices = log.append_entries(self.session, leaves)
        for e, idx in zip(events, indices, strict=True):
            e.log_index = idx
        self.session.add_all(events)
        self.session.flush()
        return events

    def _audit(self, events: Sequence[CustodyEventRow]) -> None:
        """One audit-log event per (actor, action) in a batch: who touched which items."""
        from vigil.audit import record

        groups: dict[tuple[str, str], list[CustodyEventRow]] = {}
        for e in events:
            groups.setdefault((e.actor, e.action), []).append(e)
        for (actor, action), group in groups.items():
            record(
                self.session,
                actor=actor,
                action=f"evidence.{action}",
                object_type="evidence_item",
                object_id=group[0].item_id if len(group) == 1 else f"{len(group)} items",
                detail={"items": [e.item_id for e in group[:1000]], "count": len(group)},
            )

    def record_event(
        self,
        item_id: str,
        action: str,
        actor: str,
        reason: str,
        detail: dict[str, Any] | None = None,
    ) -> CustodyEventRow:
        return self.record_events([EventSpec(item_id, action, actor, reason, detail)])[0]

    # -- capture ----------------------------------------------------------------------
    def _new_item(
        self,
        sha: str,
        size: int,
        *,
        filename: str,
        media_type: str,
        source_kind: str,
        source_ref: str,
        actor: str,
        reason: str,
        meta: dict[str, Any] | None,
    ) -> ItemRow:
        if not actor.strip():
            raise VaultError("a capture needs the capturing user (actor)")
        item = ItemRow(
            id=str(uuid.uuid4()),
            sha256=sha,
            size=size,
            media_type=media_type,
            filename=_safe_filename(filename),
            source_kind=source_kind,
            source_ref=source_ref,
            captured_at=datetime.now(UTC),
            captured_by=actor,
            tool_version=__version__,
            meta=dict(meta or {}),
            sealed=False,
        )
        self.session.add(item)
        self.session.flush()
        detail = {
            "sha256": sha,
            "size": size,
            "media_type": media_type,
            "filename": item.filename,
            "source_kind": source_kind,
            "source_ref": source_ref,
            "tool": f"vigil {__version__}",
            **{f"meta.{k}": v for k, v in item.meta.items() if isinstance(v, str | int | bool)},
        }
        self.record_event(item.id, "captured", actor, reason, detail)
        return item

    def capture_bytes(
        self,
        data: bytes,
        *,
        filename: str,
        media_type: str,
        source_kind: str,
        source_ref: str,
        actor: str,
        reason: str,
        meta: dict[str, Any] | None = None,
    ) -> ItemRow:
        sha, size = self.blobs.put_bytes(data)
        return self._new_item(
            sha,
            size,
            filename=filename,
            media_type=media_type,
            source_kind=source_kind,
            source_ref=source_ref,
            actor=actor,
            reason=reason,
            meta=meta,
        )

    def capture_file(self, path: Path, *, actor: str, reason: str) -> ItemRow:
        if not path.is_file():
            raise VaultError(f"{path}: not a readable file")
        sha, size = self.blobs.put_file(path)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self._new_item(
            sha,
            size,
            filename=path.name,
            media_type=media_type,
            source_kind="file",
            source_ref=path.name,
            actor=actor,
            reason=reason,
            meta=None,
        )

    def capture_post(self, post_id: str, *, actor: str, reason: str) -> ItemRow:
        """Capture a corpus post, as stored in the lake, as canonical JSON."""
        from vigil.lake.store import Lake

        with Lake(self.settings.lake_dir) as lake, lake.query() as con:
            cur = con.execute("SELECT * FROM posts WHERE id = ? LIMIT 1", [post_id])
            columns = [d[0] for d in cur.description or []]
            row = cur.fetchone()
        if row is None:
            raise VaultError(f"no post {post_id!r} in the corpus")
        post = {
            k: (_iso(v) if isinstance(v, datetime) else v)
            for k, v in zip(columns, row, strict=True)
            if not isinstance(v, float)
        }
        data = canonical_json(post)
        return self.capture_bytes(
            data,
            filename=f"post-{post_id}.json",
            media_type="application/json",
            source_kind="post",
            source_ref=post_id,
            actor=actor,
            reason=reason,
            meta={"platform": str(post.get("platform") or "")},
        )

    # -- reading ----------------------------------------------------------------------
    def item(self, item_id: str) -> ItemRow:
        item = self.session.get(ItemRow, item_id)
        if item is None:
            raise VaultError(f"no evidence item {item_id!r}")
        return item

    def events(self, item_id: str) -> list[CustodyEventRow]:
        return list(
            self.session.scalars(
                select(CustodyEventRow)
                .where(CustodyEventRow.item_id == item_id)
                .order_by(CustodyEventRow.seq)
            )
        )

    def working_copy(self, item_id: str, *, actor: str, reason: str) -> Path:
        """Copy an item to its working area and record that it was viewed.

        The working copy is a local, writable file under ``<home>/vault/working`` whatever
        the blob store; the evidentiary copy (a file or an S3 object) is only read.
        """
        item = self.item(item_id)
        self.blobs.check(item.sha256)
        dest = vault_dir(self.settings) / "working" / item.id / item.filename
        self.blobs.copy_to(item.sha256, dest)
        self.record_event(item.id, "viewed", actor, reason, {"working_copy": True})
        return dest
