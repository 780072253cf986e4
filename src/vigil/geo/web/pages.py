"""Console pages of the geo views, and the SVG maps they show.

* ``/geo``: movement of all linked networks, corridors and circuits;
* ``/clusters/{id}/movement``: one cluster on a map with a week slider (a GET form
  that works without JavaScript; htmx swaps only the map when the slider changes);
* ``/geo/hotspots``: the hotspot map and the flags with their numbers;
* ``/geo/routes``: imported case data: route flow map, top routes, the import form.

Maps are SVG images drawn by :mod:`vigil.geo.maps` (no tile server), cached per
results directory and parameters, each with a ``<title>``; every map has a table
beside it with the same information for screen-reader users.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission
from vigil.geo.maps import draw_hotspots, draw_movement, draw_routes
from vigil.geo.web.common import cache_dir, geo_data, geo_errors, home, read_upload, svg_with_title
from vigil.geo.web.draw import draw_frame, frame_caption
from vigil.geo.web.service import (
    COUNTS,
    MAX_IMPORT_BYTES,
    UploadRefused,
    flags_in_week,
    import_route_file,
    imported_files,
    route_report,
)
from vigil.web.deps import DB, Principal, audit, problem, render, require
from vigil.web.nav import NavItem

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Movement", "/geo", Permission.CLUSTERS_READ, order=35)]
_COUNT_PATTERN = "^(" + "|".join(COUNTS) + ")$"
#: Own CSP for SVG documents: matplotlib writes inline styles; no script, nothing loaded.
_SVG_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    "cache-control": "private, max-age=300",
}
COUNT_LABELS = {
    "new_networks": "networks new to the place",
    "active_networks": "networks active in the place",
    "high_risk": "high-risk posts",
}


def _svg(content: bytes) -> Response:
    return Response(content, media_type="image/svg+xml", headers=_SVG_HEADERS)


# ------------------------------------------------------------------------------ movement


@router.get("/geo")
def movement_page(request: Request, who: Principal = require(Permission.CLUSTERS_READ)) -> Response:
    with geo_errors():
        items, graph = geo_data(request).networks()
    edges = sorted(graph.edges, key=lambda e: (-e.networks, -e.moves, e.source, e.target))
    return render(
        request,
        "geo/movement.html",
        {"graph": graph, "items": items[:20], "edges": edges[:30]},
    )


@router.get("/geo/maps/movement.svg")
def movement_map(request: Request, who: Principal = require(Permission.CLUSTERS_READ)) -> Response:
    data = geo_data(request)
    with geo_errors():
        items, graph = data.networks()
    title = (
        f"Movement of {graph.itineraries} linked networks between {len(graph.nodes)} cities; "
        f"{len(graph.corridors)} corridors, {len(graph.circuits)} circuits"
    )
    svg = cached_map(
        request, ("movement", data.version), lambda out: draw_movement(graph, items, out)
    )
    return _svg(svg_with_title(svg, title))


def cached_map(request: Request, key: tuple[object, ...], draw: Any) -> bytes:
    from vigil.geo.web.service import cached_svg

    return cached_svg(cache_dir(request), key, draw)


def _cluster_frames(request: Request, cluster_id: str) -> tuple[Any, Any, Any]:
    data = geo_data(request)
    with geo_errors():
        item = data.itinerary(cluster_id)
    if item is None:
        raise problem(404, "Not found", f"no cluster {cluster_id!r} with placed posts")
    steps = data.frames(item)
    if not steps:
        raise problem(404, "Not found", f"cluster {cluster_id!r} has no dated posts")
    return data, item, steps


@router.get("/clusters/{cluster_id}/movement")
def cluster_movement(
    request: Request,
    cluster_id: str,
    who: Principal = require(Permission.CLUSTERS_READ),
    db: Session = DB,
    week: int = Query(0, ge=0, le=10_000, description="Index of the week frame."),
) -> Response:
    _, item, steps = _cluster_frames(request, cluster_id)
    week = min(week, len(steps) - 1)
    audit(db, who, "geo.movement", "cluster", cluster_id, {"week": week})
    frame = steps[week]
    return render(
        request,
        "geo/cluster_movement.html",
        {
            "item": item,
            "frames": steps,
            "week": week,
            "frame": frame,
            "caption": frame_caption(item, frame),
        },
    )


@router.get("/clusters/{cluster_id}/movement/{week}.svg")
def cluster_movement_map(
    request: Request,
    cluster_id: str,
    week: int,
    who: Principal = require(Permission.CLUSTERS_READ),
    db: Session = DB,
) -> Response:
    data, item, steps = _cluster_frames(request, cluster_id)
    if not 0 <= week < len(steps):
        raise problem(404, "Not found", f"week {week} is not in 0..{len(steps) - 1}")
    audit(db, who, "geo.movement.map", "cluster", cluster_id, {"week": week})
    frame = steps[week]
    svg = cached_map(
        request,
        ("frame", data.version, cluster_id, week),
        lambda out: draw_frame(item, frame, out),
    )
    return _svg(svg_with_title(svg, frame_caption(item, frame)))


# ------------------------------------------------------------------------------ hotspots


@router.get("/geo/hotspots")
def hotspots_page(
    request: Request,
    who: Principal = require(Permission.CLUSTERS_READ),
    count: str = Query("new_networks", pattern=_COUNT_PATTERN),
    week: date | None = Query(None, description="Only flags whose windows contain this day."),
) -> Response:
    with geo_errors():
        report = geo_data(request).hotspots(count)
    return render(
        request,
        "geo/hotspots.html",
        {
            "report": report,
            "flags": flags_in_week(report, week),
            "count": count,
            "week": week,
            "counts": COUNT_LABELS,
        },
    )


@router.get("/geo/maps/hotspots.svg")
def hotspots_map(
    request: Request,
    who: Principal = require(Permission.CLUSTERS_READ),
    count: str = Query("new_networks", pattern=_COUNT_PATTERN),
) -> Response:
    data = geo_data(request)
    with geo_errors():
        report = data.hotspots(count)
    title = (
        f"Hotspot map ({COUNT_LABELS[count]}): {len(report.flags)} flags at FDR "
        f"{report.params.alpha} over {report.tests} place-window tests"
    )
    svg = cached_map(
        request, ("hotspots", data.version, count), lambda out: draw_hotspots(report, out)
    )
    return _svg(svg_with_title(svg, title))


# -------------------------------------------------------------------------------- routes


def _routes_context(request: Request) -> dict[str, Any]:
    files = imported_files(home(request))
    report = route_report(home(request), n=15) if files else None
    return {
        "files": files,
        "report": report,
        "max_mib": MAX_IMPORT_BYTES // (1024 * 1024),
        "can_import": request.state.principal.can(Permission.POSTS_INGEST),
    }


@router.get("/geo/routes")
def routes_page(request: Request, who: Principal = require(Permission.CLUSTERS_READ)) -> Response:
    return render(request, "geo/routes.html", _routes_context(request))


@router.get("/geo/maps/routes.svg")
def routes_map(request: Request, who: Principal = require(Permission.CLUSTERS_READ)) -> Response:
    files = imported_files(home(request))
    report = route_report(home(request), n=15) if files else None
    if report is None:
        raise problem(404, "No case data", "import a GLOTIP or CTDC file first")
    key = ("routes", tuple(f.sha256 for f in files))
    title = "Top origin to destination routes: " + "; ".join(
        f"{t.origin_name} to {t.destination_name}: {t.count}" for t in report.top[:5]
    )
    svg = cached_map(request, key, lambda out: draw_routes(report.top, out))
    return _svg(svg_with_title(svg, title))


@router.post("/geo/routes/import")
async def routes_import(
    request: Request,
    file: UploadFile = File(...),
    who: Principal = require(Permission.POSTS_INGEST),
    db: Session = DB,
) -> Response:
    content = await read_upload(file)
    try:
        kept = await run_in_threadpool(import_route_file, home(request), file.filename, content)
    except UploadRefused as exc:
        context = await run_in_threadpool(_routes_context, request)
        return render(request, "geo/routes.html", {**context, "error": str(exc)}, status_code=422)
    detail = {"name": kept.name, "size": kept.size}
    await run_in_threadpool(audit, db, who, "geo.routes.import", "file", kept.sha256, detail)
    return RedirectResponse("/geo/routes", status_code=303)
