"""Signal exchange service: add, export, import, match and feedback, each audited.

All functions work in the caller's session and transaction; the caller commits. Clear values
stay in ``share_signals``; packages carry tokens only; imports store tokens only; matching
computes tokens of local values in memory and compares them with received tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.sharing.blind import Blinder
from vigil.sharing.keys import KeyStore, check_name
from vigil.sharing.local import LocalValue
from vigil.sharing.model import (
    Feedback,
    FeedbackKind,
    Opinion,
    SharedSignal,
    SignalCategory,
    SignalType,
)
from vigil.sharing.normalise import normalise
from vigil.sharing.package import PackageError, SignalPackage, parse, sign
from vigil.sharing.queue import enqueue
from vigil.sharing.tables import (
    ShareFeedback,
    ShareMatch,
    SharePackage,
    ShareReceived,
    ShareSignal,
)
from vigil.sharing.tx import PDQ_THRESHOLD, PdqMatcher

__all__ = [
    "ImportResult",
    "MatchResult",
    "add_signal",
    "export_feedback",
    "export_signals",
    "import_package",
    "match",
    "record_feedback",
]


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def add_signal(
    session: Session,
    *,
    group: str,
    type: SignalType,
    value: str,
    category: SignalCategory,
    opinion: Opinion,
    actor: str,
    tags: Iterable[str] = (),
    first_seen: datetime | None = None,
    last_seen: datetime | None = None,
    expires_at: datetime | None = None,
    region: str = "US",
    ref: tuple[str, str] | None = None,
) -> ShareSignal:
    """Add (or refresh) a signal to share with ``group``; the value is normalised first."""
    check_name(group, "group")
    norm = normalise(type, value, region=region)
    tag_list = sorted({check_name(t, "tag") for t in tags})
    now = datetime.now(UTC)
    first, last = _utc(first_seen or now), _utc(last_seen or first_seen or now)
    if last < first:
        raise ValueError("last seen is before first seen")
    row = session.scalars(
        select(ShareSignal).where(
            ShareSignal.group == group, ShareSignal.type == str(type), ShareSignal.value == norm
        )
    ).one_or_none()
    if row is None:
        row = ShareSignal(
            id=secrets.token_hex(16),
            group=group,
            type=str(type),
            value=norm,
            first_seen=first,
            created_at=now,
            created_by=actor,
        )
        session.add(row)
    else:
        first = min(_utc(row.first_seen), first)
        row.first_seen = first
        last = max(_utc(row.last_seen), last)
    row.category, row.opinion, row.tags = str(category), str(opinion), tag_list
    row.last_seen, row.expires_at = last, _utc(expires_at) if expires_at else None
    row.ref_type, row.ref_id = ref if ref else (None, None)
    session.flush()
    record(
        session,
        actor=actor,
        action="share.signal.add",
        object_type="share_signal",
        object_id=row.id,
        detail={"group": group, "type": str(type), "opinion": str(opinion)},
    )
    return row


def _package_row(package: SignalPackage, direction: str, data: bytes, items: int) -> SharePackage:
    return SharePackage(
        id=package.id,
        direction=direction,
        kind=package.kind,
        group=package.group,
        source_org=package.source_org,
        recipient_org=package.recipient_org,
        created_at=package.created_at,
        processed_at=datetime.now(UTC),
        items=items,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def export_signals(
    session: Session, keys: KeyStore, *, group: str, actor: str, now: datetime | None = None
) -> bytes:
    """A signed package of this organisation's unexpired signals for ``group``."""
    now = _utc(now or datetime.now(UTC))
    gkey = keys.group(group)
    org = keys.org()
    blind = Blinder(gkey)
    rows = session.scalars(
        select(ShareSignal).where(ShareSignal.group == group).order_by(ShareSignal.id)
    ).all()
    signals = []
    for r in rows:
        if r.expires_at is not None and _utc(r.expires_at) <= now:
            continue
        kind = SignalType(r.type)
        signals.append(
            SharedSignal(
                type=kind,
                value=blind(kind, r.value) if kind.blinded else r.value,
                category=SignalCategory(r.category),
                opinion=Opinion(r.opinion),
                first_seen=r.first_seen,
                last_seen=r.last_seen,
                source_org=org,
                tags=tuple(r.tags),
                expires_at=r.expires_at,
            )
        )
    package = SignalPackage(
        kind="signals",
        id=SignalPackage.new_id(),
        group=group,
        group_key_id=gkey.id,
        source_org=org,
        created_at=now,
        signals=tuple(signals),
    )
    data = sign(package, keys)
    session.add(_package_row(package, "out", data, len(signals)))
    record(
        session,
        actor=actor,
        action="share.export",
        object_type="share_package",
        object_id=package.id,
        detail={"group": group, "signals": len(signals)},
    )
    return data


