"""RE2 helpers. Every pattern run on untrusted text in vigil.extract goes through RE2
(linear-time automata, no backtracking) unless its module argues otherwise.

:func:`scan` is the hot path. google-re2's ``finditer`` re-encodes the text to UTF-8
on every call and builds a ``Match`` object (several Python calls) per match; here a
text is encoded once per :class:`~vigil.extract.base.Doc` (:class:`Utf8`) and each
match is returned as a plain list of ``(start, end)`` group spans in *character*
offsets. For ASCII text byte and character offsets agree; otherwise the offsets of
each match are converted in one forward pass (like the wrapper does), so a scan stays
linear in the text. If the wrapper's internals ever change, :func:`scan` falls back
to the public ``finditer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import re2

__all__ = ["Spans", "Utf8", "compile_re2", "finditer", "scan"]

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20  # room for the DFA of the larger alternations

# (start, end) per group, index 0 the whole match; (-1, -1) for a group that did
# not take part in the match.
Spans = list[tuple[int, int]]
_NULL = (-1, -1)


def compile_re2(pattern: str) -> Any:
    """Compile ``pattern`` with RE2 (raises re2.error if RE2 cannot express it)."""
    return re2.compile(pattern, options=_OPTIONS)


def finditer(pattern: Any, text: str) -> Iterator[Any]:
    """``pattern.finditer(text)``, typed for mypy."""
    it: Iterator[Any] = pattern.finditer(text)
    return it


class Utf8:
    """A text and its UTF-8 encoding, shared by every pattern run on it."""

    __slots__ = ("ascii", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        self.ascii = len(self.data) == len(text)


try:  # the wrapper's internals: RE2.Match(anchor, bytes, pos, endpos) -> spans
    from re2 import _re2

    _UNANCHORED: Any = _re2.RE2.Anchor.UNANCHORED
    _bytes_to_chars: Any = _re2.BytesToCharLen
    _chars_to_bytes: Any = _re2.CharLenToBytes
    _FAST = True
except (ImportError, AttributeError):  # pragma: no cover - other google-re2 versions
    _FAST = False


def _scan_fast(pattern: Any, u: Utf8) -> Iterator[Spans]:
    match = pattern._regexp.Match
    data = u.data
    pos, end = 0, len(data)
    if u.ascii:
        while True:
            spans = match(_UNANCHORED, data, pos, end)
            whole = spans[0]
            if whole == _NULL:
                return
            yield spans
            if pos == end:
                return
            pos = whole[1] if whole[1] != pos else pos + 1
    last_byte = last_char = 0
    while True:
        spans = match(_UNANCHORED, data, pos, end)
        whole = spans[0]
        if whole == _NULL:
            return
        # One forward pass over the bytes of this match (offsets only increase
        # from one match to the next): byte offset -> character offset.
        chars: dict[int, int] = {}
        for off in sorted({o for span in spans for o in span if o >= 0}):
            last_char += _bytes_to_chars(data, last_byte, off)
            last_byte = off
            chars[off] = last_char
        yield [_NULL if s == _NULL else (chars[s[0]], chars[s[1]]) for s in spans]
        if pos == end:
            return
        pos = whole[1] if whole[1] != pos else pos + _chars_to_bytes(data, pos, 1)


def _scan_public(pattern: Any, u: Utf8) -> Iterator[Spans]:
    n = pattern.groups + 1
    for m in pattern.finditer(u.text):
        yield [m.span(g) for g in range(n)]


def scan(pattern: Any, u: Utf8) -> Iterator[Spans]:
    """Non-overlapping matches of ``pattern`` in ``u.text``, as group spans."""
    return _scan_fast(pattern, u) if _FAST else _scan_public(pattern, u)


def _self_check() -> bool:
    pat = compile_re2(r"(a)(x)?(é+)")
    text = "zaé aéé ∑aé"
    want = [[m.span(g) for g in range(4)] for m in pat.finditer(text)]
    try:
        return list(_scan_fast(pat, Utf8(text))) == want and list(
            _scan_fast(pat, Utf8("aé a"))
        ) == [[(0, 2), (0, 1), (-1, -1), (1, 2)]]
    except Exception:  # pragma: no cover - other google-re2 versions
        return False


if _FAST and not _self_check():  # pragma: no cover - other google-re2 versions
    _FAST = False
