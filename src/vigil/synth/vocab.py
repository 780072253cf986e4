"""Word lists and places shared by the synthetic templates.

Everything here is invented or generic: first names, business names and usernames
are combinations of common words, and cities are real places used only as labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "AR_CITIES",
    "AU_CITIES",
    "EMAIL_DOMAINS",
    "EN_NAMES",
    "ES_CITIES",
    "ES_NAMES",
    "HISPANIC_US_CITIES",
    "MX_CITIES",
    "SURNAMES",
    "USER_WORDS",
    "US_CITIES",
    "YOUTH_EMOJI",
    "City",
]


@dataclass(frozen=True, slots=True)
class City:
    """A place a post can be located in.

    ``location`` is the text written into ``posts.jsonl`` (``"Houston, TX"``,
    ``"Madrid, ES"``); ``area_codes`` are local NANP codes (empty outside NANP).
    """

    name: str
    region: str
    country: str
    area_codes: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        return f"{self.name}, {self.region}"


def _words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated word list."""
    return tuple(text.split())


def _us(name: str, state: str, codes: str) -> City:
    return City(name, state, "US", tuple(codes.split()))


US_CITIES: Final[tuple[City, ...]] = (
    _us("New York", "NY", "212 646 718 917 347"),
    _us("Los Angeles", "CA", "213 310 323 818"),
    _us("Chicago", "IL", "312 773 872"),
    _us("Houston", "TX", "713 281 832"),
    _us("Phoenix", "AZ", "602 480 623"),
    _us("Philadelphia", "PA", "215 267"),
    _us("San Antonio", "TX", "210 726"),
    _us("San Diego", "CA", "619 858"),
    _us("Dallas", "TX", "214 469 972"),
    _us("Atlanta", "GA", "404 470 678"),
    _us("Miami", "FL", "305 786"),
    _us("Las Vegas", "NV", "702 725"),
    _us("Denver", "CO", "303 720"),
    _us("Seattle", "WA", "206"),
    _us("Orlando", "FL", "407 321"),
    _us("Nashville", "TN", "615 629"),
    _us("Charlotte", "NC", "704 980"),
    _us("Detroit", "MI", "313"),
    _us("Minneapolis", "MN", "612"),
    _us("New Orleans", "LA", "504"),
    _us("El Paso", "TX", "915"),
    _us("Newark", "NJ", "973 862"),
    _us("Baltimore", "MD", "410 443"),
    _us("Memphis", "TN", "901"),
    _us("Oklahoma City", "OK", "405"),
    _us("Sacramento", "CA", "916 279"),
    _us("Columbus", "OH", "614 380"),
    _us("Indianapolis", "IN", "317 463"),
    _us("Portland", "OR", "503 971"),
    _us("Tampa", "FL", "813 656"),
    _us("San Francisco", "CA", "415"),
    _us("Boston", "MA", "617 857"),
    _us("Washington", "DC", "202"),
    _us("Austin", "TX", "512 737"),
    _us("Salt Lake City", "UT", "801 385"),
)

_US_BY_NAME: Final = {c.name: c for c in US_CITIES}

HISPANIC_US_CITIES: Final[tuple[City, ...]] = tuple(
    _US_BY_NAME[n]
    for n in (
        "Miami",
        "Los Angeles",
        "Houston",
        "San Antonio",
        "El Paso",
        "Phoenix",
        "New York",
        "Chicago",
        "Dallas",
        "San Diego",
        "Orlando",
    )
)

AU_CITIES: Final[tuple[City, ...]] = tuple(
    City(n, "AU", "AU")
    for n in ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Gold Coast")
)
ES_CITIES: Final[tuple[City, ...]] = tuple(
    City(n, "ES", "ES")
    for n in ("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Bilbao", "Alicante")
)
MX_CITIES: Final[tuple[City, ...]] = tuple(
    City(n, "MX", "MX")
    for n in ("Ciudad de México", "Guadalajara", "Monterrey", "Tijuana", "Cancún", "Puebla")
)
AR_CITIES: Final[tuple[City, ...]] = tuple(
    City(n, "AR", "AR") for n in ("Buenos Aires", "Córdoba", "Rosario", "Mendoza")
)

EN_NAMES: Final[tuple[str, ...]] = _words(
    """Amber Anna Ashley Bella Brittany Candy Chloe Crystal Daisy Destiny Diamond Emma
    Faith Gia Grace Hailey Heather Honey Ivy Jade Jasmine Jenna Kayla Kelly Lacey Layla
    Lexi Lily Lola Madison Mia Misty Molly Nikki Olivia Paige Peyton Ruby Sasha Scarlett
    Sierra Skye Sophie Stella Summer Tiffany Violet Zoe"""
)
ES_NAMES: Final[tuple[str, ...]] = _words(
    """Alejandra Ana Andrea Ángela Camila Carla Carmen Catalina Daniela Elena Esperanza
    Fernanda Gabriela Isabel Jimena Julia Karla Laura Lucía Luna Marisol María Martina
    Natalia Paola Paula Rocío Rosa Sofía Valentina Valeria Ximena Yesenia"""
)
SURNAMES: Final[tuple[str, ...]] = _words(
    """adams baker brooks carter diaz evans flores garcia gomez gray hayes jones kim lopez
    martin moreno nguyen ortiz patel perez reed rivera ruiz scott torres vega ward white
    wilson young"""
)
USER_WORDS: Final[tuple[str, ...]] = _words(
    """angel babe bliss bloom blue bunny candy cherry cloud coco cute dream fancy foxy
    gold happy honey kiss lady lucky luna magic mango minty misty moon peach pearl pink
    pixie rose ruby silk sky sparkle star sugar sunny sweet velvet vixen wild"""
)

#: Every email address uses one of these reserved (RFC 2606) domains.
EMAIL_DOMAINS: Final[tuple[str, ...]] = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "inbox.example.org",
    "post.example.net",
)

#: Emoji used in ads as coded youth markers (planted as ``youth_emoji``).
YOUTH_EMOJI: Final[tuple[str, ...]] = ("🍒", "🍭", "🎀", "👧", "🍼", "🧸", "🦄", "🍓")
