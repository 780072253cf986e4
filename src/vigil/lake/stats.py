"""Summary figures of what the corpus lake holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from vigil.lake.store import Lake

__all__ = ["LakeStats", "lake_stats"]


@dataclass(frozen=True, slots=True)
class LakeStats:
    posts: int
    parts: int
    first_posted: datetime | None
    last_posted: datetime | None
    platforms: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    locations: list[tuple[str, int]] = field(default_factory=list)


def lake_stats(lake: Lake, *, top: int = 5) -> LakeStats:
    with lake.query() as con:

        def counts(column: str) -> list[tuple[str, int]]:
            rows = con.execute(
                f"SELECT coalesce({column}, '(none)') AS k, count(*) AS n FROM posts "
                "GROUP BY 1 ORDER BY n DESC, k LIMIT ?",
                [top],
            ).fetchall()
            return [(str(k), int(n)) for k, n in rows]

        total, first, last = con.execute(
            "SELECT count(*), min(posted_at), max(posted_at) FROM posts"
        ).fetchone() or (0, None, None)
        return LakeStats(
            posts=int(total),
            parts=len(lake.part_files()),
            first_posted=first,
            last_posted=last,
            platforms=counts("platform"),
            languages=counts("language"),
            locations=counts("location"),
        )
