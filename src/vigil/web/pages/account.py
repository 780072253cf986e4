"""Your account: roles, permissions and your API tokens (issue, revoke)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from vigil.auth.tables import ApiToken, User
from vigil.auth.tokens import TokenError, issue_token, list_tokens, revoke_token
from vigil.web.deps import DB, Principal, problem, render, require

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, who: Principal, db: Session, **extra: object) -> Response:
    return render(
        request,
        "account.html",
        {
            "tokens": list_tokens(db, who.user_id),
            "permissions": sorted(who.permissions),
            **extra,
        },
    )


@router.get("/account")
def account(request: Request, who: Principal = require(), db: Session = DB) -> Response:
    return _page(request, who, db)


@router.post("/account/tokens")
def new_token(
    request: Request,
    name: str = Form(..., min_length=1, max_length=100),
    scopes: list[str] = Form(default=[]),
    days: int = Form(90, ge=1, le=366),
    who: Principal = require(),
    db: Session = DB,
) -> Response:
    if who.via != "session":
        raise problem(403, "Not allowed", "tokens are issued from a logged-in browser session")
    user = db.get(User, who.user_id)
    assert user is not None
    try:
        issued = issue_token(db, user, name, scopes, days=days, actor=who.actor)
    except TokenError as exc:
        return _page(request, who, db, message=str(exc))
    return _page(request, who, db, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke(
    request: Request,
    token_id: str,
    who: Principal = require(),
    db: Session = DB,
) -> Response:
    row = db.get(ApiToken, token_id)
    if row is None or row.user_id != who.user_id:
        raise problem(404, "Not found", f"you have no token {token_id!r}")
    revoke_token(db, token_id, actor=who.actor)
    return _page(request, who, db, message=f"Token {token_id} revoked.")
