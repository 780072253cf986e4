"""Watchlists (cyber patrols): identifiers, clusters and saved searches an investigator
follows. A watch has an owner, a reason and an expiry; adding and removing one is
audited. New scan results are matched against live watches by :mod:`vigil.workflow.feed`;
each new match is an :class:`Alert` on the owner's dashboard and an item in the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.errors import Forbidden, InvalidInput, NotFound
from vigil.workflow.tables import Alert, Watch

__all__ = [
    "IDENTIFIER_KINDS",
    "WATCH_KINDS",
    "add_watch",
    "alerts_for",
    "list_watches",
    "live_watches",
    "normalise_watch_value",
    "remove_watch",
    "watch_json",
]

IDENTIFIER_KINDS = ("phone", "email", "handle", "payment", "crypto", "url")
WATCH_KINDS = (*IDENTIFIER_KINDS, "image_hash", "cluster", "search")
MAX_DAYS = 366


def normalise_watch_value(kind: str, value: str, *, region: str = "US") -> str:
    """The value as the extractors write it (E.164 phones, ``platform:handle``, ...)."""
    value = value.strip()
    if not value:
        raise InvalidInput("must not be empty", "value")
    if len(value) > 500:
        raise InvalidInput("at most 500 characters", "value")
    if kind not in WATCH_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(WATCH_KINDS)}", "kind")
    if kind == "search":
        terms = " ".join(value.lower().split())
        if len(terms) < 3:
            raise InvalidInput("a saved search needs at least 3 characters", "value")
        return terms
    if kind == "cluster":
        if not (value.startswith("c") and value[1:].isalnum()):
            raise InvalidInput("a cluster id looks like c0123456789abcdef", "value")
        return value
    if kind == "image_hash":
        low = value.lower()
        if len(low) != 64 or any(ch not in "0123456789abcdef" for ch in low):
            raise InvalidInput("an image hash is 64 hex digits (SHA-256 or PDQ)", "value")
        return low
    if kind == "handle" and ":" in value:
        from vigil.extract.handle import normalize_handle

        platform, _, handle = value.partition(":")
        return normalize_handle(platform, handle)
    from vigil.extract import extract

    found = [i.value for i in extract(value, region=region, kinds=[kind])]
    if not found:
        hint = {"handle": " (write platform:handle, e.g. instagram:someone)"}.get(kind, "")
        raise InvalidInput(f"no {kind} found in {value!r}{hint}", "value")
    return found[0]


def add_watch(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    value: str,
    reason: str,
    days: int = 90,
    region: str = "US",
) -> Watch:
    actor.require(Permission.WATCH_MANAGE)
    if not reason.strip():
        raise InvalidInput("say why you watch this (it is audited)", "reason")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a watch lasts 1 to {MAX_DAYS} days; renew it when it expires", "days")
    at = now()
    watch = Watch(
        id=new_id("w"),
        kind=kind,
        value=normalise_watch_value(kind, value, region=region),
        owner=actor.name,
        reason=reason.strip()[:2000],
        created_at=at,
        expires_at=at + timedelta(days=days),
    )
    session.add(watch)
    session.flush()
    record(
        session,
        actor=actor.audit,
        action="watch.add",
        object_type="watch",
        object_id=watch.id,
        detail={"kind": kind, "days": days},
    )
    return watch


def remove_watch(session: Session, actor: Actor, watch_id: str) -> Watch:
    actor.require(Permission.WATCH_MANAGE)
    watch = session.get(Watch, watch_id)
    if watch is None:
        raise NotFound("watch", watch_id)
    if watch.owner != actor.name and not actor.can(Permission.QUEUE_ASSIGN):
        raise Forbidden(f"watch {watch_id} belongs to {watch.owner}")
    watch.removed_at = now()
    record(
        session, actor=actor.audit, action="watch.remove", object_type="watch", object_id=watch.id
    )
    session.flush()
    return watch


def live_watches(session: Session, at: datetime | None = None) -> list[Watch]:
    at = at or now()
    return list(
        session.scalars(
            select(Watch)
            .where(Watch.removed_at.is_(None), Watch.expires_at > at)
            .order_by(Watch.created_at)
        )
    )


def list_watches(session: Session, actor: Actor, *, owner: str | None = None) -> list[Watch]:
    actor.require(Permission.WATCH_MANAGE)
    query = select(Watch).where(Watch.removed_at.is_(None))
    if owner:
        query = query.where(Watch.owner == owner)
    return list(session.scalars(query.order_by(Watch.expires_at)))


def alerts_for(
    session: Session, actor: Actor, *, unseen_only: bool = False, mark_seen: bool = False
) -> list[tuple[Alert, Watch]]:
    """The alerts on the actor's watches, newest first (the watcher's dashboard)."""
    actor.require(Permission.WATCH_MANAGE)
    query = select(Alert, Watch).join(Watch, Watch.id == Alert.watch_id)
    query = query.where(Watch.owner == actor.name)
    if unseen_only:
        query = query.where(Alert.seen_at.is_(None))
    rows = [(a, w) for a, w in session.execute(query.order_by(Alert.created_at.desc()))]
    if mark_seen:
        at = now()
        for alert, _ in rows:
            alert.seen_at = alert.seen_at or at
        session.flush()
    return rows


def watch_json(watch: Watch, at: datetime | None = None) -> dict[str, Any]:
    at = at or now()
    return {
        "id": watch.id,
        "kind": watch.kind,
        "value": watch.value,
        "owner": watch.owner,
        "reason": watch.reason,
        "created_at": aware(watch.created_at).isoformat(timespec="seconds"),
        "expires_at": aware(watch.expires_at).isoformat(timespec="seconds"),
        "expired": aware(watch.expires_at) <= at,
    }
