"""Signed signal packages: build, sign, serialise, and parse hostile input safely.

The format (``vigil.signal-package`` version 1) is described by ``signal-package.schema.json``
beside this module and in docs/sharing.md. The signature is Ed25519 over the canonical bytes
of the package without its ``signature`` member: sorted keys, no spaces, UTF-8 (orjson).

:func:`parse` never lets an exception other than :class:`PackageError` escape: every problem
(not JSON, wrong shape, unknown group, key mismatch, bad signature, untrusted signer) is
reported with the JSON pointer of the offending member where there is one.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson
from jsonschema import Draft202012Validator

from vigil.jsonschema_linear import LinearDraft202012Validator
from vigil.sharing.keys import GroupKey, KeyError_, KeyStore, key_id, verify_signature
from vigil.sharing.model import (
    Feedback,
    FeedbackKind,
    Opinion,
    SharedSignal,
    SignalCategory,
    SignalType,
)

__all__ = [
    "BLINDING",
    "FORMAT",
    "MAX_BYTES",
    "VERSION",
    "PackageError",
    "SignalPackage",
    "canonical",
    "parse",
    "schema",
    "sign",
    "verify_signed",
]

FORMAT = "vigil.signal-package"
VERSION = 1
BLINDING = "HMAC-SHA-256(group key, type || 0x00 || normalised value)"
MAX_BYTES = 64 * 1024 * 1024
_SCHEMA_PATH = Path(__file__).with_name("signal-package.schema.json")


class PackageError(ValueError):
    """A package that cannot be accepted; ``pointer`` locates the problem (RFC 6901)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(f"{pointer}: {message}" if pointer else message)
        self.pointer = pointer


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    validator: Draft202012Validator = LinearDraft202012Validator(schema())  # linear uniqueItems
    return validator


