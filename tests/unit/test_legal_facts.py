"""Case-facts loader: clear errors with locations, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from vigil.cli import legal_cmd
from vigil.legal.facts import CaseFacts, FactsError, load_facts, parse_facts, parse_facts_text
from vigil.legal.kb import load_kb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legal"
KB = load_kb()


def raw(name: str = "minor-sex") -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


@pytest.mark.parametrize("name", ["adult-labour", "minor-sex", "platform-abroad"])
def test_fixtures_load(name: str) -> None:
    f = load_facts(FIXTURES / f"{name}.yaml", kb=KB)
    assert f.case_id.startswith("CASE-")


def test_json_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw(), default=str))
    assert load_facts(path, kb=KB).victims[0].age == 16


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["acts"][0].update(type="recrut"), "acts[0].type: unknown term 'recrut'"),
        (
            lambda d: d["victims"][0].update(nationalities=["XX"]),
            "victims.0.nationalities.0: unknown state code 'XX'",
        ),
        (lambda d: d["victims"][0].update(age=-1), "victims.0.age"),
        (lambda d: d["acts"][0].update(victims=["V9"]), "acts[0].victims: unknown victim 'V9'"),
        (
            lambda d: d["acts"][0].update(evidence=["E99"]),
            "acts[0].evidence: unknown evidence 'E99'",
        ),
        (lambda d: d["acts"][0].update(evidence=[]), "acts.0.evidence"),
        (lambda d: d.update(colour="red"), "colour: Extra inputs are not permitted"),
        (lambda d: d.pop("case_id"), "case_id: Field required"),
        (lambda d: d["victims"].append({"id": "V1"}), "duplicate victim id"),
        (
            lambda d: d.update(
                request={
                    "requesting_state": "NL",
                    "data_categories": ["content"],
                    "date_from": "2026-10-01",
                    "date_to": "2026-09-01",
                }
            ),
            "request: date_from is after date_to",
        ),
    ],
)
def test_clear_messages_with_location(mutate: Any, message: str) -> None:
    data = raw()
    mutate(data)
    with pytest.raises(FactsError) as exc:
        parse_facts(data, kb=KB)
    assert message in str(exc.value)


def test_uk_alias_and_case_insensitive_codes() -> None:
    data = raw()
    data["suspects"][0]["nationalities"] = ["uk"]
    assert parse_facts(data, kb=KB).suspects[0].nationalities == ["GB"]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="cannot read"):
        load_facts(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: X\nacts: [\n")
    with pytest.raises(FactsError, match=r"bad.yaml: line \d+, column \d+"):
        load_facts(bad)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FactsError, match="not UTF-8"):
        load_facts(binary)
    js = tmp_path / "bad.json"
    js.write_text("{'case_id': 1}")
    with pytest.raises(FactsError, match=r"bad\.json: line 1"):
        load_facts(js)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(FactsError, match="expected a mapping"):
        load_facts(listy)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_facts_or_a_clear_error(text: str) -> None:
    try:
        result = parse_facts_text(text, name="fuzz.yaml", kb=KB)
    except FactsError as exc:
        assert str(exc).startswith("fuzz.yaml")
    else:
        assert isinstance(result, CaseFacts)


_scalars = st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=8)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
_fields = st.sampled_from(
    [
        "case_id",
        "victims",
        "suspects",
        "acts",
        "means",
        "purposes",
        "circumstances",
        "platforms",
        "request",
        "evidence",
        "summary",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_fields, _values, max_size=6))
def test_structured_garbage_gives_a_clear_error(data: dict[str, Any]) -> None:
    try:
        parse_facts(data, name="fuzz", kb=KB)
    except FactsError as exc:
        assert str(exc).startswith("fuzz")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["victims", "acts", "platforms", "request", "suspects"]), _values)
def test_one_field_replaced_gives_a_clear_error(field: str, value: Any) -> None:
    data = raw("platform-abroad")
    data[field] = value
    try:
        parse_facts(data, name="fuzz", kb=KB)
    except FactsError as exc:
        assert "fuzz" in str(exc)


def test_cli_reports_bad_facts_without_traceback(tmp_path: Path) -> None:
    app = typer.Typer()
    legal_cmd.register(app)
    bad = tmp_path / "case.yaml"
    bad.write_text("case_id: X\nvictims: [{id: V1, age: old}]\n")
    res = CliRunner().invoke(app, ["legal", "jurisdictions", str(bad)])
    assert res.exit_code == 2
    assert "victims.0.age" in res.output and "Traceback" not in res.output
