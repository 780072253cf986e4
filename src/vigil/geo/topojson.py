"""A small TopoJSON decoder for the bundled world map (Natural Earth 110m, world-atlas 2.0.2).

TopoJSON (https://github.com/topojson/topojson-specification) stores each shared
border once, as an *arc*; polygons list arcs by index (``~i``, i.e. ``-i - 1``,
means arc ``i`` reversed). In a quantized topology, arc positions are integers,
delta-encoded: each position after the first is added to the one before, and
``x * scale + translate`` gives longitude/latitude. Decoding a ring concatenates
its arcs, dropping the first point of every arc after the first (it repeats the
last point of the arc before).

Written here (about 60 lines) instead of adding a dependency: the file is fixed
and only Polygon/MultiPolygon geometries occur in it.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CountryShape", "decode", "world_countries"]

Ring = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class CountryShape:
    """One country's outline: ISO 3166 numeric id, alpha-3 code (if known), name."""

    numeric: str
    iso3: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # polygons -> rings (first = outer) -> (lon, lat)

    def centroid(self) -> tuple[float, float]:
        """Area centroid (lon, lat) of the largest polygon's outer ring."""
        best: tuple[float, float, float] = (0.0, 0.0, 0.0)
        for polygon in self.polygons:
            ring = polygon[0]
            area = cx = cy = 0.0
            for (x0, y0), (x1, y1) in itertools.pairwise(ring):
                cross = x0 * y1 - x1 * y0
                area += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
            if area and abs(area) > abs(best[2]):
                best = (cx / (3 * area), cy / (3 * area), area)
        return best[0], best[1]


def _arcs(topology: dict[str, Any]) -> list[Ring]:
    transform = topology.get("transform")
    out: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        ring: Ring = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            ring.append((x * sx + tx, y * sy + ty))
        out.append(ring)
    return out


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    points: Ring = []
    for k, i in enumerate(indexes):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if k == 0 else arc[1:])
    return points


def decode(topology: dict[str, Any], name: str) -> list[tuple[dict[str, Any], list[list[Ring]]]]:
    """(geometry, polygons) for every Polygon/MultiPolygon of object ``name``."""
    if topology.get("type") != "Topology":
        raise ValueError("not a TopoJSON Topology")
    arcs = _arcs(topology)
    out = []
    for geom in topology["objects"][name]["geometries"]:
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        out.append((geom, [[_ring(arcs, r) for r in poly] for poly in polys]))
    return out


@lru_cache(maxsize=1)
def world_countries() -> tuple[CountryShape, ...]:
    """Country outlines of the bundled Natural Earth 1:110m map."""
    import pycountry

    text = resources.files("vigil.geo").joinpath("data/countries-110m.json").read_text("utf-8")
    shapes = []
    for geom, polygons in decode(json.loads(text), "countries"):
        numeric = str(geom.get("id", "") or "")
        rec = pycountry.countries.get(numeric=numeric) if numeric else None
        name = str(geom.get("properties", {}).get("name", ""))
        iso3 = "XKX" if name == "Kosovo" else (rec.alpha_3 if rec is not None else "")
        shapes.append(CountryShape(numeric, iso3, name, tuple(tuple(rings) for rings in polygons)))
    return tuple(shapes)
