"""Element checker on the worked scenarios; expectations follow the statutes as in the KB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from vigil.cli import legal_cmd
from vigil.legal.elements import (
    ESTABLISHED,
    MISSING,
    NOT_APPLICABLE,
    NOT_REQUIRED,
    TO_CONFIRM,
    ElementsReport,
)
from vigil.legal.facts import CaseFacts, parse_facts
from vigil.legal.kb import load_kb
from vigil.legal.service import analyse_elements, default_jurisdictions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legal"
KB = load_kb()
ALL = ["US", "SE", "NL", "PH", "KR", "GB", "IN", "AU"]


def raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


def facts(data: dict[str, Any]) -> CaseFacts:
    return parse_facts(data, kb=KB)


def finding(report: ElementsReport, fw: str, offence: str, element: str, victim: str = "V1") -> Any:
    a = report.find(fw, offence, victim)
    return next(f for f in a.findings if f.element == element)


def test_adult_labour_case_under_palermo_sweden_philippines() -> None:
    report = analyse_elements(facts(raw("adult-labour")), ["SE", "PH"], KB)
    pal = report.find("palermo", "palermo-art3", "V1")
    assert pal.overall == ESTABLISHED
    means = finding(report, "palermo", "palermo-art3", "means")
    assert means.status == ESTABLISHED
    assert set(means.terms) == {"deception", "coercion", "abuse_of_vulnerability"}
    assert means.evidence == ("E1", "E2", "E3")
    assert report.find("SE", "se-brb-4-1a", "V1").overall == ESTABLISHED
    assert report.find("PH", "ph-ra9208-4", "V1").overall == ESTABLISHED
    assert report.summary == {"palermo": ESTABLISHED, "SE": ESTABLISHED, "PH": ESTABLISHED}
    assert "mental element" in report.not_assessed


def test_adult_without_means_only_the_uk_definition_is_met() -> None:
    data = raw("adult-labour")
    data["means"] = []
    report = analyse_elements(facts(data), ALL, KB)
    assert finding(report, "palermo", "palermo-art3", "means").status == MISSING
    assert report.find("SE", "se-brb-4-1a", "V1").overall == MISSING
    assert report.find("PH", "ph-ra9208-4", "V1").overall == MISSING
    uk = report.find("GB", "gb-msa-2", "V1")  # s.2: no separate means element, travel needed
    assert uk.overall == ESTABLISHED
    assert finding(report, "GB", "gb-msa-2", "means").status == NOT_REQUIRED
    assert finding(report, "GB", "gb-msa-2", "circumstance:movement").status == ESTABLISHED


def test_us_labour_trafficking_means_are_narrower_than_palermo() -> None:
    """18 U.S.C. 1590 needs force, serious harm, legal-process abuse, restraint or a scheme."""
    report = analyse_elements(facts(raw("adult-labour")), ["US"], KB)
    assert finding(report, "US", "us-1590", "act").status == ESTABLISHED
    assert finding(report, "US", "us-1590", "means").status == MISSING
    assert finding(report, "US", "us-1591", "purpose").status == MISSING  # commercial sex only


def test_minor_in_sex_trafficking_needs_no_means_under_palermo() -> None:
    report = analyse_elements(facts(raw("minor-sex")), ["NL", "PH", "IN", "US"], KB)
    means = finding(report, "palermo", "palermo-art3", "means")
    assert means.status == NOT_REQUIRED and "under 18" in means.reason
    assert report.find("palermo", "palermo-art3", "V1").overall == ESTABLISHED
    # NL: 273f(1)1 needs means; 3 (inducing sex work abroad) does not.
    assert report.find("NL", "nl-273f-1-1", "V1").overall == MISSING
    assert report.find("NL", "nl-273f-1-3", "V1").overall == ESTABLISHED
    assert report.find("NL", "nl-273f-1-2", "V1").overall == TO_CONFIRM  # scope not recorded
    assert report.summary["NL"] == ESTABLISHED
    assert report.find("PH", "ph-ra9208-4", "V1").overall == ESTABLISHED
    # India BNS s.143 keeps the means for children.
    assert finding(report, "IN", "in-bns-143", "means").status == MISSING
    # US s.1591: no means for a minor, but the commerce nexus is not in the facts.
    assert finding(report, "US", "us-1591", "means").status == NOT_REQUIRED
    assert finding(report, "US", "us-1591", "purpose").status == ESTABLISHED  # via implies
    assert finding(report, "US", "us-1591", "circumstance:commerce_nexus").status == MISSING


def test_commerce_nexus_completes_1591() -> None:
    data = raw("minor-sex")
    data["circumstances"].append({"type": "commerce_nexus", "evidence": ["E2"]})
    report = analyse_elements(facts(data), ["US"], KB)
    assert report.find("US", "us-1591", "V1").overall == ESTABLISHED


def test_age_18_is_a_child_in_korea_but_not_under_palermo() -> None:
    data = raw("minor-sex")
    data["victims"][0]["age"] = 18
    report = analyse_elements(facts(data), ["KR"], KB)
    assert finding(report, "palermo", "palermo-art3", "means").status == MISSING
    kr = finding(report, "KR", "kr-act18100-2", "means")
    assert kr.status == NOT_REQUIRED and "under 19" in kr.reason


def test_adult_with_disability_is_treated_as_child_in_the_philippines() -> None:
    data = raw("minor-sex")
    data["victims"][0].update(age=25, disability=True)
    report = analyse_elements(facts(data), ["PH"], KB)
    assert finding(report, "palermo", "palermo-art3", "means").status == MISSING
    ph = finding(report, "PH", "ph-ra9208-4", "means")
    assert ph.status == NOT_REQUIRED and "disability" in ph.reason


def test_unknown_age_leaves_means_to_confirm() -> None:
    data = raw("minor-sex")
    data["victims"][0]["age"] = None
    report = analyse_elements(facts(data), ["NL"], KB)
    means = finding(report, "palermo", "palermo-art3", "means")
    assert means.status == TO_CONFIRM and "age is unknown" in means.reason
    child_only = report.find("NL", "nl-273f-1-2", "V1")
    assert any(f.element == "scope" and f.status == TO_CONFIRM for f in child_only.findings)


def test_child_only_offence_not_applicable_to_adult() -> None:
    report = analyse_elements(facts(raw("adult-labour")), ["NL"], KB)
    assert report.find("NL", "nl-273f-1-2", "V1").overall == NOT_APPLICABLE


def test_observations_limited_to_one_victim() -> None:
    data = raw("adult-labour")
    data["victims"].append({"id": "V2", "age": 40, "nationalities": ["PH"]})
    for m in data["means"]:
        m["victims"] = ["V1"]
    report = analyse_elements(facts(data), [], KB)
    assert report.find("palermo", "palermo-art3", "V1").overall == ESTABLISHED
    assert report.find("palermo", "palermo-art3", "V2").overall == MISSING


def test_default_jurisdictions_are_the_claimants() -> None:
    assert default_jurisdictions(facts(raw("minor-sex")), KB) == ["NL", "PH"]
    assert default_jurisdictions(facts(raw("platform-abroad")), KB) == ["SE"]


def test_unknown_framework_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown framework 'ZZ'"):
        analyse_elements(facts(raw("minor-sex")), ["ZZ"], KB)


def test_cli_elements_json_and_table() -> None:
    app = typer.Typer()
    legal_cmd.register(app)
    runner = CliRunner()
    res = runner.invoke(
        app, ["legal", "elements", str(FIXTURES / "minor-sex.yaml"), "-j", "NL", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert '"nl-273f-1-3"' in res.output
    table = runner.invoke(app, ["legal", "elements", str(FIXTURES / "adult-labour.yaml")])
    assert table.exit_code == 0 and "not legal advice" in table.output
    bad = runner.invoke(app, ["legal", "elements", str(FIXTURES / "minor-sex.yaml"), "-j", "ZZ"])
    assert bad.exit_code == 2 and "unknown framework" in bad.output
