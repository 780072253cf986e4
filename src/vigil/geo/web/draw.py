"""A cluster's movement map for one week: the frame the console's time slider shows.

Drawn like :func:`vigil.geo.maps.draw_movement` (same base map and projection, same
helpers): the whole itinerary in pale grey, the moves made up to the end of the week
in colour, and the network's city in that week as a red dot with its name and posts.
The frame is framed on all the itinerary's cities so the map does not jump between
weeks.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from pathlib import Path

from vigil.geo.maps import _arrow, _base_map, _figure, _focus_extent, _plt
from vigil.geo.movement import Frame, Itinerary

__all__ = ["draw_frame", "frame_caption"]


def frame_caption(item: Itinerary, frame: Frame) -> str:
    """One sentence saying where the network was in ``frame`` (SVG title, alt text)."""
    last_day = frame.end - timedelta(days=1)
    span = f"{frame.start:%d %b %Y} to {last_day:%d %b %Y}"
    here = [p for p in frame.positions if p.cluster_id == item.cluster_id]
    if not here:
        return f"Cluster {item.cluster_id}, week {span}: no posts this week."
    pos = here[0]
    return f"Cluster {item.cluster_id}, week {span}: in {pos.city} (about {pos.posts} posts)."


def draw_frame(item: Itinerary, frame: Frame, out: Path) -> Path:
    """Write the map of ``item`` at ``frame`` to ``out`` (PNG or SVG by suffix)."""
    visits = item.visits
    extent = _focus_extent([(v.lon, v.lat, v.country, float(v.posts)) for v in visits], "world")
    fig, ax = _figure(extent, width=9.0)
    _base_map(ax, extent)
    for a, b in pairwise(visits):
        done = b.first_seen.date() < frame.end
        _arrow(
            ax,
            (a.lon, a.lat),
            (b.lon, b.lat),
            1.8 if done else 1.0,
            "#2b6cb0" if done else "#a0aec0",
            alpha=0.9 if done else 0.45,
            rad=0.25,
        )
    seen = {(v.lon, v.lat): v.city for v in visits}
    ax.scatter(
        [p[0] for p in seen],
        [p[1] for p in seen],
        s=28,
        color="#2d3748",
        alpha=0.6,
        zorder=3,
        edgecolors="white",
        linewidths=0.5,
    )
    for (lon, lat), city in seen.items():
        ax.annotate(
            city.split(",")[0],
            (lon, lat),
            fontsize=7,
            xytext=(4, 3),
            textcoords="offset points",
            zorder=5,
        )
    here = [p for p in frame.positions if p.cluster_id == item.cluster_id]
    for pos in here:
        ax.scatter([pos.lon], [pos.lat], s=160, color="#c53030", zorder=6, edgecolors="white")
        ax.annotate(
            f"{pos.city}: about {pos.posts} posts",
            (pos.lon, pos.lat),
            fontsize=8,
            fontweight="bold",
            color="#9b2c2c",
            xytext=(8, -12),
            textcoords="offset points",
            zorder=7,
        )
    ax.set_title(frame_caption(item, frame), fontsize=9)
    # Cropped to the drawing (the aspect-corrected map leaves margins in the figure).
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"Date": None} if out.suffix.lower() == ".svg" else {"Software": None}
    fig.savefig(out, metadata=meta, dpi=120, bbox_inches="tight", pad_inches=0.05)
    _plt().close(fig)
    return out
