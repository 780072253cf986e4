"""The public tip pages: no login, no JavaScript needed, nothing stored about the sender.

``/tip`` first asks whether someone is in immediate danger and where; when they are, the
form page opens with that country's emergency numbers, before anything else. Submissions
are rate limited per client address and day through a keyed hash whose secret lives in
memory only (:class:`~vigil.workflow.tips.ratelimit.RateLimiter`); the address itself is
never written anywhere by vigil.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.web.deps import DB, PUBLIC, csrf_protect, render
from vigil.workflow.directory import emergency_countries, emergency_numbers
from vigil.workflow.errors import InvalidInput, NotFound
from vigil.workflow.tips.form import AT_RISK, FIELDS, TipFormError, parse_tip_form
from vigil.workflow.tips.ratelimit import RateLimiter
from vigil.workflow.tips.service import (
    add_information,
    latest_results_dir,
    submit_tip,
    view_by_receipt,
)
from vigil.workflow.web.common import results_dir

__all__ = ["SUBMISSIONS_PER_DAY", "router"]

router = APIRouter(include_in_schema=False)

SUBMISSIONS_PER_DAY = 10
LOOKUPS_PER_DAY = 100
CSRF = [Depends(csrf_protect)]


def _limiter(request: Request, name: str, limit: int) -> RateLimiter:
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, name, None)
    if limiter is None:
        limiter = RateLimiter(limit)
        setattr(state, name, limiter)
    return limiter


def _allowed(request: Request, name: str, limit: int) -> bool:
    address = request.client.host if request.client else "unknown"
    return _limiter(request, name, limit).hit(address)


def _slow_down(request: Request) -> Response:
    return render(request, "workflow/tip_limited.html", {}, status_code=429)


def _form_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    danger = values.get("danger", "unsure")
    country = values.get("country", "")
    return render(
        request,
        "workflow/tip_form.html",
        {
            "values": values,
            "errors": errors or {},
            "emergency": emergency_numbers(country) if danger == "yes" else None,
            "countries": emergency_countries(),
            "at_risk": AT_RISK,
        },
        status_code=status_code,
    )


@router.get("/tip", openapi_extra=PUBLIC)
def tip_start(request: Request) -> Response:
    return render(request, "workflow/tip_start.html", {"countries": emergency_countries()})


@router.get("/tip/form", openapi_extra=PUBLIC)
def tip_form(
    request: Request,
    danger: str = Query("unsure", pattern="^(yes|no|unsure)$"),
    country: str = Query("", max_length=2),
) -> Response:
    return _form_page(request, {"danger": danger, "country": country.upper()})


@router.post("/tip", openapi_extra=PUBLIC, dependencies=CSRF)
async def tip_submit(request: Request, db: Session = DB) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in FIELDS}
    if not _allowed(request, "tip_submissions", SUBMISSIONS_PER_DAY):
        return _slow_down(request)
    try:
        parsed = parse_tip_form(values)
    except TipFormError as exc:
        return _form_page(request, values, exc.errors, status_code=422)
    settings = request.app.state.settings

    def store() -> Any:
        # Database work (and its locks) in a worker thread, never on the event loop: a
        # wait there would stop every other request, including the one holding the lock.
        linked = latest_results_dir(db) or results_dir(request)
        return submit_tip(db, parsed, region=settings.default_region, results_dir=linked)

    done = await run_in_threadpool(store)
    return render(
        request,
        "workflow/tip_thanks.html",
        {
            "receipt": done.receipt,
            "emergency": emergency_numbers(parsed.country) if parsed.danger == "yes" else None,
        },
    )


@router.get("/tip/receipt", openapi_extra=PUBLIC)
def receipt_form(request: Request) -> Response:
    return render(request, "workflow/tip_receipt.html", {"view": None, "code": "", "error": ""})


def _receipt_page(request: Request, db: Session, code: str, error: str = "") -> Response:
    ctx: dict[str, Any] = {"view": None, "code": "", "error": error}
    status = 200
    try:
        ctx["view"] = view_by_receipt(db, code)
        ctx["code"] = code
    except (NotFound, InvalidInput):
        ctx["error"] = "That code does not match a tip. Check it and try again."
        status = 404
    return render(request, "workflow/tip_receipt.html", ctx, status_code=status)


@router.post("/tip/receipt", openapi_extra=PUBLIC, dependencies=CSRF)
async def receipt_view(request: Request, db: Session = DB) -> Response:
    form = await request.form()
    if not _allowed(request, "tip_lookups", LOOKUPS_PER_DAY):
        return _slow_down(request)
    return await run_in_threadpool(_receipt_page, request, db, str(form.get("code") or "")[:64])


@router.post("/tip/receipt/add", openapi_extra=PUBLIC, dependencies=CSRF)
async def receipt_add(request: Request, db: Session = DB) -> Response:
    form = await request.form()
    if not _allowed(request, "tip_submissions", SUBMISSIONS_PER_DAY):
        return _slow_down(request)
    code = str(form.get("code") or "")[:64]
    body = str(form.get("body") or "")

    def add() -> Response:
        error = ""
        try:
            add_information(db, code, body)
        except InvalidInput as exc:
            error = str(exc)
        except NotFound:
            pass  # the page below says the code does not match
        return _receipt_page(request, db, code, error)

    return await run_in_threadpool(add)
