"""Movement of linked networks: itineraries, the city-to-city graph, circuits, corridors.

An **itinerary** is a cluster's geocoded posts in time order, cut into *visits*:
maximal runs of consecutive posts in the same city (a city left and later returned
to gives two visits). A **move** is the step from one visit to the next. The
**movement graph** has a node per city and a directed edge per (from, to) pair,
weighted by the networks (clusters) that made that move, the moves and the posts
of the arriving visits.

A **loop** closes whenever a network returns to a city it visited before and
visited no other city twice in between: the cities between the two visits,
rotated to start at the smallest name, so
``Houston -> Dallas -> Austin -> Houston`` and ``Dallas -> Austin -> Houston ->
Dallas`` are the same loop. A loop a network closes two or more times is a
**circuit** (a recurring tour). A **corridor** is a pair of cities (either
direction) that at least ``min_networks`` networks moved between.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from vigil.geo.results import GeoPost, ScanData, load_scan

__all__ = [
    "Circuit",
    "Corridor",
    "Edge",
    "Frame",
    "Itinerary",
    "Loop",
    "MovementGraph",
    "Node",
    "Position",
    "Visit",
    "build_itineraries",
    "find_loops",
    "frames",
    "itineraries",
    "movement_graph",
]


@dataclass(frozen=True, slots=True)
class Visit:
    """A stay of one network in one city."""

    city: str
    country: str
    lat: float
    lon: float
    first_seen: datetime
    last_seen: datetime
    posts: int
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Loop:
    """Cities a network left and came back to, and how often it closed this loop."""

    cities: tuple[str, ...]
    returns: int

    @property
    def circuit(self) -> bool:
        return self.returns >= 2


@dataclass(frozen=True, slots=True)
class Itinerary:
    """One cluster's path through the cities."""

    cluster_id: str
    risk: float | None
    posts: int
    visits: tuple[Visit, ...]
    loops: tuple[Loop, ...]

    @property
    def cities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.city for v in self.visits))

    @property
    def moves(self) -> int:
        return max(0, len(self.visits) - 1)

    @property
    def first_seen(self) -> datetime:
        return self.visits[0].first_seen

    @property
    def last_seen(self) -> datetime:
        return self.visits[-1].last_seen


@dataclass(frozen=True, slots=True)
class Node:
    city: str
    country: str
    lat: float
    lon: float
    posts: int
    networks: int
    visits: int


@dataclass(frozen=True, slots=True)
class Edge:
    """Moves from ``source`` to ``target``; ``posts`` counts the arriving visits' posts."""

    source: str
    target: str
    networks: int
    moves: int
    posts: int
    first_move: datetime
    last_move: datetime
    cluster_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Circuit:
    """A loop closed at least twice by each of ``cluster_ids``."""

    cities: tuple[str, ...]
    networks: int
    returns: int
    cluster_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Corridor:
    """A city pair moved along (either way) by ``networks`` networks."""

    city_a: str
    city_b: str
    networks: int
    moves: int
    posts: int
    cluster_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MovementGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    circuits: tuple[Circuit, ...]
    corridors: tuple[Corridor, ...]
    itineraries: int


def _canonical(cities: list[str]) -> tuple[str, ...]:
    i = cities.index(min(cities))
    return tuple(cities[i:] + cities[:i])


