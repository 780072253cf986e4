"""Element checker: which elements of each definition the case facts establish.

For every framework (Palermo art. 3 by default, plus each requested jurisdiction) and
every victim, each offence's act, means, purpose and extra circumstances are compared
with the observed facts, using the KB vocabulary's ``implies`` closure. Means are needed
or not according to the victim's age against the offence's child threshold (and
disability where the statute says so). The mental element, knowledge of age and
defences are never assessed: they are listed for the lawyer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from vigil.legal.facts import CaseFacts, Observation, Victim
from vigil.legal.model import KnowledgeBase, Offence

__all__ = [
    "ESTABLISHED",
    "MISSING",
    "NOT_APPLICABLE",
    "NOT_REQUIRED",
    "TO_CONFIRM",
    "ElementFinding",
    "ElementsReport",
    "OffenceAssessment",
    "analyse_elements",
]

ESTABLISHED = "established"
MISSING = "missing"
NOT_REQUIRED = "not required"
TO_CONFIRM = "to confirm"
NOT_APPLICABLE = "not applicable"
PALERMO = "palermo"

NOT_ASSESSED = (
    "The mental element (intent, knowledge, recklessness), knowledge of the victim's age, "
    "defences and the weight of the evidence are not assessed: they are for the lawyer."
)


@dataclass(frozen=True, slots=True)
class ElementFinding:
    element: str  # act | means | purpose | circumstance:<id>
    status: str
    reason: str
    terms: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OffenceAssessment:
    framework: str
    offence_id: str
    title: str
    citation: str
    confidence: str
    victim_id: str
    victim_age: int | None
    overall: str
    findings: tuple[ElementFinding, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElementsReport:
    case_id: str
    frameworks: tuple[str, ...]
    assessments: tuple[OffenceAssessment, ...]
    not_assessed: str = NOT_ASSESSED
    summary: dict[str, str] = field(default_factory=dict)

    def for_framework(self, framework: str) -> list[OffenceAssessment]:
        return [a for a in self.assessments if a.framework == framework]

    def find(self, framework: str, offence_id: str, victim_id: str) -> OffenceAssessment:
        for a in self.assessments:
            if (a.framework, a.offence_id, a.victim_id) == (framework, offence_id, victim_id):
                return a
        raise KeyError((framework, offence_id, victim_id))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _applies(obs: Observation, victim: Victim | None) -> bool:
    return victim is None or not obs.victims or victim.id in obs.victims


def _match(
    kb: KnowledgeBase,
    category: str,
    observed: list[Observation],
    wanted: frozenset[str],
) -> tuple[list[str], list[str]]:
    """(matched terms, evidence) of the observations whose expansion meets ``wanted``."""
    terms: list[str] = []
    evidence: list[str] = []
    for obs in observed:
        if kb.vocabulary.expand(category, [obs.type]) & wanted:
            terms.append(obs.type)
            evidence.extend(obs.evidence)
    return sorted(set(terms)), list(dict.fromkeys(evidence))


def _evidence(observed: list[Observation]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        tuple(sorted({o.type for o in observed})),
        tuple(dict.fromkeys(e for o in observed for e in o.evidence)),
    )


def _term_element(
    kb: KnowledgeBase,
    category: str,
    element: str,
    observed: list[Observation],
    wanted: frozenset[str],
    open_ended: bool,
) -> ElementFinding:
    terms, evidence = _match(kb, category, observed, wanted)
    if terms:
        return ElementFinding(
            element, ESTABLISHED, f"observed {', '.join(terms)}", tuple(terms), tuple(evidence)
        )
    if open_ended and observed:
        t, e = _evidence(observed)
        return ElementFinding(
            element,
            TO_CONFIRM,
            f"observed {', '.join(t)}: not listed in the KB entry, whose list is open; "
            "the lawyer decides whether it is covered",
            t,
            e,
        )
    listed = ", ".join(sorted(wanted)) or "(none recorded)"
    return ElementFinding(element, MISSING, f"no observed {element} among: {listed}")


def _child_status(offence: Offence, victim: Victim | None) -> bool | None:
    """True: counts as a child for this offence; False: adult; None: unknown age."""
    if victim is None:
        return None
    if victim.disability and offence.disability_no_means:
        return True
    if offence.child_age_below is None:
        return False if victim.age is not None else None
    if victim.age is None:
        return None
    return victim.age < offence.child_age_below


def _means_finding(
    kb: KnowledgeBase,
    offence: Offence,
    observed: list[Observation],
    child: bool | None,
    victim: Victim | None,
) -> ElementFinding:
    threshold = offence.child_age_below
    if child is True:
        required = offence.child_means_required
        who = (
            "the victim has a disability covered by the statute"
            if victim
            and victim.disability
            and offence.disability_no_means
            and (victim.age is None or threshold is None or victim.age >= threshold)
            else f"the victim is under {threshold}"
        )
    elif child is False:
        required = offence.means_required_adult
        who = f"the victim is {threshold} or older" if threshold else "adult victim"
    else:
        required = None
        who = "the victim's age is unknown"
    if required is False:
        t, e = _evidence(observed)
        return ElementFinding("means", NOT_REQUIRED, f"no means needed: {who}", t, e)
    found = _term_element(kb, "means", "means", observed, offence.means, offence.means_open)
    if required is None and found.status != ESTABLISHED:
        need = []
        if offence.means_required_adult:
            need.append(f"needed if the victim is {threshold} or older" if threshold else "needed")
        if offence.child_means_required is False:
            need.append(f"not needed under {threshold}")
        elif offence.child_means_required:
            need.append("needed for children too")
        return ElementFinding(
            "means",
            TO_CONFIRM,
            f"{who}: means {'; '.join(need) or 'requirement not recorded'}",
            found.terms,
            found.evidence,
        )
    return found


def _assess(
    kb: KnowledgeBase, framework: str, offence: Offence, facts: CaseFacts, victim: Victim | None
) -> OffenceAssessment:
    child = _child_status(offence, victim)
    vid = victim.id if victim else "(no victim recorded)"
    age = victim.age if victim else None
    notes = [offence.cite.note] if offence.cite.note else []

    def result(overall: str, findings: list[ElementFinding]) -> OffenceAssessment:
        return OffenceAssessment(
            framework=framework,
            offence_id=offence.id,
            title=offence.title,
            citation=offence.cite.citation,
            confidence=offence.cite.confidence,
            victim_id=vid,
            victim_age=age,
            overall=overall,
            findings=tuple(findings),
            notes=tuple(notes),
        )

    if offence.victim_scope == "child" and child is False:
        reason = f"applies only to victims under {offence.child_age_below}"
        return result(NOT_APPLICABLE, [ElementFinding("scope", NOT_APPLICABLE, reason)])
    obs = {
        c: [o for o in facts.observations(c) if _applies(o, victim)]
        for c in ("acts", "means", "purposes", "circumstances")
    }
    findings: list[ElementFinding] = []
    if offence.victim_scope == "child" and child is None:
        findings.append(
            ElementFinding(
                "scope",
                TO_CONFIRM,
                f"applies only if the victim is under {offence.child_age_below}",
            )
        )
    if offence.acts:
        findings.append(_term_element(kb, "acts", "act", obs["acts"], offence.acts, False))
    else:
        findings.append(
            ElementFinding("act", NOT_REQUIRED, "no act element is recorded in the KB entry")
        )
    findings.append(_means_finding(kb, offence, obs["means"], child, victim))
    if offence.purpose_required:
        findings.append(
            _term_element(
                kb, "purposes", "purpose", obs["purposes"], offence.purposes, offence.purposes_open
            )
        )
    else:
        t, e = _evidence(obs["purposes"])
        findings.append(
            ElementFinding("purpose", NOT_REQUIRED, "the offence has no purpose element", t, e)
        )
    for circ in sorted(offence.circumstances):
        findings.append(
            _term_element(
                kb,
                "circumstances",
                f"circumstance:{circ}",
                obs["circumstances"],
                frozenset({circ}),
                False,
            )
        )
    statuses = {f.status for f in findings}
    overall = (
        MISSING if MISSING in statuses else TO_CONFIRM if TO_CONFIRM in statuses else ESTABLISHED
    )
    return result(overall, findings)


def _offences(kb: KnowledgeBase, framework: str) -> list[Offence]:
    if framework in kb.jurisdictions:
        return kb.jurisdictions[framework].trafficking_offences()
    defs = kb.frameworks()
    if framework in defs:
        return [defs[framework]]
    known = ", ".join([*defs, *kb.jurisdictions])
    raise KeyError(f"unknown framework {framework!r} (known: {known})")


_RANK = {ESTABLISHED: 0, TO_CONFIRM: 1, MISSING: 2, NOT_APPLICABLE: 3}


def analyse_elements(
    facts: CaseFacts, jurisdictions: list[str] | tuple[str, ...], kb: KnowledgeBase
) -> ElementsReport:
    """Assess Palermo art. 3 and each jurisdiction's offences against the facts."""
    frameworks = [PALERMO, *[j for j in dict.fromkeys(jurisdictions) if j != PALERMO]]
    victims: list[Victim | None] = list(facts.victims) or [None]
    assessments = []
    summary: dict[str, str] = {}
    for fw in frameworks:
        best = NOT_APPLICABLE
        for offence in _offences(kb, fw):
            for victim in victims:
                a = _assess(kb, fw, offence, facts, victim)
                assessments.append(a)
                if _RANK[a.overall] < _RANK[best]:
                    best = a.overall
        summary[fw] = best
    return ElementsReport(facts.case_id, tuple(frameworks), tuple(assessments), summary=summary)
