"""``/api/v1/geo``: movement of networks, a cluster's itinerary, hotspots, routes.

Reading needs ``clusters.read``; importing a case-data file needs ``posts.ingest``
(it adds data to the workbench). Opening a cluster's itinerary and importing a file
are written to the audit log. Errors are RFC 9457 problem documents; a malformed
case-data file is a 422 whose ``detail`` (and ``errors[0].loc``) names the file,
line and column the importer stopped at.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission
from vigil.geo.plain import plain
from vigil.geo.web import models as m
from vigil.geo.web.common import geo_data, geo_errors, home, import_problem, read_upload
from vigil.geo.web.service import (
    COUNTS,
    UploadRefused,
    flags_in_week,
    import_route_file,
    imported_files,
    route_report,
)
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/geo", tags=["geo"], responses=PROBLEM_RESPONSES)
_COUNT_PATTERN = "^(" + "|".join(COUNTS) + ")$"


@router.get("/movement", response_model=m.MovementOut)
def movement(request: Request, who: Principal = require(Permission.CLUSTERS_READ)) -> Any:
    """City-to-city movement of linked networks (cluster risk >= 0.5, 2+ placed posts):
    nodes with coordinates, edges weighted by networks, moves and posts, circuits
    (loops a network closed twice or more) and corridors (city pairs of 2+ networks)."""
    with geo_errors():
        _, graph = geo_data(request).networks()
    return plain(graph)


@router.get("/clusters/{cluster_id}/itinerary", response_model=m.ItineraryOut)
def itinerary(
    request: Request,
    cluster_id: str,
    who: Principal = require(Permission.CLUSTERS_READ),
    db: Session = DB,
) -> Any:
    """A cluster's visits (city, first/last seen, posts, contacts), loops and weekly frames."""
    data = geo_data(request)
    with geo_errors():
        item = data.itinerary(cluster_id)
    if item is None:
        raise problem(404, "Not found", f"no cluster {cluster_id!r} with placed posts")
    audit(db, who, "geo.itinerary", "cluster", cluster_id)
    return {**plain(item), "frames": plain(data.frames(item))}


@router.get("/hotspots", response_model=m.HotspotsOut)
def hotspots(
    request: Request,
    who: Principal = require(Permission.CLUSTERS_READ),
    count: str = Query(
        "new_networks",
        pattern=_COUNT_PATTERN,
        description="new_networks (clusters seen in a place for the first time), "
        "active_networks or high_risk (posts).",
    ),
    week: date | None = Query(
        None, description="Only flags whose tested windows contain this day."
    ),
) -> Any:
    """Places whose count rose beyond their history (negative-binomial test, BH FDR)."""
    with geo_errors():
        report = geo_data(request).hotspots(count)
    return {
        "count": count,
        "metric": report.params.metric,
        "window_days": report.params.window_days,
        "alpha": report.params.alpha,
        "week": week,
        "windows": plain(report.windows),
        "tests": report.tests,
        "flags": plain(flags_in_week(report, week)),
        "notes": list(report.notes),
    }


def _files(request: Request) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "size": f.size, "sha256": f.sha256, "format": f.format}
        for f in imported_files(home(request))
    ]


@router.get("/routes", response_model=m.RoutesOut)
def routes(
    request: Request,
    who: Principal = require(Permission.CLUSTERS_READ),
    top: int = Query(10, ge=1, le=100, description="Routes per list."),
) -> Any:
    """Origin -> destination routes of every imported case-data file (404 before any import).

    Counts are ranges ``{lo, hi}``: censored cells ("<5") are never turned into numbers.
    """
    report = route_report(home(request), n=top)
    if report is None:
        raise problem(404, "No case data", "import a GLOTIP or CTDC file first (POST .../import)")
    body = plain(report)
    body["files"] = _files(request)
    body.pop("trends", None)
    return body


@router.post("/routes/import", response_model=m.ImportedOut, status_code=201)
async def import_routes(
    request: Request,
    file: UploadFile = File(description="A UNODC GLOTIP export (.xlsx/.csv) or a CTDC file."),
    who: Principal = require(Permission.POSTS_INGEST),
    db: Session = DB,
) -> Any:
    """Check a case-data file with the importers and keep it under the data home."""
    content = await read_upload(file)
    try:
        kept = await run_in_threadpool(import_route_file, home(request), file.filename, content)
    except UploadRefused as exc:
        raise import_problem(exc) from None
    detail = {"name": kept.name, "size": kept.size}
    await run_in_threadpool(audit, db, who, "geo.routes.import", "file", kept.sha256, detail)
    return {"name": kept.name, "size": kept.size, "sha256": kept.sha256, "format": kept.format}
