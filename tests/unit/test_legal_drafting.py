"""Request drafts: routes, traces, deadlines, and the three output formats."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from docx import Document
from typer.testing import CliRunner

from vigil.cli import legal_cmd
from vigil.legal.drafting import KINDS, MARKER, Draft, DraftError, Statement, build_draft
from vigil.legal.facts import CaseFacts, parse_facts
from vigil.legal.kb import load_kb
from vigil.legal.render import latin1, render
from vigil.legal.service import draft

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legal"
KB = load_kb()
TODAY = dt.date(2026, 11, 24)


def raw(name: str = "platform-abroad") -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


def facts(data: dict[str, Any] | None = None) -> CaseFacts:
    return parse_facts(data or raw(), kb=KB)


def text(d: Draft) -> str:
    return " ".join(s.text for s in d.statements())


@pytest.mark.parametrize("kind", KINDS)
def test_every_statement_is_traced_to_facts_and_kb(kind: str) -> None:
    d = build_draft(kind, facts(), KB, TODAY)
    assert d.marker == MARKER and d.statements()
    for st in d.statements():
        assert st.facts and st.kb
        for ref in st.kb:
            KB.entry(ref)
            assert ref in d.citations
    md = render(d, "md").decode()
    assert md.startswith(f"**{MARKER}**") and md.rstrip().endswith(f"**{MARKER}**")
    assert md.count("[facts: ") == len(d.statements())


def test_statement_without_trace_is_refused() -> None:
    with pytest.raises(ValueError, match="trace"):
        Statement("an unsupported claim", (), ("budapest-29",))


def test_preservation_has_budapest_article_29_fields() -> None:
    d = build_draft("preservation", facts(), KB, TODAY)
    body = text(d)
    for key in "abcdef":
        assert f"({key}) " in body
    assert "SE: not recorded in the KB (confirm)" in body  # party status unknown: said, not assumed
    assert "not less than 60 days" in body
    assert "Dual criminality is not required" in body
    assert "EPOC-PR" in body  # alternative route open for an EU requester
    assert "sunny_jobs_example" in body
    assert "Människohandel" in body  # the requesting state's offence, from the element checker


def test_eu_epoc_deadlines_and_issuing_authority() -> None:
    d = build_draft("eu-epoc", facts(), KB, TODAY)
    body = text(d)
    assert "within 10 days of receipt" in body
    assert "60 days, extendable once by 30 days" in body
    assert "judge, court or investigating judge" in body  # content and traffic requested
    assert "regardless of the location of the data" in body
    data = raw()
    data["request"].update(
        emergency=True, emergency_reason="child at risk", data_categories=["subscriber"]
    )
    urgent = text(build_draft("eu-epoc", facts(data), KB, TODAY))
    assert "within 8 hours" in urgent and "a prosecutor may issue" in urgent


def test_eu_epoc_route_closed_before_application_or_outside_the_eu() -> None:
    with pytest.raises(DraftError, match="applies from 2026-08-18"):
        build_draft("eu-epoc", facts(), KB, dt.date(2026, 8, 1))
    data = raw()
    data["request"]["requesting_state"] = "PH"
    with pytest.raises(DraftError, match="PH is not recorded as an EU Member State"):
        build_draft("eu-epoc", facts(data), KB, TODAY)


def test_us_provider_request_for_a_foreign_requester_without_agreement() -> None:
    body = text(build_draft("us-2703", facts(), KB, TODAY))
    assert "no CLOUD Act executive agreement between SE and the United States" in body
    assert "Office of International Affairs" in body  # content only through MLA
    assert "comity challenge" in body


def test_us_provider_request_under_the_uk_agreement_and_for_us_authorities() -> None:
    data = raw()
    data["request"]["requesting_state"] = "UK"
    uk = text(build_draft("us-2703", facts(data), KB, TODAY))
    assert "executive agreement" in uk and "2022-10-03" in uk
    data["request"]["requesting_state"] = "US"
    us = text(build_draft("us-2703", facts(data), KB, TODAY))
    assert "90 days" in us and "search warrant on probable cause" in us


def test_us_route_needs_a_us_provider() -> None:
    data = raw()
    data["platforms"][0]["establishment"] = "IE"
    with pytest.raises(DraftError, match="not recorded as established in the United States"):
        build_draft("us-2703", facts(data), KB, TODAY)


def test_mla_names_bases_and_central_authority() -> None:
    body = text(build_draft("mla", facts(), KB, TODAY))
    assert "UNTOC art. 18" in body and "Budapest Convention art. 31" in body
    assert "Requested central authority (US): US Department of Justice" in body
    assert "probable cause" in body


def test_draft_needs_a_request_block() -> None:
    with pytest.raises(DraftError, match="no 'request' block"):
        build_draft("mla", facts(raw("minor-sex")), KB, TODAY)
    with pytest.raises(DraftError, match="unknown draft kind"):
        build_draft("letter", facts(), KB, TODAY)


def test_docx_reads_back_with_marker_and_traces() -> None:
    data = draft("preservation", facts(), "docx", KB, TODAY)
    doc = Document(io.BytesIO(data))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == MARKER and paras[-1] == MARKER
    assert doc.sections[0].header.paragraphs[0].text == MARKER
    assert any("[facts: " in p and "KB: budapest-29" in p for p in paras)
    assert doc.core_properties.subject == MARKER


def test_pdf_is_uncompressed_and_marked() -> None:
    data = draft("eu-epoc", facts(), "pdf", KB, TODAY)
    assert data.startswith(b"%PDF-")
    assert b"/FlateDecode" not in data
    assert data.count(MARKER.encode()) >= 3  # page header, top, end
    assert b"within 10 days of receipt" in data
    assert "Människohandel".encode("latin-1") in data  # Latin-1 text kept as is


def test_latin1_transliteration() -> None:
    assert latin1("Människohandel – “x” ≥ 3 …") == 'Människohandel - "x" >= 3 ...'
    assert latin1("청") == "?"
    assert latin1("ŝ") == "s"


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(build_draft("mla", facts(), KB, TODAY), "rtf")


def test_cli_draft(tmp_path: Path) -> None:
    app = typer.Typer()
    legal_cmd.register(app)
    runner = CliRunner()
    case = str(FIXTURES / "platform-abroad.yaml")
    for suffix in ("md", "docx", "pdf"):
        out = tmp_path / f"req.{suffix}"
        res = runner.invoke(
            app,
            ["legal", "draft", "preservation", case, "--out", str(out), "--as-of", "2026-11-24"],
        )
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 500
    assert (tmp_path / "req.md").read_text().startswith(f"**{MARKER}**")
    closed = runner.invoke(
        app,
        [
            "legal",
            "draft",
            "eu-epoc",
            case,
            "--out",
            str(tmp_path / "x.md"),
            "--as-of",
            "2026-01-01",
        ],
    )
    assert closed.exit_code == 2 and "route not open" in closed.output
    assert not (tmp_path / "x.md").exists()
    nofmt = runner.invoke(app, ["legal", "draft", "mla", case, "--out", str(tmp_path / "x.txt")])
    assert nofmt.exit_code == 2 and "--format" in nofmt.output
    badkind = runner.invoke(
        app, ["legal", "draft", "letter", case, "--out", str(tmp_path / "x.md")]
    )
    assert badkind.exit_code == 2 and "unknown draft kind" in badkind.output
    baddate = runner.invoke(
        app, ["legal", "draft", "mla", case, "--out", str(tmp_path / "y.md"), "--as-of", "soon"]
    )
    assert baddate.exit_code == 2 and "--as-of" in baddate.output


def test_every_kb_id_the_drafter_uses_exists() -> None:
    """Branches not reached by the scenarios still cite live KB entries."""
    import re

    import vigil.legal.drafting as drafting

    source = Path(drafting.__file__).read_text()
    ids = set(
        re.findall(r'"((?:budapest|untoc|eevid|cloud|us|cets197|palermo)-[a-z0-9-]+)"', source)
    )
    ids -= set(KINDS)
    assert len(ids) > 15
    for eid in ids:
        KB.entry(eid)
