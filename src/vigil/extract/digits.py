"""Linear-time normalisation of a text into a stream of digit clusters.

This is the first half of phone extraction. It finds everything that can stand for
digits, each with its offsets in the original text:

* decimal digits of any script (ASCII, full-width, mathematical, Arabic-Indic, ...),
  digit look-alikes (circled, dingbat, super/subscript), keycap emoji (the digit
  before U+FE0F U+20E3);
* spelled digits in English, Spanish, Portuguese and French, in any case, alone or
  glued to each other and to numerals ("2ONE6", "fourfoureight", "dos uno seis");
* the letters O/o for 0 and l/I for 1 when they sit between or next to digits.

Adjacent pieces form a *cluster*. A cluster glued to other letters ("phone",
"someone", "150hh", "call2125550123") loses its spelled/letter pieces on that side
and is marked ``glued`` there, so it never joins a neighbour across those letters.

Every step is a single left-to-right pass: one ``re`` scan with a single character
class (no nesting, no backtracking), one Aho-Corasick pass for all number words, a sort
of the pieces, and O(1) work per piece (edge extensions are capped at 4 chars).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from vigil.extract.tables import DIGIT_HOMOGLYPHS, LETTER_DIGITS, NUMBER_WORDS

__all__ = ["Cluster", "clusters", "spelled_digit_words"]

_DIGIT_RUN = re.compile("[\\d" + re.escape("".join(DIGIT_HOMOGLYPHS)) + "]+")
# The same runs in ASCII text (every look-alike and non-ASCII digit is non-ASCII).
_ASCII_DIGIT_RUN = re.compile("[0-9]+")
# 2..4 look-alike letters standing alone ("555-Olll"): one bounded class repetition
# and a fixed-width look-ahead, constant work per position. The "not after a letter"
# side is checked in Python (_pieces): the pattern then starts with a character
# class, which re scans for quickly, instead of a look-behind tried at every position.
_LETTER_RUN = re.compile("[" + re.escape("".join(LETTER_DIGITS)) + "]{2,4}(?![^\\W\\d_])")

# Piece kinds.
DIGIT = 0  # ASCII digits
UNICODE = 1  # non-ASCII digits / look-alikes
WORD = 2  # spelled digit
LETTER = 3  # O/l standing for 0/1

_MAX_EDGE = 4
_KEYCAP_TAIL = frozenset("\ufe0f\ufe0e\u20e3")


def spelled_digit_words() -> dict[str, str]:
    """All spelled digit words of every language (lower-case) -> digit."""
    out: dict[str, str] = {}
    for table in NUMBER_WORDS.values():
        out.update(table)
    return out


def _word_automaton() -> Any:
    auto = ahocorasick.Automaton()
    for word, digit in spelled_digit_words().items():
        auto.add_word(word, (len(word), digit))
    auto.make_automaton()
    return auto


# One Aho-Corasick pass finds every spelled digit (linear in text + matches).
_WORDS = _word_automaton()


def _is_word_letter(ch: str) -> bool:
    """``re``'s ``[^\\W\\d_]`` for one character: alphanumeric but not a decimal digit."""
    return ch.isalnum() and not ch.isdecimal()


def _digit_value(ch: str) -> str:
    look = DIGIT_HOMOGLYPHS.get(ch)
    if look is not None:
        return look
    return str(unicodedata.decimal(ch, unicodedata.digit(ch, 0)))


@dataclass(slots=True)
class Cluster:
    """Adjacent digit pieces: ``digits`` read from ``text[start:end]``."""

    start: int
    end: int
    digits: str
    kinds: set[int] = field(default_factory=set)
    glued_left: bool = False
    glued_right: bool = False


Piece = tuple[int, int, str, int]


def _pieces(text: str, lower: str) -> list[Piece]:
    pieces: list[Piece]
    if text.isascii():
        pieces = [(m.start(), m.end(), m.group(), DIGIT) for m in _ASCII_DIGIT_RUN.finditer(text)]
    else:
        pieces = []
        for m in _DIGIT_RUN.finditer(text):
            s = m.group()
            if s.isascii():
                pieces.append((m.start(), m.end(), s, DIGIT))
            else:
                pieces.append((m.start(), m.end(), "".join(map(_digit_value, s)), UNICODE))
    digit_runs = len(pieces)
    for m in _LETTER_RUN.finditer(text):
        a = m.start()
        if a and _is_word_letter(text[a - 1]):
            # Inside a word: every character of this match is a letter, so no
            # stand-alone run can start within it either.
            continue
        s = m.group()
        pieces.append((a, m.end(), "".join(LETTER_DIGITS[c] for c in s), LETTER))
    for end, (size, digit) in _WORDS.iter(lower):
        pieces.append((end + 1 - size, end + 1, digit, WORD))
    if len(pieces) > digit_runs:  # digit runs alone come sorted and disjoint
        pieces.sort(key=_piece_order)
    return pieces


