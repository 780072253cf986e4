"""Movement, hotspots and routes: where networks go and where trafficking is emerging.

Service functions return plain dataclasses (:func:`vigil.geo.plain.plain` turns
them into JSON-ready dicts for the console and ``--json``):

* :func:`itineraries` / :func:`movement_graph` / :func:`frames`: linked clusters'
  paths through cities, the city-to-city graph, circuits and corridors, and
  per-week positions for a time slider (``vigil.geo.movement``);
* :func:`hotspots`: places whose counts rise beyond their history, with the numbers
  behind each flag (``vigil.geo.hotspots``);
* :func:`routes`: origin -> destination routes from UNODC GLOTIP and CTDC files,
  with censored counts kept as intervals (``vigil.geo.routes``);
* ``vigil.geo.maps``: the same as PNG/SVG maps and charts, drawn offline.

See docs/geo.md.
"""

from vigil.geo.errors import GeoInputError
from vigil.geo.hotspots import HotspotParams, HotspotReport, hotspots
from vigil.geo.movement import Frame, Itinerary, MovementGraph, frames, itineraries, movement_graph
from vigil.geo.plain import plain
from vigil.geo.routes import RouteReport, routes

__all__ = [
    "Frame",
    "GeoInputError",
    "HotspotParams",
    "HotspotReport",
    "Itinerary",
    "MovementGraph",
    "RouteReport",
    "frames",
    "hotspots",
    "itineraries",
    "movement_graph",
    "plain",
    "routes",
]
