"""Retention schedules per record type (``data/retention.yaml``) and the run that applies them.

Nothing grouped by a case under legal hold is removed: its victims' records are not
shredded, and tips it holds are kept. The run reports what it removed (counts and ids),
and appends one audit event with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, now
from vigil.workflow.tables import (
    Alert,
    Case,
    CaseItem,
    Decision,
    QueueItem,
    Tip,
    Victim,
    VictimField,
    Watch,
)

__all__ = ["RetentionReport", "run_retention", "schedules"]


@cache
def schedules() -> dict[str, timedelta]:
    text = resources.files("vigil.workflow").joinpath("data/retention.yaml").read_text("utf-8")
    data = yaml.safe_load(text)["schedules"]
    return {name: timedelta(days=float(row["days"])) for name, row in data.items()}


@dataclass
class RetentionReport:
    dry_run: bool
    removed: dict[str, list[str]] = field(default_factory=dict)
    kept_for_legal_hold: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "removed": {k: len(v) for k, v in sorted(self.removed.items())},
            "removed_ids": {k: v for k, v in sorted(self.removed.items()) if v},
            "kept_for_legal_hold": {k: v for k, v in sorted(self.kept_for_legal_hold.items())},
        }

    def audit_detail(self) -> dict[str, Any]:
        """The report with at most 1000 ids per record type (the audit keeps it whole)."""
        out = self.as_json()
        out["removed_ids"] = {k: v[:1000] for k, v in out["removed_ids"].items()}
        return out


def _held_refs(session: Session) -> set[tuple[str, str]]:
    rows = session.execute(
        select(CaseItem.kind, CaseItem.ref).join(Case, Case.id == CaseItem.case_id)
    ).all()
    return {(k, r) for k, r in rows}


def run_retention(
    session: Session, actor: Actor, *, at: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Apply every schedule as of ``at``; with ``dry_run`` only report what would go."""
    actor.require(Permission.ACCOUNTS_MANAGE)
    at = at or now()
    sched = schedules()
    report = RetentionReport(dry_run)
    in_cases = _held_refs(session)  # anything a case groups is the case's to keep
    held_cases = set(session.scalars(select(Case.id).where(Case.legal_hold.is_(True))))

    tips = [
        t for t in session.scalars(select(Tip.id).where(Tip.last_activity_at < at - sched["tips"]))
    ]
    report.removed["tips"] = [t for t in tips if ("tip", t) not in in_cases]
    report.kept_for_legal_hold["tips"] = []
    items = list(
        session.scalars(
            select(QueueItem.id).where(
                QueueItem.status == "decided", QueueItem.decided_at < at - sched["queue_items"]
            )
        )
    )
    report.removed["queue_items"] = items
    report.removed["alerts"] = list(
        session.scalars(select(Alert.id).where(Alert.created_at < at - sched["alerts"]))
    )
    report.removed["watches"] = list(
        session.scalars(select(Watch.id).where(Watch.expires_at < at - sched["watches"]))
    )
    report.removed["decisions"] = list(
        session.scalars(
            select(Decision.id).where(
                Decision.case_id.is_(None), Decision.decided_at < at - sched["decisions"]
            )
        )
    )

    to_shred, to_delete, held = [], [], []
    for victim, case in session.execute(select(Victim, Case).join(Case, Case.id == Victim.case_id)):
        if case.id in held_cases:
            if victim.shredded_at is None and case.closed_at is not None:
                held.append(victim.id)
            continue
        if victim.shredded_at is None:
            if case.closed_at is not None and aware(case.closed_at) < at - sched["victims_shred"]:
                to_shred.append(victim.id)
        elif aware(victim.shredded_at) < at - sched["victims_delete"]:
            to_delete.append(victim.id)
    report.removed["victims_shredded"] = to_shred
    report.removed["victims_deleted"] = to_delete
    report.kept_for_legal_hold["victims"] = held

    if not dry_run:
        from vigil.workflow.victims.service import shred_victim

        for victim_id in to_shred:
            shred_victim(session, actor, victim_id, reason="retention schedule", at=at, system=True)
        if to_delete:
            session.execute(delete(VictimField).where(VictimField.victim_id.in_(to_delete)))
            session.execute(delete(Victim).where(Victim.id.in_(to_delete)))
        _delete(session, Tip, report.removed["tips"])
        _delete(session, QueueItem, items)
        _delete(session, Alert, report.removed["alerts"])
        _delete(
            session,
            Alert,
            list(
                session.scalars(
                    select(Alert.id).where(Alert.watch_id.in_(report.removed["watches"]))
                )
            ),
        )
        _delete(session, Watch, report.removed["watches"])
        _delete(session, Decision, report.removed["decisions"])
        session.flush()
    record(
        session,
        actor=actor.audit,
        action="retention.run",
        object_type="retention",
        object_id=at.isoformat(timespec="seconds"),
        detail=report.audit_detail(),
    )
    return report


def _delete(session: Session, table: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), 500):
        session.execute(delete(table).where(table.id.in_(ids[start : start + 500])))
