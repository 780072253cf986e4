"""Export evidence items as an offline-verifiable bundle (a ZIP file).

Layout::

    manifest.json                    items, their hashes and custody events (records + salts)
    checkpoint.txt                   the signed checkpoint (C2SP signed note, cosignatures)
    log.pub                          the log's verifier key (name+keyid+base64)
    items/<item id>/<file name>      the evidentiary copies, byte for byte
    proofs/<item id>/<seq>.tlog-proof  one inclusion receipt per custody event
    proofs/contents.tlog-proof       the receipt of the bundle's table of contents
    timestamps/<n>.tsr + .pem        RFC 3161 tokens over checkpoint.txt and their chains
    README.txt                       how to verify

:func:`export_items` is what other domains (cases) call with a list of item ids.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil import __version__
from vigil.evidence import log
from vigil.evidence.checkpoints import issue_checkpoint, timestamp_checkpoint
from vigil.evidence.note import Signer
from vigil.evidence.records import bundle_leaf_data
from vigil.evidence.tables import CustodyEventRow, ItemRow, TimestampRow
from vigil.evidence.tlogproof import format_tlog_proof
from vigil.evidence.vault import EventSpec, Vault, VaultError, event_record

if TYPE_CHECKING:
    from vigil.evidence.timestamp import TsaConfig

__all__ = ["BUNDLE_FORMAT", "ExportSummary", "export_items"]

BUNDLE_FORMAT = "vigil-evidence-bundle/v1"

README = """\
vigil evidence bundle ({format})

Verify with vigil:   vigil verify THIS.zip [--key log.pub you obtained separately]
Verify without vigil: see docs/evidence.md ("Verifying a bundle without vigil").

1. checkpoint.txt is a C2SP signed note; check its Ed25519 signature with log.pub.
2. For every item in manifest.json, SHA-256 of items/<id>/<file> equals "sha256".
3. For every custody event, commit = SHA-256("vigil-custody-commit/v1\\n" || salt ||
   canonical JSON of "record"); leaf = "vigil-evidence-log/v1\\n" || canonical JSON of
   {{"action","commit","item","seq","type":"custody"}}; its RFC 6962 leaf hash must verify
   with the proof in proofs/ against the checkpoint's root (RFC 9162 section 2.1.3.2).
4. The table of contents: "vigil-evidence-log/v1\n" || canonical JSON of
   {{"contents": hex(SHA-256(JSON([[item id, number of events], ...]))), "type": "bundle"}}
   must verify with proofs/contents.tlog-proof, so no item or event was left out.
