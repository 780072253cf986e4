"""Secrets and personal data never reach the logs.

A full flow runs with every logger at DEBUG writing to one file (and `vigil ingest` /
`vigil scan` with their output appended): ingest over the API, a scan, a login through the
form, an anonymous tip, a victim record written and read, an API token issued in the
console. Then the log is searched for the password, the API tokens, the session cookie,
the tip's text and receipt code, the victim's name and date of birth, and the master,
server and log key material: none may appear (neither raw nor hex/base64 encoded).
"""

from __future__ import annotations

import base64
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from vigil.web.security import SESSION_COOKIE

from .conftest import PASSWORD, SecApp, build_app

pytestmark = pytest.mark.slow

TIP = "Secret tip text: saw Mira Quellwood at the Example Motel room 12 with a minder"
VICTIM = {"name": "Ysolde Brannagh", "date_of_birth": "1999-07-14", "contact": "0491 570 156"}


@pytest.fixture(scope="module")
def debug_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("logs") / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "httpx", "sqlalchemy", "vigil"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def _token(client: object, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', client.get(path).text)  # type: ignore[attr-defined]
    assert found, path
    return found.group(1)


def _forms(text: str) -> set[str]:
    forms = {text, text.encode().hex(), base64.b64encode(text.encode()).decode()}
    return {f for f in forms if len(f) >= 8}


def _cli(log: Path, home: Path, *args: str) -> None:
    with log.open("ab") as fh:
        subprocess.run(
            [sys.executable, "-m", "vigil", *args],
            env={**os.environ, "VIGIL_HOME": str(home), "VIGIL_PROGRESS": "false"},
            stdout=fh,
            stderr=fh,
            check=True,
        )


@pytest.fixture(scope="module")
def flow(debug_log: Path) -> tuple[str, dict[str, str]]:
    """Run the whole flow; return the DEBUG log's text and the secrets to look for."""
    tmp_path = debug_log.parent
    home = tmp_path / "home"
    sec: SecApp = build_app(home)
    secrets: dict[str, str] = {"password": PASSWORD}
    secrets |= {f"token:{u}": t for u, t in sec.token.items()}

    # ingest over the API, then scan the lake with the CLI
    posts = [
        {"source_id": "p1", "title": "New girl", "body": "call 713-555-0142", "location": "Austin"}
    ]
    r = sec.api("analyst").post("/api/v1/posts", json={"posts": posts, "platform": "example"})
    assert r.status_code == 200, r.text
    corpus = tmp_path / "posts.jsonl"
    corpus.write_bytes(orjson.dumps({**posts[0], "platform": "example"}) + b"\n")
    _cli(debug_log, home, "scan", str(corpus), "--out", str(home / "results"))

    # a login through the form
    browser = sec.client()
    r = browser.post(
        "/login",
        data={
            "username": "investigator",
            "password": PASSWORD,
            "csrf_token": _token(browser, "/login"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    secrets["session"] = r.cookies[SESSION_COOKIE]

    # an API token issued in the console
    r = browser.post(
        "/account/tokens",
        data={"name": "t", "scopes": "cases.read", "csrf_token": _token(browser, "/account")},
    )
    assert r.status_code == 200, r.text
    issued = re.search(r"vgl_[A-Za-z0-9_-]+", r.text)
    assert issued, "the new token is shown once"
    secrets["issued-token"] = issued.group(0)

    # an anonymous tip, and its receipt
    anon = sec.client()
    r = anon.post(
        "/tip", data={"what": TIP, "danger": "no", "csrf_token": _token(anon, "/tip/form")}
    )
    assert r.status_code == 200, r.text
    code = re.search(r'id="receipt-code"[^>]*>\s*([^<\s]+)', r.text)
    assert code
    secrets |= {"tip": TIP, "receipt": code.group(1)}
    r = anon.post(
        "/tip/receipt", data={"code": code.group(1), "csrf_token": _token(anon, "/tip/receipt")}
    )
    assert r.status_code == 200

    # a victim record, written and read
    inv = sec.api("investigator")
    case = inv.post("/api/v1/cases", json={"title": "Case", "team": "alpha"}).json()["id"]
    vid = inv.post(f"/api/v1/cases/{case}/victims", json={"fields": VICTIM}).json()["id"]
    r = inv.get(f"/api/v1/victims/{vid}", params={"purpose": "log test"})
    assert r.status_code == 200 and VICTIM["name"] in r.text
    secrets |= {f"victim:{k}": v for k, v in VICTIM.items()}

    # key material on disk
    secrets["master-key"] = (home / "keys" / "master.key").read_text().strip()
    secrets["web-secret"] = (home / "web-secret").read_bytes()[:32].hex()

    logging.getLogger("vigil.test").debug("flow done")
    text = debug_log.read_text(encoding="utf-8", errors="replace")
    assert "flow done" in text  # the log file really captured DEBUG records
    return text, secrets


def _leaks(lines: list[str], secrets: dict[str, str]) -> list[str]:
    text = "\n".join(lines)
    return sorted(
        {name for name, value in secrets.items() for form in _forms(value) if form in text}
    )


def test_no_secret_or_personal_data_in_debug_logs(flow: tuple[str, dict[str, str]]) -> None:
    """Everything but SQLAlchemy's statement log (see the next test)."""
    text, secrets = flow
    lines = [ln for ln in text.splitlines() if not ln.startswith("sqlalchemy.engine")]
    assert len(lines) > 20
    assert not _leaks(lines, secrets), "found in the DEBUG log"


def test_sqlalchemy_log_keeps_keys_passwords_and_victims_out(
    flow: tuple[str, dict[str, str]],
) -> None:
    """Stored secrets are hashes or ciphertext, so even statement parameters hold none."""
    text, secrets = flow
    lines = [ln for ln in text.splitlines() if ln.startswith("sqlalchemy.engine")]
    assert any("INSERT" in ln for ln in lines)
    assert _leaks(lines, {k: v for k, v in secrets.items() if k != "tip"}) == []


def test_tip_text_not_in_sqlalchemy_log(flow: tuple[str, dict[str, str]]) -> None:
    text, secrets = flow
    lines = text.splitlines()
    found = [ln[:300] for ln in lines if any(f in ln for f in _forms(secrets["tip"]))]
    assert _leaks(lines, {"tip": secrets["tip"]}) == [], found[:5]
