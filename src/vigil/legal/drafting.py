"""Cross-border request drafts, every statement traced to case facts and KB citations.

Kinds: ``preservation`` (Budapest Convention art. 29), ``mla`` (UNTOC art. 18(15) fields
plus the usual MLA template), ``eu-epoc`` (EPOC and EPOC-PR under Regulation (EU)
2023/1543) and ``us-2703`` (a request to a US provider under the Stored Communications
Act / CLOUD Act). The route section explains which instruments the KB says are open
between the requesting state and the data holder's state; where the KB does not record a
state's party status it says so instead of assuming it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vigil.legal.elements import ESTABLISHED, TO_CONFIRM, analyse_elements
from vigil.legal.facts import CaseFacts, Platform
from vigil.legal.model import KnowledgeBase, Offence

__all__ = ["KINDS", "MARKER", "Draft", "DraftError", "Section", "Statement", "build_draft"]

MARKER = "DRAFT FOR LEGAL REVIEW, NOT LEGAL ADVICE"
KINDS = ("preservation", "mla", "eu-epoc", "us-2703")
TODO = "[to be completed by the requesting authority]"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class DraftError(ValueError):
    """The route is not open for these facts (the message says why and what to use)."""


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    facts: tuple[str, ...]
    kb: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.facts or not self.kb:
            raise ValueError(f"statement without a fact or KB trace: {self.text[:60]!r}")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    case_id: str
    as_of: str
    sections: tuple[Section, ...]
    citations: dict[str, str] = field(default_factory=dict)
    marker: str = MARKER

    def statements(self) -> list[Statement]:
        return [s for sec in self.sections for s in sec.statements]


class _Builder:
    def __init__(self, kb: KnowledgeBase, facts: CaseFacts) -> None:
        self.kb = kb
        self.facts = facts
        self.sections: list[Section] = []
        self._current: list[Statement] = []
        self._heading = ""

    def section(self, heading: str) -> None:
        self._flush()
        self._heading = heading

    def say(
        self, text: str, facts: list[str] | tuple[str, ...], kb: list[str] | tuple[str, ...]
    ) -> None:
        for k in kb:
            self.kb.entry(k)  # raises KeyError on a stale id: caught by the tests
        self._current.append(Statement(text, tuple(facts), tuple(kb)))

    def _flush(self) -> None:
        if self._current:
            self.sections.append(Section(self._heading, tuple(self._current)))
        self._current = []

    def done(self, kind: str, title: str, as_of: dt.date) -> Draft:
        self._flush()
        citations: dict[str, str] = {}
        for sec in self.sections:
            for st in sec.statements:
                for k in st.kb:
                    citations.setdefault(k, _citation(self.kb, k))
        return Draft(
            kind,
            title,
            self.facts.case_id,
            as_of.isoformat(),
            tuple(self.sections),
            dict(sorted(citations.items())),
        )


def _citation(kb: KnowledgeBase, eid: str) -> str:
    obj = kb.entry(eid)
    cite = getattr(obj, "cite", None)
    if cite is None:
        note = getattr(obj, "unknown_note", None)
        return f"not recorded in the KB: {note}"
    srcs = ", ".join(cite.sources)
    return (
        f"{cite.citation} [confidence {cite.confidence}; sources: {srcs}; checked {cite.checked}]"
    )


def _request(facts: CaseFacts) -> tuple[str, str | None]:
    if facts.request is None:
        raise DraftError(
            "the case facts have no 'request' block (requesting_state, data_categories)"
        )
    return facts.request.requesting_state, facts.request.requesting_authority


def _platform(facts: CaseFacts) -> tuple[int, Platform]:
    if not facts.platforms:
        raise DraftError("the case facts name no platform or data holder ('platforms')")
    return 0, facts.platforms[0]


def _holder_state(p: Platform) -> str | None:
    return p.establishment or (p.server_locations[0] if p.server_locations else None)


def _offences(kb: KnowledgeBase, facts: CaseFacts, state: str) -> list[tuple[Offence, str]]:
    """The requesting state's offences whose elements the facts establish or may establish."""
    if state not in kb.jurisdictions:
        return []
    report = analyse_elements(facts, [state], kb)
    out: dict[str, tuple[Offence, str]] = {}
    for a in report.for_framework(state):
        if a.overall in (ESTABLISHED, TO_CONFIRM):
            o = kb.entry(a.offence_id)
            assert isinstance(o, Offence)
            prev = out.get(o.id)
            if prev is None or (prev[1] == TO_CONFIRM and a.overall == ESTABLISHED):
                out[o.id] = (o, a.overall)
    return list(out.values())