@dataclass(slots=True)
class ImportResult:
    package_id: str
    kind: str
    group: str
    source_org: str
    new: int = 0
    updated: int = 0
    feedback: int = 0
    already_imported: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "package": self.package_id,
            "kind": self.kind,
            "group": self.group,
            "source_org": self.source_org,
            "new": self.new,
            "updated": self.updated,
            "feedback": self.feedback,
            "already_imported": self.already_imported,
        }


def import_package(session: Session, keys: KeyStore, data: bytes, *, actor: str) -> ImportResult:
    """Verify and store a package; importing the same package again changes nothing.

    Raises :class:`PackageError` with the problem's location; nothing is stored then.
    A received signal is stored with its provenance and never acted upon here.
    """
    package, gkey = parse(data, keys)
    result = ImportResult(package.id, package.kind, package.group, package.source_org)
    if session.get(SharePackage, package.id) is not None:
        result.already_imported = True
        return result
    if package.kind == "feedback":
        own = keys.org()
        if package.recipient_org != own:
            raise PackageError(
                f"feedback is addressed to {package.recipient_org!r}, this is {own!r}",
                "/recipient_org",
            )
    session.add(_package_row(package, "in", data, len(package.signals) + len(package.feedback)))
    session.flush()
    if package.kind == "feedback":
        result.feedback = _store_feedback(session, package, gkey_blinder=Blinder(gkey))
    else:
        result.new, result.updated = _store_signals(session, package)
    session.flush()
    record(
        session,
        actor=actor,
        action="share.import",
        object_type="share_package",
        object_id=package.id,
        detail={
            "group": package.group,
            "source_org": package.source_org,
            "kind": package.kind,
            "new": result.new,
            "updated": result.updated,
            "feedback": result.feedback,
        },
    )
    return result


def _store_signals(session: Session, package: SignalPackage) -> tuple[int, int]:
    existing = {
        (r.type, r.value): r
        for r in session.scalars(
            select(ShareReceived).where(
                ShareReceived.group == package.group,
                ShareReceived.source_org == package.source_org,
            )
        )
    }
    new = updated = 0
    now = datetime.now(UTC)
    for s in package.signals:
        row = existing.get((str(s.type), s.value))
        if row is None:
            row = ShareReceived(
                group=package.group,
                source_org=package.source_org,
                type=str(s.type),
                value=s.value,
                first_seen=s.first_seen,
                received_at=now,
            )
            session.add(row)
            existing[(str(s.type), s.value)] = row
            new += 1
        elif _utc(s.last_seen) >= _utc(row.last_seen):
            updated += 1
        else:
            continue  # an older package: keep the newer opinion
        row.category, row.opinion, row.tags = str(s.category), str(s.opinion), list(s.tags)
        row.first_seen = min(_utc(row.first_seen), _utc(s.first_seen))
        row.last_seen, row.expires_at = s.last_seen, s.expires_at
        row.package_id = package.id
    return new, updated


def _store_feedback(session: Session, package: SignalPackage, *, gkey_blinder: Blinder) -> int:
    ours = {
        (
            r.type,
            gkey_blinder(SignalType(r.type), r.value) if SignalType(r.type).blinded else r.value,
        ): r.id
        for r in session.scalars(select(ShareSignal).where(ShareSignal.group == package.group))
    }
    stored = 0
    for f in package.feedback:
        signal_id = ours.get((str(f.type), f.value))
        if signal_id is None:
            continue  # feedback on a signal we never shared (or no longer hold)
        key = ("in", package.source_org, str(f.type), f.value, str(f.kind))
        if session.scalars(
            select(ShareFeedback.id).where(
                ShareFeedback.direction == key[0],
                ShareFeedback.org == key[1],
                ShareFeedback.type == key[2],
                ShareFeedback.value == key[3],
                ShareFeedback.kind == key[4],
            )
        ).first():
            continue
        session.add(
            ShareFeedback(
                direction="in",
                group=package.group,
                org=package.source_org,
                type=str(f.type),
                value=f.value,
                kind=str(f.kind),
                at=f.at,
                package_id=package.id,
                signal_id=signal_id,
            )
        )
        stored += 1
    return stored


