"""Statements of reasons: built from decisions, validated against the documented enumerations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.reporting import dsa_enums as enums
from vigil.reporting.dsa import (
    DecisionRecord,
    Restriction,
    StatementError,
    batches,
    build_statement,
    statements,
    validate_statement,
)
from vigil.workflow.taxonomy import reasons

REMOVED = Restriction(visibility=("DECISION_VISIBILITY_CONTENT_REMOVED",))


def _decision(i: int = 0, **kw: object) -> DecisionRecord:
    base = DecisionRecord(
        id=f"d-{i}",
        decided_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        action="refer",
        category="STATEMENT_CATEGORY_VIOLENCE",
        keywords=("KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_TRAFFICKING_WOMEN_GIRLS"),
        facts="The post was flagged by automated scoring and reviewed by a person.",
        content_date=date(2026, 10, 30),
        restriction=REMOVED,
        incompatible_ground="Terms of service: human trafficking",
        incompatible_explanation="The ad offers people for sexual services controlled by others.",
        incompatible_illegal=True,
        territorial_scope=("DE", "FR"),
        automated_detection=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_workflow_taxonomy_uses_only_documented_values() -> None:
    for r in reasons():
        assert r.statement_category in enums.CATEGORIES, r.id
        assert set(r.keywords) <= enums.KEYWORDS, r.id
    trafficking = {k for r in reasons() for k in r.keywords} & enums.TRAFFICKING_KEYWORDS
    assert {"KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_TRAFFICKING_WOMEN_GIRLS"} <= trafficking


def test_a_statement_from_a_decision_is_valid() -> None:
    s = build_statement(_decision())
    assert validate_statement(s) == []
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert s["category_specification"] == [
        "KEYWORD_HUMAN_TRAFFICKING",
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    ]
    assert s["automated_detection"] == "Yes"
    assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert s["incompatible_content_illegal"] == "Yes"
    assert s["application_date"] == "2026-11-02" and s["puid"] == "d-0"


def test_illegal_content_ground_needs_its_fields() -> None:
    d = _decision(ground="DECISION_GROUND_ILLEGAL_CONTENT", legal_ground="§ 232 StGB",
                  legal_explanation="Human trafficking for sexual exploitation.")  # fmt: skip
    assert validate_statement(build_statement(d)) == []
    s = build_statement(replace(d, legal_ground=None))
    assert [p.pointer for p in validate_statement(s)] == ["/illegal_content_legal_ground"]


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("category", "STATEMENT_CATEGORY_MADE_UP", "/category"),
        ("category_specification", ["KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_NOPE"],
         "/category_specification/1"),
        ("content_type", [], "/content_type"),
        ("decision_visibility", ["DECISION_VISIBILITY_GONE"], "/decision_visibility/0"),
        ("source_type", "SOURCE_RUMOUR", "/source_type"),
        ("automated_detection", "yes", "/automated_detection"),
        ("automated_decision", "AUTOMATED_DECISION_MAYBE", "/automated_decision"),
        ("territorial_scope", ["US"], "/territorial_scope/0"),
        ("content_date", "2026-02-30", "/content_date"),
        ("application_date", "2026-10-01", "/application_date"),
        ("puid", "has space", "/puid"),
        ("decision_facts", "x" * 5001, "/decision_facts"),
        ("decision_facts", "Call 206-555-0101 to book.", "/decision_facts"),
        ("decision_facts", "Mail anna@example.com.", "/decision_facts"),
    ],
)  # fmt: skip
def test_each_bad_field_is_named(field: str, value: object, pointer: str) -> None:
    s = build_statement(_decision())
    s[field] = value
    assert pointer in [p.pointer for p in validate_statement(s)]


@pytest.mark.parametrize(
    "field",
    ["decision_ground", "category", "content_type", "content_date", "application_date",
     "decision_facts", "source_type", "automated_detection", "automated_decision", "puid"],
)  # fmt: skip
def test_each_required_field_is_required(field: str) -> None:
    s = build_statement(_decision())
    del s[field]
    assert f"/{field}" in [p.pointer for p in validate_statement(s)]


def test_a_restriction_is_required() -> None:
    s = build_statement(_decision())
    del s["decision_visibility"]
    assert [p.pointer for p in validate_statement(s)] == ["/decision_visibility"]


def test_statements_skip_decisions_without_restriction_and_refuse_invalid() -> None:
    made, skipped = statements([_decision(0), _decision(1, restriction=Restriction())])
    assert len(made) == 1 and len(skipped) == 1 and "restricted nothing" in skipped[0]
    with pytest.raises(StatementError, match="decision d-2/category"):
        statements([_decision(2, category="STATEMENT_CATEGORY_NOPE")])
    with pytest.raises(StatementError, match="used twice"):
        statements([_decision(3), _decision(3)])


@given(st.integers(min_value=0, max_value=450), st.integers(min_value=1, max_value=100))
def test_batches_hold_at_most_100_and_keep_everything(n: int, size: int) -> None:
    items = [{"puid": str(i)} for i in range(n)]
    cut = list(batches(items, size))
    assert all(1 <= len(b) <= size <= enums.MAX_BATCH for b in cut)
    assert [x for b in cut for x in b] == items


def test_batch_size_above_100_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        list(batches([], 101))


_FIELDS = sorted(build_statement(_decision()))
_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(sorted(enums.KEYWORDS | enums.CATEGORIES | enums.DECISION_VISIBILITY)),
    lambda x: st.lists(x, max_size=3) | st.dictionaries(st.text(max_size=5), x, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from([*_FIELDS, "decision_visibility_other", "x"]), _JUNK))
def test_validation_never_crashes_on_junk(changes: dict[str, object]) -> None:
    doc = {**build_statement(_decision()), **changes}
    assert isinstance(validate_statement(doc), list)
    assert validate_statement([doc]) != []
