"""Tips: scored and linked like posts, queued, and answered through a receipt code.

Nothing that identifies the reporter's connection is stored: no address, no user agent,
no cookie. The reporter gets a random receipt code (100 bits); only its SHA-256 is kept,
which is enough to find the tip again when the code is typed in, and useless to anyone
who reads the database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.errors import InvalidInput, NotFound
from vigil.workflow.queue import NewItem, enqueue
from vigil.workflow.routing import Candidate
from vigil.workflow.tables import FeedRun, Tip, TipMessage
from vigil.workflow.tips.form import TipForm

__all__ = [
    "ANONYMOUS",
    "ReporterView",
    "Submitted",
    "add_information",
    "get_tip",
    "latest_results_dir",
    "list_tips",
    "receipt_hash",
    "reply",
    "submit_tip",
    "tip_json",
    "view_by_receipt",
]

ANONYMOUS = "anonymous reporter"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_LINK_KINDS = ("phone", "email", "handle", "payment", "crypto", "url")


@dataclass(frozen=True, slots=True)
class Submitted:
    tip_id: str
    receipt: str  # shown to the reporter once; never stored
    queue_item: str | None


def _new_receipt() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def _normal_receipt(code: str) -> str:
    table = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
    return "".join(ch for ch in code.upper().translate(table) if ch in _ALPHABET)


def receipt_hash(code: str) -> bytes:
    return hashlib.sha256(b"vigil-tip-receipt\x00" + _normal_receipt(code).encode()).digest()


def _score(form: TipForm, region: str) -> tuple[str, Any, list[Any]]:
    from vigil.extract import extract
    from vigil.extract.handle import normalize_handle
    from vigil.indicators import score_text
    from vigil.ingest.normalise import normalise_text
    from vigil.model import Identifier, IdentifierKind

    text = normalise_text(form.text())
    idents = list(extract(text, region=form.country or region))
    if form.platform and form.handle:
        value = normalize_handle(form.platform, form.handle)
        if all(i.value != value for i in idents):
            idents.append(Identifier(IdentifierKind.HANDLE, value, form.handle, -1, -1))
    return text, score_text(text, idents), idents


def _links(results_dir: Path, idents: list[Any]) -> tuple[list[str], list[str]]:
    """Posts of the latest scan results sharing a contact identifier, and their clusters."""
    import duckdb

    from vigil.lake.files import sql_literal
    from vigil.linking.result import MEMBERSHIP_FILE

    wanted = sorted({(str(i.kind), i.value) for i in idents if str(i.kind) in _LINK_KINDS})
    ident_file = results_dir / "identifiers.parquet"
    if not wanted or not ident_file.exists():
        return [], []
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE wanted (kind VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?, ?)", wanted)
        posts = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT i.post_id FROM read_parquet({sql_literal(str(ident_file))}) i "
                "JOIN wanted w ON w.kind = i.kind AND w.value = i.value ORDER BY 1 LIMIT 1000"
            ).fetchall()
        ]
        clusters: list[str] = []
        member_file = results_dir / MEMBERSHIP_FILE
        if posts and member_file.exists():
            con.execute("CREATE TEMP TABLE hit (post_id VARCHAR)")
            con.executemany("INSERT INTO hit VALUES (?)", [(p,) for p in posts])
            clusters = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT m.cluster_id "
                    f"FROM read_parquet({sql_literal(str(member_file))}) m "
                    "JOIN hit h ON h.post_id = m.post_id WHERE m.cluster_id IS NOT NULL ORDER BY 1"
                ).fetchall()
            ]
        return posts, clusters
    finally:
        con.close()


def latest_results_dir(session: Session) -> Path | None:
    run = session.scalars(select(FeedRun).order_by(FeedRun.at.desc()).limit(1)).first()
    return Path(run.results_dir) if run else None


def submit_tip(
    session: Session,
    form: TipForm,
    *,
    region: str = "US",
    results_dir: Path | None = None,
    at: datetime | None = None,
) -> Submitted:
    """Store a tip, score it, link it to known posts and clusters, and queue it."""
    at = at or now()
    text, scored, idents = _score(form, region)
    results = results_dir or latest_results_dir(session)
    posts, clusters = _links(results, idents) if results else ([], [])
    receipt = _new_receipt()
    tip = Tip(
        id=new_id("t"),
        created_at=at,
        last_activity_at=at,
        form=form.as_json(),
        text=text,
        immediate_danger=form.danger,
        country=form.country,
        risk=float(scored.risk),
        band=scored.band,
        hits=[asdict(h) for h in scored.hits],
        identifiers=[i.to_dict() for i in idents],
        linked_posts=posts,
        linked_clusters=clusters,
        receipt_hash=receipt_hash(receipt),
        status="received",
    )
    session.add(tip)
    session.flush()
    categories = frozenset(h.category for h in scored.hits)
    candidate = Candidate(
        source="tip",
        score=float(scored.risk),
        band=scored.band,
        categories=categories,
        indicators=frozenset(h.indicator_id for h in scored.hits),
        immediate_danger=form.danger,
    )
    reason = {
        "band": scored.band,
        "risk": round(float(scored.risk), 4),
        "indicators": sorted({h.indicator_id for h in scored.hits}),
        "danger": form.danger,
        "linked_clusters": clusters[:20],
        "linked_posts": len(posts),
    }
    added = enqueue(session, [NewItem(f"tip:{tip.id}", "tip", tip.id, candidate, reason)], at=at)
    record(
        session,
        actor=ANONYMOUS,
        action="tip.submit",
        object_type="tip",
        object_id=tip.id,
        detail={"band": scored.band, "danger": form.danger, "linked_clusters": len(clusters)},
    )
    return Submitted(tip.id, receipt, added[0].id if added else None)


def _by_receipt(session: Session, code: str) -> Tip:
    if len(_normal_receipt(code)) != 20:
        raise InvalidInput("a receipt code has 20 letters and digits", "receipt")
    tip = session.scalars(select(Tip).where(Tip.receipt_hash == receipt_hash(code))).first()
    if tip is None:
        raise NotFound("tip with receipt", "(the code you typed)")
    return tip


@dataclass(frozen=True, slots=True)
class ReporterView:
    """What the reporter may see: the status and the conversation, nothing internal."""

    status: str
    submitted_on: str
    messages: list[dict[str, str]]


def view_by_receipt(session: Session, code: str) -> ReporterView:
    tip = _by_receipt(session, code)
    msgs = session.scalars(
        select(TipMessage).where(TipMessage.tip_id == tip.id).order_by(TipMessage.at)
    )
    return ReporterView(
        status=tip.status,
        submitted_on=aware(tip.created_at).date().isoformat(),
        messages=[
            {
                "from": "you" if m.direction == "reporter" else "the team",
                "at": aware(m.at).date().isoformat(),
                "body": m.body,
            }
            for m in msgs
        ],
    )


def add_information(session: Session, code: str, body: str) -> TipMessage:
    """The reporter adds to their tip with the receipt code; the tip is queued again."""
    tip = _by_receipt(session, code)
    body = body.strip()
    if not 1 <= len(body) <= 5000:
        raise InvalidInput("write between 1 and 5000 characters", "body")
    at = now()
    msg = TipMessage(
        id=new_id("tm"), tip_id=tip.id, at=at, direction="reporter", author=None, body=body
    )
    session.add(msg)
    tip.last_activity_at = at
    session.flush()
    enqueue(
        session,
        [
            NewItem(
                f"tip:{tip.id}:{msg.id}",
                "tip",
                tip.id,
                Candidate(
                    source="tip",
                    score=tip.risk,
                    band=tip.band,
                    immediate_danger=tip.immediate_danger,
                ),
                {"band": tip.band, "new_information": True},
            )
        ],
    )
    record(
        session,
        actor=ANONYMOUS,
        action="tip.add_information",
        object_type="tip",
        object_id=tip.id,
        detail={"message": msg.id},
    )
    return msg


def reply(session: Session, actor: Actor, tip_id: str, body: str) -> TipMessage:
    """Staff reply the reporter reads with their receipt code."""
    actor.require(Permission.QUEUE_DECIDE)
    tip = session.get(Tip, tip_id)
    if tip is None:
        raise NotFound("tip", tip_id)
    body = body.strip()
    if not 1 <= len(body) <= 5000:
        raise InvalidInput("write between 1 and 5000 characters", "body")
    msg = TipMessage(
        id=new_id("tm"), tip_id=tip.id, at=now(), direction="staff", author=actor.name, body=body
    )
    session.add(msg)
    tip.last_activity_at = msg.at
    session.flush()
    record(
        session,
        actor=actor.audit,
        action="tip.reply",
        object_type="tip",
        object_id=tip.id,
        detail={"message": msg.id},
    )
    return msg


def get_tip(session: Session, actor: Actor, tip_id: str) -> Tip:
    """One tip for staff (``tips.read``); the read is audited."""
    actor.require(Permission.TIPS_READ)
    tip = session.get(Tip, tip_id)
    if tip is None:
        raise NotFound("tip", tip_id)
    record(session, actor=actor.audit, action="tip.read", object_type="tip", object_id=tip.id)
    return tip


def list_tips(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 100
) -> list[Tip]:
    actor.require(Permission.TIPS_READ)
    query = select(Tip)
    if status:
        query = query.where(Tip.status == status)
    return list(session.scalars(query.order_by(Tip.created_at.desc()).limit(limit)))


def tip_json(session: Session, tip: Tip, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": tip.id,
        "created_at": aware(tip.created_at).isoformat(timespec="seconds"),
        "status": tip.status,
        "danger": tip.immediate_danger,
        "country": tip.country,
        "risk": round(tip.risk, 4),
        "band": tip.band,
        "linked_clusters": tip.linked_clusters,
        "linked_posts": len(tip.linked_posts),
    }
    if full:
        out["form"] = tip.form
        out["hits"] = tip.hits
        out["identifiers"] = tip.identifiers
        out["linked_post_ids"] = tip.linked_posts
        out["messages"] = [
            {
                "direction": m.direction,
                "author": m.author,
                "at": aware(m.at).isoformat(timespec="seconds"),
                "body": m.body,
            }
            for m in session.scalars(
                select(TipMessage).where(TipMessage.tip_id == tip.id).order_by(TipMessage.at)
            )
        ]
    return out
