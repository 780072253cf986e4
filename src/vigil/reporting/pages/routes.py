"""Console pages of reporting: the transparency report of a period (charts, CSV, PDF),
DSA statements of reasons (generate, validate, download) and a case's referral packages
(build with validation by JSON pointer, validate an uploaded package, export)."""

from __future__ import annotations

import base64
import io
import json
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission as P  # noqa: N817 (as the console does)
from vigil.web.deps import DB, Principal, audit, problem, render, require
from vigil.web.nav import NavItem

__all__ = ["NAV", "router"]

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Reports", "/reports", P.REPORTS_READ, 80)]

Start = Annotated[date | None, Query(alias="from")]
End = Annotated[date | None, Query(alias="to")]
INCIDENT_TYPES = (
    "sex_trafficking", "labour_trafficking", "child_sex_trafficking",
    "child_sexual_exploitation", "online_enticement_of_children", "domestic_servitude",
    "forced_criminality", "forced_marriage", "organ_removal", "other",
)  # fmt: skip


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    """Default: the last 30 days up to today."""
    end = end or datetime.now(UTC).date()
    start = start or end - timedelta(days=29)
    if end < start:
        raise problem(422, "Invalid input", "'to' is before 'from'")
    return start, end


def _report(db: Session, start: date, end: date) -> Any:
    from vigil.reporting.sources import decision_rows, notice_rows, referral_rows
    from vigil.reporting.transparency import compute_report

    return compute_report(
        provider="vigil", start=start, end=end, notices=notice_rows(db),
        decisions=decision_rows(db, start, end), referrals=referral_rows(db),
    )  # fmt: skip


