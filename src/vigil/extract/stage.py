"""Batch extraction over an Arrow table, for the pipeline."""

from __future__ import annotations

from typing import Any

import orjson
import pyarrow as pa

from vigil.extract import extract_doc
from vigil.extract.base import Doc, registered_kinds
from vigil.extract.regions import region_for_location
from vigil.gcpause import without_gc
from vigil.model import Identifier, IdentifierKind

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


_Row = tuple[str, str, str, int, int, float, str]  # kind, value, raw, start, end, conf, attrs
_MEMO_LIMIT = 200_000


@without_gc
def extract_table(table: pa.Table, *, region: str | None = "US") -> pa.Table:
    """One row per identifier found in ``table`` (columns id, title_text, body_text).

    ``field`` is ``title`` or ``body``; offsets index that field's text. If the table
    has a ``location`` column, each post's phone region comes from it (``"Sydney,
    AU"`` -> AU), ``region`` otherwise. A text repeated within the table (reposted
    ads, templated titles) is extracted once: extraction is a pure function of the
    text and its region.
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
    wanted = registered_kinds()
    memo: dict[tuple[str, str], list[_Row]] = {}
    post_ids, fields = cols["post_id"], cols["field"]
    kinds, values, raws = cols["kind"], cols["value"], cols["raw"]
    starts, ends, confs, attrs = cols["start"], cols["end"], cols["confidence"], cols["attrs_json"]
    for pid, title, body, loc in zip(ids, titles, bodies, locations, strict=True):
        post_region = region_for_location(loc, default)
        for field, text in (("title", title or ""), ("body", body or "")):
            if not text:
                continue
            key = (text, post_region)
            rows = memo.get(key)
            if rows is None:
                rows = [_row(ident) for ident in extract_doc(Doc(text, post_region), wanted)]
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                memo[key] = rows
            for kind, value, raw, start, end, conf, attrs_json in rows:
                post_ids.append(pid)
                fields.append(field)
                kinds.append(kind)
                values.append(value)
                raws.append(raw)
                starts.append(start)
                ends.append(end)
                confs.append(conf)
                attrs.append(attrs_json)
    return pa.table(cols, schema=OUTPUT_SCHEMA)


_KIND_NAMES: dict[IdentifierKind, str] = {k: str(k) for k in IdentifierKind}


def _row(ident: Identifier) -> _Row:
    attrs_json = orjson.dumps(ident.attrs).decode() if ident.attrs else "{}"
    return (_KIND_NAMES[ident.kind], ident.value, ident.raw, ident.start, ident.end,
            ident.confidence, attrs_json)  # fmt: skip
