"""The legal module's case-facts document (:class:`vigil.legal.facts.CaseFacts`) of a case.

What the workbench knows maps directly: the case's title and summary; posts, clusters,
tips and evidence items as evidence; suspects by their reference; victims by pseudonym.
Victims' ages and nationalities are only filled in when an investigator on the case's
team asks (``actor`` and ``keys``), which decrypts and audits the read. Acts, means,
purposes and circumstances are the analyst's to write in the KB's vocabulary: they are
left empty here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.legal.facts import CaseFacts, EvidenceItem, Suspect
from vigil.legal.facts import Victim as FactsVictim
from vigil.workflow.actor import Actor
from vigil.workflow.errors import NotFound
from vigil.workflow.tables import Case, CaseItem, Victim
from vigil.workflow.victims.keys import KeyProvider

__all__ = ["case_facts"]

_EVIDENCE_KINDS = ("post", "cluster", "tip", "evidence", "identifier")


def _age(dob: str | None, today: date) -> int | None:
    if not dob:
        return None
    born = date.fromisoformat(dob)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def case_facts(
    session: Session,
    case_id: str,
    *,
    actor: Actor | None = None,
    keys: KeyProvider | None = None,
) -> CaseFacts:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    if actor is not None:
        actor.require_team(case.team, f"case {case_id}")
    items = list(
        session.scalars(
            select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.added_at)
        )
    )
    evidence = [
        EvidenceItem(
            id=f"{i.kind}:{i.ref}"[:200],
            description=(i.label or f"{i.kind} {i.ref}")[:500],
            kind=i.kind,
        )
        for i in items
        if i.kind in _EVIDENCE_KINDS
    ]
    suspects = [Suspect(id=i.ref[:200]) for i in items if i.kind == "suspect"]
    victims = []
    today = date.today()
    for v in session.scalars(select(Victim).where(Victim.case_id == case_id)):
        age, nationalities = None, []
        if actor is not None and keys is not None and v.shredded_at is None:
            from vigil.workflow.victims.service import read_victim

            fields = read_victim(session, actor, keys, v.id, purpose="case facts").fields
            age = _age(fields.get("date_of_birth"), today)
            if fields.get("nationality"):
                nationalities = [fields["nationality"]]
        victims.append(FactsVictim(id=v.pseudonym, age=age, nationalities=nationalities))
    return CaseFacts(
        case_id=case.id,
        title=case.title[:500],
        summary=case.summary or None,
        evidence=evidence,
        victims=victims,
        suspects=suspects,
    )
