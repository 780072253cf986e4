"""Shared state of one generation run: RNG, calendar, places, owners of contacts.

An *owner* is whoever posts ads under one set of contacts: an independent adult,
a spa, an employer, a landlord, a recruiter, a dater, a buyer. Owners are kept in
bounded pools (so memory stays flat) and post a few ads each, always from their
own city and with their own phone/email/handle, never shared with another owner.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from vigil.synth.doc import Doc
from vigil.synth.identifiers import Namer, Phone, PhoneBook
from vigil.synth.vocab import (
    AR_CITIES,
    AU_CITIES,
    EN_NAMES,
    ES_CITIES,
    ES_NAMES,
    HISPANIC_US_CITIES,
    MX_CITIES,
    US_CITIES,
    City,
)

__all__ = ["WINDOW_DAYS", "Draft", "Owner", "OwnerPool", "World"]

#: Length of the period posts are spread over (26 weeks).
WINDOW_DAYS: Final = 182


@dataclass(slots=True)
class Owner:
    """Someone who posts several ads with the same contacts from one city."""

    name: str
    lang: str
    city: City
    author: str | None
    phone: Phone | None = None
    email: str | None = None
    handle: tuple[str, str] | None = None  # (platform, username)
    payment: str | None = None  # cashapp / venmo / paypal / zelle
    pay_user: str = ""
    style: str = "plain"  # how this owner writes the phone number
    age: int = 0
    business: str = ""
    images: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


class OwnerPool:
    """A bounded set of active owners; each new ad reuses one or makes a new one.

    With probability ``1 / mean_ads`` (or when empty) a new owner is created, so
    owners post ``mean_ads`` ads on average. When more than ``max_active`` are
    active a random one retires for good.
    """

    def __init__(
        self,
        rng: random.Random,
        mean_ads: float,
        factory: Callable[[], Owner],
        max_active: int = 400,
    ) -> None:
        self._rng = rng
        self._p_new = 1.0 / mean_ads
        self._factory = factory
        self._max = max_active
        self._active: list[Owner] = []
        self.created = 0

    def get(self) -> Owner:
        rng = self._rng
        active = self._active
        if not active or rng.random() < self._p_new:
            owner = self._factory()
            self.created += 1
            if len(active) >= self._max:
                active[rng.randrange(len(active))] = owner
            else:
                active.append(owner)
            return owner
        return active[rng.randrange(len(active))]


@dataclass(slots=True)
class Draft:
    """A generated post before it is stamped with ids and a timestamp."""

    doc: Doc
    platform: str
    category: str
    city: City
    day: int
    author: str | None
    images: list[str]
    network_id: str | None = None
    lang: str | None = None  # set when the template chose the language itself


class World:
    """RNG, contact allocators, places and calendar shared by all templates."""

    def __init__(self, seed: int, start: date) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.phones = PhoneBook(random.Random(seed * 7919 + 1))
        self.namer = Namer(random.Random(seed * 7919 + 2))
        self.start = start
        self.days: tuple[str, ...] = tuple(
            (start + timedelta(days=d)).isoformat() for d in range(WINDOW_DAYS)
        )
        self.pools: dict[str, OwnerPool] = {}

    # -- places --------------------------------------------------------------
    def city(self, lang: str) -> City:
        """A city for a post in ``lang`` (es: US Hispanic markets, ES, MX, AR)."""
        rng = self.rng
        roll = rng.random()
        if lang == "es":
            if roll < 0.4:
                return rng.choice(HISPANIC_US_CITIES)
            if roll < 0.65:
                return rng.choice(ES_CITIES)
            if roll < 0.9:
                return rng.choice(MX_CITIES)
            return rng.choice(AR_CITIES)
        return rng.choice(AU_CITIES) if roll < 0.1 else rng.choice(US_CITIES)

    def cities_like(self, city: City) -> tuple[City, ...]:
        """Cities in the same market as ``city`` (for routes)."""
        if city.country == "AU":
            return AU_CITIES
        if city.country == "ES":
            return ES_CITIES
        if city.country == "MX":
            return MX_CITIES
        if city.country == "AR":
            return AR_CITIES
        if city in HISPANIC_US_CITIES:
            return HISPANIC_US_CITIES
        return US_CITIES

    def first_name(self, lang: str) -> str:
        return self.rng.choice(ES_NAMES if lang == "es" else EN_NAMES)

    # -- assets --------------------------------------------------------------
    def image(self) -> str:
        """A fresh image reference (48 random bits: no accidental sharing)."""
        return f"img/{self.rng.getrandbits(48):012x}.jpg"

    def images(self, low: int, high: int) -> list[str]:
        return [self.image() for _ in range(self.rng.randint(low, high))]

    def day(self) -> int:
        return self.rng.randrange(WINDOW_DAYS)

    def pool(self, key: str, mean_ads: float, factory: Callable[[], Owner]) -> OwnerPool:
        """The owner pool named ``key``, created on first use."""
        found = self.pools.get(key)
        if found is None:
            found = self.pools[key] = OwnerPool(self.rng, mean_ads, factory)
        return found

    @staticmethod
    def intl(city: City, phone: Phone) -> bool:
        """Whether ``phone`` needs its country code to be read right in ``city``."""
        if phone.e164.startswith("+61"):
            return city.country != "AU"
        return city.country != "US"
