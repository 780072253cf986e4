"""Workflow pages and API through the real app (in-process client): roles, tips without
addresses, blurred images, problem documents."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, text

from vigil.audit import AuditEvent
from vigil.auth.accounts import create_user
from vigil.pipeline.scan import scan
from vigil.settings import Settings, get_settings
from vigil.store import make_engine, session_factory, upgrade
from vigil.synth import generate
from vigil.web.app import create_app
from vigil.web.config import WebSettings
from vigil.workflow.tables import QueueItem, Tip
from vigil.workflow.web import tipsite

PASSWORD = "workflow-web-password-1"
USERS = {"rita": "reviewer", "ines": "investigator", "ana": "analyst", "adam": "admin"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scan")
    generate(120, 3, root / "corpus")
    settings = get_settings(home=root / "home", progress=False, batch_size=500, workers=1)
    scan([root / "corpus" / "posts.jsonl"], settings, root / "results")
    return root / "results"


@pytest.fixture(scope="module")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home with the workbench migrated and the users created (hashing is slow)."""
    home = tmp_path_factory.mktemp("template") / "home"
    s = get_settings(home=home)
    upgrade(s.workbench_url)
    engine = make_engine(s.workbench_url)
    with session_factory(engine).begin() as db:
        for name, role in USERS.items():
            create_user(db, name, PASSWORD, [role], teams=["alpha"])
        create_user(db, "otto", PASSWORD, ["investigator"], teams=["beta"])
    engine.dispose()
    return home


@pytest.fixture
def settings(tmp_path: Path, template_home: Path) -> Settings:
    """A fresh copy of the template home for each test."""
    shutil.copytree(template_home, tmp_path / "home")
    return get_settings(home=tmp_path / "home")


@pytest.fixture
def app_client(settings: Settings, results: Path) -> Iterator[TestClient]:
    app = create_app(settings, WebSettings.model_validate({"results": results}))
    with TestClient(app, client=("203.0.113.77", 50000)) as client:
        yield client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def _login(client: TestClient, user: str) -> str:
    token = _csrf(client.get("/login").text)
    r = client.post(
        "/login",
        data={"csrf_token": token, "username": user, "password": PASSWORD, "next": "/queue"},
    )
    assert r.status_code == 200 and "/login" not in str(r.url)
    return _csrf(r.text)


def _tip(client: TestClient, **fields: str) -> str:
    token = _csrf(client.get("/tip/form").text)
    r = client.post("/tip", data={"csrf_token": token, **fields})
    code = re.search(r'id="receipt-code">([^<]+)<', r.text)
    assert r.status_code == 200 and code, r.text[:500]
    return code.group(1)


