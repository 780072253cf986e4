"""Feeding the queue from scan results: flagged posts, risky clusters, watch alerts.

``feed_results`` reads a results directory written by ``vigil scan --out DIR``
(posts.parquet, identifiers.parquet, clusters.parquet, post_clusters.parquet,
edges.parquet) with DuckDB. Adding the same results twice adds nothing: every item has a
key (``post:<id>``, ``cluster:<id>``, ``alert:<watch>:<post>``) and alerts are unique per
watch and post, so a re-run only adds what is new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.linking.index import INDEX_DIR
from vigil.workflow.actor import Actor
from vigil.workflow.clock import new_id, now
from vigil.workflow.errors import InvalidInput
from vigil.workflow.queue import NewItem, enqueue
from vigil.workflow.routing import Candidate
from vigil.workflow.tables import Alert, FeedRun, Watch
from vigil.workflow.watch import IDENTIFIER_KINDS, live_watches

__all__ = ["FeedReport", "feed_results", "match_watches"]

BANDS = {"review": ("review", "high"), "high": ("high",)}


@dataclass
class FeedReport:
    results_dir: str
    posts: int = 0
    clusters: int = 0
    alerts: int = 0
    already_queued: int = 0
    by_queue: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "results_dir": self.results_dir,
            "posts": self.posts,
            "clusters": self.clusters,
            "alerts": self.alerts,
            "already_queued": self.already_queued,
            "by_queue": dict(sorted(self.by_queue.items())),
        }


def _lit(path: Path) -> str:
    from vigil.lake.files import sql_literal

    return f"read_parquet({sql_literal(str(path))})"


def _post_items(con: Any, posts: Path, min_band: str) -> Iterator[NewItem]:
    bands = BANDS[min_band]
    cur = con.execute(
        f"SELECT post_id, risk, band, hits FROM {_lit(posts)} "
        f"WHERE band IN ({', '.join('?' for _ in bands)}) ORDER BY risk DESC, post_id",
        list(bands),
    )
    while rows := cur.fetchmany(5000):
        for post_id, risk, band, hits in rows:
            hits = hits or []
            cats = frozenset(h["category"] for h in hits)
            inds = frozenset(h["indicator_id"] for h in hits)
            yield NewItem(
                dedupe_key=f"post:{post_id}",
                subject_type="post",
                subject_id=post_id,
                candidate=Candidate("post", float(risk), band, cats, inds),
                reason={
                    "band": band,
                    "risk": round(float(risk), 4),
                    "indicators": sorted(inds)[:20],
                    "categories": sorted(cats),
                },
            )


def _cluster_items(con: Any, clusters: Path, min_risk: float) -> Iterator[NewItem]:
    cur = con.execute(
        f"SELECT cluster_id, risk, size, n_cities, indicators FROM {_lit(clusters)} "
        "WHERE risk >= ? ORDER BY risk DESC, cluster_id",
        [min_risk],
    )
    for cluster_id, risk, size, n_cities, indicators in cur.fetchall():
        yield NewItem(
            dedupe_key=f"cluster:{cluster_id}",
            subject_type="cluster",
            subject_id=cluster_id,
            candidate=Candidate("cluster", float(risk), indicators=frozenset(indicators or ())),
            reason={
                "risk": round(float(risk), 4),
                "size": int(size),
                "cities": int(n_cities),
                "indicators": list(indicators or ()),
            },
        )


def _matches(con: Any, results: Path, watch: Watch) -> list[tuple[str, dict[str, Any]]]:
    """``(post_id, what matched)`` for one watch over the results directory."""
    kind, value = watch.kind, watch.value
    out: list[tuple[str, dict[str, Any]]] = []
    if kind in IDENTIFIER_KINDS and (results / "identifiers.parquet").exists():
        rows = con.execute(
            f"SELECT DISTINCT post_id, raw FROM {_lit(results / 'identifiers.parquet')} "
            "WHERE kind = ? AND value = ? ORDER BY post_id",
            [kind, value],
        ).fetchall()
        out = [(p, {"kind": kind, "value": value, "raw": raw}) for p, raw in rows]
    elif kind == "cluster" and (results / "post_clusters.parquet").exists():
        rows = con.execute(
            f"SELECT post_id FROM {_lit(results / 'post_clusters.parquet')} "
            "WHERE cluster_id = ? ORDER BY post_id",
            [value],
        ).fetchall()
        out = [(p, {"kind": "cluster", "value": value}) for (p,) in rows]
    elif kind == "search":
        terms = value.split()
        cond = " AND ".join(
            "contains(lower(coalesce(title_text, '') || ' ' || coalesce(body_text, '')), ?)"
            for _ in terms
        )
        rows = con.execute(
            f"SELECT post_id FROM {_lit(results / 'posts.parquet')} WHERE {cond} ORDER BY post_id",
            terms,
        ).fetchall()
        out = [(p, {"kind": "search", "value": value}) for (p,) in rows]
    elif kind == "image_hash":
        found: set[str] = set()
        members = results / INDEX_DIR / "members.parquet"
        if members.exists():  # every post's image hashes, shared with another post or not
            for (p,) in con.execute(
                f"SELECT DISTINCT post_id FROM {_lit(members)} "
                "WHERE kind IN ('image_sha256', 'image_pdq') AND value = ?",
                [value],
            ).fetchall():
                found.add(p)
        if (results / "edges.parquet").exists():
            for a, b in con.execute(
                f"SELECT post_a, post_b FROM {_lit(results / 'edges.parquet')} "
                "WHERE kind IN ('image_sha256', 'image_pdq') AND evidence = ?",
                [value],
            ).fetchall():
                found |= {a, b}
        for (p,) in con.execute(
            f"SELECT post_id FROM {_lit(results / 'posts.parquet')} WHERE list_contains(images, ?)",
            [value],
        ).fetchall():
            found.add(p)
        out = [(p, {"kind": "image_hash", "value": value}) for p in sorted(found)]
    return out


def match_watches(
    session: Session, con: Any, results: Path, *, at: datetime | None = None
) -> list[NewItem]:
    """New alerts for every live watch (stored), and the queue items they become."""
    at = at or now()
    items: list[NewItem] = []
    for watch in live_watches(session, at):
        seen = set(session.scalars(select(Alert.post_id).where(Alert.watch_id == watch.id)))
        for post_id, matched in _matches(con, results, watch):
            if post_id in seen:
                continue
            seen.add(post_id)
            session.add(
                Alert(
                    id=new_id("a"),
                    watch_id=watch.id,
                    post_id=post_id,
                    matched=matched,
                    created_at=at,
                )
            )
            items.append(
                NewItem(
                    dedupe_key=f"alert:{watch.id}:{post_id}",
                    subject_type="post",
                    subject_id=post_id,
                    candidate=Candidate("alert", 0.0),
                    reason={"watch": watch.id, "owner": watch.owner, "matched": matched},
                )
            )
    session.flush()
    return items


def feed_results(
    session: Session,
    actor: Actor,
    results_dir: Path,
    *,
    min_band: str = "review",
    min_cluster_risk: float = 0.5,
) -> FeedReport:
    """Queue the flagged posts, risky clusters and watch alerts of a results directory."""
    import duckdb

    actor.require(Permission.POSTS_INGEST)
    if min_band not in BANDS:
        raise InvalidInput("min band is review or high", "min_band")
    posts = results_dir / "posts.parquet"
    if not posts.exists():
        raise InvalidInput(f"{posts} not found: run `vigil scan --out {results_dir}` first")
    report = FeedReport(str(results_dir))
    at = now()
    con = duckdb.connect()
    try:
        post_items = list(_post_items(con, posts, min_band))
        cluster_items = (
            list(_cluster_items(con, results_dir / "clusters.parquet", min_cluster_risk))
            if (results_dir / "clusters.parquet").exists()
            else []
        )
        alert_items = match_watches(session, con, results_dir, at=at)
    finally:
        con.close()
    for name, batch in (
        ("posts", post_items),
        ("clusters", cluster_items),
        ("alerts", alert_items),
    ):
        added = enqueue(session, batch, at=at)
        setattr(report, name, len(added))
        report.already_queued += len(batch) - len(added)
        for item in added:
            report.by_queue[item.queue] = report.by_queue.get(item.queue, 0) + 1
    session.add(
        FeedRun(
            id=new_id("f"),
            at=at,
            actor=actor.audit,
            results_dir=str(results_dir.resolve()),
            counts=report.as_json(),
        )
    )
    record(
        session,
        actor=actor.audit,
        action="queue.feed",
        object_type="results",
        object_id=str(results_dir.resolve())[-200:],
        detail=report.as_json(),
    )
    session.flush()
    return report
