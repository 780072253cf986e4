"""Transparency report for a period: counts, medians, and the 2024/2835-shaped CSV.

Inputs are plain rows (:class:`NoticeRow`, :class:`DecisionRow`, :class:`AppealRow`,
:class:`ReferralRow`) so the computation is pure; :mod:`vigil.reporting.sources` reads them
from the workbench.

The CSV follows the *structure* of the quantitative template of Commission Implementing
Regulation (EU) 2024/2835, Annex I (sections as listed in research/trust-and-safety.md §5.2):
one row per figure, ``section, section_title, field, breakdown, value``, with breakdowns
drawn from the Transparency Database enumerations. ASSUMPTION: the research notes give the
section headings only, not the Commission's exact row and column labels (the notes say to
obtain the EC CSV templates first); the field names below are vigil's and the mapping onto
the official cells must be checked against the published template before filing.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from vigil.reporting import dsa_enums as enums

__all__ = [
    "CSV_COLUMNS",
    "SECTIONS",
    "TEMPLATE_FIELDS",
    "AppealRow",
    "DecisionRow",
    "NoticeRow",
    "ReferralRow",
    "TransparencyReport",
    "compute_report",
    "to_csv",
    "validate_csv",
]

CSV_COLUMNS = ("section", "section_title", "field", "breakdown", "value")

#: Annex I quantitative template sections (research §5.2)
SECTIONS: dict[str, str] = {
    "1": "Report identification",
    "2": "Art. 15(1)(a) orders from Member State authorities",
    "3": "Art. 15(1)(b) notices submitted in accordance with Art. 16",
    "4": "Art. 15(1)(c) content moderation engaged in at the provider's own initiative",
    "5": "Arts. 15(1)(d), 24(1)(a)(b) complaints, out-of-court settlement, suspensions",
    "6": "Arts. 15(1)(b)(c)(e), 42(2)(c) use of automated means",
}

_CATS = enums.CATEGORIES
_KWS = enums.KEYWORDS
_GROUNDS = enums.DECISION_GROUNDS
_SOURCES = enums.SOURCE_TYPES
_AUTO = enums.AUTOMATED_DECISIONS

#: (section, field) → allowed breakdown values (None: no breakdown; "text": free text)
TEMPLATE_FIELDS: dict[tuple[str, str], frozenset[str] | str | None] = {
    ("1", "provider_name"): "text",
    ("1", "period_start"): "text",
    ("1", "period_end"): "text",
    ("1", "report_date"): "text",
    ("2", "orders_to_act"): None,
    ("2", "orders_to_provide_information"): None,
    ("3", "notices_received"): None,
    ("3", "notices_by_category"): _CATS,
    ("3", "notices_by_source_type"): _SOURCES,
    ("3", "notices_actioned"): None,
    ("3", "median_hours_to_action_notice"): None,
    ("4", "own_initiative_decisions"): None,
    ("4", "decisions_by_ground"): _GROUNDS,
    ("4", "decisions_by_category"): _CATS,
    ("4", "decisions_by_keyword"): _KWS,
    ("4", "median_hours_detection_to_decision"): None,
    ("5", "complaints_received"): None,
    ("5", "complaints_decided"): None,
    ("5", "complaints_upheld"): None,
    ("5", "complaints_decision_reversed"): None,
    ("5", "median_hours_to_decide_complaint"): None,
    ("5", "out_of_court_disputes"): None,
    ("6", "decisions_by_detection"): frozenset({"automated", "human"}),
    ("6", "decisions_by_automated_decision"): _AUTO,
}


@dataclass(frozen=True, slots=True)
class NoticeRow:
    id: str
    received_at: datetime
    source_type: str = "SOURCE_ARTICLE_16"
    category: str | None = None
    actioned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: str
    decided_at: datetime
    detected_at: datetime
    action: str
    category: str
    keywords: tuple[str, ...]
    ground: str = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    source_type: str = "SOURCE_VOLUNTARY"
    automated_detection: bool = False
    automated_decision: str = "AUTOMATED_DECISION_NOT_AUTOMATED"
    restricted: bool = True


@dataclass(frozen=True, slots=True)
class AppealRow:
    id: str
    received_at: datetime
    decided_at: datetime | None = None
    outcome: str = "pending"  # pending | upheld | reversed


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: str
    made_at: datetime
    kind: str = "law_enforcement"


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _in(at: datetime, start: date, end: date) -> bool:
    return start <= _utc(at).date() <= end


def _median_hours(pairs: Iterable[tuple[datetime, datetime]]) -> float | None:
    hours = [(_utc(b) - _utc(a)).total_seconds() / 3600 for a, b in pairs]
    return round(statistics.median(hours), 2) if hours else None


@dataclass(slots=True)
class TransparencyReport:
    provider: str
    start: date
    end: date
    generated: date
    notices: int = 0
    notices_by_category: dict[str, int] = field(default_factory=dict)
    notices_by_source: dict[str, int] = field(default_factory=dict)
    notices_actioned: int = 0
    notice_median_hours: float | None = None
    decisions: int = 0
    own_initiative: int = 0
    by_ground: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_keyword: dict[str, int] = field(default_factory=dict)
    by_action: dict[str, int] = field(default_factory=dict)
    by_detection: dict[str, int] = field(default_factory=dict)
    by_automated_decision: dict[str, int] = field(default_factory=dict)
    decision_median_hours: float | None = None
    referrals: int = 0
    appeals_received: int = 0
    appeals_decided: int = 0
    appeals_upheld: int = 0
    appeals_reversed: int = 0
    appeal_median_hours: float | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.isoformat() if isinstance(v, date) else v
        return out


def compute_report(
    *,
    provider: str,
    start: date,
    end: date,
    notices: Sequence[NoticeRow] = (),
    decisions: Sequence[DecisionRow] = (),
    appeals: Sequence[AppealRow] = (),
    referrals: Sequence[ReferralRow] = (),
    generated: date | None = None,
) -> TransparencyReport:
    """The figures of the period ``start``..``end`` (both inclusive, UTC dates)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    r = TransparencyReport(provider, start, end, generated or datetime.now(UTC).date())
    ns = [n for n in notices if _in(n.received_at, start, end)]
    r.notices = len(ns)
    r.notices_by_category = dict(
        Counter(n.category or "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE" for n in ns)
    )
    r.notices_by_source = dict(Counter(n.source_type for n in ns))
    r.notices_actioned = sum(1 for n in ns if n.actioned_at is not None)
    r.notice_median_hours = _median_hours(
        (n.received_at, n.actioned_at) for n in ns if n.actioned_at
    )
    ds = [d for d in decisions if _in(d.decided_at, start, end)]
    r.decisions = len(ds)
    r.own_initiative = sum(1 for d in ds if d.source_type == "SOURCE_VOLUNTARY")
    r.by_ground = dict(Counter(d.ground for d in ds if d.restricted))
    r.by_category = dict(Counter(d.category for d in ds))
    r.by_keyword = dict(Counter(k for d in ds for k in d.keywords))
    r.by_action = dict(Counter(d.action for d in ds))
    r.by_detection = dict(Counter("automated" if d.automated_detection else "human" for d in ds))
    r.by_automated_decision = dict(Counter(d.automated_decision for d in ds))
    r.decision_median_hours = _median_hours((d.detected_at, d.decided_at) for d in ds)
    r.referrals = sum(1 for x in referrals if _in(x.made_at, start, end))
    aps = [a for a in appeals if _in(a.received_at, start, end)]
    r.appeals_received = len(aps)
    decided = [a for a in aps if a.decided_at is not None]
    r.appeals_decided = len(decided)
    r.appeals_upheld = sum(1 for a in decided if a.outcome == "upheld")
    r.appeals_reversed = sum(1 for a in decided if a.outcome == "reversed")
    r.appeal_median_hours = _median_hours(
        (a.received_at, a.decided_at) for a in decided if a.decided_at
    )
    return r


