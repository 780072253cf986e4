"""Query services over a scan results directory (DuckDB on the Parquet files).

One :class:`Explorer` per server: it holds a DuckDB connection with views over
``posts.parquet``, ``identifiers.parquet`` and the linking outputs, and every query
runs on its own cursor, so FastAPI's worker threads can share it. A results directory
rewritten by a new `vigil scan` is picked up on the next query (the files are replaced
by rename and read at query time).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson

from vigil.explore import cursor as cursors
from vigil.explore.models import (
    ClusterDetail,
    ClusterPage,
    ClusterSummary,
    Edge,
    Hit,
    IdentifierDetail,
    IdentifierRef,
    IdentifierUse,
    MovementPoint,
    PostDetail,
    PostPage,
    PostSummary,
    SharedIdentifier,
    Template,
)
from vigil.lake.files import sql_literal

__all__ = ["BANDS", "SORTS", "Explorer", "PostFilter", "post_text"]

BANDS = ("high", "review", "low")
SORTS = ("risk", "newest")
MAX_MEMBERS = 500
MAX_LINKS = 2000
_TABLES = {
    "posts": "posts.parquet",
    "identifiers": "identifiers.parquet",
    "clusters": "clusters.parquet",
    "edges": "edges.parquet",
    "post_clusters": "post_clusters.parquet",
    "identifier_hubs": "identifier_hubs.parquet",
}
_SUMMARY = (
    "p.post_id, p.risk, p.band, p.platform, p.posted_at, p.location, "
    "left(coalesce(p.title_text, ''), 160) AS title, "
    "left(coalesce(p.body_text, ''), 200) AS snippet, "
    "list_distinct(list_transform(p.hits, lambda h: h.indicator_id)) AS indicators"
)
_CLUSTER = (
    "cluster_id, size, risk, cities, first_seen, last_seen, span_days, moves, indicators, "
    "shared_identifiers"
)


def post_text(title: str | None, body: str | None) -> tuple[str, int]:
    """The text that hit offsets index (title, blank line, body) and the body's offset."""
    title, body = title or "", body or ""
    if title and body:
        return f"{title}\n\n{body}", len(title) + 2
    return (title or body), (0 if not title else len(title) + 2)


