"""Payment identifiers as ``service:handle``.

* Cash App: ``$cashtag`` (letter first, so ``$200`` is a price), ``cashapp: name``,
  ``cash.app/$name``;
* Venmo: ``venmo @name``, ``venmo: name``, ``venmo.com/u/name``;
* PayPal: ``paypal.me/name``, ``paypal: anna@example.com`` (the e-mail);
* Zelle (and PayPal): the e-mail or phone right after the name
  (``zelle:+12125550123``, ``paypal:anna@example.com``).
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_payments", "normalize_payment"]

_CURRENCY_CODES = frozenset(
    [
        "usd",
        "cad",
        "aud",
        "eur",
        "gbp",
        "mxn",
        "nzd",
        "hkd",
        "sgd",
        "jpy",
        "inr",
        "btc",
        "eth",
        "usdt",
        "cash",
        "money",
    ]
)
_NOT_HANDLES = frozenset(
    [
        "only",
        "accepted",
        "accept",
        "and",
        "or",
        "is",
        "me",
        "at",
        "to",
        "for",
        "please",
        "pls",
        "no",
        "not",
        "ok",
        "first",
        "app",
        "payment",
        "payments",
        "pay",
        "deposit",
        "required",
        "needed",
        "upfront",
        "too",
        "also",
    ]
)
_CASHTAG = compile_re2(r"(?:^|[^A-Za-z0-9_$])(\$([A-Za-z][A-Za-z0-9_.\-]{1,29}))")
_SERVICE = compile_re2(
    r"(?i)(?:^|[^a-z0-9_])((cash\s?app|ca\$h\s?app|venmo|paypal|pay\s?pal)"
    r"(?:\s*[:=>\-–—~|]+\s*|\s+)[@$]?([a-z0-9_][a-z0-9_.\-]{1,29}))"
)
_LINK = compile_re2(
    r"(?i)(?:^|[^a-z0-9_\-])((?:https?://)?(?:www\.)?"
    r"(cash\.app/\$?|venmo\.com/u/|venmo\.com/|paypal\.me/|paypal\.com/paypalme/)"
    r"([a-z0-9_][a-z0-9_.\-]{1,29}))"
)
_REFERRERS = compile_re2(r"(?i)(?:^|[^a-z0-9_])(zelle|paypal|pay\s?pal)\b")
_SERVICES = {
    "cashapp": "cashapp", "ca$happ": "cashapp", "cash.app/": "cashapp",
    "cash.app/$": "cashapp", "venmo": "venmo", "venmo.com/": "venmo",
    "venmo.com/u/": "venmo", "paypal": "paypal", "paypal.me/": "paypal",
    "paypal.com/paypalme/": "paypal",
}  # fmt: skip
_WINDOW = 40


def normalize_payment(service: str, handle: str) -> str:
    """``service:handle`` lower-case without ``$``/``@`` (idempotent)."""
    return f"{service.lower()}:{handle.strip().lstrip('$@').lower()}"


def _ident(doc: Doc, start: int, end: int, value: str, conf: float, service: str,
           **attrs: object) -> Identifier:  # fmt: skip
    return Identifier(
        kind=IdentifierKind.PAYMENT,
        value=value,
        raw=doc.text[start:end],
        start=start,
        end=end,
        confidence=conf,
        attrs={"service": service, **attrs},
    )


def extract_payments(doc: Doc) -> Iterator[Identifier]:
    """Cash App, Venmo, PayPal and Zelle identifiers in ``doc``."""
    text, low = doc.text, doc.lower
    if "$" in text:
        for sp in scan(_CASHTAG, doc.utf8):
            t_start, t_end = sp[2]
            tag = text[t_start:t_end].rstrip(".-")
            if tag.lower() in _CURRENCY_CODES:
                continue
            end = t_start + len(tag)
            yield _ident(doc, sp[1][0], end, normalize_payment("cashapp", tag), 0.9,
                         "cashapp")  # fmt: skip
    if not any(k in low for k in ("cash", "ca$h", "venmo", "paypal", "pay pal", "zelle")):
        return
    taken: set[int] = set()
    for sp in scan(_LINK, doc.utf8):
        service = _SERVICES[text[sp[2][0] : sp[2][1]].lower()]
        h_start = sp[3][0]
        taken.add(h_start)
        handle = text[h_start : sp[3][1]].rstrip(".-")
        yield _ident(doc, sp[1][0], h_start + len(handle), normalize_payment(service, handle),
                     0.97, service)  # fmt: skip
    for sp in scan(_SERVICE, doc.utf8):
        key = "".join(text[sp[2][0] : sp[2][1]].lower().split())
        found_service = _SERVICES.get(key)
        h_start = sp[3][0]
        handle = text[h_start : sp[3][1]].rstrip("-_.")
        if found_service is None or h_start in taken or handle.lower() in _NOT_HANDLES:
            continue
        service = found_service
        if not any(c.isalpha() for c in handle):
            continue  # a phone number: see _referred
        if service == "cashapp" and text[h_start - 1] == "$":  # the $cashtag
            continue
        end = h_start + len(handle)
        if end < len(text) and text[end] in "@.":
            continue  # an e-mail address: handled below
        if service == "paypal" and handle.lower() in {"me", "com"}:
            continue
        yield _ident(doc, sp[1][0], end, normalize_payment(service, handle), 0.85, service)
    yield from _referred(doc)


def _referred(doc: Doc) -> Iterator[Identifier]:
    """Zelle/PayPal followed (within 40 chars) by an e-mail or a phone."""
    refs = list(scan(_REFERRERS, doc.utf8))
    if not refs:
        return
    emails = doc.get(IdentifierKind.EMAIL)
    phones = doc.get(IdentifierKind.PHONE)
    for sp in refs:
        (r_start, after) = sp[1]
        service = "zelle" if doc.text[r_start:after].lower() == "zelle" else "paypal"
        options = list(emails) + list(phones)
        near = [i for i in options if after <= i.start <= after + _WINDOW]
        if not near:
            continue
        ident = min(near, key=lambda i: i.start)
        between = doc.text[after : ident.start]
        if any(c in between for c in ".!?\n"):
            continue
        yield _ident(doc, r_start, ident.end, f"{service}:{ident.value}", 0.9, service,
                     via=str(ident.kind))  # fmt: skip


register(FunctionExtractor(IdentifierKind.PAYMENT, extract_payments))
