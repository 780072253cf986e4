"""Jurisdiction resolver: which states may claim the case, on which basis, and why.

Bases: territory (any act, means, purpose or circumstance observed there, in whole or in
part), active nationality and residence of a suspect, passive nationality of a victim,
presence of a suspect, universal clauses, and computer-resource clauses. Each claim
carries its reason (the facts) and its citation (the KB entry). A state that appears
only as a platform's establishment or server location gets no substantive claim: it is
an evidence location (research notes §2.2(8)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from vigil.legal.facts import CaseFacts
from vigil.legal.model import Basis, KnowledgeBase

__all__ = ["Claim", "JurisdictionReport", "StateClaims", "resolve_jurisdictions"]

SERVER_NOTE = (
    "Server location generally does not create substantive jurisdiction; it matters for "
    "the evidence route (CLOUD Act, e-Evidence, MLA). Record data-location uncertainty."
)


@dataclass(frozen=True, slots=True)
class Claim:
    basis: str
    reason: str
    facts: tuple[str, ...]
    kb_ref: str
    citation: str
    confidence: str
    status: str  # recorded | unknown | not in KB
    double_criminality: str = "unknown"
    offences: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateClaims:
    state: str
    name: str
    in_kb: bool
    claims: tuple[Claim, ...]
    evidence_notes: tuple[str, ...] = ()

    @property
    def bases(self) -> set[str]:
        return {c.basis for c in self.claims if c.status != "unknown"}


@dataclass(frozen=True)
class JurisdictionReport:
    case_id: str
    states: tuple[StateClaims, ...]
    notes: tuple[str, ...] = field(default=(SERVER_NOTE,))

    def get(self, state: str) -> StateClaims | None:
        return next((s for s in self.states if s.state == state), None)

    def claiming(self) -> list[str]:
        """States with at least one recorded (or generic territorial) claim."""
        return [s.state for s in self.states if s.bases]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _name(kb: KnowledgeBase, code: str) -> str:
    if code in kb.jurisdictions:
        return kb.jurisdictions[code].name
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return str(c.name) if c else code


def _claim(b: Basis, reason: str, facts: list[str]) -> Claim:
    return Claim(
        basis=b.kind,
        reason=reason,
        facts=tuple(facts),
        kb_ref=b.id,
        citation=b.cite.citation,
        confidence=b.cite.confidence,
        status=b.status,
        double_criminality=b.double_criminality,
        offences=b.applies_to,
    )


def _generic(kb: KnowledgeBase, basis: str, pid: str, reason: str, facts: list[str]) -> Claim:
    p = kb.provision(pid)
    return Claim(
        basis=basis,
        reason=reason,
        facts=tuple(facts),
        kb_ref=pid,
        citation=p.cite.citation,
        confidence=p.cite.confidence,
        status="not in KB",
    )


def _territorial(facts: CaseFacts, state: str) -> tuple[list[str], list[str]]:
    reasons, refs = [], []
    for cat in ("acts", "means", "purposes", "circumstances"):
        for i, o in enumerate(facts.observations(cat)):
            if state in o.places:
                reasons.append(f"{cat[:-1] if cat != 'means' else 'means'} '{o.type}'")
                refs.append(f"{cat}[{i}]")
    return reasons, refs


def _state_claims(kb: KnowledgeBase, facts: CaseFacts, state: str) -> StateClaims:
    j = kb.jurisdictions.get(state)
    bases = j.bases if j else ()
    claims: list[Claim] = []

    def of_kind(kind: str) -> list[Basis]:
        return [b for b in bases if b.kind == kind]

    reasons, refs = _territorial(facts, state)
    if reasons:
        why = f"in whole or in part on its territory: {', '.join(reasons)} took place there"
        recorded = of_kind("territorial")
        claims += [_claim(b, why, refs) for b in recorded] or [
            _generic(
                kb,
                "territorial",
                "untoc-15-1",
                why + " (national territorial rule not recorded in the KB)",
                refs,
            )
        ]
    people: list[tuple[str, str, list[tuple[str, list[str]]]]] = [
        ("active_nationality", "suspect", [(s.id, s.nationalities) for s in facts.suspects]),
        ("passive_nationality", "victim", [(v.id, v.nationalities) for v in facts.victims]),
    ]
    attr, generic = "nationalities", "untoc-15-2"
    for kind, role, persons in people:
        hits = [(i, pid) for i, (pid, nats) in enumerate(persons) if state in nats]
        if not hits:
            continue
        why = f"{role} {', '.join(pid for _, pid in hits)} is a national"
        refs = [f"{role}s[{i}].{attr}" for i, _ in hits]
        recorded = of_kind(kind)
        if recorded:
            claims += [_claim(b, why, refs) for b in recorded]
        else:
            claims.append(
                Claim(
                    basis=kind,
                    reason=why
                    + (
                        "; no such basis recorded in the KB"
                        if j
                        else "; optional under UNTOC art. 15(2), national law not in the KB"
                    ),
                    facts=tuple(refs),
                    kb_ref=generic,
                    citation=kb.provision(generic).cite.citation,
                    confidence=kb.provision(generic).cite.confidence,
                    status="unknown",
                )
            )
    for b in of_kind("active_residence"):
        attr = "permanent_residences" if b.permanent_only else "residences"
        hits = [
            (i, s.id)
            for i, s in enumerate(facts.suspects)
            if state in s.permanent_residences or (not b.permanent_only and state in s.residences)
        ]
        if hits:
            kind_txt = "a permanent resident" if b.permanent_only else "a resident"
            why = f"suspect {', '.join(h for _, h in hits)} is {kind_txt}"
            claims.append(_claim(b, why, [f"suspects[{i}].{attr}" for i, _ in hits]))
    for b in of_kind("presence"):
        hits = [(i, s.id) for i, s in enumerate(facts.suspects) if state in s.locations]
        if hits:
            why = f"suspect {', '.join(h for _, h in hits)} is present in the state"
            claims.append(_claim(b, why, [f"suspects[{i}].locations" for i, _ in hits]))
    observed_purposes = kb.vocabulary.expand("purposes", [o.type for o in facts.purposes])
    for b in of_kind("universal"):
        if b.requires_purposes and not (b.requires_purposes & observed_purposes):
            continue
        why = "universal clause: no link between the state and the case is needed"
        if b.requires_purposes:
            why += (
                f" (purpose {', '.join(sorted(b.requires_purposes & observed_purposes))} observed)"
            )
        claims.append(_claim(b, why, ["purposes"] if b.requires_purposes else []))
    for b in of_kind("computer_resource"):
        hits = [(i, p.name) for i, p in enumerate(facts.platforms) if state in p.server_locations]
        if hits:
            names = ", ".join(h for _, h in hits)
            why = f"computer resource located in the state: servers of {names}"
            claims.append(_claim(b, why, [f"platforms[{i}].server_locations" for i, _ in hits]))
    notes = []
    for i, p in enumerate(facts.platforms):
        roles = []
        if p.establishment == state:
            roles.append("establishment")
        if state in p.server_locations:
            roles.append("server location")
        if p.eu_establishment == state:
            roles.append("EU designated establishment or legal representative")
        if roles:
            note = f"platforms[{i}] ({p.name}): {', '.join(roles)} - evidence location"
            if j and p.establishment == state:
                corp = [o for o in j.offences if o.kind == "platform"]
                if corp:
                    note += "; operator liability may arise under " + ", ".join(
                        f"{o.cite.citation} (KB {o.id})" for o in corp
                    )
            notes.append(note)
    return StateClaims(state, _name(kb, state), j is not None, tuple(claims), tuple(notes))


def resolve_jurisdictions(facts: CaseFacts, kb: KnowledgeBase) -> JurisdictionReport:
    """Every state that may claim the case, with the reason and citation of each claim."""
    states = set(facts.states())
    for code, j in kb.jurisdictions.items():
        if any(b.kind == "universal" for b in j.bases):
            states.add(code)
    out = []
    for s in sorted(states):
        sc = _state_claims(kb, facts, s)
        if sc.claims or sc.evidence_notes:
            out.append(sc)
    out.sort(key=lambda s: (not s.bases, s.state))
    return JurisdictionReport(facts.case_id, tuple(out))
