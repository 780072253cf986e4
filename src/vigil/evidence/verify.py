"""Verify an evidence bundle offline: no vault, no database, no network.

Every check is named, so the verdict says exactly what failed (which file, which item,
which custody event). Bundles are untrusted input: member names with ``..``, absolute
paths or backslashes, too many members, too many bytes and suspicious compression ratios
(zip bombs) are refused before anything is extracted; nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from vigil.evidence import merkle
from vigil.evidence.note import Checkpoint, NoteError, Verifier, open_checkpoint, split_note
from vigil.evidence.records import (
    ACTIONS,
    bundle_leaf_data,
    event_commitment,
    event_leaf_data,
)
from vigil.evidence.tlogproof import TlogProofError, parse_tlog_proof

__all__ = ["BundleError", "Limits", "Verdict", "verify_bundle"]

_FIXED = {"manifest.json", "checkpoint.txt", "log.pub", "README.txt"}


class BundleError(ValueError):
    """The file cannot be read as a bundle at all (not a ZIP, unsafe, no manifest)."""


@dataclass(frozen=True)
class Limits:
    max_members: int = 500_000
    max_total_bytes: int = 32 * 1024**3
    max_member_bytes: int = 8 * 1024**3
    max_ratio: float = 200.0
    max_text_bytes: int = 256 * 1024**2  # manifest, notes, proofs are read into memory


@dataclass
class Verdict:
    ok_checks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    items: int = 0
    events: int = 0
    checkpoint: Checkpoint | None = None
    key_fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, what: str) -> None:
        self.failures.append(what)

    def as_json(self) -> dict[str, Any]:
        cp = self.checkpoint
        return {
            "valid": self.ok,
            "items": self.items,
            "events": self.events,
            "checkpoint": None
            if cp is None
            else {
                "origin": cp.origin,
                "tree_size": cp.size,
                "root_hash": cp.root.hex(),
                "cosigned_by": list(cp.cosigned_by),
            },
            "key_fingerprint": self.key_fingerprint,
            "failures": self.failures,
            "warnings": self.warnings,
            "passed": self.ok_checks,
        }


#: what zipfile raises on a damaged archive or member: bad CRC or header, bad deflate data,
#: a cut file, an unknown compression method or ZIP version (NotImplementedError), an
#: encrypted member (RuntimeError), a header offset outside the file (OSError from seek),
#: a name flagged UTF-8 that is not (UnicodeDecodeError, a ValueError)
_CORRUPT = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if len(name) > 1 and name[1] == ":":
        return False
    parts = PurePosixPath(name).parts
    return all(p not in ("..", ".", "") for p in parts) and not name.endswith("/")


def _open_zip(path: Path, limits: Limits) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file") from None
    except _CORRUPT as exc:  # e.g. NotImplementedError: "zip file version 23.5"
        raise BundleError(f"{path}: not a ZIP bundle ({exc})") from None
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        zf.close()
        raise BundleError(f"refused: {len(infos):,} members (limit {limits.max_members:,})")
    total, seen = 0, set()
    for info in infos:
        name = info.filename
        if not name:  # ZipInfo.is_dir() raises IndexError on an empty name
            zf.close()
            raise BundleError("refused: a member of the bundle has an empty name")
        if info.is_dir():
            if not _safe_name(name.rstrip("/")):
                zf.close()
                raise BundleError(f"refused: unsafe directory name {name[:120]!r} in the bundle")
            continue
        if not _safe_name(name):
            zf.close()
            raise BundleError(
                f"refused: unsafe member name {name[:120]!r} (absolute, '..' or backslash)"
            )
        if name in seen:
            zf.close()
            raise BundleError(f"refused: member {name[:120]!r} appears twice")
        seen.add(name)
        if info.file_size > limits.max_member_bytes:
            zf.close()
            raise BundleError(f"refused: {name} expands to {info.file_size:,} bytes")
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            1, info.compress_size
        ):
            zf.close()
            raise BundleError(
                f"refused: {name} compresses {info.file_size / max(1, info.compress_size):,.0f}:1 "
                "(a zip bomb?)"
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            zf.close()
            raise BundleError(
                f"refused: the bundle expands to more than {limits.max_total_bytes:,} bytes"
            )
    return zf


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, limits: Limits) -> None:
        self.zf = zf
        self.limits = limits
        self.names = {i.filename for i in zf.infolist() if not i.is_dir()}
        self.used: set[str] = set()

    def text(self, name: str) -> str | None:
        data = self.raw(name)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{name} is not UTF-8 text") from None

    def _use(self, name: str) -> None:
        """Each member belongs to one part of the bundle (an item's file, an event's
        proof, ...): one read each, so that a manifest naming one big member many times
        cannot make the check take quadratic time."""
        if name in self.used:
            raise ValueError(f"{name} is named more than once by the manifest")
        self.used.add(name)

    def raw(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        self._use(name)
        if self.zf.getinfo(name).file_size > self.limits.max_text_bytes:
            raise ValueError(f"{name} is too large to read")
        try:
            with self.zf.open(name) as fh:
                return fh.read(self.limits.max_text_bytes + 1)
        except _CORRUPT as exc:
            raise ValueError(f"corrupt in the ZIP file ({exc})") from None

    def sha256(self, name: str) -> tuple[str, int] | None:
        if name not in self.names:
            return None
        self._use(name)
        digest, size = hashlib.sha256(), 0
        try:
            with self.zf.open(name) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
        except _CORRUPT as exc:
            raise ValueError(f"{name} is corrupt in the ZIP file ({exc})") from None
        return digest.hexdigest(), size


def verify_bundle(
    path: Path,
    *,
    trusted_key: Verifier | None = None,
    witnesses: list[Verifier] | None = None,
    required_witnesses: int = 0,
    limits: Limits | None = None,
    verify_timestamp: Callable[[bytes, bytes, str], str] | None = None,
) -> Verdict:
    """Check every part of a bundle; return the verdict (raise only if it is not a bundle).

    ``trusted_key`` pins the log key obtained through another channel; without it the
    bundle's own ``log.pub`` is used and the verdict warns that the key is not pinned.
    ``verify_timestamp(token, checkpoint_text, chain_pem)`` checks RFC 3161 tokens (the
    default is :func:`vigil.evidence.timestamp.verify_token`); it returns a description.
    """
    limits = limits or Limits()
    if verify_timestamp is None:
        from vigil.evidence.timestamp import verify_token

        verify_timestamp = verify_token
    with _open_zip(path, limits) as zf:
        try:
            return _verify(
                _Reader(zf, limits),
                trusted_key,
                witnesses or [],
                required_witnesses,
                verify_timestamp,
            )
        except zipfile.BadZipFile as exc:
            raise BundleError(f"{path}: corrupt ZIP member ({exc})") from None


def _verify(
    r: _Reader,
    trusted_key: Verifier | None,
    witnesses: list[Verifier],
    required: int,
    verify_timestamp: Callable[[bytes, bytes, str], str] | None,
) -> Verdict:
    v = Verdict()
    try:
        raw_manifest = r.raw("manifest.json")
    except ValueError as exc:
        raise BundleError(f"manifest.json: {exc}") from None
    if raw_manifest is None:
        raise BundleError("not a vigil bundle: manifest.json is missing")
    try:
        manifest = json.loads(raw_manifest)
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        v.fail(f"manifest.json: not valid JSON ({str(exc)[:200]})")
        return v
    except RecursionError:
        v.fail("manifest.json: not valid JSON (nested too deep)")
        return v
    if manifest.get("format") != "vigil-evidence-bundle/v1":
        v.fail(f"manifest.json: unknown bundle format {str(manifest.get('format'))[:60]!r}")
        return v

    # -- the key and the checkpoint --------------------------------------------------------
    key_text = _read_text(r, v, "log.pub")
    bundled_key: Verifier | None = None
    if key_text is None:
        if "log.pub" not in r.names:
            v.fail("log.pub: missing (the log's public key)")
    else:
        try:
            bundled_key = Verifier.parse(key_text)
        except NoteError as exc:
            v.fail(f"log.pub: {exc}")
    key = trusted_key or bundled_key
    if trusted_key is not None and bundled_key is not None and bundled_key != trusted_key:
        v.fail(
            f"log.pub: the bundle's key ({bundled_key.fingerprint[:16]}...) is not the key you "
            f"trust ({trusted_key.fingerprint[:16]}...)"
        )
    if trusted_key is None and bundled_key is not None:
        v.warnings.append(
            "the log key was taken from the bundle itself: compare its fingerprint "
            f"{bundled_key.fingerprint} with one obtained independently (or pass --key)"
        )
    note = _read_text(r, v, "checkpoint.txt")
    cp: Checkpoint | None = None
    if note is None:
        if "checkpoint.txt" not in r.names:
            v.fail("checkpoint.txt: missing")
    elif key is not None:
        try:
            cp = open_checkpoint(note, key, witnesses, required)
            v.checkpoint = cp
            v.key_fingerprint = key.fingerprint
            v.ok_checks.append(
                f"checkpoint.txt: signed by {key.name} (tree size {cp.size:,})"
                + (f", cosigned by {', '.join(cp.cosigned_by)}" if cp.cosigned_by else "")
            )
        except NoteError as exc:
            v.fail(f"checkpoint.txt: {exc}")
    raw_log = manifest.get("log")
    mlog: dict[str, Any] = raw_log if isinstance(raw_log, dict) else {}
    if cp is not None:
        if mlog.get("tree_size") != cp.size or mlog.get("root_hash") != cp.root.hex():
            v.fail("manifest.json: its log size or root differs from the signed checkpoint")
        if mlog.get("origin") != cp.origin:
            v.fail("manifest.json: its log origin differs from the signed checkpoint")

    # -- items and custody events ----------------------------------------------------------
    items = manifest.get("items")
    if not isinstance(items, list) or not items:
        v.fail("manifest.json: lists no items")
        items = []
    seen_ids: set[str] = set()
    for n, item in enumerate(items):
        _verify_item(r, v, item, n, cp, note, seen_ids)
    _verify_contents(r, v, manifest, items, cp, note)

    # -- timestamps ------------------------------------------------------------------------
    stamps = manifest.get("timestamps") or []
    if not isinstance(stamps, list):
        v.fail("manifest.json: 'timestamps' is not a list")
        stamps = []
    for ts in stamps:
        if not isinstance(ts, dict):
            v.fail("manifest.json: a timestamp entry is malformed")
            continue
        try:
            token = r.raw(str(ts.get("token")))
        except ValueError as exc:
            v.fail(f"timestamp {ts.get('token')}: {exc}")
            continue
        chain = _read_text(r, v, str(ts.get("chain")))
        if token is None or chain is None:
            v.fail(f"timestamp {ts.get('token')}: token or certificate chain file missing")
            continue
        if verify_timestamp is None or note is None:
            v.warnings.append(f"{ts.get('token')}: RFC 3161 token not checked")
            continue
        try:
            body, _ = split_note(note)
            v.ok_checks.append(
                f"{ts.get('token')}: {verify_timestamp(token, body.encode(), chain)}"
            )
        except ValueError as exc:
            v.fail(f"{ts.get('token')}: RFC 3161 timestamp does not verify: {exc}")

    for name in sorted(r.names - r.used - _FIXED):
        v.fail(f"{name}: a file the manifest does not mention (added to the bundle?)")
    return v


def _verify_contents(
    r: _Reader,
    v: Verdict,
    manifest: dict[str, Any],
    items: list[Any],
    cp: Checkpoint | None,
    note: str | None,
) -> None:
    """The manifest's table of contents (item ids, event counts) is itself in the log."""
    toc = manifest.get("contents")
    if not isinstance(toc, dict) or not isinstance(toc.get("leaf_index"), int):
        v.fail("manifest.json: no table of contents bound to the log (items may be missing)")
        return
    pairs: list[tuple[str, int]] = []
    for item in items:
        events = item.get("events") if isinstance(item, dict) else None
        pairs.append(
            (
                str(item.get("id")) if isinstance(item, dict) else "",
                len(events) if isinstance(events, list) else 0,
            )
        )
    where = "the bundle's table of contents"
    text = _read_text(r, v, str(toc.get("proof")))
    if text is None:
        v.fail(f"{where}: its proof {toc.get('proof')} is missing")
        return
    try:
        proof = parse_tlog_proof(text)
    except TlogProofError as exc:
        v.fail(f"{where}: {exc}")
        return
    if note is not None and proof.checkpoint != note:
        v.fail(f"{where}: its proof carries a different checkpoint from checkpoint.txt")
        return
    if proof.index != toc["leaf_index"]:
        v.fail(f"{where}: its proof is for log entry {proof.index}, not {toc['leaf_index']}")
        return
    if cp is None:
        return
    try:
        leaf = merkle.leaf_hash(bundle_leaf_data(pairs))
        merkle.verify_inclusion(leaf, proof.index, cp.size, proof.hashes, cp.root)
    except (merkle.ProofError, ValueError):
        v.fail(
            f"{where} is not the one in the signed log: an item or custody event was "
            "removed from or added to the manifest"
        )
        return
    v.ok_checks.append(f"{where}: {len(pairs)} item(s), as logged at export")


