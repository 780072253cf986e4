"""Accounts, passwords, sessions, API tokens and login throttling on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from vigil.audit import AuditEvent, verify_chain
from vigil.auth import throttle
from vigil.auth.accounts import (
    AccountError,
    authenticate,
    create_user,
    list_users,
    principal_for,
    set_disabled,
    set_password,
)
from vigil.auth.passwords import WeakPassword
from vigil.auth.permissions import Permission, Role
from vigil.auth.sessions import create_session, resolve_session, revoke_session
from vigil.auth.tables import ApiToken, User, WebSession
from vigil.auth.tokens import TokenError, issue_token, resolve_token, revoke_token
from vigil.store import make_engine, session_factory, upgrade

PW = "a-long-enough-password"


@pytest.fixture
def sessions(workbench_url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


def test_create_and_authenticate(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        user = create_user(db, "Alice", PW, ["analyst", "reviewer"], teams=["north", "east"])
        assert user.password_hash.startswith("$argon2id$")
        assert PW not in user.password_hash
    with sessions.begin() as db:
        assert authenticate(db, "alice", PW) is not None
        assert authenticate(db, "alice", PW + "x") is None
        assert authenticate(db, "nobody", PW) is None
        user = authenticate(db, "ALICE", PW)
        assert user is not None
        who = principal_for(db, user)
        assert who.roles == {Role.ANALYST, Role.REVIEWER}
        assert who.teams == {"east", "north"}
        assert who.can(Permission.QUEUE_DECIDE) and not who.can(Permission.VICTIMS_READ)
        [info] = list_users(db)
        assert info.teams == ("east", "north")
        actions = db.scalars(select(AuditEvent.action)).all()
        assert "account.create" in actions
        assert verify_chain(db) >= 1


@pytest.mark.parametrize(
    ("name", "password", "roles", "message"),
    [
        ("bob", "short", ["analyst"], "at least 12"),
        ("bob", "my-name-is-bob-ok", ["analyst"], "user name"),
        ("bob", PW, ["wizard"], "unknown role 'wizard'"),
        ("bob", PW, [], "at least one role"),
        ("b", PW, ["analyst"], "username must be"),
        ("bad name", PW, ["analyst"], "username must be"),
    ],
)
def test_create_rejects(
    sessions: sessionmaker[Session], name: str, password: str, roles: list[str], message: str
) -> None:
    with pytest.raises((AccountError, WeakPassword), match=message), sessions.begin() as db:
        create_user(db, name, password, roles)


def test_duplicate_user(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        create_user(db, "carol", PW, ["auditor"])
    with pytest.raises(AccountError, match="already exists"), sessions.begin() as db:
        create_user(db, "carol", PW, ["auditor"])


def test_disable_and_password_change_end_sessions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        user = create_user(db, "dave", PW, ["analyst"])
        cookie = create_session(db, user)
        cookie2 = create_session(db, user)
    with sessions.begin() as db:
        assert resolve_session(db, cookie) is not None
        set_password(db, "dave", PW + "-new")
    with sessions.begin() as db:
        assert resolve_session(db, cookie) is None
        assert resolve_session(db, cookie2) is None
        assert authenticate(db, "dave", PW) is None
        user = authenticate(db, "dave", PW + "-new")
        assert user is not None
        cookie = create_session(db, user)
    with sessions.begin() as db:
        set_disabled(db, "dave")
    with sessions.begin() as db:
        assert resolve_session(db, cookie) is None
        assert authenticate(db, "dave", PW + "-new") is None


def test_session_is_stored_hashed_and_expires(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        user = create_user(db, "erin", PW, ["reviewer"])
        cookie = create_session(db, user)
    with sessions.begin() as db:
        stored = db.scalars(select(WebSession.id_hash)).all()
        assert cookie not in stored and len(stored) == 1
        assert resolve_session(db, cookie + "x") is None
        assert resolve_session(db, "") is None
    with sessions.begin() as db:
        idle = datetime.now(UTC) - timedelta(hours=3)
        db.execute(update(WebSession).values(last_seen=idle))
    with sessions.begin() as db:
        assert resolve_session(db, cookie) is None
        cookie = create_session(db, db.get(User, user.id))  # type: ignore[arg-type]
        revoke_session(db, cookie)
        assert resolve_session(db, cookie) is None


def test_one_time_login(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        create_user(db, "demo-1", PW, ["analyst"], one_time=True)
    with sessions.begin() as db:
        user = authenticate(db, "demo-1", PW)
        assert user is not None
        cookie = create_session(db, user)
    with sessions.begin() as db:
        assert authenticate(db, "demo-1", PW) is None  # spent
        assert resolve_session(db, cookie) is not None  # the session it opened lives on


def test_tokens(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        user = create_user(db, "frank", PW, ["analyst"])
        issued = issue_token(db, user, "crawler", ["score", "posts.read"])
        token = issued.token
        assert token.startswith("vgl_")
        with pytest.raises(TokenError, match="not granted"):
            issue_token(db, user, "x", ["victims.read"])
        with pytest.raises(TokenError, match="unknown scope"):
            issue_token(db, user, "x", ["root"])
        with pytest.raises(TokenError, match="at least one"):
            issue_token(db, user, "x", [])
    with sessions.begin() as db:
        row = db.get(ApiToken, issued.id)
        assert row is not None and token.split("_", 2)[2] not in row.secret_hash
        found = resolve_token(db, token)
        assert found is not None
        who = principal_for(
            db, found[0], via="token", scopes=frozenset(Permission(s) for s in found[1].scopes)
        )
        assert who.can(Permission.SCORE) and not who.can(Permission.POSTS_INGEST)
        assert resolve_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert resolve_token(db, "vgl_nothing") is None
        assert resolve_token(db, "Bearer xyz") is None
        revoke_token(db, issued.id)
    with sessions.begin() as db:
        assert resolve_token(db, token) is None
        second = issue_token(db, db.get(User, user.id), "n", ["score"], days=1)  # type: ignore[arg-type]
        db.execute(
            update(ApiToken)
            .where(ApiToken.id == second.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    with sessions.begin() as db:
        assert resolve_token(db, second.token) is None
        actions = db.scalars(select(AuditEvent.action)).all()
        assert actions.count("token.issue") == 2 and "token.revoke" in actions


def test_throttle_locks_per_user_then_clears(sessions: sessionmaker[Session]) -> None:
    policy = throttle.ThrottlePolicy(user_failures=3, ip_failures=100, window=timedelta(minutes=5))
    with sessions.begin() as db:
        for _ in range(2):
            assert throttle.check(db, "gina", "10.0.0.1", policy) == 0
            throttle.fail(db, "gina", "10.0.0.1", policy)
        assert throttle.check(db, "gina", "10.0.0.1", policy) == 0
        throttle.fail(db, "gina", "10.0.0.1", policy)
        wait = throttle.check(db, "gina", "10.0.0.2", policy)
        assert 0 < wait <= 301
        assert throttle.check(db, "other", "10.0.0.1", policy) == 0  # ip limit not reached
        throttle.clear(db, "gina")
        assert throttle.check(db, "gina", "10.0.0.1", policy) == 0


def test_throttle_per_address(sessions: sessionmaker[Session]) -> None:
    policy = throttle.ThrottlePolicy(user_failures=100, ip_failures=4, window=timedelta(minutes=5))
    with sessions.begin() as db:
        for i in range(4):
            throttle.fail(db, f"user{i}", "10.9.9.9", policy)
        assert throttle.check(db, "someone-else", "10.9.9.9", policy) > 0
        assert throttle.check(db, "someone-else", "10.9.9.8", policy) == 0