def _rows(r: TransparencyReport) -> Iterable[tuple[str, str, str, Any]]:
    yield "1", "provider_name", "", r.provider
    yield "1", "period_start", "", r.start.isoformat()
    yield "1", "period_end", "", r.end.isoformat()
    yield "1", "report_date", "", r.generated.isoformat()
    yield "2", "orders_to_act", "", 0
    yield "2", "orders_to_provide_information", "", 0
    yield "3", "notices_received", "", r.notices
    for k, v in sorted(r.notices_by_category.items()):
        yield "3", "notices_by_category", k, v
    for k, v in sorted(r.notices_by_source.items()):
        yield "3", "notices_by_source_type", k, v
    yield "3", "notices_actioned", "", r.notices_actioned
    yield "3", "median_hours_to_action_notice", "", r.notice_median_hours
    yield "4", "own_initiative_decisions", "", r.own_initiative
    for name, counts in (
        ("decisions_by_ground", r.by_ground),
        ("decisions_by_category", r.by_category),
        ("decisions_by_keyword", r.by_keyword),
    ):
        for k, v in sorted(counts.items()):
            yield "4", name, k, v
    yield "4", "median_hours_detection_to_decision", "", r.decision_median_hours
    yield "5", "complaints_received", "", r.appeals_received
    yield "5", "complaints_decided", "", r.appeals_decided
    yield "5", "complaints_upheld", "", r.appeals_upheld
    yield "5", "complaints_decision_reversed", "", r.appeals_reversed
    yield "5", "median_hours_to_decide_complaint", "", r.appeal_median_hours
    yield "5", "out_of_court_disputes", "", 0
    for k, v in sorted(r.by_detection.items()):
        yield "6", "decisions_by_detection", k, v
    for k, v in sorted(r.by_automated_decision.items()):
        yield "6", "decisions_by_automated_decision", k, v


