"""Clusters (networks): the list and one cluster with members, links, templates, movement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore import BadCursor, Explorer
from vigil.explore.models import ClusterDetail, ClusterPage
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["clusters"], responses=PROBLEM_RESPONSES)


def explorer(request: Request) -> Explorer:
    ex: Explorer = request.app.state.explorer
    return ex


@router.get("/clusters")
def list_clusters(
    who: Principal = require(P.CLUSTERS_READ),
    ex: Explorer = Depends(explorer),
    min_risk: Annotated[float | None, Query(ge=0, le=1)] = None,
    sort: Annotated[str, Query(pattern="^(risk|newest)$")] = "risk",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> ClusterPage:
    """Clusters of 2+ linked posts, highest risk (or most recently seen) first."""
    try:
        return ex.clusters(limit=limit, cursor=cursor, min_risk=min_risk, sort=sort)
    except BadCursor as exc:
        raise problem(400, "Invalid cursor", f"cursor: {exc}") from None


@router.get("/clusters/{cluster_id}")
def get_cluster(
    cluster_id: str,
    who: Principal = require(P.CLUSTERS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> ClusterDetail:
    """One cluster: members, links (with evidence), templates with slots, movement."""
    cluster = ex.cluster(cluster_id)
    if cluster is None:
        raise problem(404, "Not found", f"no cluster {cluster_id!r} in the scan results")
    audit(db, who, "cluster.read", "cluster", cluster_id, {"via": "api"})
    return cluster
