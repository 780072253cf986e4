"""Maps and charts drawn offline with matplotlib on the bundled country outlines.

No tile server and no network: the base map is Natural Earth 1:110m (see
:mod:`vigil.geo.topojson`), in an equirectangular projection whose aspect is
corrected for the latitude of the view. Every function writes ``out`` as PNG or
SVG (by suffix) and returns it. SVG output is deterministic (fixed hash salt, no
date).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.geo.hotspots import HotspotReport
from vigil.geo.movement import Itinerary, MovementGraph
from vigil.geo.routes.analysis import RouteReport, RouteTotal
from vigil.geo.routes.interval import Count
from vigil.geo.topojson import world_countries

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "SUFFIXES",
    "draw_hotspot_chart",
    "draw_hotspots",
    "draw_movement",
    "draw_route_trends",
    "draw_routes",
]

SUFFIXES = (".png", ".svg")
_LAND = "#e8e6e1"
_BORDER = "#ffffff"
_SEA = "#f4f8fb"
_PALETTE = ("#c53030", "#2b6cb0", "#2f855a", "#b7791f", "#6b46c1", "#dd6b20", "#319795")


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "vigil-geo"
    return plt


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{out}: output must end in .png or .svg")


def _save(fig: Figure, out: Path) -> Path:
    plt = _plt()
    out.parent.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {"Date": None} if out.suffix.lower() == ".svg" else {"Software": None}
    fig.savefig(out, metadata=meta, dpi=120)
    plt.close(fig)
    return out


def _extent(lons: list[float], lats: list[float], pad: float = 0.12) -> tuple[float, ...]:
    if not lons:
        return (-180.0, 180.0, -58.0, 84.0)
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    dx, dy = max(x1 - x0, 8.0), max(y1 - y0, 5.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = dx * (1 + 2 * pad), dy * (1 + 2 * pad)
    return (cx - dx / 2, cx + dx / 2, max(-85.0, cy - dy / 2), min(85.0, cy + dy / 2))


def _focus_extent(
    points: list[tuple[float, float, str, float]], focus: str | None
) -> tuple[float, ...]:
    """Extent of the (lon, lat, country, weight) points in ``focus``: a country code,
    ``"world"`` (all points), or None (the country with the largest total weight)."""
    if focus is None and points:
        weight: dict[str, float] = {}
        for _, _, country, w in points:
            weight[country] = weight.get(country, 0.0) + w
        focus = max(sorted(weight), key=lambda c: weight[c])
    chosen = [p for p in points if focus in (None, "world") or p[2] == focus] or points
    return _extent([p[0] for p in chosen], [p[1] for p in chosen])


def _figure(extent: tuple[float, ...], width: float = 10.0) -> tuple[Figure, Axes]:
    plt = _plt()
    x0, x1, y0, y1 = extent
    aspect = 1.0 / max(0.2, math.cos(math.radians((y0 + y1) / 2)))
    height = min(9.0, max(3.5, width * (y1 - y0) * aspect / (x1 - x0) + 0.8))
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def _base_map(ax: Axes, extent: tuple[float, ...]) -> None:
    from matplotlib.collections import PolyCollection

    x0, x1, y0, y1 = extent
    rings = [
        poly[0]
        for shape in world_countries()
        for poly in shape.polygons
        if any(x0 - 30 <= x <= x1 + 30 and y0 - 30 <= y <= y1 + 30 for x, y in poly[0][::5])
    ]
    ax.add_collection(
        PolyCollection(rings, facecolors=_LAND, edgecolors=_BORDER, linewidths=0.6, zorder=0)
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_facecolor(_SEA)
    ax.set_aspect(1.0 / max(0.2, math.cos(math.radians((y0 + y1) / 2))))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(
        0.995,
        0.005,
        "Natural Earth 1:110m",
        transform=ax.transAxes,
        fontsize=6,
        ha="right",
        va="bottom",
        color="#888888",
    )


def _arrow(
    ax: Axes,
    a: tuple[float, float],
    b: tuple[float, float],
    width: float,
    color: str,
    alpha: float = 0.7,
    rad: float = 0.18,
) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=6 + 2 * width,
            lw=width,
            color=color,
            alpha=alpha,
            zorder=2,
            shrinkA=3,
            shrinkB=3,
        )
    )


def draw_movement(
    graph: MovementGraph,
    items: list[Itinerary],
    out: Path,
    *,
    highlight: int = 3,
    title: str | None = None,
    focus: str | None = None,
) -> Path:
    """Cities (size: posts), moves (width: networks) and the ``highlight`` top itineraries.

    ``focus``: an ISO country code to frame, ``"world"``, or None (the country with
    the most posts).
    """
    _check_out(out)
    where = {n.city: (n.lon, n.lat) for n in graph.nodes}
    extent = _focus_extent([(n.lon, n.lat, n.country, n.posts) for n in graph.nodes], focus)
    fig, ax = _figure(extent)
    _base_map(ax, extent)
    max_nets = max((e.networks for e in graph.edges), default=1)
    for e in graph.edges:
        if e.source in where and e.target in where:
            w = 0.4 + 3.0 * e.networks / max_nets
            _arrow(ax, where[e.source], where[e.target], w, "#718096", alpha=0.35)
    for k, it in enumerate(items[:highlight]):
        color = _PALETTE[k % len(_PALETTE)]
        for a, b in zip(it.visits, it.visits[1:], strict=False):
            _arrow(ax, (a.lon, a.lat), (b.lon, b.lat), 1.8, color, alpha=0.9, rad=0.25)
        first = it.visits[0]
        label = (
            f"{it.cluster_id} ({it.posts} posts, {len(it.cities)} cities, "
            f"{it.first_seen:%d %b}-{it.last_seen:%d %b})"
        )
        ax.plot([], [], color=color, lw=2, label=label)
        ax.scatter([first.lon], [first.lat], s=40, marker="s", color=color, zorder=4)
    max_posts = max((n.posts for n in graph.nodes), default=1)
    ax.scatter(
        [n.lon for n in graph.nodes],
        [n.lat for n in graph.nodes],
        s=[12 + 220 * n.posts / max_posts for n in graph.nodes],
        color="#2d3748",
        alpha=0.55,
        zorder=3,
        edgecolors="white",
        linewidths=0.5,
    )
    for n in sorted(graph.nodes, key=lambda n: -n.posts)[:12]:
        ax.annotate(
            n.city.split(",")[0],
            (n.lon, n.lat),
            fontsize=7,
            xytext=(4, 3),
            textcoords="offset points",
            zorder=5,
        )
    if items[:highlight]:
        ax.legend(
            loc="lower left",
            fontsize=7,
            title="top itineraries (square: start)",
            title_fontsize=7,
            framealpha=0.9,
        )
    ax.set_title(
        title
        or f"Movement of {graph.itineraries} linked networks: {len(graph.nodes)} cities, "
        f"{sum(e.moves for e in graph.edges)} moves, {len(graph.corridors)} corridors",
        fontsize=10,
    )
    fig.tight_layout()
    return _save(fig, out)


def draw_hotspots(
    report: HotspotReport, out: Path, *, title: str | None = None, focus: str | None = None
) -> Path:
    """Places (size: total count) with flagged places in red, labelled observed/expected.

    ``focus`` as for :func:`draw_movement`; by default the country of the first flag.
    """
    _check_out(out)
    places = report.places
    if focus is None and report.flags:
        focus = report.flags[0].country
    extent = _focus_extent([(p.lon, p.lat, p.country, sum(p.counts)) for p in places], focus)
    fig, ax = _figure(extent)
    _base_map(ax, extent)
    totals = [sum(p.counts) for p in places]
    peak = max(totals, default=1) or 1
    ax.scatter(
        [p.lon for p in places],
        [p.lat for p in places],
        s=[10 + 160 * t / peak for t in totals],
        color="#4a5568",
        alpha=0.45,
        zorder=3,
        edgecolors="white",
        linewidths=0.5,
        label=f"places ({report.params.metric}, all windows)",
    )
    first: dict[str, Any] = {}
    for f in report.flags:
        first.setdefault(f.place, f)
    if first:
        ax.scatter(
            [f.lon for f in first.values()],
            [f.lat for f in first.values()],
            s=[60 + 25 * min(f.observed, 20) for f in first.values()],
            facecolors="none",
            edgecolors="#c53030",
            linewidths=2.0,
            zorder=4,
            label="flagged (first flag)",
        )
        for f in first.values():
            right = f.lon > (extent[0] + extent[1]) / 2
            ax.annotate(
                f"{f.place.split(',')[0]}\n{f.window_start:%d %b}-{f.window_end:%d %b}: "
                f"{f.observed} vs {f.expected:.2g} expected\nq={f.q_value:.2g}",
                (f.lon, f.lat),
                fontsize=7,
                xytext=(-8, -4) if right else (8, -4),
                textcoords="offset points",
                ha="right" if right else "left",
                va="top",
                color="#9b2c2c",
                zorder=5,
            )
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_title(
        title
        or f"Emerging hotspots: {len(report.flags)} flag(s) at FDR {report.params.alpha} "
        f"over {report.tests:,} place-window tests",
        fontsize=10,
    )
    fig.tight_layout()
    return _save(fig, out)


def draw_hotspot_chart(
    report: HotspotReport,
    out: Path,
    *,
    places: Iterable[str] = (),
    top: int = 4,
    onsets: dict[str, date] | None = None,
) -> Path:
    """Counts per window (steps) of the flagged places (or ``places``); each flag's tested
    span shaded and labelled ``observed vs expected``; ``onsets`` (place -> day) drawn
    as dashed lines (e.g. the planted hotspot)."""
    _check_out(out)
    plt = _plt()
    wanted = list(places) or list(dict.fromkeys(f.place for f in report.flags))[:top]
    if not wanted:
        wanted = [p.place for p in sorted(report.places, key=lambda p: -sum(p.counts))[:top]]
    series = {p.place: p for p in report.places}
    fig, ax = plt.subplots(figsize=(10, 3.8))
    days = report.params.window_days
    for k, name in enumerate(wanted):
        if name not in series:
            continue
        color = _PALETTE[k % len(_PALETTE)]
        xs = [*report.windows, report.windows[-1] + timedelta(days=days)] if report.windows else []
        ys = [*series[name].counts, series[name].counts[-1]] if report.windows else []
        ax.step(xs, ys, where="post", color=color, lw=1.6, label=name)
        for f in report.flags:
            if f.place == name:
                ax.axvspan(f.window_start, f.window_end, color=color, alpha=0.10, lw=0)
        first = next((f for f in report.flags if f.place == name), None)
        if first is not None:
            ax.annotate(
                f"{first.observed} vs {first.expected:.2f} expected, q={first.q_value:.2g}",
                (first.window_end, max(series[name].counts)),
                fontsize=7,
                color=color,
                xytext=(4, -10),
                textcoords="offset points",
            )
        if onsets and name in onsets:
            ax.axvline(onsets[name], color=color, ls="--", lw=1)
            ax.annotate(
                "planted onset",
                (onsets[name], 0),
                fontsize=7,
                color=color,
                xytext=(-4, 4),
                textcoords="offset points",
                ha="right",
            )
    ax.set_ylabel(f"{report.params.metric.replace('_', ' ')} per {days} days")
    ax.set_title("Counts per window; shaded: windows of a flagged test", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    return _save(fig, out)


def _centroids() -> dict[str, tuple[float, float]]:
    return {s.iso3: s.centroid() for s in world_countries() if s.iso3}


def _hi(c: Count) -> float:
    return float(c.hi) if c.hi is not None else float(c.lo) * 1.5 + 5


def draw_routes(
    totals: Iterable[RouteTotal], out: Path, *, title: str | None = None, n: int = 20
) -> Path:
    """Origin -> destination arrows: solid width = lower bound, halo = upper bound."""
    _check_out(out)
    cents = _centroids()
    chosen = [t for t in totals if t.origin in cents and t.destination in cents][:n]
    pts = [cents[c] for t in chosen for c in (t.origin, t.destination)]
    extent = _extent([p[0] for p in pts], [p[1] for p in pts], pad=0.08)
    fig, ax = _figure(extent, width=11.0)
    _base_map(ax, extent)
    peak = max((_hi(t.count) for t in chosen), default=1.0) or 1.0
    domestic = []
    for k, t in enumerate(chosen):
        a, b = cents[t.origin], cents[t.destination]
        color = _PALETTE[k % len(_PALETTE)]
        if t.origin == t.destination:
            domestic.append(t)
            ax.scatter(
                [a[0]],
                [a[1]],
                s=30 + 400 * t.count.lo / peak,
                facecolors="none",
                edgecolors=color,
                linewidths=1.5,
                zorder=4,
            )
            continue
        if t.count.censored:
            _arrow(ax, a, b, 0.8 + 7 * _hi(t.count) / peak, color, alpha=0.18)
        _arrow(ax, a, b, 0.8 + 7 * t.count.lo / peak, color, alpha=0.8)
        ax.plot([], [], color=color, lw=2, label=f"{t.origin} -> {t.destination}: {t.count}")
    for t in domestic:
        ax.plot([], [], color="none", label=f"{t.origin} (domestic): {t.count}")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        framealpha=0.9,
        title="victims\n(ranges: censored cells)",
        title_fontsize=7,
    )
    ax.set_title(title or "Top origin -> destination routes", fontsize=10)
    fig.tight_layout()
    return _save(fig, out)


def draw_route_trends(report: RouteReport, out: Path, *, top: int = 5) -> Path:
    """Yearly counts of the top routes: line through the bounds, band = censoring range."""
    _check_out(out)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10, 4))
    for k, (name, by_year) in enumerate(list(report.trends.items())[:top]):
        if not by_year:
            continue
        color = _PALETTE[k % len(_PALETTE)]
        years = list(by_year)
        lo = [by_year[y].lo for y in years]
        hi = [_hi(by_year[y]) for y in years]
        ax.fill_between(years, lo, hi, color=color, alpha=0.18, lw=0)
        ax.plot(years, lo, color=color, marker="o", ms=3, label=name)
        ax.plot(years, hi, color=color, ls="--", lw=0.8)
    ax.set_ylabel("victims (solid: lower bound, dashed: upper)")
    ax.set_title("Route trends", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _save(fig, out)
