"""Harmonisation report: where the selected jurisdictions' definitions diverge.

Rows: means for adult victims, child age threshold, means for minors in sexual and in
labour exploitation, buyer criminalisation, platform liability, maximum penalty and
extraterritorial bases. A row *diverges* when the jurisdictions' normalised values
differ; with case facts, each row also says whether the divergence *matters* for the
case and why. Everything is derived from the KB; "none recorded" never means "none".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from vigil.legal.facts import CaseFacts
from vigil.legal.model import Jurisdiction, KnowledgeBase, Offence

__all__ = ["Cell", "HarmonisationReport", "Row", "compare"]

SEXUAL = frozenset({"sexual_exploitation", "commercial_sex", "prostitution_of_others", "csam"})
LABOUR = frozenset({"forced_labour", "peonage", "involuntary_servitude", "debt_bondage"})


@dataclass(frozen=True, slots=True)
class Cell:
    value: str
    key: str  # normalised value used to detect divergence
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    topic: str
    label: str
    cells: dict[str, Cell]
    diverges: bool
    matters: bool | None = None
    why: str | None = None


@dataclass(frozen=True)
class HarmonisationReport:
    codes: tuple[str, ...]
    rows: tuple[Row, ...]
    case_id: str | None = None

    def row(self, topic: str) -> Row:
        return next(r for r in self.rows if r.topic == topic)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _listed(kb: KnowledgeBase, o: Offence, family: frozenset[str]) -> bool:
    return bool(kb.vocabulary.expand("purposes", o.purposes) & family)


def _covers(kb: KnowledgeBase, o: Offence, family: frozenset[str]) -> bool:
    """Listed purposes meet the family, or the list is open (scope then to confirm)."""
    return _listed(kb, o, family) or o.purposes_open


def _adult_means(kb: KnowledgeBase, j: Jurisdiction) -> Cell:
    offences = [o for o in j.trafficking_offences() if o.victim_scope == "any"]
    without = [o for o in offences if o.means_required_adult is False]
    if without:
        return Cell(
            "not required under " + "; ".join(o.cite.citation for o in without),
            "not required",
            tuple(o.id for o in without),
        )
    return Cell(
        "required (" + "; ".join(o.cite.citation for o in offences) + ")",
        "required",
        tuple(o.id for o in offences),
    )


def _threshold(kb: KnowledgeBase, j: Jurisdiction) -> Cell:
    ths = sorted({o.child_age_below for o in j.trafficking_offences() if o.child_age_below})
    dis = [o for o in j.trafficking_offences() if o.disability_no_means]
    text = " / ".join(f"under {t}" for t in ths) or "not recorded"
    if dis:
        text += "; also persons with a disability (no means)"
    key = ",".join(map(str, ths)) + ("+disability" if dis else "")
    return Cell(text, key, tuple(o.id for o in j.trafficking_offences() if o.child_age_below))


def _minor_means(kb: KnowledgeBase, j: Jurisdiction, family: frozenset[str]) -> Cell:
    offences = [o for o in j.trafficking_offences() if _covers(kb, o, family) and o.child_age_below]
    free = [o for o in offences if o.child_means_required is False]
    chosen = free or offences
    if not chosen:
        return Cell("no offence recorded in the KB", "none recorded")
    text = (
        ("no means needed (" if free else "means required (")
        + "; ".join(o.cite.citation for o in chosen)
        + ")"
    )
    if not any(_listed(kb, o, family) for o in chosen):
        text += " - purpose scope to confirm"
    return Cell(text, "no means" if free else "means required", tuple(o.id for o in chosen))


def _items(kind: str) -> Callable[[KnowledgeBase, Jurisdiction], Cell]:
    def cell(kb: KnowledgeBase, j: Jurisdiction) -> Cell:
        items = j.buyer_offences if kind == "buyer" else j.platform_liability
        known = [i for i in items if i.known and i.cite]
        if not known:
            return Cell("none recorded in the KB", "none recorded", tuple(i.id for i in items))
        text = "; ".join(f"{i.cite.citation}: {i.text}" for i in known if i.cite)
        return Cell(text, "recorded", tuple(i.id for i in known))

    return cell


def _penalty(kb: KnowledgeBase, j: Jurisdiction) -> Cell:
    parts, keys, refs = [], [], []
    for o in j.trafficking_offences():
        if o.penalty is None:
            continue
        parts.append(f"{o.cite.citation}: {o.penalty.describe()}")
        refs.append(o.id)
        if o.penalty.life:
            keys.append("life")
        elif o.penalty.years is not None:
            keys.append(f"{o.penalty.years:g}y")
    best = "life" if "life" in keys else max(keys, key=lambda k: float(k[:-1]), default="unknown")
    return Cell("; ".join(parts) or "not recorded", best, tuple(refs))


def _extraterritorial(kb: KnowledgeBase, j: Jurisdiction) -> Cell:
    bases = [b for b in j.bases if b.kind != "territorial" and b.status == "recorded"]
    kinds = sorted({b.kind for b in bases})
    text = "; ".join(f"{b.kind.replace('_', ' ')} ({b.cite.citation})" for b in bases)
    return Cell(
        text or "none recorded in the KB",
        ",".join(kinds) or "none recorded",
        tuple(b.id for b in bases),
    )


TOPICS: list[tuple[str, str, Callable[[KnowledgeBase, Jurisdiction], Cell]]] = [
    ("adult_means", "Means required for adult victims", _adult_means),
    ("child_threshold", "Age below which no means are needed", _threshold),
    (
        "minor_means_sex",
        "Means for minors, sexual exploitation",
        lambda kb, j: _minor_means(kb, j, SEXUAL),
    ),
    (
        "minor_means_labour",
        "Means for minors, labour exploitation",
        lambda kb, j: _minor_means(kb, j, LABOUR),
    ),
    ("buyer", "Buyer / knowing-use criminalisation", _items("buyer")),
    ("platform", "Platform or intermediary liability", _items("platform")),
    ("penalty", "Maximum penalty (core offences)", _penalty),
    ("extraterritorial", "Extraterritorial bases", _extraterritorial),
]


def _relevance(
    kb: KnowledgeBase, topic: str, facts: CaseFacts, claiming: set[str], row_cells: dict[str, Cell]
) -> tuple[bool, str]:
    ages = [v.age for v in facts.victims]
    purposes = kb.vocabulary.expand("purposes", [o.type for o in facts.purposes])
    max_th = max(
        (int(k) for c in row_cells.values() for k in c.key.split("+")[0].split(",") if k.isdigit()),
        default=18,
    )
    minors = [v.id for v in facts.victims if v.age is not None and v.age < 19] + [
        v.id for v in facts.victims if v.age is None
    ]
    if topic == "adult_means":
        adults = [v.id for v in facts.victims if v.age is None or v.age >= 18]
        means = sorted({o.type for o in facts.means})
        return bool(adults), (
            f"victim(s) {', '.join(adults)} adult or of unknown age; observed means: "
            f"{', '.join(means) or 'none'}"
            if adults
            else "no adult victim"
        )
    if topic == "child_threshold":
        edge = [v.id for v in facts.victims if v.age is not None and 18 <= v.age < max_th]
        unknown = [v.id for v in facts.victims if v.age is None]
        dis = [v.id for v in facts.victims if v.disability]
        flagged = edge + unknown + dis
        return bool(flagged), (
            f"victim(s) {', '.join(flagged)}: age between thresholds, unknown, or disability"
            if flagged
            else f"victim ages {ages} fall on the same side of every threshold"
        )
    if topic in ("minor_means_sex", "minor_means_labour"):
        family = SEXUAL if topic == "minor_means_sex" else LABOUR
        fam_hit = bool(purposes & family)
        hit = fam_hit and bool(minors)
        kind = "sexual" if family is SEXUAL else "labour"
        return hit, (
            f"minor or age-unknown victim(s) {', '.join(minors)} and {kind} exploitation observed"
            if hit
            else f"needs a minor victim and an observed {kind} purpose"
        )
    if topic == "buyer":
        buyers = [s.id for s in facts.suspects if any("buyer" in r.lower() for r in s.roles)]
        acts = [o.type for o in facts.acts if o.type in ("patronize", "solicit", "buy")]
        hit = bool(buyers or acts)
        return hit, (
            f"buyer conduct in the facts: {', '.join(buyers + acts)}"
            if hit
            else "no buyer role or buying act in the facts"
        )
    if topic == "platform":
        names = [p.name for p in facts.platforms]
        return bool(names), (
            f"platform(s) in the case: {', '.join(names)}" if names else "no platform in the facts"
        )
    if topic == "penalty":
        both = sorted(claiming & set(row_cells))
        return len(both) >= 2, (
            f"several compared states may claim the case ({', '.join(both)}): "
            "penalties bear on the choice of forum"
            if len(both) >= 2
            else "fewer than two compared states claim the case"
        )
    outside: list[str] = []
    for code in row_cells:
        nationals = [s.id for s in facts.suspects if code in s.nationalities] + [
            v.id for v in facts.victims if code in v.nationalities
        ]
        away = [o.type for o in facts.acts if o.places and code not in o.places]
        if nationals and away:
            outside.append(
                f"{code} (nationals {', '.join(nationals)}; acts abroad: {', '.join(away)})"
            )
    return bool(outside), (
        "conduct outside the state of a victim's or suspect's nationality: " + "; ".join(outside)
        if outside
        else "no compared state has a national involved in conduct outside it"
    )


def compare(
    codes: list[str] | tuple[str, ...],
    kb: KnowledgeBase,
    facts: CaseFacts | None = None,
    claiming: set[str] | None = None,
) -> HarmonisationReport:
    """Side-by-side divergences for ``codes``; with ``facts``, which ones matter."""
    unknown = [c for c in codes if c not in kb.jurisdictions]
    if unknown:
        raise KeyError(
            f"not in the legal KB: {', '.join(unknown)} (known: {', '.join(kb.jurisdictions)})"
        )
    rows = []
    for topic, label, fn in TOPICS:
        cells = {c: fn(kb, kb.jurisdictions[c]) for c in codes}
        diverges = len({c.key for c in cells.values()}) > 1
        matters: bool | None = None
        why: str | None = None
        if facts is not None:
            matters, why = _relevance(kb, topic, facts, claiming or set(), cells)
            matters = matters and diverges
            if not diverges:
                why = "no divergence among the compared states"
        rows.append(Row(topic, label, cells, diverges, matters, why))
    return HarmonisationReport(tuple(codes), tuple(rows), facts.case_id if facts else None)