def _piece_order(p: Piece) -> tuple[int, int]:
    return p[0], -p[1]


def _letters_between(text: str, a: int, b: int) -> str | None:
    """Digits for text[a:b] if it is 1..4 letter-digits (O, l, I), else None."""
    if not 0 < b - a <= _MAX_EDGE:
        return None
    out = []
    for ch in text[a:b]:
        d = LETTER_DIGITS.get(ch)
        if d is None:
            return None
        out.append(d)
    return "".join(out)


def _is_letter(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalpha()


def _finish(text: str, group: list[Piece]) -> Cluster | None:
    """Turn adjacent pieces into a cluster, trimming letter pieces glued to words."""
    start, end = group[0][0], group[-1][1]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not before.isalpha() and not after.isalpha() and after not in _KEYCAP_TAIL:
        # Common case ("555-0123"): no letter on either edge, so nothing to extend,
        # nothing glued, nothing to trim.
        if len(group) == 1:
            p = group[0]
            return Cluster(start, end, p[2], {p[3]})
        return Cluster(start, end, "".join([p[2] for p in group]), {p[3] for p in group})
    # Extend over letter-digits on both edges ("Ol23" -> 0123, "oONE" -> 01).
    a = start
    while a > 0 and start - a < _MAX_EDGE and text[a - 1] in LETTER_DIGITS:
        a -= 1
    if a < start and not _is_letter(text, a - 1):
        group.insert(0, (a, start, "".join(LETTER_DIGITS[c] for c in text[a:start]), LETTER))
    b = end
    while b < len(text) and b - end < _MAX_EDGE and text[b] in LETTER_DIGITS:
        b += 1
    if b > end and not _is_letter(text, b):
        group.append((end, b, "".join(LETTER_DIGITS[c] for c in text[end:b]), LETTER))
    glued_left = _is_letter(text, group[0][0] - 1)
    glued_right = _is_letter(text, group[-1][1])
    lo, hi = 0, len(group)
    if glued_left:
        while lo < hi and group[lo][3] in (WORD, LETTER):
            lo += 1
    if glued_right:
        while hi > lo and group[hi - 1][3] in (WORD, LETTER):
            hi -= 1
    if lo >= hi:
        return None
    kept = group[lo:hi]
    end = kept[-1][1]
    while end < len(text) and text[end] in _KEYCAP_TAIL:  # keycap / variation marks
        end += 1
    if len(kept) == 1:  # the usual case: one digit run glued to a word ("150hh")
        digits, kinds = kept[0][2], {kept[0][3]}
    else:
        digits, kinds = "".join([p[2] for p in kept]), {p[3] for p in kept}
    return Cluster(kept[0][0], end, digits, kinds, glued_left, glued_right)


def clusters(text: str, lower: str) -> list[Cluster]:
    """Digit clusters of ``text`` in order (``lower`` is ``text`` lower-cased)."""
    out: list[Cluster] = []
    group: list[Piece] = []
    last_end = -1
    n = len(text)
    for piece in _pieces(text, lower):
        if piece[0] < last_end:  # overlapping spelled word: keep the first
            continue
        if group:
            if piece[0] == last_end:
                group.append(piece)
            else:
                sub = (
                    _letters_between(text, last_end, piece[0])
                    if piece[0] - last_end <= _MAX_EDGE and text[last_end] in LETTER_DIGITS
                    else None
                )
                if sub is not None and (group[-1][3] != WORD or piece[3] != WORD):
                    group.append((last_end, piece[0], sub, LETTER))
                    group.append(piece)
                else:
                    if len(group) == 1 and _plain_edges(text, n, group[0]):
                        # _finish's common case, inline: one piece, no letter around.
                        p = group[0]
                        out.append(Cluster(p[0], p[1], p[2], {p[3]}))
                    else:
                        done = _finish(text, group)
                        if done is not None:
                            out.append(done)
                    group = [piece]
        else:
            group = [piece]
        last_end = piece[1]
    if group:
        done = _finish(text, group)
        if done is not None:
            out.append(done)
    return out


def _plain_edges(text: str, n: int, p: Piece) -> bool:
    """True if no letter (or keycap mark) touches piece ``p``: _finish's fast path."""
    start, end = p[0], p[1]
    if start and text[start - 1].isalpha():
        return False
    if end < n:
        after = text[end]
        return not after.isalpha() and after not in _KEYCAP_TAIL
    return True
