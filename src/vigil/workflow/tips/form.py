"""The public tip form: parse untrusted form fields into a :class:`TipForm`, or say what is
wrong with each field. Pure (no I/O): the web page and the CLI both use it.

Fields (all text): ``what`` (required), ``url``, ``platform``, ``handle``, ``where``
(other place details), ``when``, ``at_risk`` (who may be at risk: ``adult``, ``minor``,
``several``, ``unknown``), ``at_risk_details``, ``danger`` (``yes``, ``no``, ``unsure``),
``country`` (ISO 3166 two letters).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from vigil.ingest.normalise import stream_safe

__all__ = ["AT_RISK", "DANGER", "FIELDS", "TipForm", "TipFormError", "parse_tip_form"]

FIELDS = (
    "what",
    "url",
    "platform",
    "handle",
    "where",
    "when",
    "at_risk",
    "at_risk_details",
    "danger",
    "country",
)
AT_RISK = ("adult", "minor", "several", "unknown")
DANGER = ("yes", "no", "unsure")
LIMITS = {
    "what": 5000,
    "url": 2000,
    "platform": 60,
    "handle": 100,
    "where": 1000,
    "when": 200,
    "at_risk_details": 2000,
}


class TipFormError(ValueError):
    """What is wrong, field by field (``errors[field] = message``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class TipForm:
    what: str
    url: str | None = None
    platform: str | None = None
    handle: str | None = None
    where: str | None = None
    when: str | None = None
    when_date: str | None = None  # ISO date when ``when`` is one
    at_risk: str = "unknown"
    at_risk_details: str | None = None
    danger: str = "unsure"
    country: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """The text scored like a post: what was seen, where, when and who is at risk."""
        parts = [self.what]
        if self.url:
            parts.append(self.url)
        if self.platform or self.handle:
            parts.append(f"{self.platform or ''} {self.handle or ''}".strip())
        for extra in (self.where, self.when, self.at_risk_details):
            if extra:
                parts.append(extra)
        return "\n\n".join(parts)


def _clean(value: object) -> str:
    """Text without control characters (newlines and tabs kept), NFC, stripped."""
    text = value if isinstance(value, str) else ""
    text = unicodedata.normalize("NFC", stream_safe(text))  # linear time on any input
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    ).strip()


def _url(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise ValueError("a web address has no spaces")
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise ValueError("write a web address such as https://example.com/page")
    return value


def parse_tip_form(fields: Mapping[str, object]) -> TipForm:
    """Validate the submitted fields; raises :class:`TipFormError` naming every bad field."""
    raw = {name: _clean(fields.get(name, "")) for name in FIELDS}
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(raw[name]) > limit:
            errors[name] = f"at most {limit} characters"
    if len(raw["what"]) < 10 and "what" not in errors:
        errors["what"] = "tell us what you saw (at least a sentence)"
    url = None
    if raw["url"] and "url" not in errors:
        try:
            url = _url(raw["url"])
        except ValueError as exc:
            errors["url"] = str(exc)
    handle = raw["handle"].lstrip("@") or None
    if handle and any(ch.isspace() for ch in handle):
        errors["handle"] = "a handle has no spaces"
    when_date = None
    if raw["when"]:
        try:
            when_date = date.fromisoformat(raw["when"]).isoformat()
        except ValueError:
            when_date = None
        else:
            if when_date > date.today().isoformat():
                errors["when"] = "is in the future"
    at_risk = raw["at_risk"].lower() or "unknown"
    if at_risk not in AT_RISK:
        errors["at_risk"] = f"choose one of {', '.join(AT_RISK)}"
    danger = raw["danger"].lower() or "unsure"
    if danger not in DANGER:
        errors["danger"] = f"choose one of {', '.join(DANGER)}"
    country = raw["country"].upper() or None
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        errors["country"] = "choose a country from the list"
    if errors:
        raise TipFormError(errors)
    return TipForm(
        what=raw["what"],
        url=url,
        platform=raw["platform"] or None,
        handle=handle,
        where=raw["where"] or None,
        when=raw["when"] or None,
        when_date=when_date,
        at_risk=at_risk,
        at_risk_details=raw["at_risk_details"] or None,
        danger=danger,
        country=country,
    )
