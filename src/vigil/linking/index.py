"""The persisted link index (``DIR/index/``) that makes incremental runs possible.

* ``members.parquet``: identifier and image buckets ``(kind, value, post_id)``;
* ``bands.parquet``: LSH band rows ``(band, hash, post_id)``;
* ``partition.parquet``: ``(post_id, root, text_root)``: each clustered post's
  cluster root (smallest post id) and near-duplicate group root (or null);
* ``templates.parquet``: templates per near-duplicate group root and size, reused
  while the group is unchanged.

A new run over a superset of the indexed posts hashes only the new posts, joins
their buckets against the index, and re-solves components over the new edges plus
one edge per indexed post to its old root: the partition equals a full run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["INDEX_DIR", "LinkIndex", "load_index", "save_index"]

INDEX_DIR: Final = "index"
_FILES: Final = ("members", "bands", "partition", "templates", "posts")


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """Everything a later incremental run needs."""

    posts: pa.Table  # (post_id,)
    members: pa.Table  # (kind, value, post_id)
    bands: pa.Table  # (band, hash, post_id)
    partition: pa.Table  # (post_id, root, text_root)
    templates: pa.Table  # (text_root, size, template_json)


def save_index(in_dir: Path, index: LinkIndex) -> None:
    """Write the index atomically enough: each file is written then renamed."""
    root = in_dir / INDEX_DIR
    root.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        tmp = root / f".{name}.parquet.tmp"
        pq.write_table(getattr(index, name), tmp)
        tmp.replace(root / f"{name}.parquet")


def load_index(in_dir: Path) -> LinkIndex | None:
    """The index of an earlier run, or None when there is none (or it is incomplete)."""
    root = in_dir / INDEX_DIR
    paths = {name: root / f"{name}.parquet" for name in _FILES}
    if not all(p.is_file() for p in paths.values()):
        return None
    return LinkIndex(**{name: pq.read_table(p) for name, p in paths.items()})
