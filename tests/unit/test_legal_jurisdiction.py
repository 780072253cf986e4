"""Jurisdiction resolver and harmonisation report on the worked scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from vigil.cli import legal_cmd
from vigil.legal.facts import CaseFacts, parse_facts
from vigil.legal.jurisdiction import Claim, JurisdictionReport
from vigil.legal.kb import load_kb
from vigil.legal.service import compare, resolve_jurisdictions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legal"
KB = load_kb()


def raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


def facts(data: dict[str, Any]) -> CaseFacts:
    return parse_facts(data, kb=KB)


def claims(report: JurisdictionReport, state: str) -> dict[str, Claim]:
    sc = report.get(state)
    assert sc is not None, f"{state} not in report"
    return {c.kb_ref: c for c in sc.claims}


def test_minor_case_two_countries() -> None:
    report = resolve_jurisdictions(facts(raw("minor-sex")), KB)
    nl = claims(report, "NL")
    assert nl["nl-territorial"].basis == "territorial"
    assert "act 'recruit'" in nl["nl-territorial"].reason
    assert nl["nl-sr-nationals"].reason == "suspect S1 is a national"
    assert nl["nl-sr-nationals"].double_criminality == "waived"
    ph = claims(report, "PH")
    # PH's own territorial rule is not in the KB: the resolver falls back on UNTOC art. 15(1).
    assert ph["untoc-15-1"].status == "not in KB" and ph["untoc-15-1"].basis == "territorial"
    assert ph["ph-26a-passive"].basis == "passive_nationality"
    assert ph["ph-26a-passive"].citation == "RA 9208 sec. 26-A (added by RA 10364)"
    assert report.get("US") is None
    kr = claims(report, "KR")  # universal clause recorded in the KB [K]
    assert kr["kr-ca-296-2"].basis == "universal"
    assert set(report.claiming()) == {"KR", "NL", "PH"}


def test_every_claim_cites_an_existing_kb_entry() -> None:
    for name in ("adult-labour", "minor-sex", "platform-abroad"):
        report = resolve_jurisdictions(facts(raw(name)), KB)
        for s in report.states:
            for c in s.claims:
                KB.entry(c.kb_ref)
                assert c.reason and c.citation


def test_permanent_residence_only_where_the_statute_says() -> None:
    data = raw("adult-labour")
    ph = claims(resolve_jurisdictions(facts(data), KB), "PH")
    assert "ph-26a-nationals" in ph and "ph-26a-residents" not in ph
    data["suspects"][1]["permanent_residences"] = ["PH"]
    ph = claims(resolve_jurisdictions(facts(data), KB), "PH")
    assert ph["ph-26a-residents"].reason == "suspect S2 is a permanent resident"


def test_platform_state_is_an_evidence_location_not_a_claim() -> None:
    report = resolve_jurisdictions(facts(raw("platform-abroad")), KB)
    us = report.get("US")
    assert us is not None and us.claims == ()
    assert any("evidence location" in n and "us-2421a" in n for n in us.evidence_notes)
    ie = report.get("IE")
    assert ie is not None and ie.claims == () and "legal representative" in ie.evidence_notes[0]
    assert "SE" in report.claiming() and "US" not in report.claiming()


def test_presence_and_computer_resource_bases() -> None:
    data = raw("platform-abroad")
    data["suspects"][0]["locations"] = ["US"]
    data["platforms"][0]["server_locations"] = ["IN"]
    report = resolve_jurisdictions(facts(data), KB)
    assert claims(report, "US")["us-1596-a2"].basis == "presence"
    assert claims(report, "IN")["in-bns-1-5-computer"].basis == "computer_resource"


def test_universal_slavery_clause_needs_the_slavery_purpose() -> None:
    data = raw("adult-labour")
    assert resolve_jurisdictions(facts(data), KB).get("AU") is None
    data["purposes"].append({"type": "slavery", "evidence": ["E3"]})
    au = claims(resolve_jurisdictions(facts(data), KB), "AU")
    assert au["au-270-3-universal"].basis == "universal"
    assert "slavery" in au["au-270-3-universal"].reason


def test_harmonisation_minor_sex_case() -> None:
    f = facts(raw("minor-sex"))
    report = compare(["US", "SE", "NL", "PH", "IN"], f, KB)
    sex = report.row("minor_means_sex")
    assert sex.diverges and sex.matters
    assert sex.cells["IN"].key == "means required" and sex.cells["PH"].key == "no means"
    labour = report.row("minor_means_labour")
    assert labour.diverges and labour.cells["US"].key == "means required"
    assert labour.matters is False  # no labour purpose in this case
    assert report.row("penalty").matters  # NL and PH both claim
    assert report.row("platform").matters is False
    assert report.row("extraterritorial").matters


def test_harmonisation_without_divergence() -> None:
    report = compare(["US", "SE", "NL", "PH"], None, KB)
    assert not report.row("minor_means_sex").diverges
    assert report.row("minor_means_sex").matters is None
    assert report.row("buyer").diverges  # SE and US record buyer offences, NL and PH none
    assert report.row("buyer").cells["NL"].value == "none recorded in the KB"


def test_korean_threshold_matters_for_an_18_year_old() -> None:
    data = raw("minor-sex")
    data["victims"][0]["age"] = 18
    report = compare(["KR", "SE"], facts(data), KB)
    row = report.row("child_threshold")
    assert row.diverges and row.matters and "V1" in (row.why or "")
    # KR art. 289 (buying or selling) needs no means; SE 4:1a does, and 18 is adult there.
    assert report.row("adult_means").matters


def test_platform_case_platform_liability_matters() -> None:
    report = compare(["US", "SE"], facts(raw("platform-abroad")), KB)
    assert report.row("platform").matters


def test_unknown_code_is_rejected() -> None:
    with pytest.raises(KeyError, match="not in the legal KB: FR"):
        compare(["SE", "FR"], None, KB)


def test_cli_jurisdictions_and_compare() -> None:
    app = typer.Typer()
    legal_cmd.register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["legal", "jurisdictions", str(FIXTURES / "minor-sex.yaml"), "--json"])
    assert res.exit_code == 0 and "ph-26a-passive" in res.output
    table = runner.invoke(app, ["legal", "jurisdictions", str(FIXTURES / "platform-abroad.yaml")])
    assert table.exit_code == 0 and "not legal advice" in table.output
    js = runner.invoke(
        app, ["legal", "jurisdictions", str(FIXTURES / "platform-abroad.yaml"), "--json"]
    )
    assert js.exit_code == 0 and "evidence location" in js.output
    cmp_ = runner.invoke(app, ["legal", "compare", "US", "UK", "se", "--json"])
    assert cmp_.exit_code == 0 and '"GB"' in cmp_.output
    case = runner.invoke(
        app, ["legal", "compare", "NL", "IN", "--case", str(FIXTURES / "minor-sex.yaml")]
    )
    assert case.exit_code == 0 and "MATTERS" in case.output
    bad = runner.invoke(app, ["legal", "compare", "SE", "FR"])
    assert bad.exit_code == 2 and "FR" in bad.output
