"""Reading a ground-truth file (the format `vigil synth` writes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

__all__ = ["iter_truth", "truth_classes"]


def iter_truth(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON ({exc})") from None
            if not isinstance(row, dict) or "post_id" not in row:
                raise ValueError(f"{path}:{number}: expected an object with post_id")
            yield row


def truth_classes(path: Path) -> dict[str, str]:
    """``{post_id: class}``."""
    return {row["post_id"]: str(row.get("class")) for row in iter_truth(path)}