def _offence_statements(b: _Builder, state: str) -> None:
    kb, facts = b.kb, b.facts
    found = _offences(kb, facts, state)
    obs = [
        f"{c}[{i}]"
        for c in ("acts", "means", "purposes")
        for i, _ in enumerate(facts.observations(c))
    ]
    obs = obs or ["case_id"]
    if not found:
        b.say(
            f"Offence: trafficking in persons. The KB records no offence of {state} whose "
            "elements the facts establish; the Palermo Protocol art. 3 definition is given "
            "for reference and the national provision must be added.",
            ["request.requesting_state", *obs],
            ["palermo-art3"],
        )
        return
    for o, status in found:
        pen = o.penalty.describe().rstrip(".") if o.penalty else "not recorded"
        qual = "" if status == ESTABLISHED else " (some elements to confirm)"
        b.say(
            f"Offence: {o.title}, {o.cite.citation}{qual}. Maximum penalty: {pen}.",
            ["request.requesting_state", *obs],
            [o.id],
        )


_SINGULAR = {
    "acts": "act",
    "means": "means",
    "purposes": "purpose",
    "circumstances": "circumstance",
}


def _summary(b: _Builder) -> None:
    facts = b.facts
    if facts.summary:
        b.say(f"Summary of facts: {facts.summary}", ["summary"], ["palermo-art3"])
    for cat in ("acts", "means", "purposes", "circumstances"):
        for i, o in enumerate(facts.observations(cat)):
            where = f" in {', '.join(o.places)}" if o.places else ""
            label = b.kb.vocabulary.label(cat, o.type)
            b.say(
                f"Observed {_SINGULAR[cat]}: {label}{where} (evidence: {', '.join(o.evidence)}).",
                [f"{cat}[{i}]"],
                ["palermo-art3"],
            )


def _identifiers(b: _Builder, pi: int, p: Platform, kb_ref: str = "budapest-29") -> None:
    req = b.facts.request
    assert req is not None
    rng = f"from {req.date_from or '?'} to {req.date_to or '?'}"
    cats = ", ".join(req.data_categories)
    ids = "; ".join(f"{i.kind} {i.value}" for i in p.identifiers) or TODO
    b.say(
        f"Data: {cats} data relating to the accounts {ids} on {p.name}, {rng}. Give IP "
        "addresses with timestamps and time zone.",
        [
            f"platforms[{pi}].identifiers",
            "request.data_categories",
            "request.date_from",
            "request.date_to",
        ],
        [kb_ref],
    )


def _custodian(b: _Builder, pi: int, p: Platform) -> None:
    servers = ", ".join(p.server_locations) or "unknown"
    b.say(
        f"Custodian: {p.data_holder} (service {p.name}); "
        f"establishment: {p.establishment or 'unknown'}; "
        f"server locations: {servers}."
        + (
            " The data location is uncertain (loss of location)."
            if p.data_location_uncertain
            else ""
        ),
        [
            f"platforms[{pi}].data_holder",
            f"platforms[{pi}].establishment",
            f"platforms[{pi}].server_locations",
            f"platforms[{pi}].data_location_uncertain",
        ],
        ["budapest-29"],
    )


def _urgency(b: _Builder, kb_ref: str) -> None:
    facts = b.facts
    req = facts.request
    assert req is not None
    minors = [
        f"victims[{i}].age" for i, v in enumerate(facts.victims) if v.age is not None and v.age < 18
    ]
    reasons = []
    if req.emergency:
        reasons.append(f"emergency: {req.emergency_reason or 'risk to life or limb'}")
    if minors:
        reasons.append("a victim is a child")
    text = "Urgency: " + (
        "; ".join(reasons) if reasons else "stored data may be deleted or altered"
    )
    b.say(text + ".", ["request.emergency", *minors], [kb_ref])


def _party_line(kb: KnowledgeBase, instrument: str, states: list[str]) -> tuple[str, bool]:
    inst = kb.instruments[instrument]
    parts, all_known = [], True
    for s in states:
        p = inst.party(s)
        if p is None:
            all_known = False
            parts.append(f"{s}: not recorded in the KB (confirm)")
        else:
            parts.append(f"{s}: {p.status} [{p.cite.confidence}]")
    return "; ".join(parts), all_known


