"""The legal console page of a case: /cases/{id}/legal (``legal.read``; no JavaScript).

Shows Palermo and the chosen jurisdictions' elements, the jurisdiction claims, the
comparison table and forms that download each request draft. Decision support for
lawyers, not legal advice.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission as P  # noqa: N817 (as the console does)
from vigil.legal import service
from vigil.legal.drafting import MARKER
from vigil.legal.elements import ESTABLISHED, MISSING, NOT_REQUIRED, TO_CONFIRM
from vigil.legal.facts import CaseFacts, Platform
from vigil.legal.facts import Request as DataRequest
from vigil.legal.web.common import (
    DRAFT_KINDS,
    FORMATS,
    case_facts_for,
    codes_of,
    download,
    kb,
    legal_errors,
)
from vigil.web.deps import DB, Principal, audit, problem, render, require

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

STATUSES = (ESTABLISHED, MISSING, NOT_REQUIRED, TO_CONFIRM)
DISCLAIMER = "Decision support for lawyers, not legal advice."


@router.get("/cases/{case_id}/legal")
def legal_page(
    request: Request,
    case_id: str,
    jurisdiction: list[str] = Query([]),
    who: Principal = require(P.LEGAL_READ),
    db: Session = DB,
) -> Response:
    knowledge = kb()
    facts = case_facts_for(request, db, who, case_id, "legal.page")
    claims = service.resolve_jurisdictions(facts, knowledge)
    chosen = (
        codes_of(jurisdiction, knowledge, "query.jurisdiction")
        if jurisdiction
        else service.default_jurisdictions(facts, knowledge)
    )
    with legal_errors():
        elements = service.analyse_elements(facts, chosen, knowledge)
        comparison = service.compare(chosen, facts, knowledge) if len(chosen) >= 2 else None
    frameworks: list[dict[str, Any]] = [
        {"code": f, "assessments": elements.for_framework(f)} for f in elements.frameworks
    ]
    return render(
        request,
        "legal/case_legal.html",
        {
            "case_id": case_id,
            "facts": facts,
            "disclaimer": DISCLAIMER,
            "marker": MARKER,
            "frameworks": frameworks,
            "elements": elements,
            "claims": claims,
            "comparison": comparison,
            "chosen": chosen,
            "known": [(c, j.name) for c, j in knowledge.jurisdictions.items()],
            "kinds": DRAFT_KINDS,
            "formats": FORMATS,
            "statuses": STATUSES,
        },
    )


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


@router.post("/cases/{case_id}/legal/drafts")
def legal_draft(
    request: Request,
    case_id: str,
    kind: str = Form(..., pattern="^(preservation|mla|eu-epoc|us-2703)$"),
    fmt: str = Form("md", alias="format", pattern="^(md|docx|pdf)$"),
    requesting_state: str = Form(..., min_length=2, max_length=2),
    requesting_authority: str = Form("", max_length=500),
    case_reference: str = Form("", max_length=500),
    data_categories: list[str] = Form(..., max_length=3),
    platform_name: str = Form(..., min_length=1, max_length=500),
    data_holder: str = Form(..., min_length=1, max_length=500),
    establishment: str = Form("", max_length=2),
    eu_establishment: str = Form("", max_length=2),
    server_locations: str = Form("", max_length=200),
    who: Principal = require(P.LEGAL_READ),
    db: Session = DB,
) -> Response:
    """Download a draft of ``kind``: the case's facts plus the request and platform given
    in the form (the workbench does not record them)."""
    facts = case_facts_for(request, db, who, case_id, "legal.draft")
    try:
        data_request = DataRequest.model_validate(
            {
                "requesting_state": requesting_state,
                "requesting_authority": requesting_authority or None,
                "case_reference": case_reference or None,
                "data_categories": data_categories,
            }
        )
        platform = Platform.model_validate(
            {
                "name": platform_name,
                "data_holder": data_holder,
                "establishment": establishment or None,
                "eu_establishment": eu_establishment or None,
                "server_locations": _split(server_locations),
            }
        )
    except ValidationError as exc:
        errors = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
        raise problem(422, "Invalid input", detail, errors=errors) from None
    merged = CaseFacts.model_validate(
        {
            **facts.model_dump(mode="json", exclude_none=True),
            "request": data_request.model_dump(mode="json", exclude_none=True),
            "platforms": [platform.model_dump(mode="json", exclude_none=True)],
        }
    )
    with legal_errors():
        data = service.draft(kind, merged, fmt, kb())
    audit(db, who, "legal.draft.made", "case", case_id, {"kind": kind, "format": fmt})
    return download(data, case_id, kind, fmt)