@dataclass(frozen=True)
class PostFilter:
    """Worklist filters; every field is optional."""

    bands: tuple[str, ...] = ()
    min_risk: float | None = None
    max_risk: float | None = None
    indicator: str | None = None
    identifier_kind: str | None = None
    identifier_value: str | None = None
    place: str | None = None
    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    cluster_id: str | None = None
    sort: str = "risk"
    extra: dict[str, Any] = field(default_factory=dict)

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.bands:
            clauses.append(f"p.band IN ({', '.join('?' for _ in self.bands)})")
            params.extend(self.bands)
        if self.min_risk is not None:
            clauses.append("p.risk >= ?")
            params.append(self.min_risk)
        if self.max_risk is not None:
            clauses.append("p.risk <= ?")
            params.append(self.max_risk)
        if self.indicator:
            clauses.append("list_contains(p.indicators, ?)")
            params.append(self.indicator)
        if self.identifier_value:
            sub = "SELECT post_id FROM identifiers WHERE value = ?"
            params.append(self.identifier_value)
            if self.identifier_kind:
                sub += " AND kind = ?"
                params.append(self.identifier_kind)
            clauses.append(f"p.post_id IN ({sub})")
        if self.place:
            clauses.append("p.location ILIKE ? ESCAPE '\\'")
            params.append(f"%{_like(self.place)}%")
        if self.platform:
            clauses.append("p.platform = ?")
            params.append(self.platform)
        if self.since is not None:
            clauses.append("p.posted_at >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("p.posted_at < ?")
            params.append(self.until)
        if self.q:
            clauses.append(
                "p.post_id IN (SELECT post_id FROM posts WHERE title_text ILIKE ? ESCAPE '\\' "
                "OR body_text ILIKE ? ESCAPE '\\')"
            )
            like = f"%{_like(self.q)}%"
            params.extend([like, like])
        if self.cluster_id:
            clauses.append("p.post_id IN (SELECT post_id FROM post_clusters WHERE cluster_id = ?)")
            params.append(self.cluster_id)
        return (" AND ".join(clauses) or "TRUE"), params


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


class Explorer:
    """Read-only queries over one scan results directory."""

    def __init__(self, results: Path) -> None:
        self.results = Path(results)
        self._con = duckdb.connect()
        self._views: set[str] = set()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._wl_stamp: int | None = None

    def close(self) -> None:
        self._con.close()

    # -- plumbing -------------------------------------------------------------------

    def _ensure(self) -> None:
        if len(self._views) == len(_TABLES):
            return
        with self._lock:
            for name, file in _TABLES.items():
                path = self.results / file
                if name not in self._views and path.is_file():
                    self._con.execute(
                        f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM "
                        f"read_parquet({sql_literal(str(path))})"
                    )
                    self._views.add(name)

    def has(self, *tables: str) -> bool:
        self._ensure()
        return all(t in self._views for t in tables)

    @property
    def available(self) -> bool:
        return self.has("posts")

    def _query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        self._ensure()
        with self._lock:  # creating a cursor is not thread-safe; using one is
            cur = self._con.cursor()
        try:
            return _rows(cur.execute(sql, params or []))
        finally:
            cur.close()

    def _cluster_join(self) -> tuple[str, str]:
        if self.has("post_clusters"):
            return (
                ", pc.cluster_id",
                " LEFT JOIN post_clusters pc ON pc.post_id = p.post_id",
            )
        return ", NULL AS cluster_id", ""

    # -- posts ----------------------------------------------------------------------

    def _worklist(self) -> str:
        """An in-memory table of the worklist columns (rebuilt when posts.parquet changes).

        Top-N queries over it take milliseconds at 1M posts, where the same query over
        the Parquet file must decode every post's hits.
        """
        try:
            stamp = (self.results / "posts.parquet").stat().st_mtime_ns
        except OSError:
            stamp = 0
        if self._wl_stamp == stamp:
            return "wl"
        with self._lock:
            if self._wl_stamp != stamp:
                join, cid = "", "NULL"
                if "post_clusters" in self._views:
                    join = " LEFT JOIN post_clusters pc ON pc.post_id = p.post_id"
                    cid = "pc.cluster_id"
                self._con.execute(
                    f"CREATE OR REPLACE TABLE wl AS SELECT {_SUMMARY}, {cid} AS cluster_id "
                    f"FROM posts p{join}"
                )
                self._wl_stamp = stamp
        return "wl"

    def posts(self, filt: PostFilter, *, limit: int = 50, cursor: str | None = None) -> PostPage:
        if not self.available:
            return PostPage(items=[], next_cursor=None)
        table = self._worklist()
        where, params = filt.where()
        if filt.sort == "newest":
            order = "coalesce(p.posted_at, TIMESTAMPTZ '0001-01-01 00:00:00+00') DESC, p.post_id"
            if cursor:
                at, pid = cursors.decode(cursor, "newest", 2)
                where += (
                    " AND (coalesce(p.posted_at, TIMESTAMPTZ '0001-01-01 00:00:00+00') < "
                    "CAST(? AS TIMESTAMPTZ) OR (coalesce(p.posted_at, TIMESTAMPTZ "
                    "'0001-01-01 00:00:00+00') = CAST(? AS TIMESTAMPTZ) AND p.post_id > ?))"
                )
                params += [at, at, pid]
        else:
            order = "p.risk DESC, p.post_id"
            if cursor:
                risk, pid = cursors.decode(cursor, "risk", 2)
                if not isinstance(risk, int | float) or not isinstance(pid, str):
                    raise cursors.BadCursor("cursor is not valid: start again without a cursor")
                where += " AND (p.risk < ? OR (p.risk = ? AND p.post_id > ?))"
                params += [float(risk), float(risk), pid]
        rows = self._query(
            f"SELECT * FROM {table} p WHERE {where} ORDER BY {order} LIMIT ?",
            [*params, limit + 1],
        )
        more = len(rows) > limit
        rows = rows[:limit]
        items = [PostSummary(**r) for r in rows]
        next_cursor = None
        if more and items:
            last = items[-1]
            if filt.sort == "newest":
                at = (last.posted_at or datetime(1, 1, 1)).isoformat()
                next_cursor = cursors.encode("newest", [at, last.post_id])
            else:
                next_cursor = cursors.encode("risk", [last.risk, last.post_id])
        return PostPage(items=items, next_cursor=next_cursor)

    def _attach_clusters(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            r.setdefault("cluster_id", None)
        if not rows or not self.has("post_clusters"):
            return
        ids = [r["post_id"] for r in rows]
        found = self._query(
            "SELECT post_id, cluster_id FROM post_clusters WHERE list_contains(?, post_id)",
            [ids],
        )
        by_id = {f["post_id"]: f["cluster_id"] for f in found}
        for r in rows:
            r["cluster_id"] = by_id.get(r["post_id"])

    def count(self, filt: PostFilter) -> int:
        if not self.available:
            return 0
        where, params = filt.where()
        table = self._worklist()
        rows = self._query(f"SELECT count(*) AS n FROM {table} p WHERE {where}", params)
        return int(rows[0]["n"])

    def post(self, post_id: str) -> PostDetail | None:
        if not self.available:
            return None
        rows = self._query(
            f"SELECT {_SUMMARY}, p.url, p.author, p.source_id, p.language, p.images, "
            "p.title_text, p.body_text, p.catalogue_risk, p.model_risk, p.hits "
            "FROM posts p WHERE p.post_id = ?",
            [post_id],
        )
        if not rows:
            return None
        row = rows[0]
        text, body_at = post_text(row.pop("title_text"), row.pop("body_text"))
        idents: list[IdentifierRef] = []
        if self.has("identifiers"):
            for i in self._query(
                'SELECT kind, value, raw, field, start, "end", confidence FROM identifiers '
                'WHERE post_id = ? ORDER BY field DESC, start, "end"',
                [post_id],
            ):
                shift = body_at if i["field"] == "body" else 0
                i["start"] += shift
                i["end"] += shift
                idents.append(IdentifierRef(**i))
        self._attach_clusters([row])
        row["hits"] = [Hit(**h) for h in row["hits"] or []]
        row["images"] = list(row["images"] or [])
        return PostDetail(**row, text=text, identifiers=idents)

    # -- clusters -------------------------------------------------------------------

    def clusters(
        self,
        *,
        limit: int = 50,
        cursor: str | None = None,
        min_risk: float | None = None,
        sort: str = "risk",
    ) -> ClusterPage:
        if not self.has("clusters"):
            return ClusterPage(items=[], next_cursor=None)
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if min_risk is not None:
            where.append("risk >= ?")
            params.append(min_risk)
        if sort == "newest":
            order = "last_seen DESC NULLS LAST, cluster_id"
            if cursor:
                at, cid = cursors.decode(cursor, "newest", 2)
                where.append(
                    "(last_seen < CAST(? AS TIMESTAMPTZ) OR "
                    "(last_seen = CAST(? AS TIMESTAMPTZ) AND cluster_id > ?))"
                )
                params += [at, at, cid]
        else:
            order = "risk DESC, cluster_id"
            if cursor:
                risk, cid = cursors.decode(cursor, "risk", 2)
                if not isinstance(risk, int | float) or not isinstance(cid, str):
                    raise cursors.BadCursor("cursor is not valid: start again without a cursor")
                where.append("(risk < ? OR (risk = ? AND cluster_id > ?))")
                params += [float(risk), float(risk), cid]
        rows = self._query(
            f"SELECT {_CLUSTER} FROM clusters WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
            [*params, limit + 1],
        )
        more = len(rows) > limit
        items = [self._cluster_summary(r) for r in rows[:limit]]
        next_cursor = None
        if more and items:
            last = items[-1]
            if sort == "newest":
                at = (last.last_seen or datetime(1, 1, 1)).isoformat()
                next_cursor = cursors.encode("newest", [at, last.cluster_id])
            else:
                next_cursor = cursors.encode("risk", [last.risk, last.cluster_id])
        return ClusterPage(items=items, next_cursor=next_cursor)

    @staticmethod
    def _cluster_summary(row: dict[str, Any]) -> ClusterSummary:
        return ClusterSummary(
            cluster_id=row["cluster_id"],
            size=row["size"],
            risk=row["risk"] or 0.0,
            cities=list(row["cities"] or []),
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            span_days=row["span_days"],
            moves=row["moves"],
            indicators=list(row["indicators"] or []),
            shared_identifiers=[SharedIdentifier(**s) for s in row["shared_identifiers"] or []],
        )

    def cluster(self, cluster_id: str, *, max_members: int = MAX_MEMBERS) -> ClusterDetail | None:
        if not self.has("clusters"):
            return None
        rows = self._query(
            f"SELECT {_CLUSTER}, root_post_id, link_kinds, templates, risk_member_max, "
            "risk_member_mean, risk_network, post_ids FROM clusters WHERE cluster_id = ?",
            [cluster_id],
        )
        if not rows:
            return None
        row = rows[0]
        summary = self._cluster_summary(row)
        post_ids = list(row["post_ids"] or [])
        members_rows = self._query(
            f"SELECT {_SUMMARY} FROM posts p WHERE list_contains(?, p.post_id) "
            "ORDER BY p.risk DESC, p.post_id LIMIT ?",
            [post_ids, max_members],
        )
        for m in members_rows:
            m["cluster_id"] = cluster_id
        movement = [
            MovementPoint(**m)
            for m in self._query(
                "SELECT post_id, posted_at, location FROM posts WHERE list_contains(?, post_id) "
                "ORDER BY posted_at NULLS LAST, post_id",
                [post_ids],
            )
        ]
        links: list[Edge] = []
        if self.has("edges"):
            links = [
                Edge(**e)
                for e in self._query(
                    "SELECT post_a, post_b, kind, evidence FROM edges WHERE cluster_id = ? "
                    "ORDER BY kind, post_a, post_b LIMIT ?",
                    [cluster_id, MAX_LINKS + 1],
                )
            ]
        identifiers: list[SharedIdentifier] = []
        if self.has("identifiers"):
            identifiers = [
                SharedIdentifier(**i)
                for i in self._query(
                    "SELECT kind, value, count(DISTINCT post_id) AS posts FROM identifiers "
                    "WHERE list_contains(?, post_id) GROUP BY kind, value "
                    "ORDER BY posts DESC, kind, value LIMIT 200",
                    [post_ids],
                )
            ]
        truncated = len(links) > MAX_LINKS or len(post_ids) > max_members
        link_kinds = row["link_kinds"] or {}
        return ClusterDetail(
            **summary.model_dump(),
            root_post_id=row["root_post_id"],
            link_kinds={str(k): int(v) for k, v in dict(link_kinds).items()},
            risk_member_max=row["risk_member_max"],
            risk_member_mean=row["risk_member_mean"],
            risk_network=row["risk_network"],
            members=[PostSummary(**m) for m in members_rows],
            links=links[:MAX_LINKS],
            templates=[Template(**t) for t in row["templates"] or []],
            movement=movement,
            identifiers=identifiers,
            truncated=truncated,
        )

    # -- identifiers ----------------------------------------------------------------

    def identifier(self, kind: str, value: str, *, limit: int = 200) -> IdentifierDetail | None:
        if not self.has("identifiers", "posts"):
            return None
        cid, join = self._cluster_join()
        rows = self._query(
            f"SELECT {_SUMMARY}{cid} FROM posts p{join} WHERE p.post_id IN "
            "(SELECT post_id FROM identifiers WHERE kind = ? AND value = ?) "
            "ORDER BY p.risk DESC, p.post_id LIMIT ?",
            [kind, value, limit + 1],
        )
        if not rows:
            return None
        stats_rows = self._query(
            "SELECT count(DISTINCT i.post_id) AS posts, count(DISTINCT p.location) AS cities, "
            "min(p.posted_at) AS first_seen, max(p.posted_at) AS last_seen "
            "FROM identifiers i JOIN posts p ON p.post_id = i.post_id "
            "WHERE i.kind = ? AND i.value = ?",
            [kind, value],
        )
        clusters: list[ClusterSummary] = []
        if self.has("clusters", "post_clusters"):
            clusters = [
                self._cluster_summary(r)
                for r in self._query(
                    f"SELECT {_CLUSTER} FROM clusters WHERE cluster_id IN (SELECT pc.cluster_id "
                    "FROM post_clusters pc JOIN identifiers i ON i.post_id = pc.post_id "
                    "WHERE i.kind = ? AND i.value = ?) ORDER BY risk DESC, cluster_id LIMIT 100",
                    [kind, value],
                )
            ]
        return IdentifierDetail(
            kind=kind,
            value=value,
            stats=IdentifierUse(**stats_rows[0]),
            posts=[PostSummary(**r) for r in rows[:limit]],
            clusters=clusters,
            truncated=len(rows) > limit,
        )

    def identifier_search(self, text: str, *, limit: int = 20) -> list[SharedIdentifier]:
        if not self.has("identifiers"):
            return []
        return [
            SharedIdentifier(**r)
            for r in self._query(
                "SELECT kind, value, count(DISTINCT post_id) AS posts FROM identifiers "
                "WHERE value ILIKE ? ESCAPE '\\' OR raw ILIKE ? ESCAPE '\\' "
                "GROUP BY kind, value ORDER BY posts DESC, kind, value LIMIT ?",
                [f"%{_like(text)}%", f"%{_like(text)}%", limit],
            )
        ]

    # -- dashboard ------------------------------------------------------------------

    def dashboard(self) -> dict[str, Any]:
        if not self.available:
            return {"available": False}
        totals = self._query(
            "SELECT count(*) AS posts, count(*) FILTER (band = 'high') AS high, "
            "count(*) FILTER (band = 'review') AS review, count(*) FILTER (band = 'low') AS low, "
            "min(posted_at) AS first, max(posted_at) AS last FROM posts"
        )[0]
        per_day = self._query(
            "SELECT CAST(date_trunc('day', posted_at) AS DATE) AS day, count(*) AS posts, "
            "count(*) FILTER (band = 'high') AS high FROM posts WHERE posted_at IS NOT NULL "
            "GROUP BY day ORDER BY day DESC LIMIT 60"
        )
        clusters = self.clusters(limit=8, min_risk=0.5, sort="newest").items
        n_clusters = (
            int(self._query("SELECT count(*) AS n FROM clusters")[0]["n"])
            if self.has("clusters")
            else 0
        )
        return {
            "available": True,
            "totals": totals,
            "per_day": list(reversed(per_day)),
            "clusters": clusters,
            "n_clusters": n_clusters,
        }

    def _cached(self, key: str, compute: Any) -> Any:
        """``compute()`` once per version of posts.parquet (aggregates over every post)."""
        try:
            stamp = (self.results / "posts.parquet").stat().st_mtime_ns
        except OSError:
            stamp = 0
        hit = self._cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = compute()
        self._cache[key] = (stamp, value)
        return value

    def indicator_counts(self) -> dict[str, int]:
        """How many posts each indicator fired on."""
        if not self.available:
            return {}

        def compute() -> dict[str, int]:
            rows = self._query(
                "SELECT id, count(*) AS n FROM (SELECT unnest(list_distinct(list_transform("
                "hits, lambda h: h.indicator_id))) AS id FROM posts) GROUP BY id"
            )
            return {str(r["id"]): int(r["n"]) for r in rows}

        result: dict[str, int] = self._cached("indicator_counts", compute)
        return result

    def indicator_examples(self, per: int = 5) -> dict[str, list[str]]:
        """The most frequent matched phrases of each indicator (examples for the guide)."""
        if not self.available:
            return {}

        def compute() -> dict[str, list[str]]:
            rows = self._query(
                "SELECT id, list(matched ORDER BY n DESC, matched)[1:?] AS top FROM ("
                "SELECT h.indicator_id AS id, lower(h.matched) AS matched, count(*) AS n FROM "
                "(SELECT unnest(hits) AS h FROM posts) WHERE h.start >= 0 GROUP BY 1, 2) "
                "GROUP BY id",
                [per],
            )
            return {str(r["id"]): list(r["top"]) for r in rows}

        result: dict[str, list[str]] = self._cached("indicator_examples", compute)
        return result

    def platforms(self) -> list[str]:
        if not self.available:
            return []
        return [
            r["platform"]
            for r in self._query(
                "SELECT DISTINCT platform FROM posts WHERE platform IS NOT NULL "
                "ORDER BY 1 LIMIT 100"
            )
        ]


def dumps(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()
