"""How custody events become log leaves: canonical JSON, salted commitments, leaf data.

A custody event's full record (who, when, why, what) is committed to with a random
per-event salt: ``commit = SHA-256("vigil-custody-commit/v1\\n" || salt || JSON(record))``.
The log leaf holds only the item id (a random UUID), the event's sequence number, its
action and that commitment, so the log reveals nothing about people or content, and a
bundle that discloses the record and salt lets anyone recompute the leaf.

Canonical JSON here is RFC 8785 for the values we use (strings, integers, booleans,
null, lists and objects; no floats): keys sorted, no whitespace, UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = [
    "ACTIONS",
    "LEAF_PREFIX",
    "bundle_leaf_data",
    "canonical_json",
    "event_commitment",
    "event_leaf_data",
]

ACTIONS = ("captured", "viewed", "exported", "transferred", "annotated", "sealed")
LEAF_PREFIX = b"vigil-evidence-log/v1\n"
_COMMIT_PREFIX = b"vigil-custody-commit/v1\n"


_SCALARS = (str, int, bool, type(None))


def _check(value: Any, where: str) -> None:
    """Refuse floats and non-JSON types anywhere in ``value`` (iterative, no recursion)."""
    stack = [(value, where)]
    while stack:
        v, at = stack.pop()
        t = type(v)
        if t in _SCALARS:
            continue
        if t is dict:
            for k, item in v.items():
                if type(k) is not str:
                    raise ValueError(f"{at}: object keys must be strings")
                if type(item) not in _SCALARS:
                    stack.append((item, f"{at}.{k}"))
        elif t is list:
            stack.extend((item, f"{at}[{i}]") for i, item in enumerate(v))
        elif isinstance(v, float):
            raise ValueError(f"{at}: floats are not allowed in evidence records")
        elif not isinstance(v, _SCALARS):
            raise ValueError(f"{at}: {t.__name__} is not allowed in evidence records")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 JSON for float-free values."""
    _check(value, "record")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_commitment(salt: bytes, record: dict[str, Any]) -> str:
    return hashlib.sha256(_COMMIT_PREFIX + salt + canonical_json(record)).hexdigest()


def event_leaf_data(item_id: str, seq: int, action: str, commitment: str) -> bytes:
    """The bytes whose RFC 6962 leaf hash goes into the log for one custody event."""
    body = {"type": "custody", "item": item_id, "seq": seq, "action": action, "commit": commitment}
    return LEAF_PREFIX + canonical_json(body)


def bundle_leaf_data(contents: list[tuple[str, int]]) -> bytes:
    """The log entry that binds a bundle's table of contents: (item id, event count) pairs.

    It holds only a hash of the random item ids and event counts, so removing a whole
    item, or an item's last events, from a bundle breaks its proof.
    """
    toc = hashlib.sha256(canonical_json([[i, n] for i, n in contents])).hexdigest()
    return LEAF_PREFIX + canonical_json({"type": "bundle", "contents": toc})
