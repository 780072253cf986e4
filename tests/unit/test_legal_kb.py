"""The legal knowledge base: schema, citations, references, generated docs, CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from vigil.cli import legal_cmd
from vigil.legal.docgen import render_markdown
from vigil.legal.kb import KBError, check_kb, default_kb_dir, load_kb
from vigil.legal.model import Basis, Instrument, Item, Offence, Provision

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
# Only this module's commands: other command groups are built by other helpers in parallel.
app = typer.Typer()
legal_cmd.register(app)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(default_kb_dir(), dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_bundled_kb_is_valid() -> None:
    assert check_kb() == []
    kb = load_kb()
    assert set(kb.jurisdictions) == {"AU", "GB", "IN", "KR", "NL", "PH", "SE", "US"}
    for needed in (
        "palermo",
        "cets197",
        "eu-2011-36",
        "eu-2024-1712",
        "budapest",
        "cets224",
        "untoc",
        "cloud-act",
        "eu-2023-1543",
    ):
        assert needed in kb.instruments


def test_every_fact_has_a_citation_source_and_date() -> None:
    kb = load_kb()
    for eid in kb.ids():
        obj = kb.entry(eid)
        if isinstance(obj, Item) and not obj.known:
            assert obj.unknown_note, eid  # an explicit unknown carries a note instead
            continue
        cite = obj.cite  # type: ignore[attr-defined]
        assert cite.citation and cite.sources and cite.checked, eid
        assert cite.confidence in {"V", "K", "?"}, eid
        assert all(s in kb.sources for s in cite.sources), eid


def test_kb_encodes_the_research_notes() -> None:
    """Spot checks against shared/research/legal.md."""
    kb = load_kb()
    palermo = kb.frameworks()["palermo"]
    assert palermo.child_age_below == 18 and palermo.child_means_required is False
    assert palermo.means_required_adult is True
    off = {o.id: o for j in kb.jurisdictions.values() for o in j.offences}
    assert off["us-1589"].child_means_required is True  # no child exception for labour
    assert off["us-1591"].child_means_required is False
    assert off["in-bns-143"].child_means_required is True  # BNS lists means for children too
    assert off["gb-msa-2"].means_required_adult is False  # no separate means element
    assert off["kr-act18100-2"].child_age_below == 19
    assert off["ph-ra9208-4"].disability_no_means is True
    eevid = kb.provision("eevid-11")
    assert [(d.key, d.days) for d in eevid.deadlines] == [("preservation", 60), ("extension", 30)]
    assert {d.key: d.hours or d.days for d in kb.provision("eevid-10").deadlines} == {
        "production": 10,
        "emergency": 8,
    }
    cets224 = kb.instruments["cets224"]
    assert cets224.in_force is False
    assert {p.state for p in cets224.parties if p.status == "ratified"} == {"RS", "JP", "HU"}
    basis = kb.entry("us-1596-a2")
    assert isinstance(basis, Basis) and basis.kind == "presence"
    assert not kb.jurisdictions["SE"].mla_authority.known  # legal.md is silent: unknown
    assert isinstance(kb.entry("budapest-29"), Provision)
    assert isinstance(kb.entry("palermo"), Instrument)
    assert isinstance(kb.entry("nl-273f-1-3"), Offence)


def test_missing_citation_fails_naming_entry_and_field(kb_copy: Path) -> None:
    _edit(kb_copy / "jurisdictions" / "US.yaml", "    citation: 18 U.S.C. 1589\n", "")
    problems = [str(p) for p in check_kb(kb_copy)]
    assert any("US.yaml" in p and "us-1589" in p and "'citation'" in p for p in problems), problems
    with pytest.raises(KBError, match="us-1589"):
        load_kb(kb_copy)


def test_empty_citation_fails(kb_copy: Path) -> None:
    _edit(kb_copy / "instruments.yaml", "citation: Palermo Protocol art. 3(b)", 'citation: ""')
    problems = [str(p) for p in check_kb(kb_copy)]
    assert any("palermo-3b" in p and "'citation'" in p for p in problems), problems


def test_unknown_instrument_reference_fails(kb_copy: Path) -> None:
    _edit(kb_copy / "jurisdictions" / "SE.yaml", "related: [eu-2011-36]", "related: [eu-2099-1]")
    problems = [str(p) for p in check_kb(kb_copy)]
    assert problems == [
        "jurisdictions/SE.yaml: id se-brb-4-1a: field 'related': unknown instrument 'eu-2099-1'"
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "jurisdictions/NL.yaml",
            "sources: [legislationline, nl-rapporteur]",
            "sources: [nowhere]",
            "unknown source 'nowhere'",
        ),
        (
            "jurisdictions/NL.yaml",
            "acts: [recruit, abduct]",
            "acts: [recruit, kidnap]",
            "unknown term 'kidnap'",
        ),
        (
            "jurisdictions/AU.yaml",
            "applies_to: [au-270-3]",
            "applies_to: [au-999]",
            "unknown offence 'au-999'",
        ),
        ("instruments.yaml", "{state: RS,", "{state: XX,", "unknown state code 'XX'"),
        (
            "jurisdictions/PH.yaml",
            "  - id: ph-26a-residents",
            "  - id: ph-26a-nationals",
            "duplicate id",
        ),
        ("jurisdictions/KR.yaml", "confidence: V", "confidence: sure", "field 'confidence'"),
        ("vocabulary.yaml", "implies: [deception]", "implies: [lying]", "unknown term 'lying'"),
        ("jurisdictions/GB.yaml", "code: GB", "code: UK", "unknown state code 'UK'"),
    ],
)
def test_reference_and_schema_failures(
    kb_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(kb_copy / file, old, new)
    problems = [str(p) for p in check_kb(kb_copy)]
    assert any(expected in p and Path(file).name in p for p in problems), problems


def test_broken_yaml_reports_file_and_line(kb_copy: Path) -> None:
    (kb_copy / "jurisdictions" / "IN.yaml").write_text("code: IN\nname: [unclosed\n")
    problems = [str(p) for p in check_kb(kb_copy)]
    assert any(p.startswith("jurisdictions/IN.yaml") and "line" in p for p in problems), problems


def test_cli_kb_check_ok_and_failing(kb_copy: Path) -> None:
    ok = runner.invoke(app, ["legal", "kb", "check"])
    assert ok.exit_code == 0, ok.output
    assert "legal KB ok" in ok.output
    _edit(kb_copy / "jurisdictions" / "US.yaml", "    citation: 18 U.S.C. 1589\n", "")
    bad = runner.invoke(app, ["legal", "kb", "check", "--kb", str(kb_copy)])
    assert bad.exit_code == 1
    assert "us-1589" in bad.output and "citation" in bad.output
    assert "Traceback" not in bad.output


def test_cli_kb_list_and_show() -> None:
    listed = runner.invoke(app, ["legal", "kb", "list", "--json"])
    assert listed.exit_code == 0
    assert '"palermo"' in listed.output and '"PH"' in listed.output
    shown = runner.invoke(app, ["legal", "kb", "show", "eevid-10"])
    assert shown.exit_code == 0 and "8 hours" in shown.output
    juris = runner.invoke(app, ["legal", "kb", "show", "se"])
    assert juris.exit_code == 0 and "4 kap. 1 a" in juris.output
    missing = runner.invoke(app, ["legal", "kb", "show", "nope"])
    assert missing.exit_code == 2 and "no KB entry" in missing.output


def test_docs_legal_kb_is_current() -> None:
    text = (ROOT / "docs" / "legal-kb.md").read_text(encoding="utf-8")
    assert text == render_markdown(load_kb()), (
        "docs/legal-kb.md is stale: run scripts/gen_legal_docs.py"
    )
    assert "not legal advice" in text
