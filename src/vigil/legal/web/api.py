"""/api/v1 legal analysis (``legal.read``): elements, jurisdictions, comparison and
request drafts, for a workbench case or for an uploaded case-facts document.

Output is decision support for lawyers, not legal advice. Every read of a case is
audited; errors are RFC 9457 problems (unknown case 404, invalid facts 422 naming the
field, a draft route the instruments do not open 409 with the reason).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission
from vigil.legal import service
from vigil.legal.elements import ElementsReport
from vigil.legal.facts import CaseFacts, Platform
from vigil.legal.facts import Request as DataRequest
from vigil.legal.harmonise import HarmonisationReport
from vigil.legal.jurisdiction import JurisdictionReport
from vigil.legal.web.common import (
    MEDIA_TYPES,
    case_facts_for,
    checked_facts,
    codes_of,
    download,
    kb,
    legal_errors,
)
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["DraftOptions", "router"]

router = APIRouter(prefix="/api/v1", tags=["legal"], responses=PROBLEM_RESPONSES)

LEGAL = Permission.LEGAL_READ
Jurisdictions = Annotated[
    list[str],
    Query(
        alias="jurisdiction",
        description="Jurisdiction codes to analyse besides Palermo (repeat or comma-separate,"
        " e.g. `SE,US`); default: the KB states with a claim on the case.",
    ),
]
Codes = Annotated[
    str,
    Query(
        min_length=2,
        max_length=200,
        description="Comma-separated jurisdiction codes, e.g. `US,SE,NL`.",
    ),
]
Kind = Annotated[
    str,
    Path(
        pattern="^(preservation|mla|eu-epoc|us-2703)$",
        description="preservation (Budapest art. 29), mla, eu-epoc (EU e-Evidence order) "
        "or us-2703 (US provider request).",
    ),
]
Fmt = Annotated[
    str,
    Query(alias="format", pattern="^(md|docx|pdf)$", description="md, docx or pdf."),
]
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The draft (marked as a draft for a lawyer's review), as an attachment.",
        "content": {m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for m in MEDIA_TYPES.values()},
    }
}  # fmt: skip


class DraftOptions(BaseModel):
    """What a workbench case does not record and a request needs (replaces the case's)."""

    request: DataRequest | None = Field(
        None, description="Requesting state, authority, data categories and period."
    )
    platforms: list[Platform] | None = Field(
        None, description="The platform(s) holding the data; the first is addressed."
    )


def _with_options(facts: CaseFacts, options: DraftOptions | None) -> CaseFacts:
    if options is None:
        return facts
    data = facts.model_dump(mode="json", exclude_none=True)
    if options.request is not None:
        data["request"] = options.request.model_dump(mode="json", exclude_none=True)
    if options.platforms is not None:
        data["platforms"] = [
            p.model_dump(mode="json", exclude_none=True) for p in options.platforms
        ]
    with legal_errors():
        from vigil.legal.facts import parse_facts

        return parse_facts(data, kb=kb())


def _elements(facts: CaseFacts, jurisdictions: list[str]) -> ElementsReport:
    knowledge = kb()
    codes = codes_of(jurisdictions, knowledge, "query.jurisdiction") if jurisdictions else None
    with legal_errors():
        return service.analyse_elements(facts, codes, knowledge)


def _compare(codes: str, facts: CaseFacts | None) -> HarmonisationReport:
    knowledge = kb()
    found = codes_of([codes], knowledge, "query.codes")
    if len(found) < 2:
        msg = "name at least two jurisdictions to compare"
        raise problem(422, "Invalid input", msg, errors=[{"loc": "query.codes", "msg": msg}])
    with legal_errors():
        return service.compare(found, facts, knowledge)


# ----------------------------------------------------------------------------- a case


@router.get("/cases/{case_id}/legal/elements", response_model=ElementsReport)
def case_elements(
    request: Request,
    case_id: str,
    jurisdictions: Jurisdictions = [],  # noqa: B006 (FastAPI copies the default)
    who: Principal = require(LEGAL),
    db: Session = DB,
) -> ElementsReport:
    """Which elements of Palermo art. 3 and each jurisdiction's offences the case's facts
    establish, which are missing, not required or to confirm, each with its evidence."""
    facts = case_facts_for(request, db, who, case_id, "legal.elements")
    return _elements(facts, jurisdictions)


@router.get("/cases/{case_id}/legal/jurisdictions", response_model=JurisdictionReport)
def case_jurisdictions(
    request: Request, case_id: str, who: Principal = require(LEGAL), db: Session = DB
) -> JurisdictionReport:
    """The states that may claim the case, each claim with its basis, reason and citation."""
    facts = case_facts_for(request, db, who, case_id, "legal.jurisdictions")
    return service.resolve_jurisdictions(facts, kb())


@router.get("/cases/{case_id}/legal/compare", response_model=HarmonisationReport)
def case_compare(
    request: Request,
    case_id: str,
    codes: Codes,
    who: Principal = require(LEGAL),
    db: Session = DB,
) -> HarmonisationReport:
    """Where the definitions of ``codes`` diverge, and which divergences matter here."""
    facts = case_facts_for(request, db, who, case_id, "legal.compare")
    return _compare(codes, facts)


@router.post("/cases/{case_id}/legal/drafts/{kind}", response_class=Response, responses=_FILE)
def case_draft(
    request: Request,
    case_id: str,
    kind: Kind,
    fmt: Fmt = "md",
    options: Annotated[DraftOptions | None, Body()] = None,
    who: Principal = require(LEGAL),
    db: Session = DB,
) -> Response:
    """Draft a request from the case (the body may supply the request and platform the
    case does not record). 409 when the instruments do not open this route."""
    facts = _with_options(case_facts_for(request, db, who, case_id, "legal.draft"), options)
    with legal_errors():
        data = service.draft(kind, facts, fmt, kb())
    audit(db, who, "legal.draft.made", "case", case_id, {"kind": kind, "format": fmt})
    return download(data, case_id, kind, fmt)


# ----------------------------------------------------------------------------- uploaded facts

FactsBody = Annotated[CaseFacts, Body(description="A case-facts document (docs/legal.md).")]


@router.post("/legal/elements", response_model=ElementsReport)
def facts_elements(
    facts: FactsBody,
    jurisdictions: Jurisdictions = [],  # noqa: B006 (FastAPI copies the default)
    who: Principal = require(LEGAL),
) -> ElementsReport:
    """Elements of an uploaded case-facts document (works without the workbench)."""
    return _elements(checked_facts(facts, kb()), jurisdictions)


@router.post("/legal/jurisdictions", response_model=JurisdictionReport)
def facts_jurisdictions(facts: FactsBody, who: Principal = require(LEGAL)) -> JurisdictionReport:
    """The states that may claim the case described by an uploaded document."""
    knowledge = kb()
    return service.resolve_jurisdictions(checked_facts(facts, knowledge), knowledge)


@router.post("/legal/compare", response_model=HarmonisationReport)
def facts_compare(
    facts: FactsBody, codes: Codes, who: Principal = require(LEGAL)
) -> HarmonisationReport:
    """Divergences between ``codes``, with the ones that matter for the uploaded case."""
    return _compare(codes, checked_facts(facts, kb()))


@router.get("/legal/compare", response_model=HarmonisationReport)
def kb_compare(codes: Codes, who: Principal = require(LEGAL)) -> HarmonisationReport:
    """Divergences between ``codes`` from the knowledge base alone."""
    return _compare(codes, None)


@router.post("/legal/drafts/{kind}", response_class=Response, responses=_FILE)
def facts_draft(
    facts: FactsBody, kind: Kind, fmt: Fmt = "md", who: Principal = require(LEGAL)
) -> Response:
    """Draft a request from an uploaded case-facts document."""
    checked = checked_facts(facts, kb())
    with legal_errors():
        data = service.draft(kind, checked, fmt, kb())
    return download(data, checked.case_id, kind, fmt)
