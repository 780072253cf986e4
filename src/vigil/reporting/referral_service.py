"""Referrals from the workbench: facts of a case, the decision gate, preservation, exports.

Adapters to the workflow (cases, ``require_decision``, legal hold) and to the evidence vault
(capture, custody events, bundle export). A referral is only built for a case with a recorded
human decision that allows it; making one captures the case's posts into the vault and puts
the case under legal hold (the preservation hook) before the package is stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.reporting.dsa import Problem
from vigil.reporting.referral import (
    CHILD_TYPES,
    VERSION,
    CaseFacts,
    DecisionRef,
    FileFacts,
    PostFacts,
    build_referral,
    validate_referral,
)
from vigil.reporting.tables import Referral, ReferralHold
from vigil.settings import Settings

__all__ = [
    "ExportResult",
    "ReferralInvalid",
    "case_facts",
    "export_referral",
    "make_referral",
    "post_facts",
]


class ReferralInvalid(ValueError):
    """The referral does not validate; ``problems`` name each field by JSON pointer."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def post_facts(settings: Settings, post_ids: Sequence[str]) -> list[PostFacts]:
    """Platform, URL, time, place and identifiers of the posts, earliest first."""
    if not post_ids or not settings.lake_dir.exists():
        return []
    import pyarrow as pa

    from vigil.lake import Lake
    from vigil.lake.derived import query_stage
    from vigil.lake.schema import IDENTIFIERS_SCHEMA

    with (
        Lake(settings.lake_dir) as lake,
        query_stage(lake, "identifiers", IDENTIFIERS_SCHEMA) as con,
    ):
        con.register("_ids", pa.table({"id": list(post_ids)}))
        rows = con.execute(
            "SELECT p.id, p.platform, p.url, p.posted_at, p.location FROM posts p "
            "JOIN _ids USING (id) ORDER BY p.posted_at NULLS LAST, p.id"
        ).fetchall()
        idents = con.execute(
            "SELECT DISTINCT post_id, kind, value FROM identifiers JOIN _ids ON post_id = _ids.id "
            "WHERE kind IN ('phone', 'email', 'handle', 'payment', 'crypto', 'url') "
            "ORDER BY post_id, kind, value"
        ).fetchall()
    by_post: dict[str, list[tuple[str, str]]] = {}
    for post_id, kind, value in idents:
        by_post.setdefault(post_id, []).append((kind, value))
    return [
        PostFacts(
            post_id=pid,
            platform=platform,
            url=url,
            posted_at=_utc(posted) if posted else None,
            identifiers=tuple(by_post.get(pid, ())),
            location=location,
        )
        for pid, platform, url, posted, location in rows
    ]


def _files(session: Session, item_ids: Sequence[str]) -> list[FileFacts]:
    from vigil.evidence.tables import CustodyEventRow, ItemRow

    if not item_ids:
        return []
    items = session.scalars(select(ItemRow).where(ItemRow.id.in_(item_ids)).order_by(ItemRow.id))
    viewed = set(
        session.scalars(
            select(CustodyEventRow.item_id).where(
                CustodyEventRow.item_id.in_(item_ids), CustodyEventRow.action == "viewed"
            )
        )
    )
    return [
        FileFacts(
            file_id=i.id,
            name=i.filename,
            sha256=i.sha256,
            viewed_by_person=i.id in viewed,
            media_type=i.media_type,
            size=i.size,
            source=i.source_ref,
            captured_at=_utc(i.captured_at),
            exif_viewed_by_person=False,
            publicly_available=i.source_kind in ("post", "url"),
        )
        for i in items
    ]


def case_facts(
    session: Session,
    settings: Settings,
    actor: Any,
    case_id: str,
    *,
    incident_type: str,
    minor_involved: bool,
) -> CaseFacts:
    """Facts of ``case_id`` for a referral; raises ``DecisionRequired`` without a decision."""
    from vigil.workflow.cases import get_case
    from vigil.workflow.decisions import require_decision
    from vigil.workflow.tables import CaseItem
    from vigil.workflow.taxonomy import reason

    case = get_case(session, actor, case_id)
    decision = require_decision(session, f"case:{case_id}")
    items = session.execute(
        select(CaseItem.kind, CaseItem.ref).where(CaseItem.case_id == case_id)
    ).all()
    post_ids = sorted({ref for kind, ref in items if kind == "post"})
    evidence_ids = sorted({ref for kind, ref in items if kind == "evidence"})
    posts = post_facts(settings, post_ids)
    dated = [p.posted_at for p in posts if p.posted_at]
    return CaseFacts(
        case_id=case.id,
        title=case.title,
        summary=case.summary or case.title,
        incident_type=incident_type,
        minor_involved=minor_involved,
        incident_at=min(dated) if dated else _utc(decision.decided_at),
        decision=DecisionRef(
            id=decision.id,
            action=decision.action,
            reason=reason(decision.reason_id).label,
            reviewer=decision.reviewer,
            decided_at=_utc(decision.decided_at),
            statement_category=decision.statement_category,
            keywords=tuple(decision.keywords),
        ),
        posts=tuple(posts),
        files=tuple(_files(session, evidence_ids)),
        legal_hold=case.legal_hold,
        held_at=None,
        preserved_items=tuple(evidence_ids),
    )


