"""Build a scan results directory (``posts.parquet`` + ``identifiers.parquet``) from
a ``vigil synth`` corpus, for tests, benchmarks and demos.

Posts go through ingest's own validation and normalisation
(:func:`vigil.ingest.schema.validate_row`, :func:`vigil.ingest.rows.to_lake_row`),
so ids and normalised text are exactly what ``vigil ingest`` stores. Identifiers are
the *planted* ones from ``truth.jsonl`` (located in the normalised text by their raw
form), standing in for extraction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from vigil.ingest.rows import to_lake_row
from vigil.ingest.schema import validate_row
from vigil.lake.schema import POSTS_SCHEMA
from vigil.linking.inputs import IDENTIFIERS_SCHEMA

__all__ = ["IDENTIFIERS_FILE", "POSTS_FILE", "scan_dir_from_synth", "write_scan_dir"]

POSTS_FILE = "posts.parquet"
IDENTIFIERS_FILE = "identifiers.parquet"
_BATCH = 50_000


def _ident_rows(post: dict[str, Any], truth: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for ident in truth.get("identifiers", []):
        fld = ident.get("field", "body")
        text = post["title_text"] if fld == "title" else post["body_text"]
        start = text.find(ident["raw"]) if ident.get("raw") else -1
        rows.append(
            {
                "post_id": post["id"],
                "field": fld,
                "kind": ident["kind"],
                "value": ident["value"],
                "raw": ident.get("raw", ""),
                "start": start,
                "end": start + len(ident["raw"]) if start >= 0 else -1,
                "confidence": 1.0,
                "attrs_json": "{}",
            }
        )
    return rows


def write_scan_dir(posts: pa.Table, identifiers: pa.Table, out_dir: Path) -> Path:
    """Write ``posts.parquet`` and ``identifiers.parquet`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(posts, out_dir / POSTS_FILE)
    pq.write_table(identifiers, out_dir / IDENTIFIERS_FILE)
    return out_dir


def scan_dir_from_synth(
    posts_jsonl: Path, truth_jsonl: Path, out_dir: Path, *, limit: int | None = None
) -> Path:
    """Turn ``vigil synth`` output into a scan results directory; returns ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    post_writer = pq.ParquetWriter(out_dir / POSTS_FILE, POSTS_SCHEMA)
    ident_writer = pq.ParquetWriter(out_dir / IDENTIFIERS_FILE, IDENTIFIERS_SCHEMA)
    posts: list[dict[str, Any]] = []
    idents: list[dict[str, Any]] = []

    def flush() -> None:
        post_writer.write_table(pa.Table.from_pylist(posts, schema=POSTS_SCHEMA))
        ident_writer.write_table(pa.Table.from_pylist(idents, schema=IDENTIFIERS_SCHEMA))
        posts.clear()
        idents.clear()

    try:
        with posts_jsonl.open("rb") as pf, truth_jsonl.open("rb") as tf:
            for line_no, (pline, tline) in enumerate(zip(pf, tf, strict=False), start=1):
                if limit is not None and line_no > limit:
                    break
                row = to_lake_row(
                    validate_row(orjson.loads(pline)),
                    run_id="synth",
                    source_file=posts_jsonl.name,
                    line=line_no,
                )
                posts.append(row)
                idents.extend(_ident_rows(row, orjson.loads(tline)))
                if len(posts) >= _BATCH:
                    flush()
        flush()
    finally:
        post_writer.close()
        ident_writer.close()
    return out_dir
