"""Star edges per bucket, in portable SQL.

A *bucket* is a set of posts that share one key: an identifier ``(kind, value)``, an
image digest, or an LSH band value ``(band, hash)``. Linking every pair of a bucket
costs O(n^2) for a hub of n posts; linking every member to the bucket's smallest
post (a star) gives the same connected components in O(n). No bucket is ever
truncated: when ``max_posts`` is set, larger buckets are *not linked* and are listed
in the run record instead.
"""

from __future__ import annotations

from vigil.engine import EngineAPI, check_identifier

__all__ = ["hub_stats", "oversized_buckets", "star_edges"]


def _cap(max_posts: int | None) -> str:
    return "" if max_posts is None else f" AND size <= {int(max_posts)}"


def star_edges(engine: EngineAPI, members: str, out: str, *, max_posts: int | None = None) -> None:
    """Star edges of the buckets in ``members(kind, value, node)``.

    Writes ``out(a, b, kind, value)`` with ``a`` a member and ``b`` the smallest
    member of its bucket (``a > b``), one row per (member, bucket).
    """
    check_identifier(members)
    engine.materialise(
        out,
        "SELECT node AS a, root AS b, kind, value FROM ("
        "SELECT node, kind, value, min(node) OVER (PARTITION BY kind, value) AS root, "
        f"count(*) OVER (PARTITION BY kind, value) AS size FROM {members}"
        f") t WHERE node <> root{_cap(max_posts)}",
    )


def oversized_buckets(
    engine: EngineAPI, members: str, max_posts: int | None
) -> list[dict[str, object]]:
    """Buckets of ``members`` with more than ``max_posts`` posts (skipped hubs)."""
    if max_posts is None:
        return []
    check_identifier(members)
    rows = engine.to_arrow(
        f"SELECT kind, value, count(*) AS posts FROM {members} GROUP BY kind, value "
        f"HAVING count(*) > {int(max_posts)} ORDER BY posts DESC, kind, value"
    )
    out: list[dict[str, object]] = rows.to_pylist()
    return out


def hub_stats(engine: EngineAPI, members: str, posts: str, out: str) -> None:
    """Per-identifier statistics: posts, distinct cities, first and last seen.

    ``members(kind, value, node)``; ``posts(node, location, posted_at)``. Writes
    ``out(kind, value, posts, cities, first_seen, last_seen)`` for every key, hub
    or not.
    """
    check_identifier(members)
    check_identifier(posts)
    engine.materialise(
        out,
        "SELECT m.kind, m.value, count(DISTINCT m.node) AS posts, "
        "count(DISTINCT p.location) AS cities, min(p.posted_at) AS first_seen, "
        f"max(p.posted_at) AS last_seen FROM {members} m JOIN {posts} p ON m.node = p.node "
        "GROUP BY m.kind, m.value",
    )
