"""Stated ages, in whole years.

``21 yrs``, ``19yo``, ``19 y/o``, ``age: 22``, ``just turned 18``, ``I'm 23``,
``tengo 20 años``, ``20 añitos``, ``edad: 25``, ``just turned eighteen``. Ages from
10 to 99 are kept; ``attrs["minor"]`` is set below 18.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.extract.tables import SPELLED_AGES
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_ages"]

_SPELLED = "|".join(sorted((k.replace(" ", r"\s") for k in SPELLED_AGES), key=len, reverse=True))
_NUM = r"(\d{2}|" + _SPELLED + r")"
_AGE = compile_re2(
    r"(?i)(?:^|[^a-z0-9])(?:"
    r"" + _NUM + r"\s?(?:-\s?)?(?:yrs?|years?(?:\s+old)?|y/o|y\.o\.?|yo|yr\.?\s?old|"
    r"a[ñn]os|a[ñn]itos|ans|anos)"
    r"|(?:age|aged|edad|idade|[aâ]ge)\s*(?:is|:|=|-|—)?\s*" + _NUM + r""
    r"|(?:just\s+)?turned\s+" + _NUM + r""
    r"|(?:i'?m|i\s+am|i’m)\s+(?:only\s+|just\s+)?" + _NUM + r"(?:\s*(?:[.,!;)]|$|and\b|&|\n))"
    r"|tengo\s+" + _NUM + r"(?:\s+a[ñn]os)?(?:[^0-9a-z]|$)"
    r")"
)
# Every spelled age starts with one of these words (a cheap pre-check).
_SPELLED_HINTS = tuple(sorted({k.split()[0].split("-")[0] for k in SPELLED_AGES}))


def _value(s: str) -> int | None:
    s = " ".join(s.lower().split())
    if s.isdigit():
        return int(s)
    return SPELLED_AGES.get(s)


def extract_ages(doc: Doc) -> Iterator[Identifier]:
    """Ages stated in ``doc`` (10..99)."""
    text = doc.text
    if not doc.has_ascii_digit:
        low = doc.lower
        if not any(h in low for h in _SPELLED_HINTS):
            return  # no "\\d{2}" and no spelled age: the pattern cannot match
    for sp in scan(_AGE, doc.utf8):
        group = next(g for g in range(1, 6) if sp[g][0] >= 0)
        start, end = sp[group]
        age = _value(text[start:end])
        if age is None or not 10 <= age <= 99:
            continue
        m_start, m_end = sp[0]
        # Widen raw to the whole phrase, without the boundary characters.
        phrase_start = m_start + (1 if m_start < start and not text[m_start].isalpha()
                                  and text[m_start] not in "'’" else 0)  # fmt: skip
        phrase_end = m_end
        while phrase_end > end and not text[phrase_end - 1].isalnum():
            phrase_end -= 1
        if phrase_end < len(text) and text[phrase_end].isalnum():
            continue
        phrase_start = min(phrase_start, start)
        attrs: dict[str, object] = {}
        if age < 18:
            attrs["minor"] = True
        yield Identifier(
            kind=IdentifierKind.AGE,
            value=str(age),
            raw=text[phrase_start:phrase_end],
            start=phrase_start,
            end=phrase_end,
            confidence=0.9 if group in (1, 2, 5) else 0.8,
            attrs=attrs,
        )


register(FunctionExtractor(IdentifierKind.AGE, extract_ages))