def test_tip_form_stores_nothing_about_the_sender(
    app_client: TestClient, settings: Settings
) -> None:
    start = app_client.get("/tip/form?danger=yes&country=GB")
    assert start.status_code == 200
    main = start.text.split('<main id="main"', 1)[1]
    assert main.index("999") < main.index("<form")  # emergency numbers come first
    agent = "Mozilla/5.0 (X11; Linux x86_64) TipTester/9.9"
    app_client.headers["user-agent"] = agent
    code = _tip(
        app_client,
        what="Woman kept in a flat, her passport taken, ad says 212-555-0142.",
        danger="yes",
        country="GB",
    )
    bad = app_client.post(
        "/tip", data={"csrf_token": _csrf(start.text), "what": "short", "url": "nope nope"}
    )
    assert bad.status_code == 422 and "at least a sentence" in bad.text
    engine = make_engine(settings.workbench_url)
    with engine.connect() as conn:
        dump = "\n".join(
            str(row)
            for table in ("wf_tips", "wf_tip_messages", "wf_queue_items", "audit_events")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
        (queue_name,) = conn.execute(text("SELECT queue FROM wf_queue_items")).scalars()
    engine.dispose()
    assert "203.0.113.77" not in dump and "TipTester" not in dump
    assert code.replace("-", "") not in dump.replace("-", "")
    assert queue_name == "urgent"
    # the reporter comes back with the code, adds information and reads the reply
    token = _csrf(app_client.get("/tip/receipt").text)
    r = app_client.post(
        "/tip/receipt/add",
        data={"csrf_token": token, "code": code, "body": "She said the agency is in Leeds."},
    )
    assert r.status_code == 200 and "She said the agency" in r.text
    r = app_client.post(
        "/tip/receipt", data={"csrf_token": token, "code": "0000-0000-0000-0000-0000"}
    )
    assert r.status_code == 404 and "does not match" in r.text


def test_tip_submissions_are_rate_limited_per_address(app_client: TestClient) -> None:
    for _ in range(tipsite.SUBMISSIONS_PER_DAY):
        _tip(app_client, what="Repeated report of the same advert for testing.")
    token = _csrf(app_client.get("/tip/form").text)
    r = app_client.post("/tip", data={"csrf_token": token, "what": "One report too many today."})
    assert r.status_code == 429 and "try again tomorrow" in r.text


def test_reviewer_decides_and_investigator_keeps_the_victim_record(
    app_client: TestClient, settings: Settings
) -> None:
    _tip(
        app_client,
        what="A minor is advertised, the post says new girl 16, call 212-555-0199.",
        danger="no",
        country="US",
    )
    token = _login(app_client, "rita")
    r = app_client.post("/queue/claim-next", data={"csrf_token": token, "queue": "tips"})
    assert r.status_code == 200, r.text[:300]
    item_id = str(r.url).rsplit("/", 1)[-1]
    assert "Record decision" in r.text and "rita" in r.text
    r = app_client.post(
        f"/queue/items/{item_id}/decide",
        data={
            "csrf_token": token,
            "action": "open_case",
            "reason": "child_sex_trafficking",
            "notes": "minor",
            "team": "alpha",
        },
    )
    assert r.status_code == 200 and "recorded" in r.text
    decision = app_client.get(f"/api/v1/queue/items/{item_id}").json()
    assert decision["status"] == "decided"
    app_client.cookies.clear()
    token = _login(app_client, "ines")
    cases = app_client.get("/api/v1/cases").json()
    (case,) = cases
    r = app_client.post(
        f"/api/v1/cases/{case['id']}/victims",
        headers={"x-csrf-token": token},
        json={"fields": {"name": "Mara Testperson", "nationality": "RO"}},
    )
    assert r.status_code == 201, r.text
    victim = r.json()["id"]
    page = app_client.get(f"/victims/{victim}")
    assert page.status_code == 200 and "Mara Testperson" in page.text
    for user, status in (("rita", 403), ("ana", 403), ("otto", 403), ("adam", 403)):
        app_client.cookies.clear()
        _login(app_client, user)
        r = app_client.get(f"/api/v1/victims/{victim}")
        assert r.status_code == status, (user, r.text)
        assert "Mara" not in r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    app_client.cookies.clear()
    token = _login(app_client, "ines")
    r = app_client.post(
        f"/api/v1/cases/{case['id']}/legal-hold",
        headers={"x-csrf-token": token},
        json={"on": True, "reason": "court"},
    )
    r = app_client.post(
        f"/api/v1/victims/{victim}/shred", headers={"x-csrf-token": token}, json={"reason": "asked"}
    )
    assert r.status_code == 409 and "legal hold" in r.json()["detail"]
    app_client.post(
        f"/api/v1/cases/{case['id']}/legal-hold",
        headers={"x-csrf-token": token},
        json={"on": False},
    )
    r = app_client.post(
        f"/victims/{victim}/shred",
        data={"csrf_token": token, "reason": "asked", "confirm": "shred"},
    )
    assert r.status_code == 200 and "shredded" in r.text
    assert app_client.get(f"/api/v1/victims/{victim}").status_code == 410
    actions = [e["action"] for e in app_client.get(f"/api/v1/cases/{case['id']}/timeline").json()]
    for step in (
        "tip.submit",
        "queue.claim",
        "queue.decide",
        "case.open",
        "victim.create",
        "victim.read",
        "victim.shred",
    ):
        assert step in actions


def test_images_are_blurred_until_revealed_and_reveals_are_audited(
    app_client: TestClient,
    settings: Settings,
    results: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow.parquet as pq

    rows = pq.read_table(results / "posts.parquet", columns=["post_id", "band", "images"])
    post = next(p for p in rows.to_pylist() if p["images"] and p["band"] != "low")
    root = tmp_path / "images"
    ref = root / post["images"][0]
    ref.parent.mkdir(parents=True)
    Image.new("RGB", (64, 64), (200, 20, 20)).save(ref, format="PNG")
    state = app_client.app.state  # type: ignore[attr-defined]
    monkeypatch.setattr(state, "settings", state.settings.model_copy(update={"images_root": root}))
    token = _login(app_client, "ana")
    refused = app_client.post("/api/v1/queue/claim", headers={"x-csrf-token": token})
    assert refused.status_code == 403  # analysts read the queue but do not decide
    engine = make_engine(settings.workbench_url)
    from vigil.workflow.actor import Actor
    from vigil.workflow.feed import feed_results

    with session_factory(engine).begin() as db:
        feed_results(db, Actor.of("ana", ["analyst"]), results)
        item = db.scalars(select(QueueItem).where(QueueItem.subject_id == post["post_id"])).one()
        item_id = item.id
    page = app_client.get(f"/queue/items/{item_id}")
    assert 'class="wf-blurred"' in page.text and "Reveal" in page.text
    blurred = app_client.get(f"/queue/items/{item_id}/images/0")
    assert blurred.status_code == 200
    with Image.open(io.BytesIO(blurred.content)) as img:
        assert img.mode == "L"  # greyscale
    revealed = app_client.get(f"/queue/items/{item_id}/images/0?reveal=true")
    with Image.open(io.BytesIO(revealed.content)) as img:
        assert img.mode == "RGB" and img.getpixel((32, 32)) == (200, 20, 20)
    with session_factory(engine)() as db:
        reveals = db.scalars(select(AuditEvent).where(AuditEvent.action == "image.reveal")).all()
        assert [(e.actor, e.object_id) for e in reveals] == [("user:ana", post["post_id"])]
        assert db.scalars(select(Tip)).all() == []
    engine.dispose()
    assert app_client.get(f"/queue/items/{item_id}/images/9").status_code == 404