def ts(at: datetime) -> str:
    """RFC 3339 UTC, as the schema wants it."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_ts(value: str, pointer: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PackageError(f"not a valid date and time: {value!r}", pointer) from None


@dataclass(frozen=True, slots=True)
class SignalPackage:
    """A package's content; ``signer_key`` is set on packages that were verified."""

    kind: Literal["signals", "feedback"]
    id: str
    group: str
    group_key_id: str
    source_org: str
    created_at: datetime
    signals: tuple[SharedSignal, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    recipient_org: str | None = None
    signer_key: bytes | None = field(default=None, compare=False)

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(16)

    def body(self) -> dict[str, Any]:
        """The JSON object without ``signature``."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "kind": self.kind,
            "id": self.id,
            "group": self.group,
            "group_key_id": self.group_key_id,
            "source_org": self.source_org,
            "recipient_org": self.recipient_org,
            "created_at": ts(self.created_at),
            "blinding": BLINDING,
            "signals": [
                {
                    "type": str(s.type),
                    "value": s.value,
                    "category": str(s.category),
                    "opinion": str(s.opinion),
                    "tags": list(s.tags),
                    "first_seen": ts(s.first_seen),
                    "last_seen": ts(s.last_seen),
                    "expires_at": ts(s.expires_at) if s.expires_at else None,
                }
                for s in self.signals
            ],
            "feedback": [
                {
                    "type": str(f.type),
                    "value": f.value,
                    "kind": str(f.kind),
                    "at": ts(f.at),
                    "tags": list(f.tags),
                }
                for f in self.feedback
            ],
        }


def canonical(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def sign(package: SignalPackage, keys: KeyStore) -> bytes:
    """The signed package as JSON bytes (indented for people, canonical for the signature)."""
    body = package.body()
    key = keys.signing_key()
    public = keys.public_key()
    signature = key.sign(canonical(body))
    body["signature"] = {
        "alg": "Ed25519",
        "key_id": key_id(public),
        "public_key": base64.b64encode(public).decode(),
        "value": base64.b64encode(signature).decode(),
    }
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)


def _pointer(path: Sequence[object]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _schema_error(doc: Any) -> PackageError | None:
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (len(e.path), list(e.path)))
    if not errors:
        return None
    err = errors[0]
    pointer = _pointer(list(err.absolute_path)) if err.absolute_path else ""
    if err.validator == "required" and isinstance(err.instance, dict):
        missing = [k for k in err.validator_value if k not in err.instance]
        if missing:
            return PackageError("required member is missing", f"{pointer}/{missing[0]}")
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if extra:
            return PackageError("member is not allowed here", f"{pointer}/{extra[0]}")
    message = err.message
    if len(message) > 200:
        message = message[:200] + "…"
    return PackageError(f"does not match the schema: {message}", pointer or "/")


def parse(
    data: bytes,
    keys: KeyStore,
    *,
    verify: bool = True,
) -> tuple[SignalPackage, GroupKey]:
    """Parse, validate and verify a package; raise :class:`PackageError` on any problem.

    Checks, in order: size, JSON, schema, dates, that this data home holds the group's key with the
    same key id, that the signer is trusted for ``source_org``, and the signature.
    """
    if len(data) > MAX_BYTES:
        raise PackageError(f"package is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PackageError(f"not JSON: {exc}") from None
    if (err := _schema_error(doc)) is not None:
        raise err
    created = _parse_ts(doc["created_at"], "/created_at")
    signals = []
    for i, s in enumerate(doc["signals"]):
        at = f"/signals/{i}"
        first = _parse_ts(s["first_seen"], f"{at}/first_seen")
        last = _parse_ts(s["last_seen"], f"{at}/last_seen")
        if last < first:
            raise PackageError("last_seen is before first_seen", f"{at}/last_seen")
        expires = _parse_ts(s["expires_at"], f"{at}/expires_at") if s["expires_at"] else None
        signals.append(
            SharedSignal(
                type=SignalType(s["type"]),
                value=s["value"],
                category=SignalCategory(s["category"]),
                opinion=Opinion(s["opinion"]),
                first_seen=first,
                last_seen=last,
                source_org=doc["source_org"],
                tags=tuple(s["tags"]),
                expires_at=expires,
            )
        )
    feedback = tuple(
        Feedback(
            type=SignalType(f["type"]),
            value=f["value"],
            kind=FeedbackKind(f["kind"]),
            source_org=doc["source_org"],
            at=_parse_ts(f["at"], f"/feedback/{i}/at"),
            tags=tuple(f["tags"]),
        )
        for i, f in enumerate(doc["feedback"])
    )
    if doc["kind"] == "signals" and feedback:
        raise PackageError("a signals package carries no feedback", "/feedback")
    if doc["kind"] == "feedback" and signals:
        raise PackageError("a feedback package carries no signals", "/signals")
    group, source = doc["group"], doc["source_org"]
    try:
        gkey = keys.group(group)
    except KeyError_ as exc:
        raise PackageError(
            f"this installation is not in group {group!r} ({exc})", "/group"
        ) from None
    if gkey.id != doc["group_key_id"]:
        raise PackageError(
            f"package was made with another key of group {group!r} "
            f"(key id {doc['group_key_id']}, here {gkey.id})",
            "/group_key_id",
        )
    sig = doc["signature"]
    public = base64.b64decode(sig["public_key"])
    if verify:
        trusted = keys.trusted(source)
        if trusted is None:
            raise PackageError(
                f"organisation {source!r} is not trusted here (vigil share keys trust)",
                "/source_org",
            )
        if trusted != public:
            raise PackageError(
                f"package is signed with a key that is not {source!r}'s trusted key",
                "/signature/public_key",
            )
        body = {k: v for k, v in doc.items() if k != "signature"}
        if not verify_signature(public, base64.b64decode(sig["value"]), canonical(body)):
            raise PackageError("signature does not verify (package altered?)", "/signature/value")
    package = SignalPackage(
        kind=doc["kind"],
        id=doc["id"],
        group=group,
        group_key_id=doc["group_key_id"],
        source_org=source,
        recipient_org=doc.get("recipient_org"),
        created_at=created,
        signals=tuple(signals),
        feedback=feedback,
        signer_key=public,
    )
    return package, gkey


def verify_signed(data: bytes, public_key: bytes) -> dict[str, Any]:
    """The package object if ``data`` is a schema-valid package signed with ``public_key``.

    For consumers that hold no group key (HMA reading PDQ signals): checks size, JSON, schema
    and signature only. Raises :class:`PackageError`.
    """
    if len(data) > MAX_BYTES:
        raise PackageError(f"package is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PackageError(f"not JSON: {exc}") from None
    if (err := _schema_error(doc)) is not None:
        raise err
    sig = doc["signature"]
    if base64.b64decode(sig["public_key"]) != public_key:
        raise PackageError("package is not signed with the expected key", "/signature/public_key")
    body = {k: v for k, v in doc.items() if k != "signature"}
    if not verify_signature(public_key, base64.b64decode(sig["value"]), canonical(body)):
        raise PackageError("signature does not verify (package altered?)", "/signature/value")
    verified: dict[str, Any] = doc
    return verified
