"""A referral from a demo case: decision gate, preservation hook, exports, offline bundle check."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vigil.evidence.keys import load_log_verifier
from vigil.evidence.vault import Vault
from vigil.evidence.verify import verify_bundle
from vigil.ingest.service import ingest_files
from vigil.lake import Lake
from vigil.pipeline.stages import run_pipeline
from vigil.reporting.referral import validate_referral
from vigil.reporting.referral_service import ReferralInvalid, export_referral, make_referral
from vigil.reporting.tables import Referral, ReferralHold
from vigil.settings import Settings, get_settings
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow import cases, decisions, queue
from vigil.workflow.actor import Actor
from vigil.workflow.errors import DecisionRequired, LegalHold
from vigil.workflow.queue import NewItem
from vigil.workflow.routing import Candidate
from vigil.workflow.tables import Case

LEAD = Actor.of("lena", ["investigator"], ["north"])
REPORTER = {
    "organisation": "Example Safety NGO",
    "contact": {"name": "Alex Doe", "email": "alex@example.org", "phone": None},
    "legal_process_contact": None,
    "retention": "90 days, extended under legal hold",
    "terms_of_service_url": "https://example.org/terms",
    "emergency_phone": None,
}
POLICE = {
    "agency": "Example City Police",
    "case_number": None,
    "contact": {"name": "Sam Roe", "email": "sam.roe@example.net", "phone": None},
    "country": "US",
    "reported_to_law_enforcement_before": False,
}


@pytest.fixture
def world(
    tmp_path: Path, workbench_url: str
) -> Iterator[tuple[Settings, sessionmaker[Session], list[str]]]:
    settings = get_settings(
        home=tmp_path / "home", progress=False, batch_size=100, database_url=workbench_url
    )
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"platform": "classifieds.example", "source_id": f"ad-{i}", "url": f"https://classifieds.example/ad-{i}",
         "posted_at": f"2026-10-0{i + 1}T10:00:00Z", "title": "new girls in town",
         "body": f"call 206-555-01{i}0 or sc: anna_{i} now"}
        for i in range(3)
    ]  # fmt: skip
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files([posts], settings)
    run_pipeline(settings)
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        post_ids = [r[0] for r in con.execute("SELECT id FROM posts ORDER BY source_id").fetchall()]
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield settings, session_factory(engine), post_ids
    engine.dispose()


def _case_by_decision(s: Session, post_ids: list[str], reason: str) -> str:
    item = queue.enqueue(
        s, [NewItem(f"post:{post_ids[0]}", "post", post_ids[0], Candidate("post", 0.9, "high"), {})]
    )[0]
    queue.claim(s, LEAD, item.id)
    d = decisions.decide(
        s, LEAD, item.id, action_name="open_case", reason_id=reason, team="north",
        case_title="Three ads, one phone network",
    )  # fmt: skip
    assert d.case_id
    for pid in post_ids[1:]:
        cases.add_item(s, LEAD, d.case_id, kind="post", ref=pid)
    return d.case_id


def _add_files(s: Session, settings: Settings, case_id: str, tmp: Path) -> tuple[str, str]:
    vault = Vault(s, settings)
    seen, unseen = tmp / "photo-1.jpg", tmp / "photo-2.jpg"
    seen.write_bytes(b"\xff\xd8\xff\xe0 synthetic photo one \xff\xd9")
    unseen.write_bytes(b"\xff\xd8\xff\xe0 synthetic photo two \xff\xd9")
    a = vault.capture_file(seen, actor="lena", reason="sent with a tip")
    b = vault.capture_file(unseen, actor="lena", reason="sent with a tip")
    vault.working_copy(a.id, actor="lena", reason="review")  # a person viewed this one
    for item in (a, b):
        cases.add_item(s, LEAD, case_id, kind="evidence", ref=item.id)
    return a.id, b.id


def test_referral_from_demo_case_validates_preserves_and_bundle_verifies(
    world: tuple[Settings, sessionmaker[Session], list[str]], tmp_path: Path
) -> None:
    settings, sessions, post_ids = world
    with sessions.begin() as s:
        case_id = _case_by_decision(s, post_ids, "labour_exploitation")
        seen, unseen = _add_files(s, settings, case_id, tmp_path)
    with sessions.begin() as s:
        doc = make_referral(
            s, settings, LEAD, case_id, reporter=REPORTER, law_enforcement=POLICE,
            incident_type="labour_trafficking",
        )  # fmt: skip
    assert validate_referral(doc) == []
    assert doc["decision"]["action"] == "open_case" and doc["decision"]["human"] is True
    assert doc["incident_summary"]["minor_involved"] is False
    assert doc["incident_summary"]["date_time"] == "2026-10-01T10:00:00Z"  # earliest post
    assert {d["post_id"] for d in doc["internet_details"]} == set(post_ids)
    phones = {v["value"] for v in doc["suspects"][0]["identifiers"] if v["type"] == "phone"}
    assert phones == {"+12065550100", "+12065550110", "+12065550120"}
    viewed = {f["file_id"]: f["viewed_by_person"] for f in doc["files"]}
    assert viewed[seen] is True and viewed[unseen] is False
    assert len(doc["files"]) == 5  # two files + the three posts captured by the preservation hook
    assert doc["preservation"]["status"] == "preserved" and doc["preservation"]["legal_hold"]

    with sessions.begin() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.legal_hold
        holds = s.scalars(select(ReferralHold).where(ReferralHold.referral_id == doc["id"])).all()
        assert {h.subject_id for h in holds if h.subject_type == "post"} == set(post_ids)
        with pytest.raises(LegalHold):
            cases.delete_case(s, LEAD, case_id)
    with sessions.begin() as s:
        stored = s.get(Referral, doc["id"])
        assert stored is not None and stored.document == doc
        result = export_referral(doc, tmp_path / "out", session=s, settings=settings, actor="lena")
    assert (tmp_path / "out" / "referral.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "out" / "cybertip").exists()  # not a child case
    assert json.loads((tmp_path / "out" / "referral.json").read_text()) == doc
    verdict = verify_bundle(
        tmp_path / "out" / "bundle.zip", trusted_key=load_log_verifier(settings)
    )
    assert verdict.ok, verdict.failures
    assert verdict.items == result.bundle_items == 5


def test_child_case_gets_cybertipline_documents(
    world: tuple[Settings, sessionmaker[Session], list[str]], tmp_path: Path
) -> None:
    settings, sessions, post_ids = world
    with sessions.begin() as s:
        case_id = _case_by_decision(s, post_ids, "child_sex_trafficking")
        doc = make_referral(
            s, settings, LEAD, case_id, reporter=REPORTER, law_enforcement=POLICE,
            incident_type="child_sex_trafficking",
        )  # fmt: skip
        export_referral(doc, tmp_path / "out", session=s, settings=settings, bundle=False)
    report = ET.fromstring((tmp_path / "out" / "cybertip" / "report.xml").read_bytes())
    assert report.findtext("incidentSummary/incidentType") == "Child Sex Trafficking"
    assert report.findtext("reporter/reportingPerson/email") == "alex@example.org"
    assert {e.text for e in report.iter("phoneNumber")} >= {"+12065550100"}
    infos = sorted((tmp_path / "out" / "cybertip").glob("fileinfo-*.xml"))
    assert len(infos) == len(doc["files"]) == 3
    for info in infos:
        el = ET.fromstring(info.read_bytes())
        assert el.findtext("fileViewedByEsp") in ("true", "false")
        assert len(el.findtext("originalFileHash") or "") == 64


def test_no_decision_no_referral_and_invalid_profile_places_no_hold(
    world: tuple[Settings, sessionmaker[Session], list[str]],
) -> None:
    settings, sessions, post_ids = world
    with sessions.begin() as s:
        case = cases.open_case(s, LEAD, title="opened by hand", team="north")
        cases.add_item(s, LEAD, case.id, kind="post", ref=post_ids[0])
        with pytest.raises(DecisionRequired):
            make_referral(s, settings, LEAD, case.id, reporter=REPORTER, law_enforcement=POLICE,
                          incident_type="sex_trafficking")  # fmt: skip
        decided = _case_by_decision(s, post_ids, "sex_trafficking")
        no_email = {**REPORTER, "contact": {"name": "Alex Doe"}}
        with pytest.raises(ReferralInvalid) as caught:
            make_referral(s, settings, LEAD, decided, reporter=no_email, law_enforcement=POLICE,
                          incident_type="sex_trafficking")  # fmt: skip
        assert [p.pointer for p in caught.value.problems] == ["/reporter/contact/email"]
        held = s.get(Case, decided)
        assert held is not None and not held.legal_hold


def test_referral_commands(
    world: tuple[Settings, sessionmaker[Session], list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from vigil.auth.accounts import create_user
    from vigil.cli.app import app

    settings, sessions, post_ids = world
    monkeypatch.setenv("VIGIL_DATABASE_URL", str(settings.database_url))
    with sessions.begin() as s:
        create_user(s, "lena", "correct horse battery staple 42", ["investigator"], teams=["north"])
        case_id = _case_by_decision(s, post_ids, "sex_trafficking")
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"reporter": REPORTER, "law_enforcement": POLICE}))
    run = CliRunner().invoke
    home = ["--home", str(settings.home)]
    r = run(app, ["referral", "build", "--case", case_id, "--type", "sex_trafficking",
                  "--profile", str(profile), "--out", str(tmp_path / "ref"), "--as", "lena",
                  "--json", *home])  # fmt: skip
    assert r.exit_code == 0, r.output
    built = json.loads(r.stdout)
    assert {"referral.json", "referral.pdf", "bundle.zip"} <= set(built["files"])
    r = run(app, ["referral", "validate", str(tmp_path / "ref" / "referral.json")])
    assert r.exit_code == 0 and "valid referral package" in r.output
    doc = json.loads((tmp_path / "ref" / "referral.json").read_text())
    del doc["law_enforcement"]["agency"]
    doc["files"][0]["sha256"] = "not-a-hash"
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    r = run(app, ["referral", "validate", str(tmp_path / "bad.json")])
    assert r.exit_code == 1
    assert "/law_enforcement/agency: required field is missing" in r.output
    assert "/files/0/sha256" in r.output
    r = run(app, ["referral", "export", built["referral"], "--out", str(tmp_path / "again"),
                  "--no-bundle", "--as", "lena", *home])  # fmt: skip
    assert r.exit_code == 0, r.output
    again = json.loads((tmp_path / "again" / "referral.json").read_text())
    assert again["id"] == built["referral"]
    r = run(app, ["referral", "build", "--case", case_id, "--type", "sex_trafficking",
                  "--profile", str(tmp_path / "absent.json"), "--out", str(tmp_path / "x"),
                  "--as", "lena", *home])  # fmt: skip
    assert r.exit_code == 2 and "Traceback" not in r.output
