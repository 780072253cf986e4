"""What this installation already holds, read for matching: identifiers, templates, images.

Values come out normalised exactly as the extractors wrote them, so their HMAC tokens are
comparable with a partner's. Only in-memory iteration here; nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from vigil.lake import Lake
from vigil.lake.derived import query_stage
from vigil.lake.schema import IDENTIFIERS_SCHEMA
from vigil.settings import Settings
from vigil.sharing.model import SignalType

__all__ = [
    "KIND_TO_TYPE",
    "LocalValue",
    "cluster_members",
    "cluster_values",
    "lake_pdqs",
    "lake_values",
    "template_hash",
]

#: extractor kind (IdentifierKind) → signal type
KIND_TO_TYPE: dict[str, SignalType] = {
    "phone": SignalType.PHONE,
    "email": SignalType.EMAIL,
    "handle": SignalType.HANDLE,
    "url": SignalType.URL,
    "payment": SignalType.PAYMENT_ID,
    "crypto": SignalType.CRYPTO_ADDRESS,
}


@dataclass(frozen=True, slots=True)
class LocalValue:
    """A normalised value held locally by ``subject`` (a post or a cluster)."""

    subject_type: str
    subject_id: str
    type: SignalType
    value: str


def template_hash(template: str) -> str:
    """SHA-256 of a text template with case and whitespace folded (the shared fingerprint)."""
    return hashlib.sha256(" ".join(template.lower().split()).encode("utf-8")).hexdigest()


def lake_values(settings: Settings) -> Iterator[LocalValue]:
    """Every (post, identifier) of the lake's identifiers stage that can be a signal."""
    if not settings.lake_dir.exists():
        return
    kinds = ", ".join(f"'{k}'" for k in KIND_TO_TYPE)
    with (
        Lake(settings.lake_dir) as lake,
        query_stage(lake, "identifiers", IDENTIFIERS_SCHEMA) as con,
    ):
        cur = con.execute(
            f"SELECT DISTINCT post_id, kind, value FROM identifiers WHERE kind IN ({kinds}) "
            "ORDER BY post_id, kind, value"
        )
        while rows := cur.fetchmany(10_000):
            for post_id, kind, value in rows:
                yield LocalValue("post", post_id, KIND_TO_TYPE[kind], value)


def cluster_values(results: Path) -> Iterator[LocalValue]:
    """Template fingerprints of the clusters in a `vigil link`/`vigil scan` results folder."""
    path = results / "clusters.parquet"
    if not path.is_file():
        return
    table = pq.read_table(path, columns=["cluster_id", "templates"])
    for cid, templates in zip(
        table.column("cluster_id").to_pylist(), table.column("templates").to_pylist(), strict=True
    ):
        for t in templates or []:
            if t and t.get("template"):
                yield LocalValue(
                    "cluster", str(cid), SignalType.TEXT_TEMPLATE_HASH, template_hash(t["template"])
                )


def cluster_members(results: Path) -> dict[str, str]:
    """post id → cluster id from a results folder (empty when there is none)."""
    path = results / "post_clusters.parquet"
    if not path.is_file():
        return {}
    table = pq.read_table(path, columns=["post_id", "cluster_id"])
    return {
        str(p): str(c)
        for p, c in zip(
            table.column("post_id").to_pylist(), table.column("cluster_id").to_pylist(), strict=True
        )
        if c is not None
    }


def lake_pdqs(settings: Settings, images_root: Path) -> Iterator[LocalValue]:
    """PDQ hashes of the posts' images found under ``images_root`` (quality >= 50, as HMA)."""
    from vigil.linking.images import MIN_QUALITY, pdq_hex, resolve

    if not settings.lake_dir.exists():
        return
    cache: dict[Path, str | None] = {}
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        cur = con.execute("SELECT id, images FROM posts WHERE len(images) > 0 ORDER BY id")
        while rows := cur.fetchmany(1000):
            for post_id, refs in rows:
                for ref in refs or []:
                    path = resolve(images_root, str(ref))
                    if path is None:
                        continue
                    if path not in cache:
                        found = pdq_hex(path)
                        cache[path] = found[0] if found and found[1] >= MIN_QUALITY else None
                    if (pdq := cache[path]) is not None:
                        yield LocalValue("post", post_id, SignalType.PDQ, pdq)
