"""The TopoJSON decoder, the bundled world map, and maps/charts written offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vigil.geo.gazetteer import City
from vigil.geo.hotspots import HotspotParams, detect
from vigil.geo.maps import (
    draw_hotspot_chart,
    draw_hotspots,
    draw_movement,
    draw_route_trends,
    draw_routes,
)
from vigil.geo.movement import build_itineraries, movement_graph
from vigil.geo.results import GeoPost, ScanData
from vigil.geo.routes import routes
from vigil.geo.topojson import decode, world_countries

FIX = Path(__file__).parents[1] / "fixtures" / "geo"


def test_decode_quantized_delta_arcs_and_reversal() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, -1.0]},
        # arc 0: (0,0) -> (2,0) -> (2,1); arc 1: (2,1) -> (0,1) -> (0,0), delta-encoded
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "1"},
                    {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "id": "2"},
                    {"type": "Point", "coordinates": [0, 0]},
                ],
            }
        },
    }
    shapes = decode(topology, "shapes")
    assert len(shapes) == 2
    ring = shapes[0][1][0][0]
    assert ring == [(10.0, -1.0), (11.0, -1.0), (11.0, 1.0), (10.0, 1.0), (10.0, -1.0)]
    reversed_ring = shapes[1][1][0][0]
    assert reversed_ring == ring[::-1]
    with pytest.raises(ValueError, match="Topology"):
        decode({"type": "FeatureCollection"}, "x")


def test_bundled_world_map() -> None:
    shapes = world_countries()
    assert len(shapes) == 177
    by_iso = {s.iso3: s for s in shapes if s.iso3}
    assert {"USA", "MEX", "ESP", "AUS", "ARG", "NGA"} <= set(by_iso)
    lon, lat = by_iso["USA"].centroid()
    assert -125 < lon < -66 and 24 < lat < 50
    lon, lat = by_iso["ESP"].centroid()
    assert -10 < lon < 4 and 36 < lat < 44
    for s in shapes:
        for poly in s.polygons:
            for x, y in poly[0]:
                assert -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0


def _data() -> ScanData:
    base = datetime(2026, 1, 5, 9, tzinfo=UTC)
    towns = [
        City(n, "US", st, la, lo, 100_000, i)
        for i, (n, st, la, lo) in enumerate(
            [
                ("Houston", "TX", 29.76, -95.36),
                ("Dallas", "TX", 32.78, -96.8),
                ("Denver", "CO", 39.74, -104.98),
                ("Madrid", "", 40.42, -3.70),
            ]
        )
    ]
    posts = []
    for k in range(120):
        town = towns[(k // 7) % 3] if k % 11 else towns[3]
        cid = f"c{k % 4}" if k % 3 else None
        posts.append(GeoPost(f"p{k}", base + timedelta(days=k), town, 0.9, "high", cid))
    return ScanData(Path("."), posts, {f"c{i}": 0.9 for i in range(4)}, 120, 0, 0, {})


def test_every_picture_is_written(tmp_path: Path) -> None:
    suffix = ".png"  # SVG: test_svg_output_is_deterministic
    data = _data()
    items = build_itineraries(data, with_identifiers=False)
    graph = movement_graph(items)
    report = detect(data, HotspotParams(metric="high_risk_posts", min_count=1, alpha=1.0))
    route_report = routes(FIX / "glotip_export.csv")
    outs = [
        draw_movement(graph, items, tmp_path / f"m{suffix}"),
        draw_hotspots(report, tmp_path / f"h{suffix}"),
        draw_hotspot_chart(report, tmp_path / f"c{suffix}"),
        draw_routes(route_report.top, tmp_path / f"r{suffix}"),
        draw_route_trends(route_report, tmp_path / f"t{suffix}"),
    ]
    for out in outs:
        head = out.read_bytes()[:200]
        assert head.startswith(b"\x89PNG")
        assert out.stat().st_size > 5_000


def test_svg_output_is_deterministic(tmp_path: Path) -> None:
    route_report = routes(FIX / "glotip_export.csv")
    a = draw_routes(route_report.top, tmp_path / "a.svg").read_bytes()
    b = draw_routes(route_report.top, tmp_path / "b.svg").read_bytes()
    assert a == b and b"<svg" in a[:500]


def test_other_suffixes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        draw_routes([], tmp_path / "map.jpg")
