"""Trafficking networks: who they advertise, with which contacts, and where they move.

A network is planned once, up front, so memory does not grow with the number of
posts. Its ads share 1-4 rotated phones (and sometimes an email, handle, payment id
or crypto wallet), a pool of images, 2-6 victim personas and a few text templates.
It moves along a route: a sequence of cities in one market, a few days to two
weeks in each, so ``posted_at`` + ``location`` of its ads trace a path.

Two kinds of movement are then planted for movement analysis, by changing only
the *cities* of planned stops (never their days, so the random stream that makes
the ads is the same as without them):

* *circuits*: about :data:`CIRCUIT_SHARE` of the networks with 4+ stops ride a
  loop of three cities, repeated in order;
* one *emerging hotspot* (:class:`Hotspot`): up to :data:`HOTSPOT_NETWORKS`
  networks of the US market that reach a stop within 10 days of an onset day in
  weeks 13-18 (the day most networks can join) and stay on the road 4+ weeks
  converge on one US city and work from it (every other stop there from then on). ``vigil
  synth`` records it in ``plan.json`` so hotspot detection can be scored.

Both draw from their own random generator (seeded from the run's seed).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Final

from vigil.synth.doc import Ident
from vigil.synth.identifiers import Phone, crypto_ident
from vigil.synth.obfuscate import OBFUSCATED_STYLES
from vigil.synth.vocab import US_CITIES, YOUTH_EMOJI, City
from vigil.synth.world import WINDOW_DAYS, World

__all__ = [
    "CIRCUIT_SHARE",
    "HOTSPOT_NETWORKS",
    "POSTS_PER_NETWORK",
    "Hotspot",
    "Network",
    "NetworkPlan",
    "Stop",
    "plan_networks",
]

#: Average trafficking posts per network (the count of networks scales with N).
POSTS_PER_NETWORK: Final = 100
#: Pareto shape for network sizes: a few large networks and many small ones.
SIZE_ALPHA: Final = 1.3
#: Share of networks (with 4+ stops) whose route becomes a circuit of 3 cities.
CIRCUIT_SHARE: Final = 0.4
#: Most networks that converge on the planted hotspot.
HOTSPOT_NETWORKS: Final = 5

_PLAIN_EMOJI: Final = ("💋", "🔥", "💦", "😘", "🌹", "✨")


@dataclass(frozen=True, slots=True)
class Stop:
    """One leg of a route: ``city`` from ``start`` (day index) up to ``end``."""

    city: City
    start: int
    end: int


@dataclass(slots=True)
class Network:
    """One trafficking operation, as its ads reveal it."""

    id: str
    lang: str
    route: list[Stop]
    phones: list[Phone]
    styles: tuple[str, ...]
    victims: list[tuple[str, int]]
    images: list[str]
    emoji: tuple[str, ...]
    youth: bool
    skeletons: list[list[int]]
    email: str | None = None
    handle: tuple[str, str] | None = None
    payment: tuple[str, str] | None = None  # (service, username)
    wallet: tuple[str, Ident] | None = None
    platforms: tuple[str, ...] = ("escortads.example",)
    starts: list[int] = field(default_factory=list)
    circuit: bool = False
    hotspot: bool = False

    def stop_on(self, day: int) -> Stop:
        """The stop the network is at on ``day``."""
        return self.route[max(0, bisect.bisect_right(self.starts, day) - 1)]

    @property
    def first_day(self) -> int:
        return self.route[0].start

    @property
    def last_day(self) -> int:
        return self.route[-1].end


@dataclass(frozen=True, slots=True)
class Hotspot:
    """An emerging hotspot: ``networks`` work from ``city`` from day ``start`` on.

    ``start`` is the first day one of them is there (the planted onset).
    """

    city: City
    start: int
    networks: tuple[str, ...]


@dataclass(slots=True)
class NetworkPlan:
    """All networks of a run and the cumulative weights used to pick one per ad."""

    networks: list[Network]
    cum_weights: list[float]
    hotspots: list[Hotspot] = field(default_factory=list)

    def pick(self, rng: random.Random) -> Network:
        return rng.choices(self.networks, cum_weights=self.cum_weights)[0]


def _route(world: World, rng: random.Random, home: City) -> list[Stop]:
    market = world.cities_like(home)
    start = rng.randrange(WINDOW_DAYS - 21)
    stops = [Stop(home, start, min(WINDOW_DAYS, start + rng.randint(3, 14)))]
    n_stops = rng.randint(3, 12)
    while len(stops) < n_stops and stops[-1].end < WINDOW_DAYS:
        prev = stops[-1]
        city = rng.choice([c for c in market if c != prev.city])
        stops.append(Stop(city, prev.end, min(WINDOW_DAYS, prev.end + rng.randint(3, 14))))
    return stops


def _network(world: World, rng: random.Random, index: int, n_sections: int) -> Network:
    lang = "es" if rng.random() < 0.15 else "en"
    home = world.city(lang)
    route = _route(world, rng, home)
    phones = [world.phones.take(home) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))]
    youth = rng.random() < 0.5
    victims = []
    for _ in range(rng.randint(2, 6)):
        age = rng.choice((18, 18, 19, 19, 20, 21)) if youth else rng.randint(19, 26)
        victims.append((world.first_name(lang), age))
    styles = tuple(
        rng.sample(OBFUSCATED_STYLES, rng.randint(1, 3)) + (["plain"] if rng.random() < 0.4 else [])
    )
    skeletons = [[rng.randrange(8) for _ in range(n_sections)] for _ in range(rng.randint(2, 4))]
    net = Network(
        id=f"net-{index:04d}",
        lang=lang,
        route=route,
        phones=phones,
        styles=styles,
        victims=victims,
        images=world.images(6, 24),
        emoji=YOUTH_EMOJI if youth and rng.random() < 0.7 else _PLAIN_EMOJI,
        youth=youth,
        skeletons=skeletons,
        starts=[s.start for s in route],
    )
    roll = rng.random()
    if roll < 0.25:
        net.email = world.namer.email(rng.choice(victims)[0])
    if rng.random() < 0.3:
        platform = rng.choice(("telegram", "snapchat", "kik", "wechat", "line"))
        net.handle = (platform, world.namer.username(victims[0][0]))
    if rng.random() < 0.3:
        net.payment = (rng.choice(("cashapp", "cashapp", "venmo")), world.namer.username("pay"))
    if rng.random() < 0.08:
        net.wallet = crypto_ident(rng, rng.choice(("btc", "eth")))
    if rng.random() < 0.5:
        net.platforms = ("escortads.example", "classifieds.example")
    return net


def _set_cities(world: World, rng: random.Random, net: Network, cities: list[City]) -> None:
    """Give the stops of ``net`` new cities, keeping their days.

    An ad at the first or last stop draws a city from ``world.cities_like`` of its
    stop (the previous/next city of the route's ends), and a draw from a list of
    another length would change every later draw. So an end stop keeps its city
    unless the new one has the same market list; a neighbour that then repeats it
    is moved to another city of that market.
    """
    orig = [s.city for s in net.route]
    last = len(cities) - 1
    for i in (0, last):
        if world.cities_like(cities[i]) is not world.cities_like(orig[i]):
            cities[i] = orig[i]
            j = 1 if i == 0 else last - 1
            if 0 < j < last and cities[j] == cities[i]:
                around = {cities[j - 1], cities[j + 1]}
                cities[j] = rng.choice([c for c in world.cities_like(orig[j]) if c not in around])
    net.route = [Stop(c, s.start, s.end) for c, s in zip(cities, net.route, strict=True)]


def _plant_circuits(world: World, rng: random.Random, networks: list[Network]) -> None:
    for net in networks:
        if len(net.route) < 4 or rng.random() >= CIRCUIT_SHARE:
            continue
        market = world.cities_like(net.route[0].city)
        loop = [net.route[0].city, net.route[1].city]
        third = net.route[2].city
        if third in loop:
            third = rng.choice([c for c in market if c not in loop])
        loop.append(third)
        _set_cities(world, rng, net, [loop[i % 3] for i in range(len(net.route))])
        net.circuit = True


def _hotspot_candidates(
    world: World, networks: list[Network], city: City, start: int
) -> list[tuple[int, int, Network]]:
    """(arrival day, first stop index, network) of networks that can join a hotspot
    in ``city`` starting on day ``start``: same market, a stop beginning within 10
    days of the onset, and 4+ weeks and 3+ stops on the road from there."""
    out: list[tuple[int, int, Network]] = []
    for net in networks:
        if city not in world.cities_like(net.route[0].city):
            continue
        first = next((i for i, s in enumerate(net.route) if s.start >= start), None)
        if first is None or net.route[first].start > start + 10:
            continue
        if len(net.route) - first < 3 or net.last_day - net.route[first].start < 28:
            continue
        if first and net.route[first - 1].city == city:
            continue
        out.append((net.route[first].start, first, net))
    out.sort(key=lambda c: (c[0], c[2].id))
    return out[:HOTSPOT_NETWORKS]


def _plant_hotspot(world: World, rng: random.Random, networks: list[Network]) -> Hotspot | None:
    city = rng.choice(US_CITIES)
    # The onset (weeks 13-18) that the most networks can join.
    best: list[tuple[int, int, Network]] = []
    for start in range(WINDOW_DAYS // 2, WINDOW_DAYS * 7 // 10 + 1):
        found = _hotspot_candidates(world, networks, city, start)
        if len(found) > len(best):
            best = found
    if not best:
        return None
    market = [c for c in world.cities_like(city) if c != city]
    for _, first, net in best:
        cities = [s.city for s in net.route]
        for i in range(first, len(cities)):
            if (i - first) % 2 == 0:
                cities[i] = city
            elif cities[i] == city:
                cities[i] = rng.choice(market)
        _set_cities(world, rng, net, cities)
        net.hotspot = True
        net.circuit = False
    return Hotspot(city, min(c[0] for c in best), tuple(c[2].id for c in best))


def plan_networks(world: World, n_trafficking: int, n_sections: int) -> NetworkPlan:
    """Plan ``~n_trafficking / POSTS_PER_NETWORK`` networks with heavy-tailed sizes,
    then plant circuits and one emerging hotspot in their routes."""
    rng = random.Random(world.rng.getrandbits(64))
    count = max(1, round(n_trafficking / POSTS_PER_NETWORK))
    networks = [_network(world, rng, i + 1, n_sections) for i in range(count)]
    cum: list[float] = []
    total = 0.0
    for _ in networks:
        total += min(rng.paretovariate(SIZE_ALPHA), 40.0)
        cum.append(total)
    movement = random.Random(world.seed * 7919 + 3)
    _plant_circuits(world, movement, networks)
    hotspot = _plant_hotspot(world, movement, networks)
    return NetworkPlan(networks, cum, [hotspot] if hotspot else [])