def _eu_route_open(kb: KnowledgeBase, facts: CaseFacts, as_of: dt.date) -> tuple[bool, str]:
    req_state, _ = _request(facts)
    inst = kb.instruments["eu-2023-1543"]
    start = inst.date_of("applies from")
    member = kb.instruments["eu"].party(req_state)
    _, p = _platform(facts)
    if member is None:
        return False, f"{req_state} is not recorded as an EU Member State in the KB"
    if start and as_of.isoformat() < start:
        return (
            False,
            f"Regulation (EU) 2023/1543 applies from {start} (as of {as_of}); "
            "use a European Investigation Order",
        )
    if not (p.eu_establishment or p.offers_services_in_eu):
        return (
            False,
            f"{p.name} is not recorded as offering services in the Union or having an EU "
            "designated establishment or legal representative",
        )
    return True, ""


def _preservation(b: _Builder, as_of: dt.date) -> Draft:
    kb, facts = b.kb, b.facts
    req_state, authority = _request(facts)
    pi, p = _platform(facts)
    holder = _holder_state(p)
    pf = f"platforms[{pi}]"
    b.section("Route")
    states = [req_state] + ([holder] if holder else [])
    line, known = _party_line(kb, "budapest", states)
    b.say(
        f"Route: expedited preservation under Budapest Convention art. 29, sent through the "
        f"24/7 network (art. 35), from {req_state} to "
        f"{holder or 'the state where the data are held'}. "
        f"Party status per the KB - {line}.",
        ["request.requesting_state", f"{pf}.establishment", f"{pf}.server_locations"],
        ["budapest-29", "budapest-35", "budapest"],
    )
    if not known:
        b.say(
            "Art. 29 is open only between Parties to the Convention: confirm both states' "
            "status before sending; otherwise use the alternatives below or MLA.",
            ["request.requesting_state", f"{pf}.establishment"],
            ["budapest-29"],
        )
    eu_ok, _ = _eu_route_open(kb, facts, as_of)
    if eu_ok:
        b.say(
            f"Alternative: a European Preservation Order (EPOC-PR) addressed to {p.name}'s EU "
            "designated establishment or legal representative; the data are preserved for 60 "
            "days, extendable once by 30 days.",
            ["request.requesting_state", f"{pf}.eu_establishment"],
            ["eevid-1", "eevid-11"],
        )
    if holder == "US":
        b.say(
            "The provider is established in the United States: US providers must preserve data "
            "in their possession, custody or control wherever stored; a preservation request "
            "by US authorities under 18 U.S.C. 2703(f) keeps the data for 90 days (+90).",
            [f"{pf}.establishment"],
            ["cloud-2713", "us-2703-f"],
        )
    b.section("Request (Budapest Convention art. 29(2))")
    prov = kb.provision("budapest-29")
    fields = dict(prov.fields)
    b.say(
        f"(a) {_cap(fields['a'])}: {authority or TODO}, {req_state}.",
        ["request.requesting_authority", "request.requesting_state"],
        ["budapest-29"],
    )
    b.say(f"(b) {_cap(fields['b'])}:", ["case_id"], ["budapest-29"])
    _offence_statements(b, req_state)
    _summary(b)
    b.say(f"(c) {_cap(fields['c'])}:", ["request.data_categories"], ["budapest-29"])
    _identifiers(b, pi, p)
    b.say(f"(d) {_cap(fields['d'])}:", [f"{pf}.data_holder"], ["budapest-29"])
    _custodian(b, pi, p)
    b.say(f"(e) {_cap(fields['e'])}:", ["request.emergency"], ["budapest-29"])
    _urgency(b, "budapest-29")
    b.say(
        f"(f) {_cap(fields['f'])}: {req_state} intends to submit a request for mutual "
        "assistance under art. 31 for the preserved data.",
        ["request.requesting_state"],
        ["budapest-29", "budapest-31"],
    )
    b.section("Conditions")
    b.say(
        "Dual criminality is not required as a condition to providing preservation.",
        ["request.requesting_state"],
        ["budapest-29-3"],
    )
    b.say(
        "Preservation is requested for not less than 60 days pending the MLA request.",
        ["request.requesting_state"],
        ["budapest-29-7"],
    )
    return b.done(
        "preservation", "Request for expedited preservation of stored computer data", as_of
    )


