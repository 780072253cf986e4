"""Batch extraction over an Arrow table, for the pipeline."""

from __future__ import annotations

from typing import Any

import orjson
import pyarrow as pa

from vigil.extract import extract_post_fields
from vigil.extract.regions import region_for_location

__all__ = ["OUTPUT_SCHEMA", "extract_table"]

OUTPUT_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("field", pa.string()),
        ("kind", pa.string()),
        ("value", pa.string()),
        ("raw", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("confidence", pa.float32()),
        ("attrs_json", pa.string()),
    ]
)


def extract_table(table: pa.Table, *, region: str | None = "US") -> pa.Table:
    """One row per identifier found in ``table`` (columns id, title_text, body_text).

    ``field`` is ``title`` or ``body``; offsets index that field's text. If the table
    has a ``location`` column, each post's phone region comes from it (``"Sydney,
    AU"`` -> AU), ``region`` otherwise.
    """
    cols: dict[str, list[Any]] = {name: [] for name in OUTPUT_SCHEMA.names}
    ids = table.column("id").to_pylist()
    titles = table.column("title_text").to_pylist()
    bodies = table.column("body_text").to_pylist()
    locations = (
        table.column("location").to_pylist()
        if "location" in table.column_names
        else [None] * len(ids)
    )
    default = region or "US"
    for pid, title, body, loc in zip(ids, titles, bodies, locations, strict=True):
        post_region = region_for_location(loc, default)
        for field, ident in extract_post_fields(title or "", body or "", region=post_region):
            cols["post_id"].append(pid)
            cols["field"].append(field)
            cols["kind"].append(str(ident.kind))
            cols["value"].append(ident.value)
            cols["raw"].append(ident.raw)
            cols["start"].append(ident.start)
            cols["end"].append(ident.end)
            cols["confidence"].append(ident.confidence)
            cols["attrs_json"].append(orjson.dumps(ident.attrs).decode() if ident.attrs else "{}")
    return pa.table(cols, schema=OUTPUT_SCHEMA)