def _read_text(r: _Reader, v: Verdict, name: str) -> str | None:
    """A member as text; None (with a failure recorded) when it is not readable text."""
    try:
        return r.text(name)
    except ValueError as exc:
        v.fail(f"{name}: {exc}")
        return None


def _verify_item(
    r: _Reader,
    v: Verdict,
    item: Any,
    n: int,
    cp: Checkpoint | None,
    note: str | None,
    seen_ids: set[str],
) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        v.fail(f"manifest.json: item #{n + 1} is malformed")
        return
    item_id = item["id"]
    label = f"item {item_id}"
    if item_id in seen_ids:
        v.fail(f"{label}: listed twice in the manifest")
        return
    seen_ids.add(item_id)
    v.items += 1
    file_name = str(item.get("file"))
    try:
        got = r.sha256(file_name)
    except ValueError as exc:
        v.fail(f"{label}: {exc}")
        got = ("", -1)
    if got is None:
        v.fail(f"{label}: its file {file_name} is missing from the bundle")
    elif got[1] >= 0 and (got[0] != item.get("sha256") or got[1] != item.get("size")):
        v.fail(
            f"{label}: {file_name} does not match the manifest "
            f"(SHA-256 {got[0][:16]}..., expected {str(item.get('sha256'))[:16]}...)"
        )
    events = item.get("events")
    if not isinstance(events, list) or not events:
        v.fail(f"{label}: has no custody events")
        return
    last_index = -1
    bad = len(v.failures)
    for seq, ev in enumerate(events):
        where = f"{label}, custody event #{seq}"
        if not isinstance(ev, dict) or not isinstance(ev.get("record"), dict):
            v.fail(f"{where}: malformed in the manifest")
            continue
        v.events += 1
        rec = ev["record"]
        action = rec.get("action")
        if rec.get("item") != item_id or rec.get("seq") != seq:
            v.fail(
                f"{where}: out of order or moved (the record says item "
                f"{str(rec.get('item'))[:40]}, event #{rec.get('seq')})"
            )
            continue
        if action not in ACTIONS:
            v.fail(f"{where}: unknown action {str(action)[:40]!r}")
            continue
        if (seq == 0) != (action == "captured"):
            v.fail(f"{where}: the first event must be, and only it may be, 'captured'")
        if action == "captured":
            detail = rec.get("detail") or {}
            if detail.get("sha256") != item.get("sha256") or detail.get("size") != item.get("size"):
                v.fail(f"{where}: the hash recorded at capture differs from the manifest's")
        leaf_index = ev.get("leaf_index")
        if not isinstance(leaf_index, int) or leaf_index <= last_index:
            v.fail(f"{where}: log positions are not increasing (events reordered?)")
            continue
        last_index = leaf_index
        try:
            salt = bytes.fromhex(str(ev.get("salt")))
            commit = event_commitment(salt, rec)
            leaf = merkle.leaf_hash(event_leaf_data(item_id, seq, str(action), commit))
        except ValueError as exc:
            v.fail(f"{where}: cannot rebuild its log entry ({exc})")
            continue
        proof_name = str(ev.get("proof"))
        try:
            text = r.text(proof_name)
        except ValueError as exc:
            v.fail(f"{where}: {exc}")
            continue
        if text is None:
            v.fail(f"{where}: its proof {proof_name} is missing")
            continue
        try:
            proof = parse_tlog_proof(text)
        except TlogProofError as exc:
            v.fail(f"{where}: {proof_name}: {exc}")
            continue
        if note is not None and proof.checkpoint != note:
            v.fail(f"{where}: {proof_name} carries a different checkpoint from checkpoint.txt")
            continue
        if proof.index != leaf_index:
            v.fail(f"{where}: {proof_name} proves log entry {proof.index}, not {leaf_index}")
            continue
        if cp is None:
            continue
        try:
            merkle.verify_inclusion(leaf, leaf_index, cp.size, proof.hashes, cp.root)
        except merkle.ProofError as exc:
            v.fail(
                f"{where} ({action}): not in the signed log: {exc} "
                "(the record, its salt or the proof was altered)"
            )
    if len(v.failures) == bad and cp is not None:
        v.ok_checks.append(f"{label}: file intact, {len(events)} custody event(s) proven")
