"""Human decisions: policy reason, notes, action; the gate before any sharing; labels; QA.

``require_decision`` is the one check every referral or share of a person's data goes
through: it returns the latest recorded human decision on the subject, and raises
:class:`DecisionRequired` when there is none or when it does not allow sharing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.errors import ClaimConflict, DecisionRequired, Forbidden, InvalidInput
from vigil.workflow.queue import NewItem, enqueue, get_item
from vigil.workflow.routing import Candidate
from vigil.workflow.subjects import Subject
from vigil.workflow.tables import CaseItem, Decision, QueueItem, Tip
from vigil.workflow.taxonomy import SHARING_ACTIONS, Action, action, reason

__all__ = [
    "Agreement",
    "decide",
    "decision_json",
    "export_labels",
    "latest_decision",
    "qa_agreement",
    "qa_review",
    "qa_sample",
    "require_decision",
]


def decide(
    session: Session,
    actor: Actor,
    item_id: str,
    *,
    action_name: str,
    reason_id: str,
    notes: str = "",
    case_title: str | None = None,
    team: str | None = None,
    at: datetime | None = None,
) -> Decision:
    """Record the decision on a claimed item and close it; ``open_case`` opens a case.

    The reviewer must hold a live claim on the item. A QA item (source ``qa``) records a
    re-review of the decision it points to (``qa_of``).
    """
    actor.require(Permission.QUEUE_DECIDE)
    at = at or now()
    act = action(action_name)
    why = reason(reason_id)
    notes = notes.strip()
    if len(notes) > 5000:
        raise InvalidInput("notes are limited to 5000 characters", "notes")
    item = get_item(session, item_id)
    if item.status != "open":
        raise ClaimConflict(f"item {item_id} is already {item.status}")
    if item.claimed_by != actor.name or (
        item.claim_expires_at is None or aware(item.claim_expires_at) < at
    ):
        raise ClaimConflict(f"claim item {item_id} before deciding (claims expire)")
    qa_of = None
    subject_type, subject_id = item.subject_type, item.subject_id
    if item.source == "qa":
        original = session.get(Decision, item.subject_id)
        if original is None:
            raise InvalidInput(f"QA item {item_id} points to a missing decision")
        if original.reviewer == actor.name:
            raise Forbidden("a QA re-review must be made by someone else than the reviewer")
        qa_of, subject_type, subject_id = original.id, original.subject_type, original.subject_id
    decision = Decision(
        id=new_id("d"),
        item_id=item.id,
        subject_type=subject_type,
        subject_id=subject_id,
        reviewer=actor.name,
        action=act.value,
        reason_id=why.id,
        statement_category=why.statement_category,
        keywords=list(why.keywords),
        notes=notes,
        decided_at=at,
        qa_of=qa_of,
    )
    session.add(decision)
    item.status, item.decided_at = "decided", at
    item.claimed_by = item.claim_expires_at = None
    if subject_type == "tip" and qa_of is None:
        tip = session.get(Tip, subject_id)
        if tip is not None:
            tip.status = "closed" if act is Action.NO_CONCERN else "reviewing"
    session.flush()
    record(
        session,
        actor=actor.audit,
        action="queue.decide",
        object_type="decision",
        object_id=decision.id,
        detail={
            "item": item.id,
            "subject": f"{subject_type}:{subject_id}",
            "action": act.value,
            "reason": why.id,
            "qa_of": qa_of,
        },
    )
    if act is Action.OPEN_CASE and qa_of is None:
        from vigil.workflow.cases import add_item, open_case

        case = open_case(
            session,
            actor,
            title=case_title or f"{subject_type} {subject_id}: {why.label}"[:300],
            team=team or (sorted(actor.teams)[0] if actor.teams else "intake"),
            from_decision=decision.id,
        )
        add_item(
            session,
            actor,
            case.id,
            kind=subject_type,
            ref=subject_id,
            label=f"decision {decision.id}",
            from_decision=True,
        )
        decision.case_id = case.id
        session.flush()
    return decision


def latest_decision(session: Session, subject: Subject | str) -> Decision | None:
    """The most recent first-line decision on ``subject`` (QA re-reviews are not counted)."""
    subj = Subject.parse(subject)
    if subj.kind == "case":
        query = select(Decision).where(Decision.case_id == subj.id)
    else:
        query = select(Decision).where(
            Decision.subject_type == subj.kind, Decision.subject_id == subj.id
        )
    query = query.where(Decision.qa_of.is_(None)).order_by(Decision.decided_at.desc())
    return session.scalars(query.limit(1)).first()


def require_decision(
    session: Session,
    subject: Subject | str,
    *,
    allowed: frozenset[Action] = SHARING_ACTIONS,
) -> Decision:
    """The human decision that allows referring or sharing ``subject``'s data, or an error.

    For a case, the decision that opened it counts, else the latest decision on any post,
    cluster or tip the case groups.
    """
    subj = Subject.parse(subject)
    found = latest_decision(session, subj)
    if found is None and subj.kind == "case":
        refs = session.execute(
            select(CaseItem.kind, CaseItem.ref).where(
                CaseItem.case_id == subj.id, CaseItem.kind.in_(("post", "cluster", "tip"))
            )
        ).all()
        decisions = [d for k, r in refs if (d := latest_decision(session, Subject(k, r)))]
        allowing = [d for d in decisions if d.action in allowed]
        found = max(allowing or decisions, key=lambda d: aware(d.decided_at), default=None)
    if found is None:
        raise DecisionRequired(
            f"no human decision is recorded for {subj}: a reviewer must decide "
            f"({', '.join(sorted(a.value for a in allowed))}) before it is referred or shared"
        )
    if found.action not in allowed:
        raise DecisionRequired(
            f"the decision on {subj} ({found.id} by {found.reviewer}) is {found.action}, which "
            "does not allow referring or sharing it; a new decision is needed"
        )
    return found


def decision_json(d: Decision) -> dict[str, Any]:
    return {
        "id": d.id,
        "item_id": d.item_id,
        "subject": f"{d.subject_type}:{d.subject_id}",
        "reviewer": d.reviewer,
        "action": d.action,
        "reason": d.reason_id,
        "statement_category": d.statement_category,
        "keywords": list(d.keywords),
        "notes": d.notes,
        "decided_at": aware(d.decided_at).isoformat(timespec="seconds"),
        "case_id": d.case_id,
        "qa_of": d.qa_of,
    }


def _labels(session: Session, include_monitor: bool) -> Iterator[dict[str, Any]]:
    latest: dict[str, Decision] = {}
    query = (
        select(Decision)
        .where(Decision.subject_type == "post", Decision.qa_of.is_(None))
        .order_by(Decision.decided_at, Decision.id)
    )
    for d in session.scalars(query):
        latest[d.subject_id] = d
    for post_id, d in sorted(latest.items()):
        if d.action == Action.MONITOR and not include_monitor:
            continue
        why = reason(d.reason_id)
        concern = d.action != Action.NO_CONCERN and why.concern
        row: dict[str, Any] = {"post_id": post_id, "label": "concern" if concern else "no_concern"}
        if why.post_class:
            row["class"] = why.post_class
        row["decision_id"], row["reason"] = d.id, d.reason_id
        yield row


def export_labels(session: Session, actor: Actor, *, include_monitor: bool = False) -> bytes:
    """Decisions on posts as a labels file for ``vigil train`` (JSONL, latest decision wins).

    ``label`` is ``concern`` unless the action is ``no_concern`` or the reason is not of
    concern; ``monitor`` decisions are uncertain and left out unless asked for.
    """
    actor.require(Permission.QUEUE_READ)
    lines = [orjson.dumps(row) for row in _labels(session, include_monitor)]
    record(
        session,
        actor=actor.audit,
        action="decisions.export_labels",
        object_type="decisions",
        object_id="labels",
        detail={"rows": len(lines)},
    )
    return b"".join(line + b"\n" for line in lines)


def qa_sample(
    session: Session,
    actor: Actor,
    *,
    share: float = 0.1,
    seed: int | None = None,
    since: datetime | None = None,
) -> list[QueueItem]:
    """Queue a random ``share`` of first-line decisions not yet sampled for a lead's re-review.

    The QA item shows the subject, not the first decision, so the re-review is blind.
    """
    actor.require(Permission.QUEUE_ASSIGN)
    if not 0 < share <= 1:
        raise InvalidInput("share must be in (0, 1]", "share")
    sampled = set(session.scalars(select(QueueItem.subject_id).where(QueueItem.source == "qa")))
    query = select(Decision).where(Decision.qa_of.is_(None)).order_by(Decision.id)
    if since is not None:
        query = query.where(Decision.decided_at >= since)
    pool = [d for d in session.scalars(query) if d.id not in sampled]
    rng = random.Random(seed)
    k = round(len(pool) * share)
    if pool and k == 0:
        k = 1
    chosen = rng.sample(pool, k) if pool else []
    items = [
        NewItem(
            dedupe_key=f"qa:{d.id}",
            subject_type="decision",
            subject_id=d.id,
            candidate=Candidate(source="qa"),
            reason={"re_review": f"{d.subject_type}:{d.subject_id}"},
        )
        for d in chosen
    ]
    added = enqueue(session, items)
    record(
        session,
        actor=actor.audit,
        action="qa.sample",
        object_type="decisions",
        object_id="qa",
        detail={"share": share, "sampled": len(added)},
    )
    return added


def qa_review(
    session: Session,
    actor: Actor,
    item_id: str,
    *,
    action_name: str,
    reason_id: str,
    notes: str = "",
) -> Decision:
    """Record a lead's re-review on a claimed QA item (a decision with ``qa_of``)."""
    actor.require(Permission.QUEUE_ASSIGN)
    item = get_item(session, item_id)
    if item.source != "qa":
        raise InvalidInput(f"item {item_id} is not a QA item")
    return decide(
        session, actor, item_id, action_name=action_name, reason_id=reason_id, notes=notes
    )


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between first decisions and QA re-reviews."""

    pairs: int
    action_agreement: float | None  # share of pairs with the same action
    action_kappa: float | None  # Cohen's kappa on the action
    concern_kappa: float | None  # Cohen's kappa on concern / no concern

    def as_json(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "action_agreement": self.action_agreement,
            "action_kappa": self.action_kappa,
            "concern_kappa": self.concern_kappa,
        }


def _kappa(a: list[str], b: list[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return None  # kappa is undefined when everyone used a single label
    return float(cohen_kappa_score(a, b))


def qa_agreement(session: Session, actor: Actor) -> Agreement:
    """Cohen's kappa (scikit-learn) between each QA re-review and the decision it checks."""
    actor.require(Permission.QUEUE_READ)
    qa = list(session.scalars(select(Decision).where(Decision.qa_of.is_not(None))))
    originals = {
        d.id: d
        for d in session.scalars(
            select(Decision).where(Decision.id.in_([q.qa_of for q in qa if q.qa_of]))
        )
    }
    pairs = [(originals[q.qa_of], q) for q in qa if q.qa_of in originals]
    if not pairs:
        return Agreement(0, None, None, None)
    first = [o.action for o, _ in pairs]
    second = [q.action for _, q in pairs]

    def concern(d: Decision) -> str:
        return "concern" if d.action != Action.NO_CONCERN and reason(d.reason_id).concern else "no"

    same = sum(a == b for a, b in zip(first, second, strict=True)) / len(pairs)
    return Agreement(
        pairs=len(pairs),
        action_agreement=round(same, 4),
        action_kappa=_kappa(first, second),
        concern_kappa=_kappa([concern(o) for o, _ in pairs], [concern(q) for _, q in pairs]),
    )
