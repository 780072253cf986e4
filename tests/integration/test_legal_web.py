"""The legal API and the case's legal page through the real app, on SQLite and PostgreSQL:
permissions (no legal.read: 403; no cases.read: 403 on a case), audited case reads,
problem documents, draft downloads and the worked scenarios from uploaded facts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.audit import AuditEvent, verify_chain
from vigil.auth.accounts import create_user
from vigil.auth.permissions import MATRIX, Role
from vigil.auth.tokens import issue_token
from vigil.settings import get_settings
from vigil.web.app import create_app
from vigil.web.config import WebSettings
from vigil.workflow import cases
from vigil.workflow.actor import Actor

FIXTURES = Path(__file__).parents[1] / "fixtures" / "legal"
PASSWORD = "legal-web-password-1"
ROLES = {"ines": Role.INVESTIGATOR, "rita": Role.REVIEWER, "aldo": Role.AUDITOR}


def _facts(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load((FIXTURES / name).read_text()), default=str)
    )
    return data


def _app(tmp_path: Path, url: str | None = None) -> tuple[TestClient, dict[str, dict[str, str]]]:
    settings = get_settings(home=tmp_path / "home", database_url=url)
    app = create_app(settings, WebSettings(results=tmp_path / "none"))
    auth = {}
    with app.state.sessions.begin() as db:
        for name, role in ROLES.items():
            user = create_user(db, name, PASSWORD, [role.value], teams=["alpha"])
            scopes = sorted(p.value for p in MATRIX[role])
            auth[name] = {"authorization": f"Bearer {issue_token(db, user, 't', scopes).token}"}
    return TestClient(app), auth


def _open_case(client: TestClient) -> str:
    me = Actor.of("ines", {Role.INVESTIGATOR}, ["alpha"])
    with client.app.state.sessions.begin() as db:  # type: ignore[attr-defined]
        case = cases.open_case(db, me, title="Recruitment case", team="alpha", summary="s")
        cases.add_item(db, me, case.id, kind="post", ref="p-0001", label="job advert")
        return case.id


def test_case_api_roles_problems_and_audit(workbench_url: str, tmp_path: Path) -> None:
    client, auth = _app(tmp_path, workbench_url)
    case_id = _open_case(client)
    base = f"/api/v1/cases/{case_id}/legal"

    r = client.get(f"{base}/elements?jurisdiction=SE&jurisdiction=US", headers=auth["ines"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["frameworks"] == ["palermo", "SE", "US"]
    palermo = [a for a in body["assessments"] if a["framework"] == "palermo"]
    # the workbench records no acts: Palermo's act element cannot be established
    act = next(f for f in palermo[0]["findings"] if f["element"] == "act")
    assert act["status"] == "missing"
    assert body["not_assessed"].startswith("The mental element")

    r = client.get(f"{base}/jurisdictions", headers=auth["ines"])
    assert r.status_code == 200 and r.json()["case_id"] == case_id
    r = client.get(f"{base}/compare?codes=US,SE", headers=auth["ines"])
    assert r.status_code == 200 and r.json()["codes"] == ["US", "SE"]
    assert {row["topic"] for row in r.json()["rows"]} >= {"adult_means"}

    # no request recorded: the route is refused with the reason
    r = client.post(f"{base}/drafts/preservation", headers=auth["ines"])
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "request" in r.json()["detail"]
    abroad = _facts("platform-abroad.yaml")
    options = {"request": abroad["request"], "platforms": abroad["platforms"]}
    r = client.post(f"{base}/drafts/preservation?format=md", json=options, headers=auth["ines"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="{case_id}-preservation-DRAFT.md"'
    )
    assert "DRAFT" in r.text and "ExampleChat" in r.text
    r = client.post(f"{base}/drafts/mla?format=pdf", json=options, headers=auth["ines"])
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.post(f"{base}/drafts/nonsense", json=options, headers=auth["ines"])
    assert r.status_code == 422

    r = client.get("/api/v1/cases/c_nope/legal/elements", headers=auth["ines"])
    assert r.status_code == 404 and r.json()["title"] == "Not found"
    r = client.get(f"{base}/elements?jurisdiction=XX", headers=auth["ines"])
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "query.jurisdiction"

    # a reviewer holds legal.read but not cases.read; an auditor holds neither
    for name, path in (("rita", f"{base}/elements"), ("aldo", f"{base}/elements")):
        r = client.get(path, headers=auth[name])
        assert r.status_code == 403 and r.json()["title"] == "Not allowed", (name, r.text)
    assert client.get(f"{base}/elements").status_code == 401

    with client.app.state.sessions() as db:  # type: ignore[attr-defined]
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.object_id == case_id).order_by(AuditEvent.seq)
        ).all()
        legal = [(e.action, e.actor) for e in events if e.action.startswith("legal.")]
        verify_chain(db)
    actions = [a for a, _ in legal]
    assert actions.count("legal.elements") == 1  # a refused request (XX) shows nothing
    assert {"legal.jurisdictions", "legal.compare", "legal.draft.made"} <= set(actions)
    assert all("ines" in actor for _, actor in legal)  # refused callers read nothing


def test_uploaded_facts_worked_scenarios(tmp_path: Path) -> None:
    client, auth = _app(tmp_path)
    minor = _facts("minor-sex.yaml")

    # a reviewer may analyse uploaded facts (legal.read), an auditor may not
    r = client.post("/api/v1/legal/elements", json=minor, headers=auth["rita"])
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["frameworks"][0] == "palermo" and {"NL", "PH"} <= set(report["frameworks"])
    palermo = next(a for a in report["assessments"] if a["framework"] == "palermo")
    status = {f["element"]: f["status"] for f in palermo["findings"]}
    # Palermo art. 3(c): a child (under 18) needs no means
    assert status == {"act": "established", "means": "not required", "purpose": "established"}
    assert palermo["victim_age"] == 16
    assert (
        client.post("/api/v1/legal/elements", json=minor, headers=auth["aldo"]).status_code == 403
    )

    r = client.post("/api/v1/legal/jurisdictions", json=minor, headers=auth["rita"])
    claims = {s["state"] for s in r.json()["states"] if s["claims"]}
    assert {"NL", "PH"} <= claims
    r = client.post("/api/v1/legal/compare?codes=NL,PH", json=minor, headers=auth["rita"])
    assert r.status_code == 200 and r.json()["case_id"] == "CASE-SEX-002"
    r = client.get("/api/v1/legal/compare?codes=US", headers=auth["rita"])
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "query.codes"

    bad = dict(minor, acts=[{"type": "teleport", "evidence": ["E1"]}])
    r = client.post("/api/v1/legal/elements", json=bad, headers=auth["rita"])
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == "body.acts[0].type"
    bad = dict(minor, victims=[{"id": "V1", "age": 400}])
    r = client.post("/api/v1/legal/jurisdictions", json=bad, headers=auth["rita"])
    assert r.status_code == 422 and "victims" in r.json()["errors"][0]["loc"]

    abroad = _facts("platform-abroad.yaml")
    r = client.post("/api/v1/legal/drafts/eu-epoc?format=docx", json=abroad, headers=auth["rita"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].endswith("wordprocessingml.document")
    assert r.content[:2] == b"PK"
    r = client.post("/api/v1/legal/drafts/preservation", json=minor, headers=auth["rita"])
    assert r.status_code == 409 and "request" in r.json()["detail"]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_case_legal_page_without_javascript(tmp_path: Path) -> None:
    client, _ = _app(tmp_path)
    case_id = _open_case(client)
    token = _csrf(client.get("/login").text)
    r = client.post(
        "/login",
        data={"csrf_token": token, "username": "ines", "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/cases/{case_id}/legal?jurisdiction=SE&jurisdiction=NL")
    assert page.status_code == 200
    html = page.text
    assert "Decision support for lawyers, not legal advice." in html
    assert 'id="comparison"' in html and 'data-framework="NL"' in html
    assert "Palermo Protocol art. 3" in html and "missing" in html
    r = client.post(
        f"/cases/{case_id}/legal/drafts",
        data={
            "csrf_token": _csrf(html),
            "kind": "preservation",
            "format": "md",
            "requesting_state": "SE",
            "data_categories": ["subscriber", "traffic"],
            "platform_name": "ExampleChat",
            "data_holder": "ExampleChat Inc.",
            "establishment": "US",
            "server_locations": "US",
        },
    )
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    assert "ExampleChat Inc." in r.text
    # without the CSRF token the form is refused
    r = client.post(f"/cases/{case_id}/legal/drafts", data={"kind": "mla"})
    assert r.status_code == 403
