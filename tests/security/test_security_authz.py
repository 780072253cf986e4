"""Authorisation beyond the route x role walk (tests/integration/test_web_permissions.py):
object ownership (teams), session fixation, CSRF on every unsafe console form, login
brute force, oversize requests."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from vigil.web.routers import ROUTERS
from vigil.web.security import CSRF_COOKIE, SESSION_COOKIE

from .conftest import PASSWORD, SecApp

VICTIM = {"name": "Ana Testova", "date_of_birth": "2001-02-03", "nationality": "RO"}


def _case_with_victim(sec: SecApp, team: str, owner: str) -> tuple[str, str]:
    api = sec.api(owner)
    r = api.post("/api/v1/cases", json={"title": f"case of {team}", "team": team})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    r = api.post(f"/api/v1/cases/{case_id}/victims", json={"fields": VICTIM})
    assert r.status_code == 201, r.text
    return case_id, r.json()["id"]


@pytest.fixture(scope="module")
def victims(sec: SecApp) -> dict[str, tuple[str, str]]:
    return {
        "alpha": _case_with_victim(sec, "alpha", "investigator"),
        "beta": _case_with_victim(sec, "beta", "inv-beta"),
    }


def test_investigator_reads_own_team_victim(
    sec: SecApp, victims: dict[str, tuple[str, str]]
) -> None:
    _, vid = victims["alpha"]
    r = sec.api("investigator").get(f"/api/v1/victims/{vid}", params={"purpose": "test"})
    assert r.status_code == 200, r.text
    assert "Ana Testova" in r.text


@pytest.mark.parametrize("user", ["inv-beta", "reviewer", "analyst", "auditor", "admin"])
def test_victim_record_refused_to_others(
    sec: SecApp, victims: dict[str, tuple[str, str]], user: str
) -> None:
    case_id, vid = victims["alpha"]
    api = sec.api(user)
    for method, path, body in (
        ("GET", f"/api/v1/victims/{vid}", None),
        ("POST", f"/api/v1/victims/{vid}/shred", {"reason": "probe"}),
        ("POST", f"/api/v1/victims/{vid}/referrals", {"service_id": "x", "consent": True}),
        ("POST", f"/api/v1/cases/{case_id}/victims", {"fields": {"name": "Ivo Probe"}}),
    ):
        r = api.request(method, path, json=body)
        assert r.status_code in (403, 404), (user, method, path, r.status_code, r.text)
        assert "Ana Testova" not in r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    # the console page too
    r = api.get(f"/victims/{vid}")
    assert r.status_code in (403, 404), (user, r.status_code)
    assert "Ana Testova" not in r.text


def test_victim_not_shredded_by_probes(sec: SecApp, victims: dict[str, tuple[str, str]]) -> None:
    """After every refused probe above the record is still readable by its team."""
    _, vid = victims["alpha"]
    r = sec.api("investigator").get(f"/api/v1/victims/{vid}", params={"purpose": "check"})
    assert r.status_code == 200 and "Ana Testova" in r.text


def test_case_facts_never_carry_victim_names(
    sec: SecApp, victims: dict[str, tuple[str, str]]
) -> None:
    case_id, _ = victims["alpha"]
    for user in ("investigator", "inv-beta", "analyst"):
        r = sec.api(user).get(f"/api/v1/cases/{case_id}/facts")
        assert "Ana Testova" not in r.text and "2001-02-03" not in r.text, user
    r = sec.api("investigator").get(f"/api/v1/cases/{case_id}")
    assert "Ana Testova" not in r.text


@pytest.mark.parametrize(
    "path",
    ["/api/v1/posts", "/api/v1/clusters", "/api/v1/queue", "/api/v1/tips", "/api/v1/cases"],
)
def test_auditor_reads_nothing_about_people(sec: SecApp, path: str) -> None:
    r = sec.api("auditor").get(path)
    assert r.status_code == 403, (path, r.status_code)


def test_reviewer_cannot_touch_cases(sec: SecApp, victims: dict[str, tuple[str, str]]) -> None:
    case_id, _ = victims["alpha"]
    api = sec.api("reviewer")
    assert api.get(f"/api/v1/cases/{case_id}").status_code == 403
    assert api.post("/api/v1/cases", json={"title": "x", "team": "alpha"}).status_code == 403


# ------------------------------------------------------------------ sessions and login


def _csrf(client: TestClient) -> str:
    """Load /login and return the form's CSRF token (the cookie is kept by the client)."""
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
    assert found, "no CSRF token in the login form"
    return found.group(1)


def _login(client: TestClient, user: str, password: str = PASSWORD) -> int:
    token = _csrf(client)
    r = client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    return int(r.status_code)


def _login_cookie(client: TestClient, user: str) -> str:
    token = _csrf(client)
    r = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    value = r.cookies.get(SESSION_COOKIE)
    assert value
    return str(value)


def test_session_id_changes_at_login_and_dies_at_logout(sec: SecApp) -> None:
    planted = "attacker-chosen-session-value-0123456789"
    client = sec.client()
    client.cookies.set(SESSION_COOKIE, planted)
    issued = _login_cookie(client, "analyst")
    assert issued != planted
    me = sec.client()
    me.cookies.set(SESSION_COOKIE, issued)
    assert me.get("/api/v1/me").status_code == 200
    # the planted value never authenticates
    other = sec.client()
    other.cookies.set(SESSION_COOKIE, planted)
    assert other.get("/api/v1/me").status_code == 401
    # a second login gives a different session
    assert _login_cookie(sec.client(), "analyst") != issued
    # logout revokes the session on the server: the old cookie, replayed, is dead
    token = _csrf(me)
    r = me.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    replay = sec.client()
    replay.cookies.set(SESSION_COOKIE, issued)
    assert replay.get("/api/v1/me").status_code == 401


