"""Reading a scan results directory, with a node number per post.

Nodes are the positions of the posts sorted by id, so the smallest node of any set
is its smallest post id: labels are stable and readable back as post ids.

Only the small columns (``id``, ``posted_at``, ``location``, ``risk``) are held in
memory. Text and image refs are read batch by batch from ``posts.parquet``
(:func:`iter_post_batches`), and ``identifiers.parquet`` is read by the engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigil.lake.schema import IDENTIFIERS_SCHEMA

__all__ = [
    "IDENTIFIERS_FILE",
    "IDENTIFIERS_SCHEMA",
    "POSTS_FILE",
    "Inputs",
    "iter_post_batches",
    "read_inputs",
]

POSTS_FILE: Final = "posts.parquet"
IDENTIFIERS_FILE: Final = "identifiers.parquet"
#: rows per batch when text and image refs are streamed from ``posts.parquet``
READ_BATCH: Final = 50_000
_TYPES: Final = {
    "posted_at": pa.timestamp("us", tz="UTC"),
    "location": pa.string(),
    "title_text": pa.string(),
    "body_text": pa.string(),
    "images": pa.list_(pa.string()),
    "risk": pa.float64(),
}


@dataclass(frozen=True, slots=True)
class Inputs:
    """Posts (sorted by id, ``node`` = row number), and where the rest is read from.

    ``posts`` has ``node, id, posted_at, location, risk``; ``row_node[r]`` is the node
    of row ``r`` of ``posts_path``; ``identifiers_path`` is None when the directory
    has no ``identifiers.parquet``.
    """

    posts: pa.Table
    posts_path: Path
    id_column: str
    columns: frozenset[str]
    row_node: npt.NDArray[np.int64]
    identifiers_path: Path | None

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
    """Read the small columns of ``posts.parquet`` and locate ``identifiers.parquet``."""
    path = in_dir / POSTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no posts (expected a scan results directory)")
    schema = pq.read_schema(path)
    # `vigil scan` results name the id column post_id; bare post tables call it id.
    id_column = "post_id" if "post_id" in schema.names else "id"
    if id_column not in schema.names:
        raise ValueError(f"{path}: no `post_id` (or `id`) column")
    small = ("posted_at", "location", "risk")
    raw = pq.read_table(path, columns=[id_column] + [c for c in small if c in schema.names])
    order = pc.sort_indices(raw.column(id_column)).to_numpy().astype(np.int64)
    raw = raw.take(pa.array(order))
    if pc.count_distinct(raw.column(id_column)).as_py() != raw.num_rows:
        raise ValueError(f"{path}: post ids are not unique")
    row_node = np.empty(len(order), np.int64)
    row_node[order] = np.arange(len(order), dtype=np.int64)
    posts = pa.table(
        {
            "node": pa.array(np.arange(raw.num_rows, dtype=np.int64)),
            "id": _column(raw, id_column, pa.string()),
            **{c: _column(raw, c, _TYPES[c]) for c in small},
        }
    )
    ipath = in_dir / IDENTIFIERS_FILE
    return Inputs(
        posts=posts,
        posts_path=path,
        id_column=id_column,
        columns=frozenset(schema.names),
        row_node=row_node,
        identifiers_path=ipath if ipath.is_file() else None,
    )


def iter_post_batches(
    inputs: Inputs, columns: Sequence[str], *, batch_size: int = READ_BATCH
) -> Iterator[tuple[npt.NDArray[np.int64], pa.Table]]:
    """``(nodes, table)`` per batch of ``posts.parquet`` rows, in file order.

    ``table`` has ``id`` and ``columns`` (cast as in the posts table; a column the
    file lacks is all null).
    """
    present = [c for c in columns if c in inputs.columns]
    pf = pq.ParquetFile(inputs.posts_path)
    lo = 0
    for batch in pf.iter_batches(batch_size=batch_size, columns=[inputs.id_column, *present]):
        n = batch.num_rows
        raw = pa.Table.from_batches([batch])
        table = pa.table(
            {
                "id": _column(raw, inputs.id_column, pa.string()),
                **{c: _column(raw, c, _TYPES[c]) for c in columns},
            }
        )
        yield inputs.row_node[lo : lo + n], table
        lo += n