@dataclass(slots=True)
class MatchResult:
    new_matches: int = 0
    review_items: int = 0
    subjects: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "new_matches": self.new_matches,
            "review_items": self.review_items,
            "subjects": self.subjects,
        }


def _provenance(r: ShareReceived) -> dict[str, Any]:
    return {
        "source": "sharing",
        "group": r.group,
        "source_org": r.source_org,
        "package": r.package_id,
        "signal_type": r.type,
        "category": r.category,
        "opinion": r.opinion,
        "tags": list(r.tags),
        "first_seen": _utc(r.first_seen).isoformat(),
        "last_seen": _utc(r.last_seen).isoformat(),
        "received_at": _utc(r.received_at).isoformat(),
    }


def match(
    session: Session,
    keys: KeyStore,
    local: Iterable[LocalValue],
    *,
    actor: str,
    clusters: dict[str, str] | None = None,
    pdq_threshold: int = PDQ_THRESHOLD,
    now: datetime | None = None,
    use_workflow_queue: bool = True,
) -> MatchResult:
    """Find local subjects holding received signals; queue each new match for review.

    Signals that expired or that their source marks as false positives are not matched.
    ``clusters`` (post id → cluster id) adds the cluster of each matched post. Matching
    again finds nothing new.
    """
    now = _utc(now or datetime.now(UTC))
    received = [
        r
        for r in session.scalars(select(ShareReceived).order_by(ShareReceived.id))
        if r.opinion != Opinion.FALSE_POSITIVE
        and (r.expires_at is None or _utc(r.expires_at) > now)
    ]
    by_group: dict[str, dict[tuple[str, str], list[ShareReceived]]] = defaultdict(dict)
    pdqs: list[ShareReceived] = []
    for r in received:
        if r.type == SignalType.PDQ:
            pdqs.append(r)
        else:
            by_group[r.group].setdefault((r.type, r.value), []).append(r)
    blinders = {g: Blinder(keys.group(g)) for g in by_group}
    index = PdqMatcher([(r.value, r) for r in pdqs], pdq_threshold)
    hits: list[tuple[ShareReceived, str, str, dict[str, Any]]] = []
    for lv in local:
        if lv.type is SignalType.PDQ:
            for r, distance in index.query(lv.value):
                hits.append((r, lv.subject_type, lv.subject_id, {"distance": distance}))
            continue
        for group, wanted in by_group.items():
            found = wanted.get((str(lv.type), blinders[group](lv.type, lv.value)))
            for r in found or ():
                hits.append((r, lv.subject_type, lv.subject_id, {"type": str(lv.type)}))
    if clusters:
        for r, stype, sid, detail in list(hits):
            if stype == "post" and sid in clusters:
                hits.append((r, "cluster", clusters[sid], {**detail, "via_post": sid}))
    cases = _cases_holding(session, {(stype, sid) for _, stype, sid, _ in hits})
    result = MatchResult()
    seen: set[tuple[int, str, str]] = set()
    for r, stype, sid, detail in hits:
        key = (r.id, stype, sid)
        if key in seen:
            continue
        seen.add(key)
        if session.scalars(
            select(ShareMatch.id).where(
                ShareMatch.received_id == r.id,
                ShareMatch.subject_type == stype,
                ShareMatch.subject_id == sid,
            )
        ).first():
            continue
        in_cases = cases.get((stype, sid), [])
        provenance = {**_provenance(r), "match": detail, "cases": in_cases}
        item = enqueue(
            session,
            dedupe_key=f"signal:{r.id}:{stype}:{sid}",
            category=r.category,
            subject_type=stype,
            subject_id=sid,
            reason=f"holds a {r.type} signal shared by {r.source_org} ({r.opinion}, {r.category})",
            provenance=provenance,
            use_workflow=use_workflow_queue,
        )
        session.add(
            ShareMatch(
                received_id=r.id,
                subject_type=stype,
                subject_id=sid,
                detail=detail,
                matched_at=now,
                review_item_id=item,
            )
        )
        for case_id in in_cases:  # recorded, and shown on the item; no separate review
            key = (r.id, "case", case_id)
            if (
                key not in seen
                and not session.scalars(
                    select(ShareMatch.id).where(
                        ShareMatch.received_id == r.id,
                        ShareMatch.subject_type == "case",
                        ShareMatch.subject_id == case_id,
                    )
                ).first()
            ):
                seen.add(key)
                session.add(
                    ShareMatch(
                        received_id=r.id,
                        subject_type="case",
                        subject_id=case_id,
                        detail={**detail, f"via_{stype}": sid},
                        matched_at=now,
                        review_item_id=item,
                    )
                )
        session.flush()
        result.new_matches += 1
        result.review_items += 1
        result.subjects.append(
            {"subject_type": stype, "subject_id": sid, "review_item": item, **provenance}
        )
    session.flush()
    record(
        session,
        actor=actor,
        action="share.match",
        object_type="share_matches",
        object_id=now.isoformat(),
        detail={"new_matches": result.new_matches},
    )
    return result


