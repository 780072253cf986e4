"""Trafficking networks: who they advertise, with which contacts, and where they move.

A network is planned once, up front, so memory does not grow with the number of
posts. Its ads share 1-4 rotated phones (and sometimes an email, handle, payment id
or crypto wallet), a pool of images, 2-6 victim personas and a few text templates.
It moves along a route: a sequence of cities in one market, a few days to two
weeks in each, so ``posted_at`` + ``location`` of its ads trace a path.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Final

from vigil.synth.doc import Ident
from vigil.synth.identifiers import Phone, crypto_ident
from vigil.synth.obfuscate import OBFUSCATED_STYLES
from vigil.synth.vocab import YOUTH_EMOJI, City
from vigil.synth.world import WINDOW_DAYS, World

__all__ = ["POSTS_PER_NETWORK", "Network", "NetworkPlan", "Stop", "plan_networks"]

#: Average trafficking posts per network (the count of networks scales with N).
POSTS_PER_NETWORK: Final = 100
#: Pareto shape for network sizes: a few large networks and many small ones.
SIZE_ALPHA: Final = 1.3

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

    def stop_on(self, day: int) -> Stop:
        """The stop the network is at on ``day``."""
        return self.route[max(0, bisect.bisect_right(self.starts, day) - 1)]

    @property
    def first_day(self) -> int:
        return self.route[0].start

    @property
    def last_day(self) -> int:
        return self.route[-1].end


@dataclass(slots=True)
class NetworkPlan:
    """All networks of a run and the cumulative weights used to pick one per ad."""

    networks: list[Network]
    cum_weights: list[float]

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


def plan_networks(world: World, n_trafficking: int, n_sections: int) -> NetworkPlan:
    """Plan ``~n_trafficking / POSTS_PER_NETWORK`` networks with heavy-tailed sizes."""
    rng = random.Random(world.rng.getrandbits(64))
    count = max(1, round(n_trafficking / POSTS_PER_NETWORK))
    networks = [_network(world, rng, i + 1, n_sections) for i in range(count)]
    cum: list[float] = []
    total = 0.0
    for _ in networks:
        total += min(rng.paretovariate(SIZE_ALPHA), 40.0)
        cum.append(total)
    return NetworkPlan(networks, cum)
