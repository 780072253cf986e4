"""/api/v1/reports and /api/v1/referrals/validate: DSA reporting over the workbench."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["reporting"], responses=PROBLEM_RESPONSES)

Start = Annotated[date, Query(alias="from", description="First day (YYYY-MM-DD).")]
End = Annotated[date, Query(alias="to", description="Last day, included.")]


def _report(db: Session, start: date, end: date) -> Any:
    from vigil.reporting.sources import decision_rows, notice_rows, referral_rows
    from vigil.reporting.transparency import compute_report

    if end < start:
        raise problem(422, "Invalid input", "'to' is before 'from'")
    return compute_report(
        provider="vigil",
        start=start,
        end=end,
        notices=notice_rows(db),
        decisions=decision_rows(db, start, end),
        referrals=referral_rows(db),
    )


@router.get("/reports/transparency")
def transparency(
    start: Start, end: End, who: Principal = require(Permission.REPORTS_READ), db: Session = DB
) -> dict[str, Any]:
    """Transparency figures for the period (JSON)."""
    report = _report(db, start, end)
    audit(db, who, "report.transparency", "period", f"{start}/{end}", {"via": "api"})
    data: dict[str, Any] = report.as_json()
    return data


@router.get("/reports/transparency.csv", response_class=Response)
def transparency_csv(
    start: Start, end: End, who: Principal = require(Permission.REPORTS_READ), db: Session = DB
) -> Response:
    """The period's figures as CSV shaped by the 2024/2835 quantitative template."""
    from vigil.reporting.transparency import to_csv

    report = _report(db, start, end)
    audit(db, who, "report.transparency", "period", f"{start}/{end}", {"via": "api", "csv": True})
    return Response(to_csv(report), media_type="text/csv; charset=utf-8")


@router.get("/reports/statements")
def statements(
    start: Start, end: End, who: Principal = require(Permission.REPORTS_READ), db: Session = DB
) -> dict[str, Any]:
    """Statements of reasons of the period's decisions, in batches of at most 100."""
    from vigil.reporting.dsa import StatementError, batches
    from vigil.reporting.dsa import statements as make
    from vigil.reporting.sources import decision_records

    if end < start:
        raise problem(422, "Invalid input", "'to' is before 'from'")
    try:
        found, skipped = make(decision_records(db, start, end))
    except StatementError as exc:
        errors = [{"loc": p.pointer, "msg": p.message} for p in exc.problems]
        raise problem(422, "Invalid statement", str(exc), errors=errors) from None
    audit(db, who, "report.dsa", "period", f"{start}/{end}", {"statements": len(found)})
    return {"batches": list(batches(found)), "skipped": skipped}


@router.post("/referrals/validate")
def validate(
    doc: Annotated[Any, Body()], who: Principal = require(Permission.REFERRALS_MAKE)
) -> dict[str, Any]:
    """Check a referral package; every problem is named by its JSON pointer."""
    from vigil.reporting.referral import validate_referral

    found = validate_referral(doc)
    return {"valid": not found, "problems": [{"pointer": p.pointer, "problem": p.message}
                                             for p in found]}  # fmt: skip
