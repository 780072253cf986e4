"""The referral schema: a built package validates; each missing field is named exactly."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vigil.reporting.cybertip import NotAChildCase, cybertip_documents
from vigil.reporting.referral import (
    CaseFacts,
    DecisionRef,
    FileFacts,
    PostFacts,
    build_referral,
    schema,
    validate_referral,
)

AT = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
REPORTER = {
    "organisation": "Example NGO",
    "contact": {"name": "Alex Doe", "email": "a@example.org"},
}
POLICE = {"agency": "Example Police", "contact": {"name": "Sam Roe"}}


def _facts(kind: str = "labour_trafficking", minor: bool = False) -> CaseFacts:
    return CaseFacts(
        case_id="c-1",
        title="Job ads with document retention",
        summary="Three ads promise jobs abroad and ask for passports.",
        incident_type=kind,
        minor_involved=minor,
        incident_at=AT,
        decision=DecisionRef("d-1", "refer", "Forced labour", "lena", AT),
        posts=(
            PostFacts(
                "p1",
                "jobs.example",
                "https://jobs.example/1",
                AT,
                (("phone", "+12065550150"), ("email", "hr@example.com")),
            ),
        ),
        files=(FileFacts("e-1", "ad.json", "a" * 64, viewed_by_person=True),),
        legal_hold=True,
        held_at=AT,
    )


def _doc(**kw: Any) -> dict[str, Any]:
    return build_referral(_facts(**kw), reporter=REPORTER, law_enforcement=POLICE)


def test_schema_is_valid_and_a_built_package_validates() -> None:
    Draft202012Validator.check_schema(schema())
    doc = _doc()
    assert validate_referral(doc) == []
    assert doc["files"][0]["viewed_by_person"] is True
    assert doc["suspects"][0]["identifiers"] == [
        {"type": "email", "value": "hr@example.com"},
        {"type": "phone", "value": "+12065550150"},
    ]


def _required_paths(
    node: dict[str, Any], doc: Any, path: tuple[Any, ...]
) -> Iterator[tuple[Any, ...]]:
    """Every (present) required member of ``doc`` according to the schema ``node``."""
    if "$ref" in node:
        ref = node["$ref"].split("/")[-1]
        node = schema()["$defs"][ref]
    if "oneOf" in node:
        for option in node["oneOf"]:
            if option.get("type") != "null" and doc is not None:
                yield from _required_paths(option, doc, path)
        return
    if isinstance(doc, dict):
        for key in node.get("required", []):
            if key in doc:
                yield (*path, key)
        for key, sub in node.get("properties", {}).items():
            if key in doc:
                yield from _required_paths(sub, doc[key], (*path, key))
    elif isinstance(doc, list) and "items" in node:
        for i, item in enumerate(doc):
            yield from _required_paths(node["items"], item, (*path, i))


REQUIRED = sorted(set(_required_paths(schema(), _doc(), ())), key=str)


def test_there_are_many_required_fields() -> None:
    assert len(REQUIRED) > 40


@pytest.mark.parametrize("path", REQUIRED, ids=lambda p: "/".join(map(str, p)))
def test_each_missing_required_field_is_named_by_pointer(path: tuple[Any, ...]) -> None:
    doc = copy.deepcopy(_doc())
    target = doc
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    pointer = "/" + "/".join(map(str, path))
    assert [p.pointer for p in validate_referral(doc)] == [pointer]


def test_child_cases_must_say_a_minor_is_involved() -> None:
    doc = _doc(kind="child_sex_trafficking", minor=False)
    assert [p.pointer for p in validate_referral(doc)] == ["/incident_summary/minor_involved"]
    assert validate_referral(_doc(kind="child_sex_trafficking", minor=True)) == []


def test_cybertip_documents_only_for_children() -> None:
    with pytest.raises(NotAChildCase, match="children only"):
        cybertip_documents(_doc())
    docs = cybertip_documents(_doc(kind="child_sex_trafficking", minor=True))
    assert sorted(docs) == ["fileinfo-1.xml", "report.xml"]
    assert b"<incidentType>Child Sex Trafficking</incidentType>" in docs["report.xml"]
    assert b"<fileViewedByEsp>true</fileViewedByEsp>" in docs["fileinfo-1.xml"]


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda x: st.lists(x, max_size=3) | st.dictionaries(st.text(max_size=8), x,
                                                                        max_size=3),
                    max_leaves=15))  # fmt: skip
def test_validation_of_junk_gives_problems_not_tracebacks(doc: Any) -> None:
    found = validate_referral(doc)
    assert found and all(p.pointer.startswith("/") for p in found)
