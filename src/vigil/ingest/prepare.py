"""Validate and normalise input rows, in this process or spread over worker processes.

Normalisation (ftfy, HTML unescaping, NFKC) is most of ingest's CPU time, and rows are
independent, so a large input is cut into chunks prepared by ``settings.workers``
processes. Results come back in input order, so batches, line numbers, quarantine order
and the lake's contents are exactly those of a one-process run. Workers hand back Arrow
tables, which cross the process boundary as a few buffers instead of thousands of dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyarrow as pa

from vigil.gcpause import paused_gc
from vigil.ingest.readers import RawRecord, parse_jsonl
from vigil.ingest.rows import to_lake_row
from vigil.ingest.schema import InvalidRow, validate_row
from vigil.lake.schema import POSTS_SCHEMA
from vigil.procpool import map_ahead, worker_pool

__all__ = ["PreparedChunk", "Rejected", "prepare_records"]

CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input row that goes to quarantine: where, why, and the raw text or row to keep."""

    line: int
    reason: str
    kept: Any


@dataclass(frozen=True, slots=True)
class PreparedChunk:
    """Consecutive input rows: the valid ones as lake rows (POSTS_SCHEMA), and the rest."""

    rows: pa.Table
    rejected: list[Rejected]
    read: int


def _prepare(
    records: list[RawRecord],
    run_id: str,
    source: str,
    default_platform: str | None,
) -> PreparedChunk:
    rows: list[dict[str, Any]] = []
    rejected: list[Rejected] = []
    with paused_gc():
        for record in records:
            if record.data is not None:
                record = parse_jsonl(record.line, record.data)
            line, row = record.line, record.row
            if record.error is not None:
                rejected.append(Rejected(line, record.error, record.raw))
                continue
            try:
                valid = validate_row(row, default_platform=default_platform)
            except InvalidRow as exc:
                rejected.append(Rejected(line, str(exc), row))
                continue
            rows.append(to_lake_row(valid, run_id=run_id, source_file=source, line=line))
        table = pa.Table.from_pylist(rows, schema=POSTS_SCHEMA)
    return PreparedChunk(table, rejected, len(records))


def _chunks(records: Iterable[RawRecord]) -> Iterator[list[RawRecord]]:
    chunk: list[RawRecord] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepare_records(
    records: Iterable[RawRecord],
    *,
    run_id: str,
    source: str,
    default_platform: str | None,
    workers: int = 1,
) -> Iterator[PreparedChunk]:
    """Yield the records prepared chunk by chunk, in input order, using ``workers`` processes."""
    if workers <= 1:
        for chunk in _chunks(records):
            yield _prepare(chunk, run_id, source, default_platform)
        return
    prepare = partial(_prepare, run_id=run_id, source=source, default_platform=default_platform)
    with worker_pool(workers) as pool:
        yield from map_ahead(pool, prepare, _chunks(records), 2 * workers)
