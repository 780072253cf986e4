"""Account administration and password login (used by `vigil users` and the console)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.passwords import check_strength, hash_password, needs_rehash, verify
from vigil.auth.permissions import Role
from vigil.auth.principal import Principal
from vigil.auth.tables import Team, TeamMember, User

__all__ = [
    "AccountError",
    "UserInfo",
    "authenticate",
    "create_user",
    "list_users",
    "principal_for",
    "set_disabled",
    "set_password",
]

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


class AccountError(ValueError):
    """An account operation cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    disabled: bool
    created_at: datetime


def parse_roles(names: Iterable[str]) -> list[Role]:
    roles: list[Role] = []
    for name in names:
        try:
            roles.append(Role(name.strip().lower()))
        except ValueError:
            choices = ", ".join(r.value for r in Role)
            raise AccountError(f"unknown role {name!r}: choose from {choices}") from None
    if not roles:
        raise AccountError("a user needs at least one role")
    return sorted(set(roles))


def _teams_of(session: Session, user_id: int) -> tuple[str, ...]:
    rows = session.execute(
        select(Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
    )
    return tuple(sorted(r[0] for r in rows))


def _team(session: Session, name: str) -> Team:
    team = session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def get_user(session: Session, username: str) -> User | None:
    return session.execute(
        select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()


def create_user(
    session: Session,
    username: str,
    password: str,
    roles: Iterable[str],
    *,
    teams: Iterable[str] = (),
    display_name: str = "",
    actor: str = "system",
    one_time: bool = False,
) -> User:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(
            "username must be 2-63 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if get_user(session, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    check_strength(password, name)
    role_list = parse_roles(roles)
    now = datetime.now(UTC)
    user = User(
        username=name,
        display_name=display_name or name,
        password_hash=hash_password(password),
        roles=[str(r) for r in role_list],
        disabled=False,
        created_at=now,
        password_changed_at=now,
        one_time=one_time,
    )
    session.add(user)
    session.flush()
    for team in sorted(set(teams)):
        session.add(TeamMember(team_id=_team(session, team).id, user_id=user.id))
    record(
        session,
        actor=actor,
        action="account.create",
        object_type="user",
        object_id=name,
        detail={"roles": user.roles, "teams": sorted(set(teams)), "one_time": one_time},
    )
    session.flush()
    return user


def _require(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def set_password(session: Session, username: str, password: str, *, actor: str = "system") -> None:
    user = _require(session, username)
    check_strength(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    from vigil.auth.sessions import revoke_user_sessions

    revoke_user_sessions(session, user.id)
    record(
        session, actor=actor, action="account.password", object_type="user", object_id=user.username
    )


def set_disabled(
    session: Session, username: str, disabled: bool = True, *, actor: str = "system"
) -> None:
    user = _require(session, username)
    user.disabled = disabled
    if disabled:
        from vigil.auth.tokens import auth_changed

        auth_changed()
        from vigil.auth.sessions import revoke_user_sessions

        revoke_user_sessions(session, user.id)
    record(
        session,
        actor=actor,
        action="account.disable" if disabled else "account.enable",
        object_type="user",
        object_id=user.username,
    )


def list_users(session: Session) -> list[UserInfo]:
    users = session.execute(select(User).order_by(User.username)).scalars().all()
    return [
        UserInfo(
            u.id,
            u.username,
            u.display_name,
            tuple(u.roles),
            _teams_of(session, u.id),
            u.disabled,
            u.created_at,
        )
        for u in users
    ]


def principal_for(session: Session, user: User, **extra: object) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        roles=frozenset(Role(r) for r in user.roles),
        teams=frozenset(_teams_of(session, user.id)),
        **extra,  # type: ignore[arg-type]
    )


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password matches and the account is enabled; else None.

    Always does one argon2 verification, so an unknown username takes as long as a wrong
    password. A one-time login's password stops working after its first successful use.
    """
    user = get_user(session, username) if _USERNAME.match(username.strip().lower()) else None
    ok = verify(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.one_time:
        # the password is spent: replace it with one nobody knows (the session stays valid)
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        user.one_time = False
    return user
