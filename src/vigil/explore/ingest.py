"""Batch ingest of JSON rows: the CLI's ingest service, fed through a temporary JSONL file.

Going through :func:`vigil.ingest.service.ingest_files` keeps one set of rules for every
way posts come in (validation, normalisation, ids, dedupe, quarantine file, run log).
The quarantine lines of the run are read back as per-row errors.
"""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from vigil.settings import Settings

__all__ = ["BatchResult", "RowError", "ingest_rows"]

_LOCK = threading.Lock()  # one lake writer per process (the lake catalog is single-writer)


@dataclass(frozen=True, slots=True)
class RowError:
    index: int  # 0-based position in the request
    reason: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    run_id: str
    received: int
    stored: int
    duplicates: int
    quarantined: int
    errors: list[RowError]


def _line(row: Any) -> bytes:
    try:
        return orjson.dumps(row, default=str) + b"\n"
    except TypeError:  # integers beyond 64 bits: the standard library writes them
        return json.dumps(row, default=str, ensure_ascii=False).encode() + b"\n"


def ingest_rows(
    rows: list[Any], settings: Settings, *, default_platform: str | None = None
) -> BatchResult:
    from vigil.ingest.service import ingest_files

    with _LOCK, tempfile.TemporaryDirectory(prefix="vigil-api-") as tmp:
        path = Path(tmp) / "batch.jsonl"
        with path.open("wb") as fh:
            for row in rows:
                fh.write(_line(row))
        summary = ingest_files([path], settings, fmt="jsonl", default_platform=default_platform)
    errors: list[RowError] = []
    if summary.quarantine_file:
        with Path(summary.quarantine_file).open("rb") as fh:
            for line in fh:
                rec = orjson.loads(line)
                errors.append(RowError(index=int(rec["line"]) - 1, reason=str(rec["reason"])))
    return BatchResult(
        run_id=summary.run_id,
        received=len(rows),
        stored=summary.stored,
        duplicates=summary.duplicates,
        quarantined=summary.quarantined,
        errors=errors,
    )
