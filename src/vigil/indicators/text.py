"""Length-preserving text folding and word geometry for indicator matching.

Every matcher reads the *folded* text: each character is lower-cased and stripped
of accents **one character for one character**, so an offset into the folded text is
the same offset into the original text. That keeps hit spans exact without any
offset mapping.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right

import numpy as np

__all__ = ["WordIndex", "fold", "is_word_char"]

# Characters that fold to something other than their accent-stripped lower case.
_SPACE = 32
_SPECIAL = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark (typographic apostrophe)
    "\u02bc": "'",  # modifier letter apostrophe
    "\u00b4": "'",  # acute accent used as apostrophe
    "`": "'",
    "\n": " ",
    "\t": " ",
    "\r": " ",
}


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled lazily: one output character per input character."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        out = _SPECIAL.get(ch)
        if out is None:
            base = unicodedata.normalize("NFD", ch)[:1] or ch
            if unicodedata.combining(base):  # a lone combining mark stays itself
                base = ch
            low = base.lower()
            out = low if len(low) == 1 else base
        self[cp] = out
        return out


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Return ``text`` lower-cased and accent-stripped, with ``len(fold(t)) == len(t)``."""
    return text.translate(_TABLE)


def is_word_char(ch: str) -> bool:
    """True for characters that belong to a word (letters, digits, underscore)."""
    return ch.isalnum() or ch == "_"


class _WordMask(dict[int, str]):
    """``str.translate`` table: word characters stay, everything else becomes a space."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        out = ch if is_word_char(ch) and ch != " " else " "
        self[cp] = out
        return out


_MASK = _WordMask()


class WordIndex:
    """Maps character offsets of a folded text to word positions (for ``near``)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, folded: str) -> None:
        masked = folded.translate(_MASK)
        codes = np.frombuffer(masked.encode("utf-32-le"), dtype=np.uint32)
        word = np.concatenate(([False], codes != _SPACE, [False]))
        edges = np.flatnonzero(word[1:] != word[:-1])
        self._starts: list[int] = edges[0::2].tolist()
        self._ends: list[int] = edges[1::2].tolist()

    def first_word(self, start: int) -> int:
        """Index of the first word that ends after ``start``."""
        return bisect_right(self._ends, start)

    def last_word(self, end: int) -> int:
        """Index of the last word that starts before ``end``."""
        return bisect_left(self._starts, end) - 1

    def gap(self, a: tuple[int, int], b: tuple[int, int]) -> int:
        """Number of words strictly between spans ``a`` and ``b`` (0 when they touch)."""
        if a[0] > b[0]:
            a, b = b, a
        return max(0, self.first_word(b[0]) - self.last_word(a[1]) - 1)
