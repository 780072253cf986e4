"""Console pages of sharing and reporting through the real app (forms with CSRF, no
JavaScript), on SQLite and PostgreSQL: signal packages, matches, referrals, DSA statements
and the transparency report."""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.audit import AuditEvent
from vigil.auth.accounts import create_user
from vigil.reporting.dsa import validate_statement
from vigil.reporting.transparency import validate_csv
from vigil.settings import get_settings
from vigil.sharing.blind import token
from vigil.sharing.keys import KeyStore
from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
from vigil.sharing.package import SignalPackage, sign
from vigil.web.app import create_app
from vigil.web.config import WebSettings
from vigil.workflow import decisions, queue
from vigil.workflow.actor import Actor
from vigil.workflow.queue import NewItem
from vigil.workflow.routing import Candidate

PASSWORD = "sharing-pages-password-1"
AT = datetime(2026, 11, 2, tzinfo=UTC)
TODAY = datetime.now(UTC).date()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


@pytest.fixture
def client(tmp_path: Path, workbench_url: str) -> TestClient:
    settings = get_settings(home=tmp_path / "home", database_url=workbench_url)
    app = create_app(settings, WebSettings(results=tmp_path / "none"))
    with app.state.sessions.begin() as db:
        create_user(db, "ana", PASSWORD, ["analyst"], teams=["north"])
        create_user(db, "lena", PASSWORD, ["investigator"], teams=["north"])
        create_user(db, "aud", PASSWORD, ["auditor"])
        create_user(db, "rita", PASSWORD, ["reviewer"])
    return TestClient(app)


