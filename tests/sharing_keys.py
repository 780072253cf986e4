"""Two organisations' key stores that share group "g1", org-b trusting org-a (the setup
of the signal-package tests)."""

from __future__ import annotations

import base64
from pathlib import Path

from vigil.sharing.keys import KeyStore


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
