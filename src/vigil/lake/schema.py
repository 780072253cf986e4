"""Arrow schema of the posts table in the corpus lake."""

from __future__ import annotations

import pyarrow as pa

__all__ = ["IDENTIFIERS_SCHEMA", "POSTS_SCHEMA"]

POSTS_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("url", pa.string()),
        pa.field("posted_at", pa.timestamp("us", tz="UTC")),
        pa.field("title", pa.string(), nullable=False),
        pa.field("body", pa.string(), nullable=False),
        pa.field("title_text", pa.string(), nullable=False),
        pa.field("body_text", pa.string(), nullable=False),
        pa.field("location", pa.string()),
        pa.field("author", pa.string()),
        pa.field("images", pa.list_(pa.string()), nullable=False),
        pa.field("language", pa.string()),
        pa.field("meta_json", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("ingest_run", pa.string(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_line", pa.int64(), nullable=False),
    ]
)

#: One row per identifier found in a post (offsets index the field's normalised text).
IDENTIFIERS_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("field", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("value", pa.string(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),
        pa.field("start", pa.int64(), nullable=False),
        pa.field("end", pa.int64(), nullable=False),
        pa.field("confidence", pa.float64(), nullable=False),
        pa.field("attrs_json", pa.string(), nullable=False),
    ]
)
