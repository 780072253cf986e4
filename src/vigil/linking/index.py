"""The persisted link index (``DIR/index/``) that makes incremental runs possible.

* ``members.parquet``: identifier and image buckets ``(kind, value, post_id)``;
* ``bands.parquet``: LSH band rows ``(band, hash, post_id)``;
* ``partition.parquet``: ``(post_id, root, text_root)``: each clustered post's
  cluster root (smallest post id) and near-duplicate group root (or null);
* ``templates.parquet``: templates per near-duplicate group root and size, reused
  while the group is unchanged.

A new run over a superset of the indexed posts hashes only the new posts and reads
the indexed posts' buckets and band rows from here; edges, text resolution and
components are recomputed over all buckets in SQL, so the partition equals a full
run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["INDEX_DIR", "LinkIndex", "index_tmp_path", "load_index", "save_index"]

INDEX_DIR: Final = "index"
_FILES: Final = ("members", "bands", "partition", "templates", "posts")


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """Everything a later incremental run needs."""

    posts: pa.Table  # (post_id,)
    members: Path  # (kind, value, post_id): read by the engine, not held in Python
    bands: Path  # (band, hash, post_id): read by the engine, not held in Python
    partition: pa.Table  # (post_id, root, text_root)
    templates: pa.Table  # (text_root, size, template_json)


def index_tmp_path(in_dir: Path, name: str) -> Path:
    """Where an index file is written before :func:`save_index` renames it."""
    root = in_dir / INDEX_DIR
    root.mkdir(parents=True, exist_ok=True)
    return root / f".{name}.parquet.tmp"


def save_index(in_dir: Path, tables: dict[str, pa.Table | None]) -> None:
    """Write the index atomically enough: each file is written then renamed.

    ``tables`` maps every index file name to its table, or to None when the file
    was already written to :func:`index_tmp_path` (streamed by the engine).
    """
    root = in_dir / INDEX_DIR
    root.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        tmp = index_tmp_path(in_dir, name)
        table = tables[name]
        if table is not None:
            pq.write_table(table, tmp)
        tmp.replace(root / f"{name}.parquet")


def load_index(in_dir: Path) -> LinkIndex | None:
    """The index of an earlier run, or None when there is none (or it is incomplete)."""
    root = in_dir / INDEX_DIR
    paths = {name: root / f"{name}.parquet" for name in _FILES}
    if not all(p.is_file() for p in paths.values()):
        return None
    return LinkIndex(
        posts=pq.read_table(paths["posts"]),
        members=paths["members"],
        bands=paths["bands"],
        partition=pq.read_table(paths["partition"]),
        templates=pq.read_table(paths["templates"]),
    )
