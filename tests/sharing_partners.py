"""Two synthetic partner organisations for the signal-package tests and fuzzer: their key
stores (sharing group "g1", org-b trusting org-a) and packages signed by org-a."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from vigil.sharing.blind import Blinder
from vigil.sharing.keys import KeyStore
from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
from vigil.sharing.package import SignalPackage, sign

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def key_pair(root: Path) -> tuple[KeyStore, KeyStore]:
    """(sender org-a, receiver org-b) under ``root``."""
    a, b = KeyStore(root / "a"), KeyStore(root / "b")
    a.init_org("org-a")
    b.init_org("org-b")
    a.new_group("g1")
    a.export_group("g1", root / "g1.key")
    b.import_group(root / "g1.key")
    b.trust("org-a", base64.b64encode(a.public_key()).decode())
    return a, b


def signed_package(sender: KeyStore, kind: SignalType, values: Sequence[str]) -> bytes:
    """A package of group "g1" signed by ``sender`` (org-a): one blinded signal of ``kind``
    per value, all seen at :data:`AT`."""
    blind = Blinder(sender.group("g1"))
    signals = tuple(
        SharedSignal(
            type=kind,
            value=blind(kind, value),
            category=SignalCategory.LABOUR_EXPLOITATION,
            opinion=Opinion.INVESTIGATION_SEED,
            first_seen=AT,
            last_seen=AT,
            source_org="org-a",
            tags=("job-ad",),
        )
        for value in values
    )
    pkg = SignalPackage(
        kind="signals",
        id=SignalPackage.new_id(),
        group="g1",
        group_key_id=sender.group("g1").id,
        source_org="org-a",
        created_at=AT,
        signals=signals,
    )
    return sign(pkg, sender)
