"""Prices and rates: ``<amount> <ISO 4217>/<unit>``.

``$200/hr`` -> ``200 USD/hour``; ``150 hh`` -> ``150 USD/half_hour``; ``200 roses``
-> ``200 USD/unknown``; ``300 for the hour`` -> ``300 USD/hour``; ``150 qv`` ->
``150 USD/session``; ``€120/hora`` -> ``120 EUR/hour``. A bare ``$``/"roses" is the
local dollar of the default region (CAD for CA, ...). Amounts without a currency need
a rate word and must be 30..5000.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import Spans, compile_re2, scan
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


# Group numbers per alternative: (amount, cents, currency or 0, unit).
_GROUPS = {1: (2, 3, 1, 4), 5: (5, 6, 7, 8), 9: (9, 10, 0, 11)}


def _group(text: str, spans: Spans, g: int) -> str | None:
    s, e = spans[g]
    return None if s < 0 else text[s:e]


def extract_prices(doc: Doc) -> Iterator[Identifier]:
    """Prices and rates in ``doc``."""
    text = doc.text
    if not doc.has_ascii_digit:
        return  # every amount is written with digits 0-9
    for sp in scan(_PRICE, doc.utf8):
        # Alternatives: 1 symbol-first, 5 amount-then-currency, 9 amount-then-unit;
        # each is (currency, amount, cents, unit) or (amount, cents, currency, unit).
        first = 1 if sp[1][0] >= 0 else 5 if sp[5][0] >= 0 else 9
        amount_g, cents_g, cur_g, unit_g = _GROUPS[first]
        amount = sp[amount_g]
        cur = _group(text, sp, cur_g) if cur_g else None
        value = int(text[amount[0] : amount[1]].replace(",", ""))
        if cur is None and not 30 <= value <= 5000:
            continue
        if value == 0:
            continue
        last = max(g for g in range(first, 12) if sp[g][0] >= 0)
        start, end = sp[first][0], sp[last][1]
        if end < len(text) and text[end].isalnum():
            continue
        cents_s = _group(text, sp, cents_g)
        unit_s = _group(text, sp, unit_g)
        number = f"{value}.{cents_s}" if cents_s and cents_s != "00" else str(value)
        code = _currency(cur, doc.region) if cur else DOLLAR_REGIONS.get(doc.region, "USD")
        yield Identifier(
            kind=IdentifierKind.PRICE,
            value=f"{number} {code}/{_unit(unit_s)}",
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.9 if cur else 0.7,
            attrs={"amount": float(f"{value}.{cents_s or 0}"), "currency": code},
        )


register(FunctionExtractor(IdentifierKind.PRICE, extract_prices))
