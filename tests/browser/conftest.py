"""Browser-test fixtures, shared by every domain's tests under tests/browser/.

* ``web_home`` (session): a data home with a small synthetic corpus scanned (cached per
  test session), plus one hostile post whose text is HTML/script;
* ``web_users`` (session): one user per role, password ``PASSWORD``;
* ``live_server`` (session): a real uvicorn server on 127.0.0.1 (random free port);
* ``browser`` (session) / ``page``: Playwright driving Debian's Chromium, headless;
* ``login(page, role)``: log in through the form as that role's user;
* ``shot(page, name)``: save a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest

from debian_chromium import chromium_browser

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "browser-test-password-1"
ROLES = ("admin", "analyst", "reviewer", "investigator", "auditor")
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
# Markup that survives ingest normalisation (which strips well-formed tags): the console
# must show it as text, never run it.
HOSTILE = {
    "platform": "example",
    "source_id": "hostile-1",
    "title": "<img/src=x onerror=window.__pwned=1> New girl in town",
    "body": (
        "Barely legal &lt;img/src=y onerror=window.__pwned=2&gt; just arrived, "
        "call 713-555-0142 <svg/onload=window.__pwned=3> x < y > z"
    ),
    "location": "Houston, TX",
    "posted_at": "2026-10-01T12:00:00Z",
}


def _vigil(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "vigil", *args],
        env={**os.environ, "VIGIL_PROGRESS": "false", **env},
        check=True,
        capture_output=True,
    )


@dataclass(frozen=True)
class WebHome:
    home: Path
    results: Path
    corpus: Path

    @property
    def env(self) -> dict[str, str]:
        return {"VIGIL_HOME": str(self.home), "VIGIL_WEB_RESULTS": str(self.results)}


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    """A scanned synthetic corpus (2,000 posts + one hostile post), built once per session."""
    base = tmp_path_factory.mktemp("web")
    corpus, home, results = base / "corpus", base / "home", base / "results"
    _vigil("synth", "--posts", "2000", "--seed", "11", "--out", str(corpus), env={})
    hostile = base / "hostile.jsonl"
    hostile.write_bytes(orjson.dumps(HOSTILE) + b"\n")
    _vigil(
        "scan",
        str(corpus / "posts.jsonl"),
        str(hostile),
        "--out",
        str(results),
        "--top",
        "0",
        "--clusters",
        "0",
        env={"VIGIL_HOME": str(home)},
    )
    return WebHome(home, results, corpus)


@pytest.fixture(scope="session")
def web_users(web_home: WebHome) -> dict[str, str]:
    """One user per role (user name = role name); returns role -> user name."""
    from vigil.auth.accounts import create_user, get_user
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    url = get_settings(home=web_home.home).workbench_url
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine).begin() as db:
        for role in ROLES:
            if get_user(db, role) is None:
                create_user(db, role, PASSWORD, [role], teams=["alpha"], actor="test")
    engine.dispose()
    return {role: role for role in ROLES}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_home: WebHome, web_users: dict[str, str]) -> Iterator[str]:
    """Base URL of a real uvicorn server over ``web_home`` (stopped at session end)."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "vigil.web.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **web_home.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"the test server did not start:\n{out[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser() -> object:
    return chromium_browser()


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh browser context (no cookies) at 1280x900; JS errors fail the test."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def login() -> Callable[[object, str], None]:
    def do(pg: object, role: str) -> None:
        pg.goto("/login")  # type: ignore[attr-defined]
        pg.get_by_label("User name").fill(role)  # type: ignore[attr-defined]
        pg.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
        pg.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
        pg.wait_for_url(lambda url: "/login" not in url)  # type: ignore[attr-defined]

    return do


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[object, str], Path]:
    """Save a full-page screenshot as test-artifacts/screenshots/<test>-<name>.png."""

    def take(pg: object, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        pg.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
