"""The human workflow in a real Chromium: an anonymous tip (without JavaScript) lands in
the queue; a reviewer claims it, decides and opens a case; an investigator adds a victim
record that other roles and other teams cannot read; shredding makes it unreadable; the
case's timeline (from the audit log) shows each step."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from vigil.settings import get_settings
from vigil.store import make_engine, session_factory
from vigil.workflow.tables import Decision, QueueItem, Tip
from vigil.workflow.tips.service import receipt_hash

PASSWORD = "browser-test-password-1"


def _workbench(home: Path) -> Any:
    return session_factory(make_engine(get_settings(home=home).workbench_url))


def _other_team_investigator(home: Path) -> str:
    from vigil.auth.accounts import create_user, get_user

    with _workbench(home).begin() as db:
        if get_user(db, "ivan-beta") is None:
            create_user(db, "ivan-beta", PASSWORD, ["investigator"], teams=["beta"], actor="test")
    return "ivan-beta"


def _login_as(page: Any, user: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_tip_to_case_to_shredded_victim_record(
    browser: Any,
    live_server: str,
    web_home: Any,
    page: Any,
    login: Callable[..., None],
    shot: Callable[..., Path],
) -> None:
    # 1. an anonymous reporter, JavaScript off
    anon = browser.new_context(base_url=live_server, java_script_enabled=False)
    tip_page = anon.new_page()
    tip_page.goto("/tip")
    tip_page.get_by_label("Yes").check()
    tip_page.get_by_label("Where are you").select_option("US")
    tip_page.get_by_role("button", name="Continue").click()
    emergency = tip_page.locator("main > *").first
    expect(emergency).to_contain_text("call 911")
    shot(tip_page, "tip-emergency")
    tip_page.get_by_label("What did you see?").fill(
        "A girl of about 16 is advertised as new in town; the driver keeps her phone. "
        "The ad gives 713-555-0142."
    )
    tip_page.get_by_label("A child (under 18)").check()
    tip_page.get_by_role("button", name="Send the tip").click()
    code = tip_page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    shot(tip_page, "tip-receipt")
    anon.close()
    with _workbench(web_home.home)() as db:
        tip = db.scalars(select(Tip).where(Tip.receipt_hash == receipt_hash(code))).one()
        item = db.scalars(select(QueueItem).where(QueueItem.subject_id == tip.id)).one()
        assert (item.queue, item.priority) == ("urgent", 1)
        assert "127.0.0.1" not in str(tip.form) and "HeadlessChrome" not in str(tip.form)

    # 2. a reviewer finds it in the queue, claims it and opens a case
    login(page, "reviewer")
    page.get_by_role("link", name="Queue").click()
    page.get_by_label("Queue").select_option("urgent")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=f"tip:{tip.id}").click()
    expect(page.locator("main")).to_contain_text("danger: yes")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#claimed-by")).to_contain_text("reviewer")
    page.get_by_label("Action").select_option("open_case")
    page.get_by_label("Policy reason").select_option("child_sex_trafficking")
    page.get_by_label("Notes").fill("Minor, controlled by a driver.")
    page.get_by_label("Team of a new case").fill("alpha")
    shot(page, "decide")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text("recorded")
    with _workbench(web_home.home)() as db:
        decision = db.scalars(select(Decision).where(Decision.subject_id == tip.id)).one()
        assert decision.reviewer == "reviewer" and decision.action == "open_case"
        case_id = decision.case_id
    assert case_id

    # 3. an investigator on the case's team adds a victim record
    page.context.clear_cookies()
    login(page, "investigator")
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#case-id")).to_have_text(case_id)
    page.get_by_label("Name").fill("Mara Testperson")
    page.get_by_label("Date of birth").fill("2009-05-01")
    page.get_by_label("Nationality").fill("RO")
    page.get_by_label("Needs").fill("shelter, interpreter")
    page.get_by_role("button", name="Add the record").click()
    expect(page.locator("#victim-fields")).to_contain_text("Mara Testperson")
    victim_url = page.url
    shot(page, "victim")

    # 4. other roles and other teams cannot read it
    for user in ("reviewer", "analyst", _other_team_investigator(web_home.home)):
        page.context.clear_cookies()
        _login_as(page, user)
        response = page.goto(victim_url)
        assert response is not None and response.status == 403, user
        expect(page.locator("main")).not_to_contain_text("Mara")

    # 5. the investigator shreds it: it can never be read again
    page.context.clear_cookies()
    login(page, "investigator")
    page.goto(victim_url)
    page.get_by_label("Reason").fill("the person asked for erasure")
    page.get_by_label("Type shred to confirm").fill("shred")
    page.get_by_role("button", name="Shred").click()
    expect(page.locator("#victims")).to_contain_text("shredded")
    response = page.goto(victim_url)
    assert response is not None and response.status == 410
    expect(page.locator("main")).not_to_contain_text("Mara")

    # 6. the case timeline shows every step, from the audit log
    page.goto(f"/cases/{case_id}")
    timeline = page.locator("#timeline")
    for action in (
        "tip.submit",
        "queue.claim",
        "queue.decide",
        "case.open",
        "case.add_item",
        "victim.create",
        "victim.read",
        "victim.shred",
    ):
        expect(timeline).to_contain_text(action)
    expect(timeline).to_contain_text("user:reviewer")
    expect(timeline).to_contain_text("user:investigator")
    shot(page, "timeline")