def _mla(b: _Builder, as_of: dt.date) -> Draft:
    kb, facts = b.kb, b.facts
    req_state, authority = _request(facts)
    pi, p = _platform(facts) if facts.platforms else (0, None)
    requested = _holder_state(p) if p else None
    pf = f"platforms[{pi}]"
    b.section("Route and legal basis")
    states = [req_state] + ([requested] if requested else [])
    for inst, prov, what in (
        ("untoc", "untoc-18", "UNTOC art. 18 (where there is no bilateral MLA treaty)"),
        ("budapest", "budapest-31", "Budapest Convention art. 31 (stored computer data)"),
        ("cets197", "cets197-32", "CETS 197 art. 32"),
    ):
        line = "; ".join(f"{s}: not recorded in the KB (confirm)" for s in states)
        parties = [kb.instruments[inst].party(s) for s in states]
        if any(parties):
            line = _party_line(kb, inst, states)[0]
        b.say(
            f"Candidate legal basis: {what}. Party status - {line}.",
            ["request.requesting_state", f"{pf}.establishment"],
            [prov],
        )
    b.say(
        "UNTOC art. 18 serves as the treaty basis where there is no bilateral MLA treaty; "
        "the KB records none, so check for one. Reciprocity is another possible basis.",
        ["request.requesting_state"],
        ["untoc-18"],
    )
    if requested and requested in kb.jurisdictions:
        auth = kb.jurisdictions[requested].mla_authority
        text = (
            f"Requested central authority ({requested}): {auth.text}."
            if auth.known
            else f"Requested central authority ({requested}): not recorded in the KB - "
            f"{auth.unknown_note}"
        )
        b.say(text, [f"{pf}.establishment"], [auth.id])
    if requested == "US" and "content" in (facts.request.data_categories if facts.request else []):
        b.say(
            "Content held by a US provider needs MLA unless an executive agreement applies; "
            "a US warrant requires probable cause, so set out the facts linking the account "
            "to the offence.",
            [f"{pf}.establishment", "request.data_categories"],
            ["cloud-mlat-content", "us-2703-a"],
        )
    b.section("Request (UNTOC art. 18(15))")
    fields = dict(kb.provision("untoc-18-15").fields)
    b.say(
        f"(a) {_cap(fields['a'])}: {authority or TODO}, {req_state}.",
        ["request.requesting_authority", "request.requesting_state"],
        ["untoc-18-15"],
    )
    ref = (
        facts.request.case_reference
        if facts.request and facts.request.case_reference
        else facts.case_id
    )
    b.say(
        f"(b) {_cap(fields['b'])}: criminal investigation {ref}.",
        ["case_id", "request.case_reference"],
        ["untoc-18-15"],
    )
    _offence_statements(b, req_state)
    b.say(f"(c) {_cap(fields['c'])}:", ["summary"], ["untoc-18-15"])
    _summary(b)
    b.say(f"(d) {_cap(fields['d'])}:", ["request.data_categories"], ["untoc-18-15"])
    if p is not None:
        _identifiers(b, pi, p)
        _custodian(b, pi, p)
        b.say(
            "Provide certificates of authenticity and chain-of-custody records for the data.",
            [f"{pf}.data_holder"],
            ["budapest-31"],
        )
    b.say(f"(e) {_cap(fields['e'])}:", ["suspects", "victims"], ["untoc-18-15"])
    for i, s in enumerate(facts.suspects):
        b.say(
            f"Suspect {s.id}: nationality {', '.join(s.nationalities) or 'unknown'}; "
            f"located in {', '.join(s.locations) or 'unknown'}.",
            [f"suspects[{i}]"],
            ["untoc-18-15"],
        )
    b.say(
        f"(f) {_cap(fields['f'])}: evidence for the prosecution of the offences above.",
        ["case_id"],
        ["untoc-18-15"],
    )
    b.section("Handling")
    _urgency(b, "untoc-18")
    b.say(
        "Confidentiality: do not notify the account holder; disclosure would prejudice the "
        "investigation and endanger the victims.",
        ["victims"],
        ["untoc-18"],
    )
    b.say(
        "Data protection: the data will be used only for this proceeding (specialty).",
        ["case_id"],
        ["untoc-18"],
    )
    return b.done("mla", "Request for mutual legal assistance in a criminal matter", as_of)


