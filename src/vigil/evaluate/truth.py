"""Reading a ground-truth file (the format `vigil synth` writes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigil.ingest.readers import read_records

__all__ = ["iter_truth", "truth_classes"]


def iter_truth(path: Path) -> Iterator[dict[str, Any]]:
    for record in read_records(path, "jsonl"):
        if record.error is not None:
            raise ValueError(f"{path}:{record.line}: {record.error}")
        row = record.row
        if not isinstance(row, dict) or "post_id" not in row:
            raise ValueError(f"{path}:{record.line}: expected an object with post_id")
        yield row


def truth_classes(path: Path) -> dict[str, str]:
    """``{post_id: class}``."""
    return {row["post_id"]: str(row.get("class")) for row in iter_truth(path)}
