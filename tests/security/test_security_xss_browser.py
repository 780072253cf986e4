"""Hostile markup in an anonymous tip is inert in a real Chromium: on the sender's
receipt page and on the investigator's tip pages. (Hostile *posts* are covered by
tests/browser/test_web_console.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from vigil.workflow.tables import Tip
from vigil.workflow.tips.service import receipt_hash

from .conftest import PASSWORD, SecApp

WHAT = (
    "<script>window.__pwned=1</script> Saw a girl <img src=x onerror=window.__pwned=2> "
    "at the motel, ad said call 713-555-0177 <svg/onload=window.__pwned=3>"
)
pytestmark = pytest.mark.slow

HANDLE = "<img/src=q/onerror=window.__pwned=4>"


def _inert(page: Any) -> None:
    assert page.evaluate("window.__pwned === undefined"), page.url
    assert page.locator("script:not([src])").count() == 0, page.url


def test_hostile_tip_is_inert_everywhere(sec: SecApp, sec_server: str, chromium: Any) -> None:
    errors: list[str] = []
    anon = chromium.new_context(base_url=sec_server)
    tip = anon.new_page()
    tip.on("pageerror", lambda exc: errors.append(str(exc)))
    tip.goto("/tip/form?danger=no")
    tip.locator("[name=what]").fill(WHAT)
    tip.locator("[name=handle]").fill(HANDLE)
    tip.locator("button[type=submit]").last.click()
    code = tip.locator("#receipt-code").inner_text().strip()
    _inert(tip)
    # the sender's receipt view shows the tip back
    tip.goto("/tip/receipt")
    tip.locator("[name=code]").fill(code)
    tip.locator("button[type=submit]").last.click()
    _inert(tip)
    anon.close()

    with sec.app.state.sessions() as db:
        tip_id = db.scalars(select(Tip.id).where(Tip.receipt_hash == receipt_hash(code))).one()

    staff = chromium.new_context(base_url=sec_server)
    page = staff.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/login")
    page.get_by_label("User name").fill("investigator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    for path in ("/tips", f"/tips/{tip_id}", "/queue"):
        page.goto(path)
        _inert(page)
    page.goto(f"/tips/{tip_id}")
    body = page.locator("main").inner_text()
    assert "<script>window.__pwned=1</script>" in body  # shown as text
    assert re.search(r"onerror=window\.__pwned=2", body)
    staff.close()
    assert not errors, errors