def _preserve(
    session: Session,
    settings: Settings,
    actor: Any,
    case_id: str,
    referral_id: str,
    post_ids: list[str],
) -> list[tuple[str, str, str]]:
    """Capture the case's posts into the vault and place the case under legal hold."""
    from vigil.evidence.tables import ItemRow
    from vigil.evidence.vault import Vault
    from vigil.workflow.cases import add_item, set_legal_hold

    held: list[tuple[str, str, str]] = []
    vault = Vault(session, settings)
    for post_id in post_ids:
        existing = session.scalars(
            select(ItemRow.id).where(ItemRow.source_kind == "post", ItemRow.source_ref == post_id)
        ).first()
        item_id = (
            existing
            or vault.capture_post(
                post_id, actor=actor.name, reason=f"preserved for referral {referral_id}"
            ).id
        )
        add_item(session, actor, case_id, kind="evidence", ref=item_id, label=f"post {post_id}")
        held.append(("evidence", item_id, "workflow"))
        held.append(("post", post_id, "workflow"))
    set_legal_hold(
        session, actor, case_id, on=True, reason=f"law-enforcement referral {referral_id}"
    )
    held.append(("case", case_id, "workflow"))
    return held


def make_referral(
    session: Session,
    settings: Settings,
    actor: Any,
    case_id: str,
    *,
    reporter: dict[str, Any],
    law_enforcement: dict[str, Any],
    incident_type: str,
    minor_involved: bool | None = None,
) -> dict[str, Any]:
    """Build, validate, preserve and store a referral of ``case_id``; return the document.

    Validation runs before anything is changed: an invalid referral raises
    :class:`ReferralInvalid` and places no hold.
    """
    actor.require(Permission.REFERRALS_MAKE)
    minor = incident_type in CHILD_TYPES if minor_involved is None else minor_involved
    facts = case_facts(
        session, settings, actor, case_id, incident_type=incident_type, minor_involved=minor
    )
    draft = build_referral(
        _with_hold(facts, datetime.now(UTC)), reporter=reporter, law_enforcement=law_enforcement
    )
    if problems := validate_referral(draft):
        raise ReferralInvalid(problems)
    referral_id = draft["id"]
    held = _preserve(
        session, settings, actor, case_id, referral_id, [p.post_id for p in facts.posts]
    )
    facts = case_facts(
        session, settings, actor, case_id, incident_type=incident_type, minor_involved=minor
    )
    held_at = datetime.now(UTC)
    doc = build_referral(
        _with_hold(facts, held_at),
        reporter=reporter,
        law_enforcement=law_enforcement,
        referral_id=referral_id,
        created_at=held_at,
    )
    if problems := validate_referral(doc):  # pragma: no cover - same facts as the draft
        raise ReferralInvalid(problems)
    data = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    session.add(
        Referral(
            id=referral_id,
            case_id=case_id,
            decision_id=facts.decision.id,
            created_at=held_at,
            created_by=actor.name,
            schema_version=str(VERSION),
            document=doc,
            sha256=hashlib.sha256(data).hexdigest(),
            preservation_status=doc["preservation"]["status"],
        )
    )
    session.flush()
    for subject_type, subject_id, via in held:
        session.add(
            ReferralHold(
                referral_id=referral_id,
                subject_type=subject_type,
                subject_id=subject_id,
                held_at=held_at,
                via=via,
            )
        )
    record(
        session,
        actor=actor.name,
        action="referral.make",
        object_type="referral",
        object_id=referral_id,
        detail={"case": case_id, "decision": facts.decision.id, "type": incident_type,
                "files": len(doc["files"]), "held": len(held)},
    )  # fmt: skip
    session.flush()
    return doc


def _with_hold(facts: CaseFacts, at: datetime) -> CaseFacts:
    from dataclasses import replace

    return replace(facts, legal_hold=True, held_at=at)


@dataclass(frozen=True, slots=True)
class ExportResult:
    folder: Path
    files: tuple[str, ...]
    bundle_items: int

    def as_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "files": list(self.files),
            "bundle_items": self.bundle_items,
        }


def export_referral(
    doc: dict[str, Any],
    out: Path,
    *,
    session: Session | None = None,
    settings: Settings | None = None,
    actor: str = "",
    bundle: bool = True,
    pdf: bool = True,
) -> ExportResult:
    """Write ``referral.json``, ``referral.pdf``, ``cybertip/`` (child cases) and ``bundle.zip``.

    The bundle holds the package's files as evidence items with their custody chains, verifiable
    offline with ``vigil verify``; it needs the workbench ``session`` and ``settings``.
    """
    from vigil.reporting.cybertip import cybertip_documents
    from vigil.reporting.referral_pdf import referral_pdf

    if problems := validate_referral(doc):
        raise ReferralInvalid(problems)
    out.mkdir(parents=True, exist_ok=True)
    written = ["referral.json"]
    (out / "referral.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if pdf:
        referral_pdf(doc, out / "referral.pdf")
        written.append("referral.pdf")
    if doc["incident_summary"]["type"] in CHILD_TYPES:
        folder = out / "cybertip"
        folder.mkdir(exist_ok=True)
        for name, data in cybertip_documents(doc).items():
            (folder / name).write_bytes(data)
            written.append(f"cybertip/{name}")
    items = 0
    ids = [f["file_id"] for f in doc["files"]]
    if bundle and ids:
        if session is None or settings is None:
            raise ValueError("the evidence bundle needs the workbench (session and settings)")
        from vigil.evidence.bundle import export_items
        from vigil.evidence.keys import load_log_signer
        from vigil.evidence.vault import Vault

        summary = export_items(
            session,
            Vault(session, settings),
            ids,
            out / "bundle.zip",
            actor=actor,
            reason=f"law-enforcement referral {doc['id']}",
            signer=load_log_signer(settings),
            case_id=doc["case"]["id"],
        )
        items = summary.items
        written.append("bundle.zip")
    if session is not None:
        record(
            session,
            actor=actor or "system",
            action="referral.export",
            object_type="referral",
            object_id=doc["id"],
            detail={"files": written, "bundle_items": items},
        )
    return ExportResult(out, tuple(written), items)
