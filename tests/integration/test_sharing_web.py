"""The sharing and reporting API: package import (and refusal with a pointer), feedback,
transparency CSV, statements and referral validation."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from vigil.auth.accounts import create_user
from vigil.auth.permissions import MATRIX, Role
from vigil.auth.tokens import issue_token
from vigil.reporting.transparency import validate_csv
from vigil.settings import get_settings
from vigil.sharing.blind import token
from vigil.sharing.keys import KeyStore
from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
from vigil.sharing.package import SignalPackage, sign
from vigil.web.app import create_app
from vigil.web.config import WebSettings

AT = datetime(2026, 11, 2, tzinfo=UTC)


def test_sharing_and_reporting_api(tmp_path: Path) -> None:
    settings = get_settings(home=tmp_path / "home", progress=False, workers=1)
    partner, mine = KeyStore(tmp_path / "p"), KeyStore(settings.home)
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

    app = create_app(settings, WebSettings(results=tmp_path / "none"))
    with app.state.sessions.begin() as db:
        user = create_user(db, "ana", "api-password-123", ["analyst"])
        scopes = sorted(p.value for p in MATRIX[Role.ANALYST])
        auth = {"authorization": f"Bearer {issue_token(db, user, 't', scopes).token}"}
    client = TestClient(app)

    r = client.post("/api/v1/share/packages", content=package, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["new"] == 1
    assert client.post("/api/v1/share/packages", content=package, headers=auth).json()[
        "already_imported"
    ]
    bad = json.loads(package)
    bad["signals"][0]["category"] = "made_up"
    r = client.post("/api/v1/share/packages", content=json.dumps(bad), headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "/signals/0/category"
    r = client.post("/api/v1/share/packages", content=b"\xff\x00 not json", headers=auth)
    assert r.status_code == 422 and "not JSON" in r.json()["detail"]

    received = client.get("/api/v1/share/received", headers=auth).json()
    assert [(x["source_org"], x["type"]) for x in received] == [("org-p", "email")]
    assert "value" not in received[0]
    r = client.post(f"/api/v1/share/received/{received[0]['id']}/feedback",
                    json={"kind": "true_positive"}, headers=auth)  # fmt: skip
    assert r.status_code == 200 and r.json()["kind"] == "true_positive"
    r = client.post("/api/v1/share/received/999/feedback", json={"kind": "seen"}, headers=auth)
    assert r.status_code == 404

    period = {"from": "2026-01-01", "to": "2026-12-31"}
    r = client.get("/api/v1/reports/transparency.csv", params=period, headers=auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert validate_csv(r.text) == []
    assert client.get("/api/v1/reports/statements", params=period, headers=auth).json() == {
        "batches": [],
        "skipped": [],
    }
    bad_period = {"from": "2026-12-31", "to": "2026-01-01"}
    assert (
        client.get("/api/v1/reports/transparency", params=bad_period, headers=auth).status_code
        == 422
    )
