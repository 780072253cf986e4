"""Counts that may be censored, kept as integer intervals and never rounded to a number.

Published tables hide small counts: UNODC writes ``"<5"`` for 1-4 victims (and, read
literally, 0-4). :func:`parse_count` turns such a cell into ``Count(0, 4)``: the
literal meaning of "fewer than five", assuming nothing about whether the cell could
be zero. Sums of counts add their bounds (interval arithmetic), so a total over
censored cells is a range too. ``hi = None`` means no upper bound (``">100"``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Count", "parse_count", "total"]

MISSING = frozenset({"", "..", "...", "-", "\u2013", "n/a", "na", "nan", "none", "null"})


@dataclass(frozen=True, slots=True, order=True)
class Count:
    """``lo <= true count <= hi`` (``hi`` None: unbounded)."""

    lo: int
    hi: int | None

    def __post_init__(self) -> None:
        if self.lo < 0 or (self.hi is not None and self.hi < self.lo):
            raise ValueError(f"bad interval [{self.lo}, {self.hi}]")

    @classmethod
    def exact(cls, n: int) -> Count:
        return cls(n, n)

    @property
    def is_exact(self) -> bool:
        return self.hi == self.lo

    @property
    def censored(self) -> bool:
        return not self.is_exact

    def __add__(self, other: Count) -> Count:
        hi = None if self.hi is None or other.hi is None else self.hi + other.hi
        return Count(self.lo + other.lo, hi)

    def certainly_greater(self, other: Count) -> bool:
        """True when every value in ``self`` exceeds every value in ``other``."""
        return other.hi is not None and self.lo > other.hi

    def __str__(self) -> str:
        if self.is_exact:
            return str(self.lo)
        return f"{self.lo}-{self.hi}" if self.hi is not None else f">={self.lo}"


ZERO = Count(0, 0)


def total(counts: list[Count] | tuple[Count, ...]) -> Count:
    out = ZERO
    for c in counts:
        out = out + c
    return out


def _int(text: str) -> int:
    cleaned = text.replace(",", "").replace("\u202f", "").replace(" ", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(f"not a whole number: {text!r}")
    return int(cleaned)


def parse_count(text: str | int | float | None) -> Count | None:
    """A count cell: ``"12"``, ``"1,234"``, ``"<5"``, ``"<=4"``, ``">100"``, ``"5-10"``.

    Missing markers (empty, ``..``, ``-``, ``n/a``) give None. Anything else that is
    not a whole, non-negative count raises ValueError.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"not a count: {text!r}")
    if isinstance(text, int):
        if text < 0:
            raise ValueError(f"negative count: {text}")
        return Count.exact(text)
    if isinstance(text, float):
        if text != text:  # NaN
            return None
        if text < 0 or text != int(text):
            raise ValueError(f"not a whole, non-negative count: {text}")
        return Count.exact(int(text))
    s = text.strip()
    if s.lower() in MISSING:
        return None
    for prefix, lo_of, hi_of in (
        ("<=", lambda n: 0, lambda n: n),
        ("\u2264", lambda n: 0, lambda n: n),
        ("<", lambda n: 0, lambda n: n - 1),
        (">=", lambda n: n, lambda n: None),
        ("\u2265", lambda n: n, lambda n: None),
        (">", lambda n: n + 1, lambda n: None),
    ):
        if s.startswith(prefix):
            n = _int(s[len(prefix) :].strip())
            if prefix in ("<",) and n == 0:
                raise ValueError(f"empty range: {text!r}")
            return Count(lo_of(n), hi_of(n))
    if "-" in s[1:]:
        left, _, right = s.partition("-")
        lo, hi = _int(left.strip()), _int(right.strip())
        if hi < lo:
            raise ValueError(f"range upside down: {text!r}")
        return Count(lo, hi)
    return Count.exact(_int(s))
