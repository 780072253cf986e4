"""Fuzz the signal-package importer of sharing (``vigil.sharing.package.parse``): size,
JSON, schema, dates, group key, trusted signer and signature checks.

Documented errors: :class:`PackageError` (with a JSON pointer where it applies).
Anything else raised is a finding. Seeds are packages signed by a synthetic partner.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import _common

with _common.instrumented("vigil.sharing"):
    from vigil.sharing.blind import Blinder
    from vigil.sharing.keys import KeyStore
    from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
    from vigil.sharing.package import PackageError, SignalPackage, parse, sign

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SENDER, RECEIVER = KeyStore(_common.SCRATCH / "a"), KeyStore(_common.SCRATCH / "b")
SENDER.init_org("org-a")
RECEIVER.init_org("org-b")
SENDER.new_group("g1")
SENDER.export_group("g1", _common.SCRATCH / "g1.key")
RECEIVER.import_group(_common.SCRATCH / "g1.key")
RECEIVER.trust("org-a", base64.b64encode(SENDER.public_key()).decode())


def one(data: bytes) -> None:
    try:
        parse(data, RECEIVER)
    except PackageError as exc:
        assert str(exc), "an error without a message"


def _package(n: int, kind: SignalType, values: list[str]) -> bytes:
    blind = Blinder(SENDER.group("g1"))
    signals = tuple(
        SharedSignal(
            type=kind,
            value=blind(kind, values[i % len(values)]),
            category=SignalCategory.LABOUR_EXPLOITATION,
            opinion=Opinion.INVESTIGATION_SEED,
            first_seen=AT,
            last_seen=AT,
            source_org="org-a",
            tags=("job-ad",),
        )
        for i in range(n)
    )
    pkg = SignalPackage(
        kind="signals",
        id=SignalPackage.new_id(),
        group="g1",
        group_key_id=SENDER.group("g1").id,
        source_org="org-a",
        created_at=AT,
        signals=signals,
    )
    return sign(pkg, SENDER)


def seeds() -> Iterator[bytes]:
    phones = [f"+1206555010{i}" for i in range(10)]
    yield _package(1, SignalType.PHONE, phones)
    yield _package(3, SignalType.PHONE, phones)
    yield _package(2, SignalType.EMAIL, ["recruiter@example.com", "jobs@example.org"])
    yield b'{"format": "vigil-signal-package/v1"}'


if __name__ == "__main__":
    _common.main(one, seeds)
