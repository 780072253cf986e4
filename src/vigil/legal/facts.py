"""Case facts: what the legal analysis reads (a YAML/JSON file or the workbench).

Every act, means, purpose and circumstance names the evidence or indicator that supports
it. Terms come from the KB vocabulary (``vigil legal kb show vocabulary``); state codes
are ISO 3166 alpha-2 (``UK`` is accepted for ``GB``). The schema is documented in
docs/legal.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from vigil.legal.model import KnowledgeBase
from vigil.legal.yamlio import ReadError, parse_text, read_file

__all__ = [
    "CaseFacts",
    "FactsError",
    "Observation",
    "Platform",
    "Request",
    "Suspect",
    "Victim",
    "load_facts",
    "parse_facts",
]

ALIASES = {"UK": "GB", "EL": "GR"}


def _state(value: str) -> str:
    code = ALIASES.get(value.strip().upper(), value.strip().upper())
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"unknown state code {value!r} (use ISO 3166 alpha-2, e.g. SE, PH)")
    return code


State = Annotated[str, AfterValidator(_state)]
Ref = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EvidenceItem(_Model):
    id: Ref
    description: Name
    kind: Name | None = None


class Observation(_Model):
    """One observed act, means, purpose or circumstance, with the evidence for it."""

    type: Annotated[str, Field(min_length=1, max_length=60)]
    evidence: list[Ref] = Field(min_length=1)
    places: list[State] = []
    victims: list[Ref] = []
    note: Name | None = None


class Victim(_Model):
    id: Ref
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    age_evidence: list[Ref] = []
    disability: bool = False
    nationalities: list[State] = []
    locations: list[State] = []


class Suspect(_Model):
    id: Ref
    nationalities: list[State] = []
    residences: list[State] = []
    permanent_residences: list[State] = []
    locations: list[State] = []
    roles: list[Name] = []


class Identifier(_Model):
    kind: Name
    value: Name
    evidence: list[Ref] = []


class Platform(_Model):
    name: Name
    data_holder: Name
    establishment: State | None = None
    eu_establishment: State | None = None
    offers_services_in_eu: bool | None = None
    server_locations: list[State] = []
    data_location_uncertain: bool = True
    identifiers: list[Identifier] = []


class Request(_Model):
    requesting_state: State
    requesting_authority: Name | None = None
    case_reference: Name | None = None
    data_categories: list[Literal["subscriber", "traffic", "content"]] = Field(min_length=1)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    emergency: bool = False
    emergency_reason: Name | None = None

    @model_validator(mode="after")
    def _range(self) -> Request:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class CaseFacts(_Model):
    """The facts of one case as the legal analysis needs them."""

    case_id: Ref
    title: Name | None = None
    summary: Annotated[str, Field(max_length=10_000)] | None = None
    evidence: list[EvidenceItem] = []
    victims: list[Victim] = []
    suspects: list[Suspect] = []
    acts: list[Observation] = []
    means: list[Observation] = []
    purposes: list[Observation] = []
    circumstances: list[Observation] = []
    platforms: list[Platform] = []
    request: Request | None = None

    @model_validator(mode="after")
    def _references(self) -> CaseFacts:
        victims = [v.id for v in self.victims]
        if len(set(victims)) != len(victims):
            raise ValueError("victims: duplicate victim id")
        suspects = [s.id for s in self.suspects]
        if len(set(suspects)) != len(suspects):
            raise ValueError("suspects: duplicate suspect id")
        known_evidence = {e.id for e in self.evidence}
        for cat in ("acts", "means", "purposes", "circumstances"):
            for i, obs in enumerate(getattr(self, cat)):
                for v in obs.victims:
                    if v not in victims:
                        raise ValueError(f"{cat}[{i}].victims: unknown victim {v!r}")
                if known_evidence:
                    for ref in obs.evidence:
                        if ref not in known_evidence:
                            raise ValueError(f"{cat}[{i}].evidence: unknown evidence {ref!r}")
        return self

    def observations(self, category: str) -> list[Observation]:
        obs: list[Observation] = getattr(self, category)
        return obs

    def places(self) -> set[str]:
        out: set[str] = set()
        for cat in ("acts", "means", "purposes", "circumstances"):
            for o in self.observations(cat):
                out.update(o.places)
        return out

    def states(self) -> set[str]:
        """Every state the facts mention."""
        out = self.places()
        for v in self.victims:
            out.update(v.nationalities, v.locations)
        for s in self.suspects:
            out.update(s.nationalities, s.residences, s.permanent_residences, s.locations)
        for p in self.platforms:
            out.update(x for x in (p.establishment, p.eu_establishment) if x)
            out.update(p.server_locations)
        if self.request:
            out.add(self.request.requesting_state)
        return out


class FactsError(ValueError):
    """Case facts are invalid; the message lists each problem with its location."""


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors()[:20]:
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{loc}: {msg}")
    if exc.error_count() > 20:
        lines.append(f"... and {exc.error_count() - 20} more")
    return "; ".join(lines)


def _check_terms(facts: CaseFacts, kb: KnowledgeBase) -> None:
    problems = []
    for cat in ("acts", "means", "purposes", "circumstances"):
        known = kb.vocabulary.terms(cat)
        for i, obs in enumerate(facts.observations(cat)):
            if obs.type not in known:
                sample = ", ".join(sorted(known)[:8])
                problems.append(
                    f"{cat}[{i}].type: unknown term {obs.type!r} (known: {sample}, ...)"
                )
    if problems:
        raise FactsError("; ".join(problems))


def parse_facts(
    data: Any, *, name: str = "case facts", kb: KnowledgeBase | None = None
) -> CaseFacts:
    """Validate already-parsed data; with ``kb``, also check the terms against its vocabulary."""
    if not isinstance(data, dict):
        raise FactsError(f"{name}: expected a mapping of fields at the top level")
    try:
        facts = CaseFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(f"{name}: {_describe(exc)}") from None
    if kb is not None:
        try:
            _check_terms(facts, kb)
        except FactsError as exc:
            raise FactsError(f"{name}: {exc}") from None
    return facts


def parse_facts_text(
    text: str, *, name: str = "case facts", kb: KnowledgeBase | None = None
) -> CaseFacts:
    try:
        data = parse_text(text, name)
    except ReadError as exc:
        raise FactsError(str(exc)) from None
    return parse_facts(data, name=name, kb=kb)


def load_facts(path: Path, *, kb: KnowledgeBase | None = None) -> CaseFacts:
    """Read a YAML/JSON case-facts file; raise :class:`FactsError` with a clear message."""
    try:
        data = read_file(path)
    except ReadError as exc:
        raise FactsError(str(exc)) from None
    return parse_facts(data, name=str(path), kb=kb)
