"""Per-post evaluation state: the text matches, identifiers and features a rule reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from vigil.indicators.matcher import TextMatches
from vigil.indicators.rules import Result, Span
from vigil.indicators.text import WordIndex
from vigil.model import Identifier

__all__ = ["IdentifierFact", "MatchContext", "identifier_fact"]


class IdentifierFact(NamedTuple):
    """An identifier with the parts predicates test, parsed once per post."""

    value: str
    number: float | None  # age in years, price amount
    unit: str | None  # price unit (hour, half_hour, session, night, unknown)
    currency: str | None  # price currency (ISO 4217)
    prefix: str | None  # platform / service / chain before ``:``
    span: Span


def _number(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def identifier_fact(ident: Identifier, text: str) -> IdentifierFact:
    """Parse ``ident`` (values as in docs/vocabulary.md) and locate it in ``text``."""
    value = ident.value
    number: float | None = None
    unit = currency = prefix = None
    kind = str(ident.kind)
    if kind == "age":
        number = _number(value.strip())
    elif kind == "price":
        amount, _, rest = value.strip().partition(" ")
        number = _number(amount)
        cur, _, per = rest.partition("/")
        currency = cur or None
        unit = per or None
    elif ":" in value:
        prefix = value.split(":", 1)[0]
    start, end = ident.start, ident.end
    if not (0 <= start < end <= len(text) and text[start:end] == ident.raw):
        start = end = -1
    return IdentifierFact(value, number, unit, currency, prefix, Span(start, end, ident.raw, value))


class MatchContext:
    """What the rules of one catalogue see of one post."""

    __slots__ = (
        "_facts",
        "_features",
        "_folded",
        "_idents",
        "_words",
        "memo",
        "patterns",
        "terms",
        "text",
    )

    def __init__(
        self,
        text: str,
        folded: str,
        matches: TextMatches,
        identifiers: Sequence[Identifier],
        features: Mapping[str, object],
    ) -> None:
        self.text = text
        self._folded = folded
        self.terms = matches.terms
        self.patterns = matches.patterns
        self._idents = identifiers
        self._features = features
        self._facts: dict[str, list[IdentifierFact]] | None = None
        self._words: WordIndex | None = None
        self.memo: dict[str, Result] = {}

    def term_spans(self, list_id: int) -> tuple[Span, ...]:
        return self.terms.get(list_id, ())

    def pattern_spans(self, pattern_ids: Sequence[int]) -> tuple[Span, ...]:
        found = self.patterns
        out: list[Span] = []
        for pid in pattern_ids:
            spans = found.get(pid)
            if spans:
                out.extend(spans)
        return tuple(out)

    def identifiers(self, kind: str) -> list[IdentifierFact]:
        facts = self._facts
        if facts is None:
            facts = self._facts = {}
        found = facts.get(kind)
        if found is None:
            # parse only the identifiers of the kinds some rule asks about
            text = self.text
            found = facts[kind] = [
                identifier_fact(ident, text) for ident in self._idents if str(ident.kind) == kind
            ]
        return found

    def feature(self, name: str) -> object | None:
        return self._features.get(name)

    def words(self) -> WordIndex:
        if self._words is None:
            self._words = WordIndex(self._folded)
        return self._words
