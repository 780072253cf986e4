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

__all__ = ["normalise_text"]

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


def normalise_text(raw: str) -> str:
    """Return the plain, normalised form of ``raw`` (idempotent)."""
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
        text = unicodedata.normalize("NFKC", text)
    text = text.translate(_CONTROL)
    # Collapse blank space within lines (str.split() knows every Unicode space) and
    # keep at most one empty line between paragraphs. Plain string methods: the RE2
    # wrapper's sub() costs a Python call per match, far too slow for every space.
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return str(text).strip()
