"""Log in and log out (the only console pages open to anonymous visitors)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth import throttle
from vigil.auth.accounts import authenticate
from vigil.auth.sessions import ABSOLUTE, create_session, revoke_session
from vigil.web.deps import DB, PUBLIC, Principal, csrf_protect, render, require
from vigil.web.security import SESSION_COOKIE, set_cookie

__all__ = ["router", "safe_next"]

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(c in target for c in "\r\n\t"):
        return "/"
    return target


def _policy(request: Request) -> throttle.ThrottlePolicy:
    web = request.app.state.web
    return throttle.ThrottlePolicy(
        user_failures=web.login_user_failures,
        ip_failures=web.login_ip_failures,
        window=timedelta(minutes=web.login_window_minutes),
    )


@router.get("/login", openapi_extra=PUBLIC)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "username": "", "message": ""})


@router.post("/login", openapi_extra=PUBLIC, dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    username: str = Form(..., max_length=200),
    password: str = Form(..., max_length=1000),
    next: str = Form("/"),
    db: Session = DB,
) -> Response:
    ip = request.client.host if request.client else "unknown"
    policy = _policy(request)
    wait = throttle.check(db, username, ip, policy)
    ctx = {"next": safe_next(next), "username": username}
    if wait:
        record(
            db,
            actor=f"ip:{ip}",
            action="login.throttled",
            object_type="user",
            object_id=username[:200],
        )
        response = render(
            request,
            "login.html",
            {**ctx, "message": f"Too many failed attempts. Try again in {wait // 60 + 1} minutes."},
            status_code=429,
        )
        response.headers["retry-after"] = str(wait)
        return response
    user = authenticate(db, username, password)
    if user is None:
        throttle.fail(db, username, ip, policy)
        record(
            db,
            actor=f"ip:{ip}",
            action="login.failed",
            object_type="user",
            object_id=username[:200],
        )
        return render(
            request,
            "login.html",
            {**ctx, "message": "Wrong user name or password."},
            status_code=401,
        )
    throttle.clear(db, username)
    value = create_session(db, user)
    record(
        db,
        actor=f"user:{user.username}",
        action="login",
        object_type="user",
        object_id=user.username,
        detail={"ip": ip},
    )
    redirect = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, redirect, SESSION_COOKIE, value, int(ABSOLUTE.total_seconds()))
    return redirect


@router.post("/logout")
def logout(request: Request, who: Principal = require(), db: Session = DB) -> Response:
    revoke_session(db, request.cookies.get(SESSION_COOKIE, ""))
    record(db, actor=who.actor, action="logout", object_type="user", object_id=who.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
