"""Data files: emergency numbers per country (for tips) and the support-services directory
(for victims' referrals). Both cite their sources; placeholders are marked ``synthetic``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.workflow.errors import InvalidInput, NotFound

__all__ = [
    "EU_MEMBERS",
    "EmergencyNumbers",
    "SupportService",
    "emergency_countries",
    "emergency_numbers",
    "services_for",
    "support_service",
    "support_services",
]


EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("vigil.workflow").joinpath(f"data/{name}").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True, slots=True)
class EmergencyNumbers:
    country: str
    name: str
    general: str
    others: tuple[tuple[str, str], ...]
    source: str


@cache
def _emergency() -> dict[str, EmergencyNumbers]:
    return {
        code: EmergencyNumbers(
            code,
            row["name"],
            str(row["general"]),
            tuple((str(k), str(v)) for k, v in (row.get("others") or {}).items()),
            row["source"],
        )
        for code, row in _load("emergency_numbers.yaml")["countries"].items()
    }


def emergency_countries() -> list[EmergencyNumbers]:
    """Every country of the data file, by name (for the tip form's country list)."""
    return sorted(_emergency().values(), key=lambda e: e.name)


def emergency_numbers(country: str | None) -> EmergencyNumbers:
    """The numbers for ``country`` (ISO 3166 two letters); 112 (EU/GSM) when unknown."""
    table = _emergency()
    return table.get((country or "").upper()) or table["EU"]


@dataclass(frozen=True, slots=True)
class SupportService:
    id: str
    country: str
    kind: str  # hotline | shelter | legal_aid
    name: str
    phone: str
    url: str
    hours: str
    synthetic: bool


@cache
def support_services() -> tuple[SupportService, ...]:
    return tuple(
        SupportService(
            id=r["id"],
            country=r["country"],
            kind=r["kind"],
            name=r["name"],
            phone=str(r["phone"]),
            url=r["url"],
            hours=str(r.get("hours", "")),
            synthetic=bool(r["synthetic"]),
        )
        for r in _load("support_services.yaml")["services"]
    )


def support_service(service_id: str) -> SupportService:
    for svc in support_services():
        if svc.id == service_id:
            return svc
    raise NotFound("support service", service_id)


def services_for(country: str, kind: str | None = None) -> list[SupportService]:
    if kind is not None and kind not in ("hotline", "shelter", "legal_aid"):
        raise InvalidInput("kind is hotline, shelter or legal_aid", "kind")
    country = country.upper()
    wanted = {country, "EU"} if country in EU_MEMBERS else {country}
    return [
        s for s in support_services() if s.country in wanted and (kind is None or s.kind == kind)
    ]
