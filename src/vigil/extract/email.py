"""E-mail addresses, plain and obfuscated.

Accepted spellings of ``@``: ``@``, ``(at)``, ``[at]``, ``{at}``, ``<at>``, `` at ``
(spaces allowed around any of them); of ``.`` in the domain: ``.``, ``(dot)``,
``[dot]``, ``{dot}``, ``<dot>``, `` dot ``. Obfuscated forms need a known top-level
domain; the value is the plain lower-case address (``anna.b@example.com``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.extract.tables import TLDS
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_emails", "normalize_email"]

_AT = r"(?:\s*(?:@|[(\[{<]\s*(?:at|@)\s*[)\]}>])\s*|\s+at\s+)"
# A plain "." only without spaces around it ("stay at hotel. Mail me" is a sentence): a
# spaced one used to be matched and then refused, and the refused match swallowed the text
# up to the next dot, an address there included ("meet at hotel. anna@example.com").
_DOT = r"(?:\.|\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+)"
_EMAIL = compile_re2(
    r"(?i)([a-z0-9][a-z0-9._%+\-]{0,63})(" + _AT + r")([a-z0-9\-]{1,63}(?:" + _DOT
    + r"[a-z0-9\-]{1,63}){1,6})"
)  # fmt: skip
# Run on one bounded match only (<= ~600 chars, a constant).
_SEP = re.compile(r"(?i)" + _DOT)


def normalize_email(value: str) -> str:
    """Lower-case, stripped address (idempotent)."""
    return value.strip().lower()


def _labels(domain: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    pos = 0
    if domain.isascii() and domain.replace(".", "").replace("-", "").isalnum():
        # Plain "example.co.uk" (the common case): every separator is one ".".
        for label in domain.split("."):
            out.append((pos, pos + len(label), label))
            pos += len(label) + 1
        return out
    for sep in _SEP.finditer(domain):
        out.append((pos, sep.start(), domain[pos : sep.start()]))
        pos = sep.end()
    out.append((pos, len(domain), domain[pos:]))
    return out


def _has_hint(doc: Doc) -> bool:
    if "@" in doc.text:
        return True
    low = doc.lower
    return " at " in low or "at)" in low or "at]" in low or "at}" in low or "at>" in low


def extract_emails(doc: Doc) -> Iterator[Identifier]:
    """E-mail addresses in ``doc``, including "name at domain dot com" forms."""
    if not _has_hint(doc):
        return
    text = doc.text
    for sp in scan(_EMAIL, doc.utf8):
        (ls, le), (as_, ae), (dom_start, de) = sp[1], sp[2], sp[3]
        local, at, domain = text[ls:le], text[as_:ae], text[dom_start:de]
        plain_at = at == "@"
        labels = _labels(domain)
        # Longest prefix of labels that ends in a valid top-level domain.
        best = -1
        for k in range(1, len(labels)):
            tld = labels[k][2].lower()
            sep = domain[labels[k - 1][1] : labels[k][0]]
            if sep != "." and sep.strip() == ".":
                break  # "due at signing. Email": a sentence, not a domain
            if tld in TLDS or (plain_at and sep == "." and tld.isalpha() and len(tld) >= 2):
                best = k
            if sep != ".":
                plain_at = False
        if best < 1:
            continue
        local = local.rstrip(".")
        if not local:
            continue
        end = dom_start + labels[best][1]
        start = ls
        if start > 0 and text[start - 1] in "._%+-":
            continue
        value = local + "@" + ".".join(lbl[2] for lbl in labels[: best + 1])
        obfuscated = at.strip() != "@" or any(
            domain[labels[k - 1][1] : labels[k][0]] != "." for k in range(1, best + 1)
        )
        yield Identifier(
            kind=IdentifierKind.EMAIL,
            value=normalize_email(value),
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.85 if obfuscated else 0.98,
            attrs={"obfuscated": True} if obfuscated else {},
        )


register(FunctionExtractor(IdentifierKind.EMAIL, extract_emails))