def _eu_epoc(b: _Builder, as_of: dt.date) -> Draft:
    kb, facts = b.kb, b.facts
    req_state, authority = _request(facts)
    ok, why = _eu_route_open(kb, facts, as_of)
    if not ok:
        raise DraftError(
            f"EPOC/EPOC-PR route not open: {why}. "
            "Consider an MLA request or a preservation request."
        )
    pi, p = _platform(facts)
    pf = f"platforms[{pi}]"
    req = facts.request
    assert req is not None
    member = kb.instruments["eu"].party(req_state)
    assert member is not None
    b.section("Route")
    b.say(
        f"{req_state} is recorded as an EU Member State [confidence {member.cite.confidence}]; "
        f"{p.name} offers services in the Union through its designated establishment or legal "
        f"representative in {p.eu_establishment or TODO}; "
        "orders apply regardless of the location of the data "
        f"(servers: {', '.join(p.server_locations) or 'unknown'}).",
        [
            "request.requesting_state",
            f"{pf}.eu_establishment",
            f"{pf}.offers_services_in_eu",
            f"{pf}.server_locations",
        ],
        ["eu", "eevid-1"],
    )
    applies = kb.instruments["eu-2023-1543"].date_of("applies from")
    b.say(
        f"Regulation (EU) 2023/1543 applies from {applies}; "
        f"this draft is dated {as_of.isoformat()}.",
        ["request.requesting_state"],
        ["eu-2023-1543"],
    )
    b.section("Issuing authority and conditions")
    cats = set(req.data_categories)
    if cats & {"traffic", "content"}:
        b.say(
            "Traffic data beyond identification and content: the order must be issued or "
            "validated by a judge, court or investigating judge.",
            ["request.data_categories"],
            ["eevid-4"],
        )
    else:
        b.say(
            "Subscriber and identification data: a prosecutor may issue the order.",
            ["request.data_categories"],
            ["eevid-4"],
        )
    b.say(f"Issuing authority: {authority or TODO}.", ["request.requesting_authority"], ["eevid-4"])
    found = _offences(kb, facts, req_state)
    three = [o for o, _ in found if o.penalty and (o.penalty.life or (o.penalty.years or 0) >= 3)]
    if cats & {"traffic", "content"}:
        if three:
            o = three[0]
            pen = o.penalty.describe().rstrip(".") if o.penalty else "?"
            b.say(
                f"Traffic and content data require an offence with a maximum of at least 3 "
                f"years: {o.cite.citation} carries {pen}.",
                ["request.data_categories", "acts", "purposes"],
                ["eevid-5", o.id],
            )
        else:
            b.say(
                "Traffic and content data require an offence with a maximum of at least 3 "
                "years or a listed offence; trafficking in human beings qualifies - add the "
                "national provision.",
                ["request.data_categories"],
                ["eevid-5"],
            )
    _offence_statements(b, req_state)
    _summary(b)
    nonres = [
        f"suspects[{i}].residences"
        for i, s in enumerate(facts.suspects)
        if req_state not in s.residences
    ]
    if cats & {"traffic", "content"} and nonres:
        b.say(
            "The person whose data are sought is not recorded as residing in the issuing "
            "state: notify the enforcing state.",
            nonres,
            ["eevid-8"],
        )
    b.section("EPOC-PR (preservation)")
    _identifiers(b, pi, p, "eevid-1")
    b.say(
        "Preserve the data for 60 days, extendable once by 30 days; preservation continues "
        "once a subsequent production request is confirmed.",
        [f"{pf}.identifiers"],
        ["eevid-11"],
    )
    b.section("EPOC (production)")
    if req.emergency:
        b.say(
            f"Emergency case ({req.emergency_reason or 'imminent threat'}): "
            "produce within 8 hours.",
            ["request.emergency", "request.emergency_reason"],
            ["eevid-10"],
        )
    else:
        b.say(
            "Produce the data within 10 days of receipt of the EPOC.",
            ["request.emergency"],
            ["eevid-10"],
        )
    _urgency(b, "eevid-10")
    b.say(
        "Non-compliance can be sanctioned with penalties of up to 2% of worldwide annual turnover.",
        [f"{pf}.data_holder"],
        ["eevid-15"],
    )
    return b.done(
        "eu-epoc",
        "European Production Order / European Preservation Order certificates (EPOC / EPOC-PR)",
        as_of,
    )


