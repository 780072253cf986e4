"""The default phone region of a post, from its ``location`` field.

``"Denver, CO"`` -> ``US`` (a US state code wins over the same ISO country code),
``"Gold Coast, AU"`` -> ``AU``, ``"Madrid, Spain"`` -> ``ES``; otherwise the fallback.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["region_for_location"]

_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
    ]
)


@lru_cache(maxsize=4096)
def region_for_location(location: str | None, fallback: str = "US") -> str:
    """ISO 3166 alpha-2 region for a free-text location, else ``fallback``."""
    if not location:
        return fallback
    tail = location.rsplit(",", 1)[-1].strip()
    if len(tail) == 2 and tail.isalpha() and tail.isupper():
        if tail in _US_STATES:
            return "US"
        import pycountry

        if pycountry.countries.get(alpha_2=tail) is not None:
            return tail
        return fallback
    import pycountry

    try:
        found = pycountry.countries.lookup(tail)
    except LookupError:
        return fallback
    return str(found.alpha_2)
