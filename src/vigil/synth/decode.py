"""Reference decoder for the phone renderings of :mod:`vigil.synth.obfuscate`.

It reads, in order, ASCII and Unicode decimal digits (full-width, mathematical,
keycaps), digit words (English and Spanish, any case, run together or not) and the
look-alike letters ``O``/``o`` (0) and ``l``/``I`` (1) inside letter runs that
consist only of those. Letter runs that are ordinary words ("then", "luego") are
skipped. Tests use it to prove every rendering keeps its digits recoverable; it is
a baseline, not vigil's extractor.
"""

from __future__ import annotations

import re
import unicodedata

from vigil.synth.obfuscate import EN_DIGIT_WORDS, ES_DIGIT_WORDS

__all__ = ["decode_digits"]

_WORDS = sorted(
    [(w, str(i)) for i, w in enumerate(EN_DIGIT_WORDS)]
    + [(w, str(i)) for i, w in enumerate(ES_DIGIT_WORDS)],
    key=lambda item: -len(item[0]),
)
_LETTERS = {"o": "0", "O": "0", "l": "1", "I": "1"}
_TOKEN = re.compile(r"[^\W\d_]+|.", re.DOTALL)


def _segment(token: str) -> str | None:
    lower = token.lower()
    out = []
    i = 0
    while i < len(token):
        for word, digit in _WORDS:
            if lower.startswith(word, i):
                out.append(digit)
                i += len(word)
                break
        else:
            if token[i] in _LETTERS:
                out.append(_LETTERS[token[i]])
                i += 1
            else:
                return None
    return "".join(out)


def decode_digits(raw: str) -> str:
    """Digits a careful reader recovers from ``raw``, in order."""
    out = []
    for token in _TOKEN.findall(raw):
        if token.isalpha():
            seg = _segment(token)
            if seg:
                out.append(seg)
        else:
            digit = unicodedata.digit(token, None)
            if digit is not None:
                out.append(str(digit))
    return "".join(out)