def _file(data: bytes, media: str, name: str) -> Response:
    return Response(
        data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# ----------------------------------------------------------------------------- transparency


@router.get("/reports")
def reports_page(
    request: Request,
    start: Start = None,
    end: End = None,
    who: Principal = require(P.REPORTS_READ),
    db: Session = DB,
) -> Response:
    from vigil.reporting.render import charts

    start, end = _period(start, end)
    report = _report(db, start, end)
    pictures = [(t, base64.b64encode(png).decode()) for t, png in charts(report).items()]
    audit(db, who, "report.transparency", "period", f"{start}/{end}", {"via": "console"})
    return render(
        request,
        "reporting/reports.html",
        {"r": report.as_json(), "start": start, "end": end, "charts": pictures},
    )


@router.get("/reports/transparency.csv")
def reports_csv(
    start: Start = None,
    end: End = None,
    who: Principal = require(P.REPORTS_READ),
    db: Session = DB,
) -> Response:
    from vigil.reporting.transparency import to_csv

    start, end = _period(start, end)
    report = _report(db, start, end)
    audit(
        db, who, "report.transparency", "period", f"{start}/{end}", {"via": "console", "csv": True}
    )
    return _file(
        to_csv(report).encode(), "text/csv; charset=utf-8", f"transparency-{start}-{end}.csv"
    )


@router.get("/reports/transparency.pdf")
def reports_pdf(
    start: Start = None,
    end: End = None,
    who: Principal = require(P.REPORTS_READ),
    db: Session = DB,
) -> Response:
    from vigil.reporting.render import to_pdf

    start, end = _period(start, end)
    report = _report(db, start, end)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        to_pdf(report, out)
        data = out.read_bytes()
    audit(
        db, who, "report.transparency", "period", f"{start}/{end}", {"via": "console", "pdf": True}
    )
    return _file(data, "application/pdf", f"transparency-{start}-{end}.pdf")


# ----------------------------------------------------------------------------- DSA statements


def _statements(
    db: Session, start: date, end: date
) -> tuple[list[dict[str, Any]], list[str], list[Any]]:
    from vigil.reporting.dsa import StatementError
    from vigil.reporting.dsa import statements as make
    from vigil.reporting.sources import decision_records

    try:
        found, skipped = make(decision_records(db, start, end))
    except StatementError as exc:
        return [], [], exc.problems
    return found, skipped, []


@router.get("/reports/statements")
def statements_page(
    request: Request,
    start: Start = None,
    end: End = None,
    who: Principal = require(P.REPORTS_READ),
    db: Session = DB,
) -> Response:
    from vigil.reporting.dsa import batches

    start, end = _period(start, end)
    found, skipped, problems = _statements(db, start, end)
    audit(db, who, "report.dsa", "period", f"{start}/{end}", {"statements": len(found)})
    return render(
        request,
        "reporting/statements.html",
        {
            "start": start,
            "end": end,
            "statements": found,
            "skipped": skipped,
            "problems": problems,
            "batches": list(batches(found)) if found else [],
        },
        status_code=422 if problems else 200,
    )


@router.get("/reports/statements.json")
def statements_download(
    start: Start = None,
    end: End = None,
    who: Principal = require(P.REPORTS_READ),
    db: Session = DB,
) -> Response:
    from vigil.reporting.dsa import batches

    start, end = _period(start, end)
    found, skipped, problems = _statements(db, start, end)
    if problems:
        errors = [{"loc": p.pointer, "msg": p.message} for p in problems]
        raise problem(422, "Invalid statement", "; ".join(map(str, problems)), errors=errors)
    audit(
        db,
        who,
        "report.dsa",
        "period",
        f"{start}/{end}",
        {"statements": len(found), "download": True},
    )
    body = json.dumps({"batches": list(batches(found)), "skipped": skipped}, indent=2)
    return _file(body.encode(), "application/json", f"statements-{start}-{end}.json")


# ----------------------------------------------------------------------------- referrals


def _referrals(db: Session, case_id: str) -> list[Any]:
    from vigil.reporting.tables import Referral

    return list(
        db.scalars(
            select(Referral).where(Referral.case_id == case_id).order_by(Referral.created_at.desc())
        )
    )


def _referrals_page(
    request: Request, db: Session, case_id: str, *, problems: list[Any] | None = None,
    validated: list[Any] | None = None, error: str = "", status_code: int = 200,
) -> Response:  # fmt: skip
    from vigil.workflow.tables import Case

    case = db.get(Case, case_id)
    if case is None:
        raise problem(404, "Not found", f"no case {case_id!r}")
    return render(
        request,
        "reporting/referrals.html",
        {
            "case": case,
            "referrals": _referrals(db, case_id),
            "types": INCIDENT_TYPES,
            "problems": problems,
            "validated": validated,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/cases/{case_id}/referrals")
def referrals_page(
    request: Request, case_id: str, who: Principal = require(P.REFERRALS_MAKE), db: Session = DB
) -> Response:
    response = _referrals_page(request, db, case_id)
    audit(db, who, "referral.view", "case", case_id)
    return response


@router.post("/cases/{case_id}/referrals")
def referral_build(
    request: Request,
    case_id: str,
    incident_type: str = Form(..., max_length=40),
    reporter_organisation: str = Form(..., min_length=1, max_length=500),
    reporter_name: str = Form(..., min_length=1, max_length=500),
    reporter_email: str = Form("", max_length=320),
    agency: str = Form(..., min_length=1, max_length=500),
    agency_contact: str = Form(..., min_length=1, max_length=500),
    agency_email: str = Form("", max_length=320),
    agency_country: str = Form("", max_length=2),
    who: Principal = require(P.REFERRALS_MAKE),
    db: Session = DB,
) -> Response:
    """Build, validate, preserve and store a referral; invalid: the missing fields by pointer."""
    from vigil.reporting.referral_service import ReferralInvalid, make_referral
    from vigil.workflow.web.common import actor, workflow_errors

    reporter = {
        "organisation": reporter_organisation,
        "contact": {"name": reporter_name, "email": reporter_email or None},
    }
    police: dict[str, Any] = {
        "agency": agency,
        "contact": {"name": agency_contact, "email": agency_email or None},
    }
    if agency_country:
        police["country"] = agency_country.upper()
    settings = request.app.state.settings
    if incident_type not in INCIDENT_TYPES:
        raise problem(422, "Invalid input", f"incident_type: one of {', '.join(INCIDENT_TYPES)}")
    try:
        with workflow_errors():
            doc = make_referral(db, settings, actor(who), case_id, reporter=reporter,
                                law_enforcement=police, incident_type=incident_type)  # fmt: skip
    except ReferralInvalid as exc:
        return _referrals_page(request, db, case_id, problems=exc.problems, status_code=422)
    return RedirectResponse(f"/cases/{case_id}/referrals#{doc['id']}", status_code=303)


@router.post("/cases/{case_id}/referrals/validate")
async def referral_validate(
    request: Request,
    case_id: str,
    document: UploadFile = File(...),
    who: Principal = require(P.REFERRALS_MAKE),
    db: Session = DB,
) -> Response:
    """Validate an uploaded referral.json; list each problem by its JSON pointer."""
    from vigil.reporting.referral import validate_referral

    raw = await document.read(16 * 1024 * 1024)
    try:
        found = validate_referral(json.loads(raw))
    except (ValueError, UnicodeDecodeError) as exc:
        error = f"not JSON: {exc}"
        return await run_in_threadpool(
            lambda: _referrals_page(request, db, case_id, error=error, status_code=422)
        )
    return await run_in_threadpool(lambda: _referrals_page(request, db, case_id, validated=found))


def _referral(db: Session, case_id: str, referral_id: str) -> Any:
    from vigil.reporting.tables import Referral

    row = db.get(Referral, referral_id)
    if row is None or row.case_id != case_id:
        raise problem(404, "Not found", f"no referral {referral_id!r} in case {case_id!r}")
    return row


@router.get("/cases/{case_id}/referrals/{referral_id}/referral.json")
def referral_json(
    case_id: str, referral_id: str, who: Principal = require(P.REFERRALS_MAKE), db: Session = DB
) -> Response:
    row = _referral(db, case_id, referral_id)
    audit(db, who, "referral.export", "referral", referral_id, {"format": "json"})
    body = json.dumps(row.document, indent=2, ensure_ascii=False).encode()
    return _file(body, "application/json", f"referral-{referral_id}.json")


@router.get("/cases/{case_id}/referrals/{referral_id}/export.zip")
def referral_export(
    request: Request,
    case_id: str,
    referral_id: str,
    who: Principal = require(P.REFERRALS_MAKE),
    db: Session = DB,
) -> Response:
    """referral.json, referral.pdf, cybertip/ (child cases) and bundle.zip in one archive."""
    from vigil.reporting.referral_service import ReferralInvalid, export_referral

    row = _referral(db, case_id, referral_id)
    settings = request.app.state.settings
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export"
        try:
            export_referral(row.document, out, session=db, settings=settings, actor=who.actor)
        except ReferralInvalid as exc:
            errors = [{"loc": p.pointer, "msg": p.message} for p in exc.problems]
            raise problem(422, "Invalid referral", str(exc), errors=errors) from None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(out).as_posix())
    audit(db, who, "referral.export", "referral", referral_id, {"format": "zip"})
    return _file(buf.getvalue(), "application/zip", f"referral-{referral_id}.zip")