def test_cookies_are_httponly_and_samesite(sec: SecApp) -> None:
    client = sec.client()
    token = _csrf(client)
    r = client.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookies = r.headers.get_list("set-cookie")
    session = [c for c in cookies if c.startswith(f"{SESSION_COOKIE}=")]
    assert session, cookies
    low = session[0].lower()
    assert "httponly" in low and "samesite=lax" in low


def test_login_form_needs_csrf(sec: SecApp) -> None:
    client = sec.client()
    client.get("/login")
    r = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 403
    assert SESSION_COOKIE not in r.cookies


@pytest.mark.slow
def test_login_brute_force_throttled(sec: SecApp) -> None:
    limit = sec.app.state.web.login_user_failures
    client = sec.client()
    codes = [_login(client, "auditor", "wrong-password-000") for _ in range(limit)]
    assert codes == [401] * limit
    # locked now: even the right password is refused, with Retry-After
    token = _csrf(client)
    r = client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in r.cookies
    # the lock is per user name: another user from the same address still logs in
    assert _login(sec.client(), "reviewer") == 303


def test_unknown_api_tokens_are_refused(sec: SecApp) -> None:
    client = sec.client()
    good = sec.token["analyst"]
    for bad in (good[:-1] + ("A" if good[-1] != "A" else "B"), "vgl_x_y", "", "x" * 5000):
        r = client.get("/api/v1/me", headers={"authorization": f"Bearer {bad}"})
        assert r.status_code == 401, bad[:20]


# --------------------------------------------------------------------------- CSRF


def _unsafe_console_routes() -> list[tuple[str, str]]:
    from vigil.web.app import load_router

    found = []
    for spec in ROUTERS:
        _, router = load_router(spec)
        for route in router.routes:
            path = getattr(route, "path", "")
            if path.startswith("/api/"):
                continue
            for method in getattr(route, "methods", None) or ():
                if method in {"POST", "PUT", "PATCH", "DELETE"}:
                    found.append((method, path))
    return sorted(found)


UNSAFE = _unsafe_console_routes()


def test_there_are_console_forms_to_check() -> None:
    assert len(UNSAFE) >= 10, UNSAFE


@pytest.fixture(scope="module")
def investigator_browser(sec: SecApp) -> TestClient:
    client = sec.client()
    assert _login(client, "investigator") == 303
    return client


@pytest.mark.parametrize(("method", "path"), UNSAFE)
@pytest.mark.parametrize("token", ["missing", "wrong", "other-cookie"])
def test_every_console_form_refuses_bad_csrf(
    sec: SecApp, investigator_browser: TestClient, method: str, path: str, token: str
) -> None:
    """Logged in (or not, for the public forms): an unsafe request without the right
    token is refused with 403 before it does anything."""
    client = investigator_browser
    concrete = re.sub(r"\{[^}]+\}", "x", path)
    data: dict[str, str] = {"username": "analyst", "password": PASSWORD, "title": "t"}
    if token == "wrong":
        data["csrf_token"] = "0" * 64
    elif token == "other-cookie":
        # a valid token, but for another browser's cookie
        other = sec.client()
        data["csrf_token"] = _csrf(other)
    cookie_before = client.cookies.get(CSRF_COOKIE)
    r = client.request(method, concrete, data=data, follow_redirects=False)
    assert r.status_code == 403, (method, path, token, r.status_code, r.text[:200])
    assert client.cookies.get(CSRF_COOKIE) == cookie_before


def test_api_token_calls_need_no_csrf_but_cookie_calls_do(sec: SecApp) -> None:
    client = sec.client()
    client.cookies.set(SESSION_COOKIE, _login_cookie(sec.client(), "investigator"))
    body = {"title": "csrf probe", "team": "alpha"}
    r = client.post("/api/v1/cases", json=body)
    assert r.status_code == 403 and "CSRF" in r.text
    assert sec.api("investigator").post("/api/v1/cases", json=body).status_code == 201


# ------------------------------------------------------------------------ oversize


def test_too_many_rows_refused_413(sec: SecApp) -> None:
    limit = sec.app.state.web.max_ingest_rows
    rows = [{"title": "t", "body": f"b {i}", "source_id": str(i)} for i in range(limit + 1)]
    r = sec.api("analyst").post("/api/v1/posts", json={"posts": rows, "platform": "example"})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")


def test_oversize_body_refused_413(sec: SecApp) -> None:
    huge = "a" * (24 * 1024 * 1024)
    r = sec.api("analyst").post(
        "/api/v1/score", json={"title": "t", "body": huge, "platform": "example"}
    )
    assert r.status_code == 413, r.status_code


def test_oversize_tip_refused_413(sec: SecApp) -> None:
    client = sec.client()
    page = client.get("/tip/form")
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
    assert found
    r = client.post(
        "/tip",
        data={"csrf_token": found.group(1), "what": "a" * (24 * 1024 * 1024)},
        follow_redirects=False,
    )
    assert r.status_code == 413, r.status_code


def test_other_team_cannot_read_case(sec: SecApp, victims: dict[str, tuple[str, str]]) -> None:
    case_id, _ = victims["alpha"]
    for path in (f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/timeline"):
        r = sec.api("inv-beta").get(path)
        assert r.status_code in (403, 404), (path, r.status_code)
