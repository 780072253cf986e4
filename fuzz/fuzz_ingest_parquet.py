"""Fuzz the Parquet reader of ``vigil ingest`` and the row validation behind it.

Documented errors: none. A file pyarrow cannot read is quarantined as one rejected
record naming the first unread row; bad rows are quarantined like JSONL/CSV rows.
Anything raised is a finding.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import _common
import pyarrow as pa
import pyarrow.parquet as pq

with _common.instrumented("vigil", "_ingest"):
    import _ingest

PATH = _common.SCRATCH / "posts.parquet"


def one(data: bytes) -> None:
    PATH.write_bytes(data)
    _ingest.ingest(PATH, "parquet")


def _parquet(table: pa.Table, **options: object) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, **options)
    return out.getvalue()


def seeds() -> Iterator[bytes]:
    posts = _ingest.synthetic_posts()
    yield _parquet(pa.Table.from_pylist(posts[:1]))
    yield _parquet(pa.Table.from_pylist(posts), compression="none")
    yield _parquet(pa.Table.from_pylist(posts), row_group_size=2)
    flat = [{k: v for k, v in p.items() if isinstance(v, str)} for p in posts]
    yield _parquet(pa.Table.from_pylist(flat), compression="none", use_dictionary=False)
    yield _parquet(pa.table({"body": [1, 2], "title": [None, "x"]}))


if __name__ == "__main__":
    _common.main(one, seeds)
