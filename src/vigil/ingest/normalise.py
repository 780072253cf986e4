"""Text normalisation done once at ingest, kept beside the raw text.

Every later stage (extraction, indicators, linking) reads the normalised text:
mojibake repaired (ftfy), HTML tags stripped and entities decoded, Unicode NFKC
(which also folds full-width and mathematical digits to ASCII), control characters
removed and runs of blank space collapsed (newlines are kept as paragraph breaks).
"""

from __future__ import annotations

import html
import unicodedata

import ftfy
import re2

__all__ = ["normalise_text", "stream_safe"]

# All patterns here are RE2 (linear time on any input).
_TAG = re2.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--|![A-Za-z][^<>]*)>")
_BREAK_TAG = re2.compile(r"(?i)<\s*(br|/p|p|/div|div|li|/li|tr|/tr|h[1-6]|/h[1-6])(?:\s[^<>]*)?/?>")
_SCRIPT = re2.compile(r"(?is)<\s*(script|style)\b[^<>]*>.*?<\s*/\s*(script|style)\s*>")
_CONTROL = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + list(range(0x7F, 0xA0))
    + [0x200B, 0x200C, 0xFEFF],
    None,
)

# CPython's unicodedata puts each run of combining marks in canonical order with an
# insertion sort: n marks of two classes in reverse order cost O(n^2) to normalise (32,000
# marks ~1 s, a 1 MB post many minutes). Unicode's Stream-Safe Text Format (UAX #15) bounds
# such runs: U+034F COMBINING GRAPHEME JOINER (invisible, a starter) after every 30
# non-starters. No real text has 31 marks in a row. Non-starters are marks (\p{M}) and the
# half-width katakana sound marks U+FF9E/U+FF9F, which NFKC maps to marks
# (tests/security/test_security_linear_time.py checks this against every code point).
# U+034F is itself a mark (Mn) but a starter: it ends a run, so a text already made
# stream-safe is left as it is (normalise_text stays idempotent).
_MARK_RUN = re2.compile(r"(?:[^\P{M}\x{34F}]|[\x{FF9E}\x{FF9F}]){31,}")
_CGJ = "\u034f"


def _split_run(match: re2._Match) -> str:
    run = match.group()
    return _CGJ.join(run[i : i + 30] for i in range(0, len(run), 30))


def stream_safe(text: str) -> str:
    """``text`` with a U+034F after every 30 marks in a row, so that normalising it takes
    linear time (UAX #15 Stream-Safe Text Format); unchanged for any ordinary text."""
    if text.isascii():
        return text
    try:
        if _MARK_RUN.search(text) is None:
            return text
        return str(_MARK_RUN.sub(_split_run, text))
    except UnicodeEncodeError:  # a lone surrogate: RE2 reads UTF-8, so count in Python
        return _stream_safe_slow(text)


def _stream_safe_slow(text: str) -> str:
    out, run = [], 0
    for ch in text:
        if ch != _CGJ and (unicodedata.category(ch)[0] == "M" or ch in "\uff9e\uff9f"):
            if run == 30:
                out.append(_CGJ)
                run = 0
            run += 1
        else:
            run = 0
        out.append(ch)
    return "".join(out)


def normalise_text(raw: str) -> str:
    """Return the plain, normalised text a reader of ``raw`` sees.

    The result is plain text, not HTML: normalising it again is not a no-op where it
    shows markup-like text (``&amp;lt;b&amp;gt;`` reads ``&lt;b&gt;``, which a second
    call would strip as a tag). Ingest normalises each raw field exactly once.
    """
    if not raw:
        return ""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = str(ftfy.fix_text(text, normalization=None, fix_line_breaks=False))
    if "<" in text:
        text = _SCRIPT.sub(" ", text)
        text = _BREAK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # entities that decoded into markup, e.g. &lt;b&gt;
            text = _BREAK_TAG.sub("\n", text)
            text = _TAG.sub(" ", text)
    if not text.isascii():
        # stream-safe before NFKC (linear time), and after it: NFKC can expand one
        # character into several marks, and the result must be stream-safe for the
        # next normalisation of it to change nothing
        text = stream_safe(unicodedata.normalize("NFKC", stream_safe(text)))
    text = text.translate(_CONTROL)
    # Collapse blank space within lines (str.split() knows every Unicode space) and
    # keep at most one empty line between paragraphs. Plain string methods: the RE2
    # wrapper's sub() costs a Python call per match, far too slow for every space.
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return str(text).strip()
