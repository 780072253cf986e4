"""DSA statements of reasons (Art. 17, Art. 24(5)) from recorded decisions.

:func:`build_statement` turns one :class:`DecisionRecord` (vigil's decision plus what the
platform did about it) into a Transparency Database statement; :func:`validate_statement`
checks it against the API's fields and enumerations (:mod:`vigil.reporting.dsa_enums`) and
returns every problem with its JSON pointer; :func:`batches` cuts statements into calls of at
most 100. Statements carry no personal data: free-text fields are checked with vigil's own
identifier extractors, and a phone number, e-mail address, handle or payment id in them is
an error.

Decisions that restricted nothing (vigil's ``no_concern`` and ``monitor``) need no
statement: Art. 17 applies to restrictions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vigil.reporting import dsa_enums as enums

__all__ = [
    "DecisionRecord",
    "Problem",
    "Restriction",
    "StatementError",
    "batches",
    "build_statement",
    "validate_statement",
]

_PUID = re.compile(r"[A-Za-z0-9_-]{1,500}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERSONAL = ("phone", "email", "handle", "payment", "crypto")


class StatementError(ValueError):
    """A decision that cannot become a valid statement (the problems say why)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Problem:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


@dataclass(frozen=True, slots=True)
class Restriction:
    """What the platform restricted (at least one field set)."""

    visibility: tuple[str, ...] = ()
    visibility_other: str | None = None
    monetary: str | None = None
    monetary_other: str | None = None
    provision: str | None = None
    account: str | None = None
    end_date_visibility: date | None = None
    end_date_monetary: date | None = None
    end_date_service: date | None = None
    end_date_account: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.visibility or self.monetary or self.provision or self.account)


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision as the statement needs it (built from the workflow's decision + profile)."""

    id: str
    decided_at: datetime
    action: str
    category: str
    keywords: tuple[str, ...]
    facts: str
    content_date: date
    restriction: Restriction
    ground: str = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    legal_ground: str | None = None
    legal_explanation: str | None = None
    incompatible_ground: str | None = None
    incompatible_explanation: str | None = None
    incompatible_illegal: bool | None = None
    ground_reference_url: str | None = None
    content_types: tuple[str, ...] = ("CONTENT_TYPE_TEXT",)
    content_language: str | None = None
    territorial_scope: tuple[str, ...] = ()
    account_type: str | None = None
    source_type: str = "SOURCE_VOLUNTARY"
    automated_detection: bool = False
    automated_decision: str = "AUTOMATED_DECISION_NOT_AUTOMATED"
    human: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def puid_of(decision_id: str) -> str:
    """The platform-unique id: the decision id with characters outside ``[A-Za-z0-9_-]`` as _."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", decision_id)[:500]


def build_statement(d: DecisionRecord) -> dict[str, Any]:
    """The Transparency Database statement of ``d`` (validate it before sending)."""
    r = d.restriction
    out: dict[str, Any] = {
        "decision_ground": d.ground,
        "category": d.category,
        "category_specification": list(d.keywords),
        "content_type": list(d.content_types),
        "content_date": d.content_date.isoformat(),
        "application_date": d.decided_at.date().isoformat(),
        "decision_facts": d.facts,
        "source_type": d.source_type,
        "automated_detection": "Yes" if d.automated_detection else "No",
        "automated_decision": d.automated_decision,
        "puid": puid_of(d.id),
    }
    if r.visibility:
        out["decision_visibility"] = list(r.visibility)
        if r.visibility_other:
            out["decision_visibility_other"] = r.visibility_other
    for key, value in (
        ("decision_monetary", r.monetary),
        ("decision_monetary_other", r.monetary_other),
        ("decision_provision", r.provision),
        ("decision_account", r.account),
        ("account_type", d.account_type),
        ("content_language", d.content_language),
        ("decision_ground_reference_url", d.ground_reference_url),
    ):
        if value:
            out[key] = value
    for key, when in (
        ("end_date_visibility_restriction", r.end_date_visibility),
        ("end_date_monetary_restriction", r.end_date_monetary),
        ("end_date_service_restriction", r.end_date_service),
        ("end_date_account_restriction", r.end_date_account),
    ):
        if when:
            out[key] = when.isoformat()
    if d.territorial_scope:
        out["territorial_scope"] = sorted(d.territorial_scope)
    if d.ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        out["illegal_content_legal_ground"] = d.legal_ground or ""
        out["illegal_content_explanation"] = d.legal_explanation or ""
    else:
        out["incompatible_content_ground"] = d.incompatible_ground or ""
        out["incompatible_content_explanation"] = d.incompatible_explanation or ""
        if d.incompatible_illegal is not None:
            out["incompatible_content_illegal"] = "Yes" if d.incompatible_illegal else "No"
    return out


def _personal_data(text: str) -> str | None:
    from vigil.extract import extract

    for ident in extract(text):
        if str(ident.kind) in _PERSONAL:
            return str(ident.kind)
    return None


def validate_statement(s: Any) -> list[Problem]:
    """Every problem of statement ``s`` (empty when it is valid)."""
    if not isinstance(s, dict):
        return [Problem("", "a statement is a JSON object")]
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(f"/{key}", message))

    def one_of(key: str, allowed: frozenset[str], *, required: bool = False) -> None:
        if key not in s:
            if required:
                bad(key, "required field is missing")
            return
        if not isinstance(s[key], str) or s[key] not in allowed:
            bad(key, f"{s[key]!r} is not one of the Transparency Database values")

    def many_of(key: str, allowed: frozenset[str], *, required: bool = False) -> None:
        if key not in s:
            if required:
                bad(key, "required field is missing")
            return
        values = s[key]
        if not isinstance(values, list) or (required and not values):
            bad(key, "must be a non-empty list" if required else "must be a list")
            return
        for i, v in enumerate(values):
            if not isinstance(v, str) or v not in allowed:
                problems.append(Problem(f"/{key}/{i}", f"{v!r} is not an allowed value"))
        if len(set(map(str, values))) != len(values):
            bad(key, "values repeat")

    def text(key: str, limit: int, *, required: bool = False) -> None:
        if key not in s:
            if required:
                bad(key, "required field is missing")
            return
        v = s[key]
        if not isinstance(v, str) or not v.strip():
            bad(key, "must be non-empty text")
        elif len(v) > limit:
            bad(key, f"longer than {limit} characters")
        elif (kind := _personal_data(v)) is not None:
            bad(key, f"contains personal data (a {kind}); statements must not (Art. 24(5))")

    def day(key: str, *, required: bool = False) -> date | None:
        if key not in s:
            if required:
                bad(key, "required field is missing")
            return None
        v = s[key]
        if not isinstance(v, str) or not _DATE.fullmatch(v):
            bad(key, "must be a date written YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(v)
        except ValueError:
            bad(key, f"{v!r} is not a calendar date")
            return None

    many_of("decision_visibility", enums.DECISION_VISIBILITY)
    one_of("decision_monetary", enums.DECISION_MONETARY)
    one_of("decision_provision", enums.DECISION_PROVISION)
    one_of("decision_account", enums.DECISION_ACCOUNT)
    if not any(
        s.get(k)
        for k in (
            "decision_visibility",
            "decision_monetary",
            "decision_provision",
            "decision_account",
        )
    ):
        bad(
            "decision_visibility",
            "a statement needs at least one of decision_visibility, decision_monetary, "
            "decision_provision, decision_account",
        )

    def listed(key: str) -> list[Any]:
        value = s.get(key)
        return value if isinstance(value, list) else []

    if "DECISION_VISIBILITY_OTHER" in listed("decision_visibility"):
        text("decision_visibility_other", 500, required=True)
    if s.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        text("decision_monetary_other", 500, required=True)
    one_of("account_type", enums.ACCOUNT_TYPES)
    one_of("decision_ground", enums.DECISION_GROUNDS, required=True)
    if s.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        text("illegal_content_legal_ground", 500, required=True)
        text("illegal_content_explanation", 2000, required=True)
    elif s.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        text("incompatible_content_ground", 500, required=True)
        text("incompatible_content_explanation", 2000, required=True)
        one_of("incompatible_content_illegal", enums.YES_NO)
    one_of("category", enums.CATEGORIES, required=True)
    many_of("category_addition", enums.CATEGORIES)
    many_of("category_specification", enums.KEYWORDS)
    if "KEYWORD_OTHER" in listed("category_specification"):
        text("category_specification_other", 500, required=True)
    many_of("content_type", enums.CONTENT_TYPES, required=True)
    if "CONTENT_TYPE_OTHER" in listed("content_type"):
        text("content_type_other", 500, required=True)
    many_of("territorial_scope", enums.TERRITORIAL_SCOPE)
    content = day("content_date", required=True)
    applied = day("application_date", required=True)
    if content and applied and applied < content:
        bad("application_date", "is before content_date")
    for key in (
        "end_date_visibility_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_account_restriction",
    ):
        end = day(key)
        if end and applied and end < applied:
            bad(key, "is before application_date")
    text("decision_facts", 5000, required=True)
    one_of("source_type", enums.SOURCE_TYPES, required=True)
    one_of("automated_detection", enums.YES_NO, required=True)
    one_of("automated_decision", enums.AUTOMATED_DECISIONS, required=True)
    if "puid" not in s:
        bad("puid", "required field is missing")
    elif not isinstance(s["puid"], str) or not _PUID.fullmatch(s["puid"]):
        bad("puid", "must be 1-500 characters of A-Z, a-z, 0-9, '-' and '_'")
    return problems


def batches(
    statements: Iterable[dict[str, Any]], size: int = enums.MAX_BATCH
) -> Iterator[list[dict[str, Any]]]:
    """Statements in lists of at most ``size`` (<= 100), each list a ``statements.store`` call."""
    if not 1 <= size <= enums.MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {enums.MAX_BATCH} statements")
    batch: list[dict[str, Any]] = []
    for statement in statements:
        batch.append(statement)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def statements(decisions: Iterable[DecisionRecord]) -> tuple[list[dict[str, Any]], list[str]]:
    """(valid statements, skipped) for ``decisions``; raises on an invalid statement.

    Decisions that restricted nothing are skipped with a note, not errors.
    """
    out: list[dict[str, Any]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for d in decisions:
        if d.restriction.empty:
            skipped.append(f"{d.id}: {d.action} restricted nothing (no statement needed)")
            continue
        statement = build_statement(d)
        problems = validate_statement(statement)
        if statement["puid"] in seen:
            problems.append(Problem("/puid", f"{statement['puid']!r} is used twice"))
        if problems:
            raise StatementError(
                [Problem(f"decision {d.id}{p.pointer}", p.message) for p in problems]
            )
        seen.add(statement["puid"])
        out.append(statement)
    return out, skipped
