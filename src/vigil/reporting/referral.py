"""The law-enforcement referral package: build it from a case's facts and validate it.

The package is plain JSON described by ``referral.schema.json`` (beside this module;
docs/reporting.md explains every section). Its sections follow the NCMEC CyberTipline report
(research/trust-and-safety.md §5.1: reporter, incident summary, internet details, person or
user reported, victim, law enforcement, file details with "viewed by ESP" flags) and extend
it to adult and labour trafficking, the recorded human decision and the preservation status.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from vigil.reporting.dsa import Problem
from vigil.reporting.schema_check import problems

__all__ = [
    "CHILD_TYPES",
    "FORMAT",
    "VERSION",
    "CaseFacts",
    "DecisionRef",
    "FileFacts",
    "PostFacts",
    "build_referral",
    "schema",
    "validate_referral",
]

FORMAT = "vigil.referral"
VERSION = 1
CHILD_TYPES = frozenset(
    {"child_sex_trafficking", "child_sexual_exploitation", "online_enticement_of_children"}
)
_SCHEMA = Path(__file__).with_name("referral.schema.json")
_PERSONS = {"phone": "phone", "email": "email", "handle": "handle", "payment": "payment_id",
            "crypto": "crypto_address", "url": "url"}  # fmt: skip


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_SCHEMA.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def ts(at: datetime) -> str:
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class DecisionRef:
    id: str
    action: str
    reason: str
    reviewer: str
    decided_at: datetime
    statement_category: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PostFacts:
    post_id: str
    platform: str
    url: str | None
    posted_at: datetime | None
    identifiers: tuple[tuple[str, str], ...] = ()  # (extractor kind, normalised value)
    location: str | None = None


@dataclass(frozen=True, slots=True)
class FileFacts:
    file_id: str
    name: str
    sha256: str
    viewed_by_person: bool
    media_type: str | None = None
    size: int | None = None
    source: str | None = None
    captured_at: datetime | None = None
    exif_viewed_by_person: bool = False
    publicly_available: bool = True


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything a referral states about one case (read from the workbench and the lake)."""

    case_id: str
    title: str
    summary: str
    incident_type: str
    minor_involved: bool
    incident_at: datetime
    decision: DecisionRef
    posts: tuple[PostFacts, ...] = ()
    files: tuple[FileFacts, ...] = ()
    victims: tuple[dict[str, Any], ...] = ()
    legal_hold: bool = False
    held_at: datetime | None = None
    preserved_items: tuple[str, ...] = ()
    annotations: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _internet_details(posts: tuple[PostFacts, ...]) -> list[dict[str, Any]]:
    out = []
    for p in posts:
        values: dict[str, list[str]] = {}
        for kind, value in p.identifiers:
            values.setdefault(kind, []).append(value)
        out.append(
            {
                "kind": "web_page",
                "platform": p.platform,
                "urls": [p.url] if p.url else [],
                "emails": sorted(set(values.get("email", []))),
                "phones": sorted(set(values.get("phone", []))),
                "handles": sorted(set(values.get("handle", []))),
                "payment_ids": sorted(set(values.get("payment", []))),
                "posted_at": ts(p.posted_at) if p.posted_at else None,
                "post_id": p.post_id,
                "additional_info": None,
            }
        )
    return out


def _suspects(posts: tuple[PostFacts, ...]) -> list[dict[str, Any]]:
    """One person reported: whoever controls the contact points the posts advertise."""
    idents = sorted(
        {(_PERSONS[k], v) for p in posts for k, v in p.identifiers if k in _PERSONS and k != "url"}
    )
    if not idents:
        return []
    return [
        {
            "display_names": [],
            "screen_names": sorted(v for t, v in idents if t == "handle"),
            "profile_urls": [],
            "identifiers": [{"type": t, "value": v} for t, v in idents],
            "estimated_location": None,
            "additional_info": "Contact points advertised in the posts of this case; whoever "
            "answers them is not identified.",
        }
    ]


def build_referral(
    facts: CaseFacts,
    *,
    reporter: dict[str, Any],
    law_enforcement: dict[str, Any],
    referral_id: str | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The referral document of ``facts`` (check it with :func:`validate_referral`)."""
    d = facts.decision
    victims = list(facts.victims) or [
        {
            "reference": "person advertised in the posts",
            "age_group": "minor" if facts.minor_involved else "unknown",
            "immediate_danger": "unknown",
            "identifiers": [],
            "estimated_location": None,
            "additional_info": None,
        }
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": referral_id or f"r{secrets.token_hex(12)}",
        "created_at": ts(created_at or datetime.now(UTC)),
        "case": {"id": facts.case_id, "title": facts.title},
        "decision": {
            "id": d.id,
            "action": d.action,
            "reason": d.reason,
            "reviewer": d.reviewer,
            "decided_at": ts(d.decided_at),
            "human": True,
            "statement_category": d.statement_category,
            "keywords": list(d.keywords),
        },
        "reporter": reporter,
        "incident_summary": {
            "type": facts.incident_type,
            "date_time": ts(facts.incident_at),
            "date_time_description": "earliest post of the case",
            "summary": facts.summary or facts.title,
            "minor_involved": facts.minor_involved,
            "escalate_to_high_priority": None,
            "annotations": list(facts.annotations),
        },
        "internet_details": _internet_details(facts.posts),
        "suspects": _suspects(facts.posts),
        "victims_at_risk": victims,
        "files": [
            {
                "file_id": f.file_id,
                "name": f.name,
                "media_type": f.media_type,
                "size": f.size,
                "sha256": f.sha256,
                "other_hashes": [],
                "source": f.source,
                "captured_at": ts(f.captured_at) if f.captured_at else None,
                "viewed_by_person": f.viewed_by_person,
                "exif_viewed_by_person": f.exif_viewed_by_person,
                "publicly_available": f.publicly_available,
                "relevance": "reported",
            }
            for f in facts.files
        ],
        "law_enforcement": law_enforcement,
        "preservation": {
            "status": "preserved" if facts.legal_hold else "requested",
            "legal_hold": facts.legal_hold,
            "held_at": ts(facts.held_at) if facts.held_at else None,
            "retain_until": None,
            "items": list(facts.preserved_items),
        },
    }


def validate_referral(doc: Any) -> list[Problem]:
    """Every problem of a referral document, each with the JSON pointer of its field."""
    found = problems(_validator(), doc)
    if found or not isinstance(doc, dict):
        return found
    summary = doc["incident_summary"]
    if summary["type"] in CHILD_TYPES and not summary["minor_involved"]:
        found.append(
            Problem("/incident_summary/minor_involved", f"must be true for {summary['type']}")
        )
    return found
