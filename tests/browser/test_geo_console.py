"""The geo console in Chromium: the movement overview, a cluster's movement map and its
week slider (htmx swaps the map; the SVG drawn for the new week differs)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def _loaded(page: Any, selector: str) -> None:
    """The image has been fetched and decoded (an SVG the browser could draw)."""
    img = page.locator(selector)
    expect(img).to_be_visible()
    img.evaluate("el => el.decode()")
    assert img.evaluate("el => el.naturalWidth") > 100, selector


def test_movement_overview_and_cluster_slider(
    page: Any,
    login: Callable[[Any, str], None],
    shot: Callable[[Any, str], Path],
) -> None:
    login(page, "analyst")
    page.goto("/geo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Movement of linked networks")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Movement")
    ).to_be_visible()
    _loaded(page, "img.geo-map")
    shot(page, "geo-overview")

    page.locator("table a[href$='/movement']").first.click()
    page.wait_for_url(re.compile(r"/clusters/[^/]+/movement"))
    slider = page.get_by_label(re.compile("^Week"))
    expect(slider).to_have_value("0")
    _loaded(page, "#frame-map")
    before_src = page.locator("#frame-map").get_attribute("src")
    before_caption = page.locator("#frame-caption").inner_text()
    before_svg = page.request.get(before_src).text()
    assert "<title>" in before_svg

    last = int(slider.get_attribute("max"))
    assert last >= 1
    target = str(min(3, last))
    slider.fill(target)  # input + change events: htmx fetches the page and swaps the map
    expect(page.locator("#frame-map")).not_to_have_attribute("src", before_src)
    page.wait_for_url(re.compile(rf"week={target}"))
    _loaded(page, "#frame-map")
    after_src = page.locator("#frame-map").get_attribute("src")
    assert after_src.endswith(f"/movement/{target}.svg")
    after_svg = page.request.get(after_src).text()
    assert after_svg != before_svg, "a different week draws a different map"
    assert page.locator("#frame-caption").inner_text() != before_caption
    shot(page, "geo-cluster-week")

    # Without htmx the same form is a plain GET with a button.
    page.get_by_label(re.compile("^Week")).fill("0")
    page.get_by_role("button", name="Show week").click()
    page.wait_for_url(re.compile(r"week=0"))
    expect(page.locator("#frame-map")).to_have_attribute("src", re.compile(r"/movement/0\.svg$"))

    page.get_by_role("link", name="All networks").click()
    page.get_by_role("navigation", name="Geo views").get_by_role("link", name="Hotspots").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emerging hotspots")
    _loaded(page, "img.geo-map")
    expect(page.locator("table").first).to_be_visible()


def test_auditor_cannot_open_geo(page: Any, login: Callable[[Any, str], None]) -> None:
    login(page, "auditor")
    response = page.goto("/geo")
    assert response is not None and response.status == 403