def _login(client: TestClient, user: str) -> None:
    client.cookies.clear()
    token = _csrf(client.get("/login").text)
    r = client.post(
        "/login",
        data={"csrf_token": token, "username": user, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def _decide(
    client: TestClient, action: str, reason: str, keys: list[str] | None = None
) -> str | None:
    """Decide on one queue item per key (default: one unknown post); the last case id."""
    lena = Actor.of("lena", ["investigator"], ["north"])
    case_id = None
    with client.app.state.sessions.begin() as s:  # type: ignore[attr-defined]
        items = queue.enqueue(
            s,
            [NewItem(f"post:{k}", "post", k, Candidate("post", 0.8, "high"), {})
             for k in (keys or [secrets.token_hex(4)])],
        )  # fmt: skip
        for item in items:
            queue.claim(s, lena, item.id)
            opens = action == "open_case"
            d = decisions.decide(
                s, lena, item.id, action_name=action, reason_id=reason,
                team="north" if opens else None, case_title="Ads network" if opens else None,
            )  # fmt: skip
            case_id = d.case_id
    return case_id


def test_signal_packages_import_export_and_matches(tmp_path: Path, client: TestClient) -> None:
    home = client.app.state.settings.home  # type: ignore[attr-defined]
    partner, mine = KeyStore(tmp_path / "partner"), KeyStore(home)
    partner.init_org("org-p")
    mine.init_org("org-m")
    gkey = partner.new_group("g")
    partner.export_group("g", tmp_path / "g.key")
    mine.import_group(tmp_path / "g.key")
    mine.trust("org-p", base64.b64encode(partner.public_key()).decode())
    value = token(gkey, SignalType.EMAIL, "boss@example.com")
    signal = SharedSignal(SignalType.EMAIL, value, SignalCategory.SEXUAL_EXPLOITATION,
                          Opinion.CONFIRMED, AT, AT, "org-p")  # fmt: skip
    package = sign(SignalPackage("signals", SignalPackage.new_id(), "g", gkey.id, "org-p", AT,
                                 (signal,)), partner)  # fmt: skip

    _login(client, "rita")  # a reviewer holds no share.exchange
    assert client.get("/share").status_code == 403
    _login(client, "ana")
    page = client.get("/share")
    assert page.status_code == 200 and "None received." in page.text
    files = {"package": ("p.json", package, "application/json")}
    r = client.post("/share/import", data={"csrf_token": _csrf(page.text)}, files=files)
    assert r.status_code == 200 and "imported" in r.text and "1 new" in r.text
    assert 'id="received"' in r.text and "sexual_exploitation" in r.text and "org-p" in r.text
    assert "boss@example.com" not in r.text and value not in r.text  # tokens are not shown

    bad = json.loads(package)
    bad["signals"][0]["category"] = "made_up"
    files = {"package": ("p.json", json.dumps(bad).encode(), "application/json")}
    r = client.post("/share/import", data={"csrf_token": _csrf(r.text)}, files=files,
                    headers={"accept": "text/html"})  # fmt: skip
    assert r.status_code == 422 and "/signals/0/category" in r.text

    page = client.get("/share")
    rid = re.search(r'action="/share/received/(\d+)/feedback"', page.text)
    assert rid
    r = client.post(f"/share/received/{rid.group(1)}/feedback",
                    data={"csrf_token": _csrf(page.text), "kind": "true_positive"})  # fmt: skip
    assert r.status_code == 200 and "feedback true_positive noted" in r.text
    with client.app.state.sessions() as db:  # type: ignore[attr-defined]
        from vigil.sharing.tables import ShareFeedback

        assert [f.kind for f in db.scalars(select(ShareFeedback))] == ["true_positive"]

    r = client.post("/share/export", data={"csrf_token": _csrf(page.text), "group": "g"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert json.loads(r.content)["group"] == "g"
    r = client.post("/share/match", data={"csrf_token": _csrf(page.text)})
    assert r.status_code == 200 and "new matches queued for review" in r.text


def test_statements_and_transparency_report(client: TestClient) -> None:
    for _ in range(3):
        _decide(client, "refer", "sex_trafficking")
    _decide(client, "no_concern", "no_violation")
    period = f"from={TODAY}&to={TODAY}"

    _login(client, "rita")
    assert client.get(f"/reports?{period}").status_code == 403
    _login(client, "aud")  # auditors read reports
    page = client.get(f"/reports?{period}")
    assert page.status_code == 200
    assert page.text.count("data:image/png;base64,") == 4
    assert re.search(r"<th scope=\"row\">Decisions</th><td>4</td>", page.text)
    r = client.get(f"/reports/transparency.csv?{period}")
    assert r.status_code == 200 and validate_csv(r.text) == []
    r = client.get(f"/reports/transparency.pdf?{period}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.get(f"/reports?from={TODAY}&to=2000-01-01", headers={"accept": "text/html"})
    assert r.status_code == 422

    page = client.get(f"/reports/statements?{period}")
    assert page.status_code == 200 and "3 valid statements in 1 batch " in page.text
    assert "no_concern" in page.text  # the skipped decision is listed with its reason
    r = client.get(f"/reports/statements.json?{period}")
    body = r.json()
    assert len(body["batches"]) == 1 and len(body["batches"][0]) == 3
    assert all(validate_statement(s) == [] for s in body["batches"][0])


def _ingest(client: TestClient, tmp_path: Path) -> list[str]:
    from vigil.ingest.service import ingest_files
    from vigil.lake import Lake
    from vigil.pipeline.stages import run_pipeline

    settings = client.app.state.settings  # type: ignore[attr-defined]
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"platform": "classifieds.example", "source_id": f"ad-{i}",
         "url": f"https://classifieds.example/ad-{i}", "posted_at": f"2026-10-0{i + 1}T10:00:00Z",
         "title": "work abroad", "body": f"good pay, call 206-555-01{i}0"}
        for i in range(2)
    ]  # fmt: skip
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files([posts], settings)
    run_pipeline(settings)
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        return [r[0] for r in con.execute("SELECT id FROM posts ORDER BY source_id").fetchall()]


def test_referral_pages_validate_build_and_export(client: TestClient, tmp_path: Path) -> None:
    unknown_posts = _decide(client, "open_case", "labour_exploitation")
    case_id = _decide(client, "open_case", "labour_exploitation", keys=_ingest(client, tmp_path))
    assert case_id and unknown_posts
    _login(client, "ana")  # analysts cannot make referrals
    assert client.get(f"/cases/{case_id}/referrals").status_code == 403
    _login(client, "lena")
    page = client.get(f"/cases/{case_id}/referrals")
    assert page.status_code == 200 and "No referral yet." in page.text

    # an uploaded package missing its fields: each is named by JSON pointer
    files = {"document": ("referral.json", b'{"format": "vigil.referral"}', "application/json")}
    r = client.post(f"/cases/{case_id}/referrals/validate",
                    data={"csrf_token": _csrf(page.text)}, files=files)  # fmt: skip
    assert r.status_code == 200 and "not valid" in r.text
    assert "<code>/law_enforcement</code>: required field is missing" in r.text

    form = {
        "csrf_token": _csrf(page.text), "incident_type": "labour_trafficking",
        "reporter_organisation": "Example Safety NGO", "reporter_name": "Alex Doe",
        "reporter_email": "alex@example.org", "agency": "Example City Police",
        "agency_contact": "Sam Roe", "agency_email": "sam.roe@example.net", "agency_country": "US",
    }  # fmt: skip
    # the case's post is not in the lake: no internet details, nothing held or stored
    r = client.post(f"/cases/{unknown_posts}/referrals", data=form)
    assert r.status_code == 422 and 'id="referral-problems"' in r.text
    assert "<code>/internet_details</code>" in r.text and "No referral yet." in r.text

    r = client.post(f"/cases/{case_id}/referrals", data=form)
    assert r.status_code == 200, r.text
    rid = re.search(r'<tr id="([^"]+)"><td><code>', r.text)
    assert rid
    doc = client.get(f"/cases/{case_id}/referrals/{rid.group(1)}/referral.json").json()
    assert doc["incident_summary"]["type"] == "labour_trafficking"
    assert doc["law_enforcement"]["agency"] == "Example City Police"
    r = client.get(f"/cases/{case_id}/referrals/{rid.group(1)}/export.zip")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert {"referral.json", "referral.pdf"} <= set(names)

    with client.app.state.sessions() as db:  # type: ignore[attr-defined]
        actions = {e.action for e in db.scalars(select(AuditEvent))}
    assert {"referral.make", "referral.view", "referral.export"} <= actions
