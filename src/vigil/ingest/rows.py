"""Turn a validated input row into a lake row (normalised text, ids, hashes)."""

from __future__ import annotations

from typing import Any

import orjson

from vigil.ingest.normalise import normalise_text
from vigil.ingest.schema import ValidRow
from vigil.model.ids import content_hash, post_id

__all__ = ["to_lake_row"]


def to_lake_row(row: ValidRow, *, run_id: str, source_file: str, line: int) -> dict[str, Any]:
    posted = row.posted_at.isoformat() if row.posted_at else None
    chash = content_hash(
        row.platform, row.url, posted, row.title, row.body, row.location, row.author
    )
    return {
        "id": post_id(row.platform, row.source_id, chash),
        "platform": row.platform,
        "source_id": row.source_id,
        "url": row.url,
        "posted_at": row.posted_at,
        "title": row.title,
        "body": row.body,
        "title_text": normalise_text(row.title),
        "body_text": normalise_text(row.body),
        "location": row.location,
        "author": row.author,
        "images": list(row.images),
        "language": row.language,
        "meta_json": orjson.dumps(row.meta, default=str).decode(),
        "content_hash": chash,
        "ingest_run": run_id,
        "source_file": source_file,
        "source_line": line,
    }