def _cases_holding(
    session: Session, subjects: set[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    """(kind, id) of a post or cluster → ids of the workflow cases that group it."""
    try:
        from vigil.workflow.tables import CaseItem
    except ImportError:  # pragma: no cover - the workflow ships with vigil
        return {}
    out: dict[tuple[str, str], list[str]] = {}
    for kind in ("post", "cluster"):
        refs = sorted(sid for stype, sid in subjects if stype == kind)
        for k in range(0, len(refs), 500):
            rows = session.execute(
                select(CaseItem.ref, CaseItem.case_id).where(
                    CaseItem.kind == kind, CaseItem.ref.in_(refs[k : k + 500])
                )
            )
            for ref, case_id in rows:
                out.setdefault((kind, ref), []).append(case_id)
    return {key: sorted(ids) for key, ids in out.items()}


def record_feedback(
    session: Session, *, received_id: int, kind: FeedbackKind, actor: str
) -> ShareFeedback:
    """Note feedback on a received signal; it is sent with the next feedback export."""
    r = session.get(ShareReceived, received_id)
    if r is None:
        raise LookupError(f"no received signal {received_id}")
    row = session.scalars(
        select(ShareFeedback).where(
            ShareFeedback.direction == "out",
            ShareFeedback.org == r.source_org,
            ShareFeedback.type == r.type,
            ShareFeedback.value == r.value,
            ShareFeedback.kind == str(kind),
        )
    ).one_or_none()
    if row is None:
        row = ShareFeedback(
            direction="out",
            group=r.group,
            org=r.source_org,
            type=r.type,
            value=r.value,
            kind=str(kind),
            at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
    record(
        session,
        actor=actor,
        action="share.feedback",
        object_type="share_received",
        object_id=str(received_id),
        detail={"kind": str(kind), "source_org": r.source_org},
    )
    return row


def export_feedback(
    session: Session, keys: KeyStore, *, group: str, to_org: str, actor: str
) -> bytes | None:
    """A signed feedback package for ``to_org`` with feedback not sent yet (None if none)."""
    gkey = keys.group(group)
    rows = session.scalars(
        select(ShareFeedback).where(
            ShareFeedback.direction == "out",
            ShareFeedback.group == group,
            ShareFeedback.org == to_org,
            ShareFeedback.package_id.is_(None),
        )
    ).all()
    if not rows:
        return None
    org = keys.org()
    package = SignalPackage(
        kind="feedback",
        id=SignalPackage.new_id(),
        group=group,
        group_key_id=gkey.id,
        source_org=org,
        recipient_org=to_org,
        created_at=datetime.now(UTC),
        feedback=tuple(
            Feedback(SignalType(r.type), r.value, FeedbackKind(r.kind), org, r.at) for r in rows
        ),
    )
    data = sign(package, keys)
    session.add(_package_row(package, "out", data, len(rows)))
    for r in rows:
        r.package_id = package.id
    record(
        session,
        actor=actor,
        action="share.feedback.export",
        object_type="share_package",
        object_id=package.id,
        detail={"group": group, "to": to_org, "feedback": len(rows)},
    )
    return data
