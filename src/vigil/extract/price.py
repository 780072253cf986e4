"""Prices and rates: ``<amount> <ISO 4217>/<unit>``.

``$200/hr`` -> ``200 USD/hour``; ``150 hh`` -> ``150 USD/half_hour``; ``200 roses``
-> ``200 USD/unknown``; ``300 for the hour`` -> ``300 USD/hour``; ``150 qv`` ->
``150 USD/session``; ``€120/hora`` -> ``120 EUR/hour``. A bare ``$``/"roses" is the
local dollar of the default region (CAD for CA, ...). Amounts without a currency need
a rate word and must be 30..5000.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, finditer
from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.extract.tables import CURRENCY_SYMBOLS, CURRENCY_WORDS, DOLLAR_REGIONS, PRICE_UNITS
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_prices"]

_UNITS = "|".join(sorted((u.replace(" ", r"\s?") for u in PRICE_UNITS), key=len, reverse=True))
_CWORDS = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_SYM = "|".join(CURRENCY_SYMBOLS).replace("$", r"\$")
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d{2,5})(?:\.(\d{2}))?"
_TAIL = r"(?:\s*(?:/|per|an?|for\s+(?:the|an?|1|one)?|x|la|por|each)?\s*(" + _UNITS + r"))?"
_PRICE = compile_re2(
    r"(?i)(?:^|[^a-z0-9$€£¥₹])(?:"
    r"(" + _SYM + r")\s?" + _AMOUNT + r"(?:\s?(?:" + _CWORDS + r"))?" + _TAIL
    + r"|" + _AMOUNT + r"\s?(" + _SYM + r"|" + _CWORDS + r")" + _TAIL
    + r"|" + _AMOUNT + r"\s?(?:/|per|for\s+(?:the|an?|1|one)?|x)?\s?(" + _UNITS + r")"
    + r")"
)  # fmt: skip


def _currency(token: str, region: str) -> str:
    token = token.lower()
    code = CURRENCY_SYMBOLS.get(token) or CURRENCY_WORDS.get(token, "USD")
    if code == "USD" and token in ("$", "roses", "rosas", "dollars", "dollar", "bucks"):
        return DOLLAR_REGIONS.get(region, "USD")
    return code


def _unit(token: str | None) -> str:
    if not token:
        return "unknown"
    return PRICE_UNITS.get(" ".join(token.lower().split()), "unknown")


def extract_prices(doc: Doc) -> Iterator[Identifier]:
    """Prices and rates in ``doc``."""
    text = doc.text
    for m in finditer(_PRICE, text):
        if m.group(1) is not None:
            cur, amount, cents, unit, first = m.group(1), m.group(2), m.group(3), m.group(4), 1
        elif m.group(5) is not None:
            amount, cents, cur, unit, first = m.group(5), m.group(6), m.group(7), m.group(8), 5
        else:
            amount, cents, cur, unit, first = m.group(9), m.group(10), None, m.group(11), 9
        value = int(amount.replace(",", ""))
        if cur is None and not 30 <= value <= 5000:
            continue
        if value == 0:
            continue
        last = max(g for g in range(1, 12) if m.group(g) is not None and g >= first)
        start, end = m.start(first), m.end(last)
        if end < len(text) and text[end].isalnum():
            continue
        number = f"{value}.{cents}" if cents and cents != "00" else str(value)
        code = _currency(cur, doc.region) if cur else DOLLAR_REGIONS.get(doc.region, "USD")
        yield Identifier(
            kind=IdentifierKind.PRICE,
            value=f"{number} {code}/{_unit(unit)}",
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.9 if cur else 0.7,
            attrs={"amount": float(f"{value}.{cents or 0}"), "currency": code},
        )


register(FunctionExtractor(IdentifierKind.PRICE, extract_prices))
