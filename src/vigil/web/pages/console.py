"""Console pages over the read model: dashboard, worklist, post, cluster, identifier,
search and the indicator guide. Every page works without JavaScript; HTMX only swaps
the result table of the worklist, and the cluster graph is an enhancement over the
tables beside it."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore import BANDS, BadCursor, Explorer, PostFilter
from vigil.web.deps import DB, Principal, audit, problem, render, require
from vigil.web.filters import Span
from vigil.web.nav import NavItem

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem("Dashboard", "/", None, 10),
    NavItem("Worklist", "/posts", P.POSTS_READ, 20),
    NavItem("Clusters", "/clusters", P.CLUSTERS_READ, 30),
    NavItem("Indicators", "/indicators", None, 80),
    NavItem("Account", "/account", None, 90),
]


def explorer(request: Request) -> Explorer:
    ex: Explorer = request.app.state.explorer
    return ex


@cache
def _catalogue() -> Any:
    from vigil.indicators import default_catalogue

    return default_catalogue()


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise problem(400, "Invalid input", f"{name}: not a date (use YYYY-MM-DD)") from None


def _risk(value: str) -> float | None:
    """A form's risk field: empty means no filter; otherwise a number from 0 to 1."""
    if not value.strip():
        return None
    try:
        risk = float(value)
    except ValueError:
        raise problem(400, "Invalid input", "min_risk: not a number (use 0 to 1)") from None
    if not 0 <= risk <= 1:
        raise problem(400, "Invalid input", "min_risk: must be between 0 and 1")
    return risk


@router.get("/")
def dashboard(
    request: Request, who: Principal = require(), ex: Explorer = Depends(explorer)
) -> Response:
    data = ex.dashboard() if who.can(P.POSTS_READ) else {"available": False, "restricted": True}
    return render(request, "dashboard.html", {"data": data})


@router.get("/posts")
def worklist(
    request: Request,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
    band: list[str] = Query(default=[]),
    min_risk: str = Query("", max_length=20),
    indicator: str = Query("", max_length=100),
    identifier: str = Query("", max_length=300),
    place: str = Query("", max_length=200),
    q: str = Query("", max_length=200),
    since: str = Query("", max_length=40),
    until: str = Query("", max_length=40),
    sort: str = Query("risk", pattern="^(risk|newest)$"),
    cursor: str | None = Query(None, max_length=500),
) -> Response:
    bands = tuple(b for b in band if b in BANDS)
    risk_floor = _risk(min_risk)
    kind, _, value = identifier.partition(":") if ":" in identifier else ("", "", identifier)
    filt = PostFilter(
        bands=bands,
        min_risk=risk_floor,
        indicator=indicator or None,
        identifier_kind=kind or None,
        identifier_value=value or None,
        place=place or None,
        q=q or None,
        since=_when(since, "since"),
        until=_when(until, "until"),
        sort=sort,
    )
    if identifier:
        audit(db, who, "identifier.read", "identifier", identifier[:200], {"via": "worklist"})
    try:
        page = ex.posts(filt, limit=request.app.state.web.page_size, cursor=cursor)
    except BadCursor as exc:
        raise problem(400, "Invalid input", f"cursor: {exc}") from None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return render(
        request,
        "worklist.html",
        {
            "page": page,
            "filters": {
                "band": bands,
                "min_risk": risk_floor,
                "indicator": indicator,
                "identifier": identifier,
                "place": place,
                "q": q,
                "since": since,
                "until": until,
                "sort": sort,
            },
            "indicators": sorted(i.id for i in _catalogue().indicators),
            "bands": BANDS,
            "params": params,
            "available": ex.available,
        },
    )