def to_csv(r: TransparencyReport) -> str:
    """RFC 4180 CSV (CRLF line ends, UTF-8 text): one row per figure."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section, name, breakdown, value in _rows(r):
        writer.writerow(
            [section, SECTIONS[section], name, breakdown, "" if value is None else value]
        )
    return buf.getvalue()


def validate_csv(text: str) -> list[str]:
    """Problems of a transparency CSV (``line N: ...``); empty when it is valid."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return [f"not CSV: {exc}"]
    problems: list[str] = []
    reader = iter(rows)
    header = next(reader, None)
    if header is None or tuple(header) != CSV_COLUMNS:
        return [f"line 1: header must be {','.join(CSV_COLUMNS)}"]
    seen: set[tuple[str, str, str]] = set()
    for line, row in enumerate(reader, start=2):
        if len(row) != len(CSV_COLUMNS):
            problems.append(f"line {line}: {len(row)} columns, expected {len(CSV_COLUMNS)}")
            continue
        section, title, name, breakdown, value = row
        allowed = TEMPLATE_FIELDS.get((section, name), False)
        if allowed is False:
            problems.append(f"line {line}: {name!r} is not a field of section {section!r}")
            continue
        if SECTIONS.get(section) != title:
            problems.append(f"line {line}: section {section} is titled {SECTIONS.get(section)!r}")
        if allowed is None and breakdown:
            problems.append(f"line {line}: {name} takes no breakdown")
        elif isinstance(allowed, frozenset) and breakdown not in allowed:
            problems.append(f"line {line}: {breakdown!r} is not an allowed breakdown of {name}")
        if allowed != "text" and value != "":
            try:
                number = float(value)
            except ValueError:
                problems.append(f"line {line}: {value!r} is not a number")
            else:
                if number < 0:
                    problems.append(f"line {line}: negative value")
        if (section, name, breakdown) in seen:
            problems.append(f"line {line}: {name} {breakdown} repeats")
        seen.add((section, name, breakdown))
    return problems
