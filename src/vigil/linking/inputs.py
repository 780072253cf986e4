"""Reading a scan results directory into Arrow, with a node number per post.

Nodes are the positions of the posts sorted by id, so the smallest node of any set
is its smallest post id: labels are stable and readable back as post ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigil.lake.schema import IDENTIFIERS_SCHEMA

__all__ = ["IDENTIFIERS_FILE", "IDENTIFIERS_SCHEMA", "POSTS_FILE", "Inputs", "read_inputs"]

POSTS_FILE: Final = "posts.parquet"
IDENTIFIERS_FILE: Final = "identifiers.parquet"
_POST_COLUMNS: Final = (
    "id",
    "posted_at",
    "location",
    "title_text",
    "body_text",
    "images",
    "risk",
    "author",
)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Posts (sorted by id, ``node`` = row number) and their identifiers."""

    posts: pa.Table
    identifiers: pa.Table

    @property
    def ids(self) -> list[str]:
        return list(self.posts.column("id").to_pylist())

    @property
    def nodes(self) -> npt.NDArray[np.int64]:
        return np.arange(self.posts.num_rows, dtype=np.int64)


def _column(table: pa.Table, name: str, typ: pa.DataType) -> pa.Array | pa.ChunkedArray:
    if name in table.column_names:
        return table.column(name).cast(typ)
    return pa.nulls(table.num_rows, typ)


def read_inputs(in_dir: Path) -> Inputs:
    """Read ``posts.parquet`` and ``identifiers.parquet`` (the latter may be missing)."""
    path = in_dir / POSTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no posts (expected a scan results directory)")
    schema = pq.read_schema(path)
    # `vigil scan` results name the id column post_id; bare post tables call it id.
    id_column = "post_id" if "post_id" in schema.names else "id"
    wanted = [id_column] + [c for c in _POST_COLUMNS if c != "id" and c in schema.names]
    if id_column not in schema.names:
        raise ValueError(f"{path}: no `post_id` (or `id`) column")
    raw = pq.read_table(path, columns=wanted)
    if id_column != "id":
        raw = raw.rename_columns(["id" if c == id_column else c for c in raw.column_names])
    raw = raw.take(pc.sort_indices(raw.column("id")))
    if pc.count_distinct(raw.column("id")).as_py() != raw.num_rows:
        raise ValueError(f"{path}: post ids are not unique")
    posts = pa.table(
        {
            "node": pa.array(np.arange(raw.num_rows, dtype=np.int64)),
            "id": _column(raw, "id", pa.string()),
            "posted_at": _column(raw, "posted_at", pa.timestamp("us", tz="UTC")),
            "location": _column(raw, "location", pa.string()),
            "title_text": _column(raw, "title_text", pa.string()),
            "body_text": _column(raw, "body_text", pa.string()),
            "images": _column(raw, "images", pa.list_(pa.string())),
            "risk": _column(raw, "risk", pa.float64()),
            "author": _column(raw, "author", pa.string()),
        }
    )
    ipath = in_dir / IDENTIFIERS_FILE
    idents = pq.read_table(ipath) if ipath.is_file() else IDENTIFIERS_SCHEMA.empty_table()
    return Inputs(posts, idents)