def _us_2703(b: _Builder, as_of: dt.date) -> Draft:
    kb, facts = b.kb, b.facts
    req_state, authority = _request(facts)
    pi, p = _platform(facts)
    pf = f"platforms[{pi}]"
    if p.establishment != "US":
        raise DraftError(
            f"{p.name} is not recorded as established in the United States "
            f"(establishment: {p.establishment or 'unknown'}); use MLA or e-Evidence"
        )
    req = facts.request
    assert req is not None
    cats = set(req.data_categories)
    b.section("Route")
    b.say(
        f"{p.data_holder} is a US provider: it must preserve or disclose data in its "
        "possession, custody or control regardless of where the data are stored.",
        [f"{pf}.establishment", f"{pf}.server_locations"],
        ["cloud-2713"],
    )
    agreement = kb.instruments["cloud-act"].party(req_state)
    if req_state == "US":
        b.say(
            "Requesting authority is a US governmental entity: compulsory process under "
            "18 U.S.C. 2703 is available.",
            ["request.requesting_state"],
            ["us-sca"],
        )
        b.section("Process")
        b.say(
            "Preservation: preserve the records below for 90 days (extendable by a further "
            "90 days) pending legal process.",
            [f"{pf}.identifiers"],
            ["us-2703-f"],
        )
        if "subscriber" in cats:
            b.say("Subscriber information: subpoena.", ["request.data_categories"], ["us-2703-c"])
        if "traffic" in cats:
            b.say(
                "Non-content records: court order under 18 U.S.C. 2703(d).",
                ["request.data_categories"],
                ["us-2703-d"],
            )
        if "content" in cats:
            b.say(
                "Content: search warrant on probable cause.",
                ["request.data_categories"],
                ["us-2703-a"],
            )
    elif agreement is not None:
        b.say(
            f"{req_state} has an executive agreement with the United States "
            f"({agreement.cite.citation}, "
            f"in force {agreement.date or '?'}): an order under its domestic law may be served "
            "directly on the provider for serious crime.",
            ["request.requesting_state"],
            ["cloud-2523", "cloud-act"],
        )
    else:
        b.say(
            f"The KB records no CLOUD Act executive agreement between {req_state} and the United "
            "States: content must be sought through MLA.",
            ["request.requesting_state"],
            ["cloud-2523"],
        )
        b.section("What can be asked of the provider")
        if cats & {"subscriber", "traffic"}:
            b.say(
                "Non-content records (subscriber, traffic): request voluntary disclosure.",
                ["request.data_categories"],
                ["us-2702-c6"],
            )
        if "content" in cats:
            auth = kb.jurisdictions["US"].mla_authority
            b.say(
                f"Content: only through MLA to the United States ({auth.text}).",
                ["request.data_categories"],
                ["cloud-mlat-content", auth.id],
            )
        b.say(
            "Ask the provider to preserve the data voluntarily and, through the US authorities, "
            "for preservation pending the MLA request.",
            [f"{pf}.identifiers"],
            ["us-2703-f", "budapest-29"],
        )
    if req.emergency:
        b.say(
            f"Emergency ({req.emergency_reason or 'emergency'}): "
            "the provider may disclose voluntarily.",
            ["request.emergency"],
            ["us-2702-emergency"],
        )
    nonus = [
        f"suspects[{i}]"
        for i, s in enumerate(facts.suspects)
        if "US" not in s.nationalities and "US" not in s.residences
    ]
    if nonus and req_state != "US":
        b.say(
            "The account holder is not recorded as a US person or resident: the provider may "
            "raise a comity challenge where disclosure risks violating a qualifying foreign "
            "government's laws.",
            nonus,
            ["cloud-2703-h"],
        )
    b.section("Request")
    b.say(
        f"Requesting authority: {authority or TODO}, {req_state}.",
        ["request.requesting_authority", "request.requesting_state"],
        ["us-sca"],
    )
    _offence_statements(b, req_state)
    _summary(b)
    _identifiers(b, pi, p, "cloud-2713")
    _urgency(b, "us-2703-f")
    return b.done("us-2703", "Request to a US service provider (18 U.S.C. 2703 / CLOUD Act)", as_of)


_BUILDERS = {"preservation": _preservation, "mla": _mla, "eu-epoc": _eu_epoc, "us-2703": _us_2703}


def build_draft(
    kind: str, facts: CaseFacts, kb: KnowledgeBase, as_of: dt.date | None = None
) -> Draft:
    """Build the draft of ``kind``; raise :class:`DraftError` when its route is not open."""
    if kind not in _BUILDERS:
        raise DraftError(f"unknown draft kind {kind!r} (choose from {', '.join(KINDS)})")
    _request(facts)
    return _BUILDERS[kind](_Builder(kb, facts), as_of or dt.datetime.now(dt.UTC).date())