def find_loops(cities: list[str]) -> tuple[Loop, ...]:
    """Loops in a visit sequence (consecutive entries differ), most returns first."""
    last: dict[str, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    for j, city in enumerate(cities):
        i = last.get(city)
        if i is not None and j - i >= 2 and len(set(cities[i:j])) == j - i:
            key = _canonical(cities[i:j])
            counts[key] = counts.get(key, 0) + 1
        last[city] = j
    return tuple(
        Loop(k, n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    )


def _visits(posts: list[GeoPost], contacts: dict[str, list[str]]) -> list[Visit]:
    visits: list[Visit] = []
    run: list[GeoPost] = []

    def close() -> None:
        city = run[0].city
        idents = sorted({i for p in run for i in contacts.get(p.post_id, ())})
        visits.append(
            Visit(
                city.label,
                city.country,
                city.lat,
                city.lon,
                run[0].posted_at,
                run[-1].posted_at,
                len(run),
                tuple(idents),
            )
        )

    for post in posts:
        if run and post.city.label != run[-1].city.label:
            close()
            run = []
        run.append(post)
    if run:
        close()
    return visits


def build_itineraries(
    data: ScanData,
    *,
    min_risk: float = 0.0,
    min_posts: int = 2,
    with_identifiers: bool = True,
) -> list[Itinerary]:
    """Itineraries of the clusters in ``data`` (highest risk, then most posts, first).

    Clusters below ``min_risk`` (cluster risk; clusters without one are kept) or with
    fewer than ``min_posts`` geocoded posts are left out.
    """
    members: dict[str, list[GeoPost]] = defaultdict(list)
    for post in data.posts:
        if post.cluster_id is not None:
            members[post.cluster_id].append(post)
    kept = {
        cid: sorted(ps, key=lambda p: (p.posted_at, p.post_id))
        for cid, ps in members.items()
        if len(ps) >= min_posts and data.cluster_risk.get(cid, 1.0) >= min_risk
    }
    contacts = (
        data.contacts(p.post_id for ps in kept.values() for p in ps) if with_identifiers else {}
    )
    out = []
    for cid, ps in kept.items():
        visits = _visits(ps, contacts)
        out.append(
            Itinerary(
                cluster_id=cid,
                risk=data.cluster_risk.get(cid),
                posts=len(ps),
                visits=tuple(visits),
                loops=find_loops([v.city for v in visits]),
            )
        )
    out.sort(key=lambda it: (-(it.risk or 0.0), -it.posts, it.cluster_id))
    return out


def itineraries(
    results_dir: Path,
    *,
    min_risk: float = 0.0,
    min_posts: int = 2,
    with_identifiers: bool = True,
) -> list[Itinerary]:
    """Itineraries of the linked clusters of a ``vigil scan`` results directory."""
    return build_itineraries(
        load_scan(results_dir),
        min_risk=min_risk,
        min_posts=min_posts,
        with_identifiers=with_identifiers,
    )


def movement_graph(items: list[Itinerary], *, min_corridor_networks: int = 2) -> MovementGraph:
    """The city-to-city graph of ``items``, with circuits and corridors."""
    node_posts: dict[str, int] = defaultdict(int)
    node_nets: dict[str, set[str]] = defaultdict(set)
    node_visits: dict[str, int] = defaultdict(int)
    where: dict[str, tuple[str, float, float]] = {}
    edge_nets: dict[tuple[str, str], set[str]] = defaultdict(set)
    edge_moves: dict[tuple[str, str], int] = defaultdict(int)
    edge_posts: dict[tuple[str, str], int] = defaultdict(int)
    edge_times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    circuits: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for it in items:
        for v in it.visits:
            node_posts[v.city] += v.posts
            node_nets[v.city].add(it.cluster_id)
            node_visits[v.city] += 1
            where[v.city] = (v.country, v.lat, v.lon)
        for a, b in zip(it.visits, it.visits[1:], strict=False):
            key = (a.city, b.city)
            edge_nets[key].add(it.cluster_id)
            edge_moves[key] += 1
            edge_posts[key] += b.posts
            edge_times[key].append(b.first_seen)
        for loop in it.loops:
            if loop.circuit:
                circuits[loop.cities].append((it.cluster_id, loop.returns))
    nodes = tuple(
        sorted(
            (
                Node(
                    c,
                    where[c][0],
                    where[c][1],
                    where[c][2],
                    node_posts[c],
                    len(node_nets[c]),
                    node_visits[c],
                )
                for c in node_posts
            ),
            key=lambda n: (-n.networks, -n.posts, n.city),
        )
    )
    edges = tuple(
        sorted(
            (
                Edge(
                    a,
                    b,
                    len(edge_nets[(a, b)]),
                    edge_moves[(a, b)],
                    edge_posts[(a, b)],
                    min(edge_times[(a, b)]),
                    max(edge_times[(a, b)]),
                    tuple(sorted(edge_nets[(a, b)])),
                )
                for a, b in edge_nets
            ),
            key=lambda e: (-e.networks, -e.posts, e.source, e.target),
        )
    )
    pairs: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for e in edges:
        pairs[(min(e.source, e.target), max(e.source, e.target))].append(e)
    corridors = []
    for (city_a, city_b), es in pairs.items():
        nets = sorted({c for e in es for c in e.cluster_ids})
        if len(nets) >= min_corridor_networks:
            moves, posts = sum(e.moves for e in es), sum(e.posts for e in es)
            corridors.append(Corridor(city_a, city_b, len(nets), moves, posts, tuple(nets)))
    corridors.sort(key=lambda c: (-c.networks, -c.posts, c.city_a, c.city_b))
    circuit_list = sorted(
        (
            Circuit(
                cities, len(found), sum(r for _, r in found), tuple(sorted(c for c, _ in found))
            )
            for cities, found in circuits.items()
        ),
        key=lambda c: (-c.networks, -c.returns, c.cities),
    )
    return MovementGraph(nodes, edges, tuple(circuit_list), tuple(corridors), len(items))


@dataclass(frozen=True, slots=True)
class Position:
    """Where one network posted in a frame (its most recent visit in the window)."""

    cluster_id: str
    city: str
    lat: float
    lon: float
    posts: int


@dataclass(frozen=True, slots=True)
class Frame:
    """One step of a time slider: the networks seen in ``[start, end)``."""

    start: date
    end: date
    positions: tuple[Position, ...]


def frames(items: list[Itinerary], *, window_days: int = 7) -> tuple[Frame, ...]:
    """Time-slider frames: per window (Monday-aligned), each network's city and posts.

    A network is in every window its visits span (first to last post); a visit's
    posts are spread evenly over its windows (rounded, at least 1), and when two
    visits share a window the later one is shown.
    """
    if window_days < 1:
        raise ValueError("window_days must be >= 1")
    visits = [(it.cluster_id, v) for it in items for v in it.visits]
    if not visits:
        return ()
    first = min(v.first_seen for _, v in visits).date()
    origin = first - timedelta(days=first.weekday())
    last = max(v.last_seen for _, v in visits).date()
    n = (last - origin).days // window_days + 1
    slots: list[dict[str, Position]] = [{} for _ in range(n)]
    for cid, v in sorted(visits, key=lambda cv: cv[1].first_seen):
        a = (v.first_seen.date() - origin).days // window_days
        b = (v.last_seen.date() - origin).days // window_days
        per = max(1, round(v.posts / (b - a + 1)))
        for w in range(a, b + 1):
            prev = slots[w].get(cid)
            posts = per + (prev.posts if prev is not None and prev.city == v.city else 0)
            slots[w][cid] = Position(cid, v.city, v.lat, v.lon, posts)
    return tuple(
        Frame(
            origin + timedelta(days=w * window_days),
            origin + timedelta(days=(w + 1) * window_days),
            tuple(sorted(slots[w].values(), key=lambda p: p.cluster_id)),
        )
        for w in range(n)
    )
