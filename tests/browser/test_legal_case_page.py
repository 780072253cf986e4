"""A lawyer's path in a real Chromium: open a case's legal page (no JavaScript needed),
choose jurisdictions, read the elements and the comparison, download a preservation draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from vigil.auth.permissions import Role
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory
from vigil.workflow import cases
from vigil.workflow.actor import Actor


def _case(home: Path) -> str:
    engine = make_engine(get_settings(home=home).workbench_url)
    try:
        with session_factory(engine).begin() as db:
            me = Actor.of("investigator", {Role.INVESTIGATOR}, ["alpha"])
            case = cases.open_case(db, me, title="Job offers abroad", team="alpha", summary="")
            cases.add_item(db, me, case.id, kind="post", ref="p-legal-1", label="job advert")
            return case.id
    finally:
        engine.dispose()


def test_legal_page_and_preservation_draft(
    page: Any, login: Callable[..., None], shot: Callable[..., Path], web_home: Any
) -> None:
    case_id = _case(web_home.home)
    login(page, "investigator")
    page.goto(f"/cases/{case_id}/legal")
    expect(page.locator("#disclaimer")).to_contain_text(
        "Decision support for lawyers, not legal advice."
    )
    page.get_by_label("SE · Sweden").check()
    page.locator("input[name=jurisdiction][value=US]").check()
    page.get_by_role("button", name="Analyse").click()
    expect(page).to_have_url(re.compile(r"jurisdiction=SE.*jurisdiction=US"))
    expect(page.locator("#comparison tbody tr").first).to_be_visible()
    expect(page.locator("article[data-framework='SE']").first).to_be_visible()
    shot(page, "legal-case")

    page.get_by_label("Requesting state (ISO code)").fill("SE")
    page.get_by_label("Platform", exact=True).fill("ExampleChat")
    page.get_by_label("Data holder (legal entity)").fill("ExampleChat Inc.")
    page.get_by_label("Established in (ISO code)").fill("US")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the preservation draft").click()
    download = info.value
    assert download.suggested_filename == f"{case_id}-preservation-DRAFT.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "DRAFT" in text and "ExampleChat Inc." in text