"""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    items: int
    events: int
    tree_size: int
    root: bytes


def _load_events(session: Session, ids: Sequence[str]) -> dict[str, list[CustodyEventRow]]:
    out: dict[str, list[CustodyEventRow]] = {i: [] for i in ids}
    for k in range(0, len(ids), 5000):
        rows = session.scalars(
            select(CustodyEventRow)
            .where(CustodyEventRow.item_id.in_(ids[k : k + 5000]))
            .order_by(CustodyEventRow.item_id, CustodyEventRow.seq)
        )
        for r in rows:
            out[r.item_id].append(r)
    return out


def export_items(
    session: Session,
    vault: Vault,
    item_ids: Sequence[str],
    out: Path,
    *,
    actor: str,
    reason: str,
    signer: Signer,
    case_id: str | None = None,
    tsa: TsaConfig | None = None,
) -> ExportSummary:
    """Record an 'exported' event per item, sign a checkpoint, and write the bundle.

    Runs in the caller's transaction; the caller commits (and removes ``out`` if the
    commit fails). Every event of every item, including this export, is proven against
    the new checkpoint.
    """
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise VaultError("nothing to export: give at least one item id")
    items: dict[str, ItemRow] = {}
    for k in range(0, len(ids), 5000):
        chunk = ids[k : k + 5000]
        items.update(
            {i.id: i for i in session.scalars(select(ItemRow).where(ItemRow.id.in_(chunk)))}
        )
    missing = [i for i in ids if i not in items]
    if missing:
        raise VaultError(f"no evidence item {missing[0]!r}")
    detail: dict[str, Any] = {"bundle": out.name}
    if case_id:
        detail["case"] = case_id
    vault.record_events([EventSpec(i, "exported", actor, reason, detail) for i in ids])
    events = _load_events(session, ids)
    contents = [(i, len(events[i])) for i in ids]
    (toc_index,) = log.append_entries(session, [bundle_leaf_data(contents)])
    checkpoint = issue_checkpoint(session, signer)
    if tsa is not None:
        timestamp_checkpoint(session, checkpoint, tsa)
    size = checkpoint.tree_size
    flat = [e for i in ids for e in events[i]]
    proofs = log.inclusion_proofs(session, [e.log_index for e in flat] + [toc_index], size)
    toc_proof = proofs.pop()
    proof_of = {(e.item_id, e.seq): p for e, p in zip(flat, proofs, strict=True)}
    timestamps = list(
        session.scalars(select(TimestampRow).where(TimestampRow.checkpoint_id == checkpoint.id))
    )
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "created_by": actor,
        "tool": f"vigil {__version__}",
        "case": case_id,
        "log": {
            "origin": signer.name,
            "tree_size": size,
            "root_hash": checkpoint.root_hash.hex(),
            "checkpoint": "checkpoint.txt",
            "public_key": "log.pub",
            "key_fingerprint": signer.verifier.fingerprint,
        },
        "contents": {"leaf_index": toc_index, "proof": "proofs/contents.tlog-proof"},
        "items": [],
        "timestamps": [],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".zip")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for item_id in ids:
                item = items[item_id]
                vault.blobs.check(item.sha256)
                name = f"items/{item.id}/{item.filename}"
                with vault.blobs.open(item.sha256) as src, zf.open(name, "w") as dst:
                    for chunk in iter(lambda src=src: src.read(1 << 20), b""):  # type: ignore[misc]
                        dst.write(chunk)
                entry: dict[str, Any] = {
                    "id": item.id,
                    "file": name,
                    "sha256": item.sha256,
                    "size": item.size,
                    "media_type": item.media_type,
                    "source_kind": item.source_kind,
                    "source_ref": item.source_ref,
                    "events": [],
                }
                for e in events[item_id]:
                    proof_name = f"proofs/{item.id}/{e.seq}.tlog-proof"
                    zf.writestr(
                        proof_name,
                        format_tlog_proof(e.log_index, proof_of[(item.id, e.seq)], checkpoint.note),
                    )
                    entry["events"].append(
                        {
                            "record": event_record(e),
                            "salt": e.salt.hex(),
                            "leaf_index": e.log_index,
                            "proof": proof_name,
                        }
                    )
                manifest["items"].append(entry)
            for n, ts in enumerate(timestamps):
                zf.writestr(f"timestamps/{n}.tsr", ts.token)
                zf.writestr(f"timestamps/{n}.pem", ts.chain_pem)
                manifest["timestamps"].append(
                    {
                        "token": f"timestamps/{n}.tsr",
                        "chain": f"timestamps/{n}.pem",
                        "tsa_url": ts.tsa_url,
                        "gen_time": ts.gen_time.astimezone(UTC).isoformat(),
                        "over": "checkpoint.txt text (before the signature lines)",
                    }
                )
            zf.writestr(
                "proofs/contents.tlog-proof",
                format_tlog_proof(toc_index, toc_proof, checkpoint.note),
            )
            zf.writestr("checkpoint.txt", checkpoint.note)
            zf.writestr("log.pub", signer.verifier.vkey() + "\n")
            zf.writestr("README.txt", README.format(format=BUNDLE_FORMAT))
            zf.writestr(
                "manifest.json", json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
            )
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportSummary(out, len(ids), len(flat), size, checkpoint.root_hash)
