"""The geo API and console pages over a real scan of a small synthetic corpus:
movement graph, itineraries, hotspots, case-data import (GLOTIP, CTDC), maps, roles,
audit (SQLite and PostgreSQL) and the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.audit import AuditEvent, verify_chain
from vigil.auth.accounts import create_user
from vigil.auth.permissions import MATRIX, Role
from vigil.auth.tokens import issue_token
from vigil.geo import HotspotParams, hotspots, itineraries, movement_graph, plain
from vigil.geo.web.service import MAX_IMPORT_BYTES
from vigil.settings import Settings, get_settings
from vigil.web.app import create_app
from vigil.web.config import WebSettings

PW = "integration-password-1"
HTML = {"accept": "text/html"}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "geo"
ROLES = ("admin", "analyst", "reviewer", "investigator", "auditor")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    from vigil.pipeline.scan import scan
    from vigil.synth.writer import generate

    base = tmp_path_factory.mktemp("geoweb")
    generate(2000, 11, base / "corpus")
    settings = get_settings(home=base / "home", batch_size=500, progress=False, workers=1)
    scan([base / "corpus" / "posts.jsonl"], settings, base / "results")
    return settings, base / "results"


def _app(settings: Settings, results: Path) -> tuple[Any, dict[str, str]]:
    app = create_app(settings, WebSettings(results=results))
    tokens: dict[str, str] = {}
    with app.state.sessions.begin() as db:
        for role in ROLES:
            user = create_user(db, role, PW, [role])
            scopes = sorted(p.value for p in MATRIX[Role(role)])
            tokens[role] = issue_token(db, user, "test", scopes).token
    return app, tokens


@pytest.fixture(scope="module")
def env(scanned: tuple[Settings, Path]) -> Iterator[dict[str, Any]]:
    settings, results = scanned
    app, tokens = _app(settings, results)
    yield {"app": app, "tokens": tokens, "results": results, "settings": settings}


def auth(env: dict[str, Any], role: str) -> dict[str, str]:
    return {"authorization": f"Bearer {env['tokens'][role]}"}


def _network_cluster(env: dict[str, Any]) -> str:
    items = itineraries(env["results"], min_risk=0.5)
    assert items, "the corpus should hold at least one network with placed posts"
    return max(items, key=lambda it: len(it.visits)).cluster_id


def _upload(client: TestClient, headers: dict[str, str], name: str, content: bytes) -> Any:
    return client.post(
        "/api/v1/geo/routes/import", headers=headers, files={"file": (name, content)}
    )


def test_movement_matches_the_service(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    body = client.get("/api/v1/geo/movement", headers=auth(env, "analyst")).json()
    graph = movement_graph(itineraries(env["results"], min_risk=0.5))
    # circuits, corridors and the count compare whole; edges and nodes field by field below
    # (the response writes datetimes with "Z", plain() with "+00:00")
    assert body == plain(graph) | {"edges": body["edges"], "nodes": body["nodes"]}
    assert body["itineraries"] == graph.itineraries >= 1
    assert {(e["source"], e["target"], e["networks"]) for e in body["edges"]} == {
        (e.source, e.target, e.networks) for e in graph.edges
    }
    cities = {n["city"] for n in body["nodes"]}
    for e in body["edges"]:
        assert e["source"] in cities and e["target"] in cities
        assert e["networks"] >= 1 and e["moves"] >= e["networks"]
    for n in body["nodes"]:
        assert -90 <= n["lat"] <= 90 and -180 <= n["lon"] <= 180
    assert [c["cities"] for c in body["circuits"]] == [list(c.cities) for c in graph.circuits]


def test_itinerary_is_audited_and_has_week_frames(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    cid = _network_cluster(env)
    response = client.get(f"/api/v1/geo/clusters/{cid}/itinerary", headers=auth(env, "reviewer"))
    assert response.status_code == 200
    body = response.json()
    expected = next(it for it in itineraries(env["results"], min_posts=1) if it.cluster_id == cid)
    assert [v["city"] for v in body["visits"]] == [v.city for v in expected.visits]
    assert sum(v["posts"] for v in body["visits"]) == expected.posts == body["posts"]
    starts = [date.fromisoformat(f["start"]) for f in body["frames"]]
    assert starts == sorted(starts) and all(s.weekday() == 0 for s in starts)
    placed = {p["city"] for f in body["frames"] for p in f["positions"]}
    # a week shared by two visits shows the later one, so an early short visit may hide
    assert placed <= {v.city for v in expected.visits}
    assert expected.visits[-1].city in placed and len(placed) >= 2
    with env["app"].state.sessions() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "geo.itinerary")).all()
        assert any(e.object_id == cid and e.actor.startswith("user:reviewer ") for e in events)
        verify_chain(db)
    missing = client.get("/api/v1/geo/clusters/nope/itinerary", headers=auth(env, "reviewer"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "nope" in missing.json()["detail"]


def test_hotspots_count_and_week(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    for count, metric in (
        ("new_networks", "new_clusters"),
        ("active_networks", "active_networks"),
        ("high_risk", "high_risk_posts"),
    ):
        body = client.get(
            f"/api/v1/geo/hotspots?count={count}", headers=auth(env, "analyst")
        ).json()
        report = hotspots(env["results"], HotspotParams(metric=metric))
        assert body["metric"] == metric and body["tests"] == report.tests
        assert [(f["place"], f["window_start"], f["observed"]) for f in body["flags"]] == [
            (f.place, f.window_start.isoformat(), f.observed) for f in report.flags
        ]
    report = hotspots(env["results"], HotspotParams(metric="high_risk_posts"))
    assert report.flags, "the high-risk-post count flags something on this corpus"
    week = report.flags[0].window_start
    body = client.get(
        f"/api/v1/geo/hotspots?count=high_risk&week={week}", headers=auth(env, "analyst")
    ).json()
    assert body["flags"] and len(body["flags"]) <= len(report.flags)
    for f in body["flags"]:
        assert f["window_start"] <= week.isoformat() < f["window_end"]
        assert f["observed"] > f["expected"] and 0 <= f["p_value"] <= f["q_value"] <= 0.05
    bad = client.get("/api/v1/geo/hotspots?count=everything", headers=auth(env, "analyst"))
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_route_import_keeps_files_and_reports_errors(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    analyst = auth(env, "analyst")
    bad = _upload(
        client, analyst, "bad_glotip_value.csv", (FIXTURES / "bad_glotip_value.csv").read_bytes()
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    problem = bad.json()
    assert re.match(r"bad_glotip_value\.csv:\d+:", problem["detail"]), problem
    assert problem["errors"][0]["loc"][:2] == ["file", "bad_glotip_value.csv"]
    assert isinstance(problem["errors"][0]["loc"][2], int)
    bad_ctdc = _upload(client, analyst, "c.csv", (FIXTURES / "bad_ctdc_country.csv").read_bytes())
    assert bad_ctdc.status_code == 422 and bad_ctdc.json()["detail"].startswith("c.csv:")
    wrong = _upload(client, analyst, "notes.pdf", b"%PDF-1.4")
    assert wrong.status_code == 422 and "GLOTIP" in wrong.json()["detail"]
    huge = _upload(client, analyst, "big.csv", b"x" * (MAX_IMPORT_BYTES + 1))
    assert huge.status_code == 413
    glotip = (FIXTURES / "glotip_export.csv").read_bytes()
    first = _upload(client, analyst, "../../glotip export.csv", glotip)
    assert first.status_code == 201, first.text
    assert first.json()["name"] == "glotip_export.csv" and first.json()["format"] == "glotip"
    again = _upload(client, analyst, "copy.csv", glotip)
    assert again.status_code == 201 and again.json()["sha256"] == first.json()["sha256"]
    ctdc = _upload(client, analyst, "ctdc.csv", (FIXTURES / "ctdc_kanon.csv").read_bytes())
    assert ctdc.status_code == 201 and ctdc.json()["format"] == "ctdc"
    kept = sorted(p.name for p in (env["settings"].home / "geo" / "routes").iterdir())
    assert len(kept) == 2 and not any(p.startswith(".") for p in kept)
    body = client.get("/api/v1/geo/routes", headers=auth(env, "reviewer")).json()
    assert [f["name"] for f in body["files"]] == ["glotip_export.csv", "ctdc.csv"]
    assert body["censored_flows"] >= 1
    ranges = [t["count"] for t in body["top"]]
    assert all(r["hi"] is None or r["lo"] <= r["hi"] for r in ranges)
    assert any(t["source"] == "glotip" for t in body["top"])
    assert any(t["source"] == "ctdc" for rs in body["by_form"].values() for t in rs)
    with env["app"].state.sessions() as db:
        actions = db.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "geo.routes.import")
        ).all()
        assert len(actions) == 3


def test_roles(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    cid = _network_cluster(env)
    reads = [
        "/api/v1/geo/movement",
        f"/api/v1/geo/clusters/{cid}/itinerary",
        "/api/v1/geo/hotspots",
        "/geo",
        f"/clusters/{cid}/movement",
        f"/clusters/{cid}/movement/0.svg",
        "/geo/hotspots",
        "/geo/maps/hotspots.svg",
        "/geo/routes",
    ]
    for path in reads:
        denied = client.get(path, headers=auth(env, "auditor"))
        assert denied.status_code == 403, path
        assert client.get(path, headers=auth(env, "investigator")).status_code == 200, path
        assert client.get(path).status_code in (401, 303), path
    csv = (FIXTURES / "ctdc_synthetic.csv").read_bytes()
    assert _upload(client, auth(env, "reviewer"), "c.csv", csv).status_code == 403
    assert _upload(client, auth(env, "auditor"), "c.csv", csv).status_code == 403


def _flag_rows(page: str) -> int:
    return page.split('id="flags-h"')[1].count("<tr><td>")


def test_pages_maps_and_slider(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    who = auth(env, "analyst")
    cid = _network_cluster(env)
    overview = client.get("/geo", headers=who).text
    assert 'src="/geo/maps/movement.svg"' in overview and "alt=" in overview
    assert f"/clusters/{cid}/movement" in overview
    svg = client.get("/geo/maps/movement.svg", headers=who)
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "script" not in svg.headers["content-security-policy"]
    assert "<title>Movement of" in svg.text and 'role="img"' in svg.text
    assert client.get("/geo/maps/movement.svg", headers=who).content == svg.content
    page = client.get(f"/clusters/{cid}/movement?week=1", headers=who).text
    weeks = int(re.search(r'max="(\d+)"', page).group(1)) + 1  # type: ignore[union-attr]
    assert weeks >= 2
    assert 'type="range"' in page and 'hx-get="/clusters/' in page and "Show week" in page
    assert f'src="/clusters/{cid}/movement/1.svg"' in page
    maps = {client.get(f"/clusters/{cid}/movement/{w}.svg", headers=who).text for w in range(weeks)}
    assert len(maps) >= 2, "different weeks draw different maps"
    first = client.get(f"/clusters/{cid}/movement/0.svg", headers=who).text
    assert f"<title>Cluster {cid}, week" in first
    last = client.get(f"/clusters/{cid}/movement?week=9999", headers=who).text
    assert f'value="{weeks - 1}"' in last
    assert client.get(f"/clusters/{cid}/movement/{weeks}.svg", headers=who).status_code == 404
    hot = client.get("/geo/hotspots?count=high_risk", headers=who).text
    flags = hotspots(env["results"], HotspotParams(metric="high_risk_posts")).flags
    week = flags[0].window_start
    one_week = client.get(f"/geo/hotspots?count=high_risk&week={week}", headers=who).text
    in_week = [f for f in flags if f.window_start <= week < f.window_end]
    assert _flag_rows(hot) == len(flags) and _flag_rows(one_week) == len(in_week) >= 1
    assert f'<option value="{week}" selected>' in one_week
    assert "q" in hot and 'src="/geo/maps/hotspots.svg?count=high_risk"' in hot
    for text in (overview, page, hot):
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) is None
        assert "<style" not in text and " style=" not in text


def test_console_import_form(env: dict[str, Any]) -> None:
    client = TestClient(env["app"])
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    logged = client.post(
        "/login",
        data={"username": "analyst", "password": PW, "csrf_token": token, "next": "/geo/routes"},
        follow_redirects=False,
    )
    assert logged.status_code == 303
    page = client.get("/geo/routes", headers=HTML).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    files = {"file": ("bad.csv", (FIXTURES / "bad_glotip_year.csv").read_bytes())}
    bad = client.post("/geo/routes/import", data={"csrf_token": csrf}, files=files)
    assert bad.status_code == 422 and "bad.csv:" in bad.text and 'role="alert"' in bad.text
    forged = client.post(
        "/geo/routes/import",
        data={"csrf_token": "0" * 64},
        files={"file": ("x.csv", (FIXTURES / "glotip_export.csv").read_bytes())},
        headers=HTML,
    )
    assert forged.status_code == 403
    files = {"file": ("glotip.xlsx", (FIXTURES / "glotip_export.xlsx").read_bytes())}
    ok = client.post(
        "/geo/routes/import", data={"csrf_token": csrf}, files=files, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/geo/routes"
    shown = client.get("/geo/routes", headers=HTML).text
    assert "glotip.xlsx" in shown and "Top routes" in shown
    assert client.get("/geo/maps/routes.svg").headers["content-type"] == "image/svg+xml"


def test_openapi_lists_geo_models(env: dict[str, Any]) -> None:
    doc = TestClient(env["app"]).get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/geo/movement",
        "/api/v1/geo/clusters/{cluster_id}/itinerary",
        "/api/v1/geo/hotspots",
        "/api/v1/geo/routes",
        "/api/v1/geo/routes/import",
    ):
        assert path in paths
    ok = paths["/api/v1/geo/movement"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/MovementOut")
    assert (
        "application/problem+json"
        in paths["/api/v1/geo/hotspots"]["get"]["responses"]["403"]["content"]
    )
    assert not any(p.startswith("/geo") for p in paths)


def test_audit_on_each_backend(
    scanned: tuple[Settings, Path], workbench_url: str, tmp_path: Path
) -> None:
    _, results = scanned
    settings = get_settings(home=tmp_path / "home", database_url=workbench_url, progress=False)
    app, tokens = _app(settings, results)
    client = TestClient(app)
    who = {"authorization": f"Bearer {tokens['investigator']}"}
    cid = itineraries(results, min_risk=0.5)[0].cluster_id
    assert client.get(f"/api/v1/geo/clusters/{cid}/itinerary", headers=who).status_code == 200
    assert client.get(f"/clusters/{cid}/movement?week=0", headers=who).status_code == 200
    analyst = {"authorization": f"Bearer {tokens['analyst']}"}
    csv = (FIXTURES / "ctdc_synthetic.csv").read_bytes()
    assert _upload(client, analyst, "ctdc.csv", csv).status_code == 201
    with app.state.sessions() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action.like("geo.%"))).all()
        assert sorted(r.action for r in rows) == [
            "geo.itinerary",
            "geo.movement",
            "geo.routes.import",
        ]
        assert verify_chain(db) >= 3
    app.state.engine.dispose()