@router.get("/posts/{post_id}")
def post_page(
    request: Request,
    post_id: str,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> Response:
    post = ex.post(post_id)
    if post is None:
        raise problem(404, "Not found", f"no post {post_id!r} in the scan results")
    audit(db, who, "post.read", "post", post_id)
    catalogue = _catalogue()
    spans = [
        Span(h.start, h.end, f"hit cat-{h.category}", h.indicator_id)
        for h in post.hits
        if h.start >= 0
    ] + [Span(i.start, i.end, "ident", f"{i.kind}: {i.value}") for i in post.identifiers]
    hits: dict[str, dict[str, Any]] = {}
    for h in post.hits:
        entry = hits.setdefault(
            h.indicator_id,
            {"hit": h, "matched": [], "indicator": catalogue.by_id.get(h.indicator_id)},
        )
        entry["matched"].append(h.matched)
    return render(
        request,
        "post.html",
        {"post": post, "spans": spans, "hits": list(hits.values())},
    )


@router.get("/clusters")
def clusters_page(
    request: Request,
    who: Principal = require(P.CLUSTERS_READ),
    ex: Explorer = Depends(explorer),
    min_risk: str = Query("", max_length=20),
    sort: str = Query("risk", pattern="^(risk|newest)$"),
    cursor: str | None = Query(None, max_length=500),
) -> Response:
    try:
        page = ex.clusters(limit=50, cursor=cursor, min_risk=_risk(min_risk), sort=sort)
    except BadCursor as exc:
        raise problem(400, "Invalid input", f"cursor: {exc}") from None
    return render(
        request,
        "clusters.html",
        {"page": page, "min_risk": _risk(min_risk), "sort": sort, "available": ex.has("clusters")},
    )


@router.get("/clusters/{cluster_id}")
def cluster_page(
    request: Request,
    cluster_id: str,
    who: Principal = require(P.CLUSTERS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> Response:
    cluster = ex.cluster(cluster_id)
    if cluster is None:
        raise problem(404, "Not found", f"no cluster {cluster_id!r} in the scan results")
    audit(db, who, "cluster.read", "cluster", cluster_id)
    return render(request, "cluster.html", {"c": cluster})


@router.get("/clusters/{cluster_id}/graph.json")
def cluster_graph(
    cluster_id: str,
    who: Principal = require(P.CLUSTERS_READ),
    ex: Explorer = Depends(explorer),
) -> dict[str, Any]:
    """Nodes (posts, identifiers, images) and edges for the cluster graph (cytoscape)."""
    cluster = ex.cluster(cluster_id, max_members=300)
    if cluster is None:
        raise problem(404, "Not found", f"no cluster {cluster_id!r}")
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    members = {m.post_id for m in cluster.members}
    for m in cluster.members:
        nodes.append(
            {
                "data": {
                    "id": f"p:{m.post_id}",
                    "label": (m.title or m.post_id)[:40],
                    "type": "post",
                    "band": m.band,
                    "href": f"/posts/{m.post_id}",
                }
            }
        )
    seen: set[str] = set()
    for e in cluster.links:
        if e.post_a not in members or e.post_b not in members:
            continue
        if e.kind == "text" or not e.evidence:
            edges.append(
                {"data": {"source": f"p:{e.post_a}", "target": f"p:{e.post_b}", "kind": e.kind}}
            )
            continue
        node_kind = "image" if e.kind.startswith("image") else "identifier"
        nid = f"i:{e.kind}:{e.evidence}"
        if nid not in seen:
            seen.add(nid)
            href = f"/identifiers/{e.kind}/{e.evidence}" if node_kind == "identifier" else ""
            nodes.append(
                {
                    "data": {
                        "id": nid,
                        "label": e.evidence[:40],
                        "type": node_kind,
                        "kind": e.kind,
                        "href": href,
                    }
                }
            )
        for pid in (e.post_a, e.post_b):
            edges.append({"data": {"source": f"p:{pid}", "target": nid, "kind": e.kind}})
    unique = {(d["data"]["source"], d["data"]["target"]): d for d in edges}
    return {"nodes": nodes, "edges": list(unique.values())}


@router.get("/identifiers/{kind}/{value:path}")
def identifier_page(
    request: Request,
    kind: str,
    value: str,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> Response:
    audit(db, who, "identifier.read", "identifier", f"{kind}:{value}"[:200], {"via": "console"})
    detail = ex.identifier(kind, value)
    if detail is None:
        raise problem(404, "Not found", f"no post uses {kind} {value!r}")
    return render(request, "identifier.html", {"d": detail})


@router.get("/search")
def search(
    request: Request,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
    q: str = Query("", max_length=200),
) -> Response:
    q = q.strip()
    ctx: dict[str, Any] = {"q": q, "posts": [], "identifiers": [], "clusters": [], "indicators": []}
    if q:
        audit(db, who, "search", "query", q[:200])
        ctx["posts"] = ex.posts(PostFilter(q=q), limit=25).items
        ctx["identifiers"] = ex.identifier_search(q)
        if who.can(P.CLUSTERS_READ):
            ctx["clusters"] = (
                [c for c in [ex.cluster(q)] if c is not None] if q.startswith("c") else []
            )
        low = q.lower()
        ctx["indicators"] = [
            i
            for i in _catalogue().indicators
            if low in i.id or low in i.name.lower() or low in i.description.lower()
        ]
    return render(request, "search.html", ctx)


@router.get("/indicators")
def indicator_guide(
    request: Request, who: Principal = require(), ex: Explorer = Depends(explorer)
) -> Response:
    catalogue = _catalogue()
    counts = ex.indicator_counts() if who.can(P.POSTS_READ) else {}
    total = ex.count(PostFilter()) if who.can(P.POSTS_READ) else 0
    examples = ex.indicator_examples() if who.can(P.POSTS_READ) else {}
    return render(
        request,
        "indicators.html",
        {
            "catalogue": catalogue,
            "categories": catalogue.categories,
            "counts": counts,
            "total": total,
            "examples": examples,
        },
    )
