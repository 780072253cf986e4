"""The analyst's path through the console in a real Chromium: log in, filter the worklist,
open a post and see its highlights, open a cluster and see the graph, log out."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def test_analyst_journey(page: Any, login: Callable[..., None], shot: Callable[..., Path]) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    login(page, "analyst")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("svg.chart rect").first).to_be_attached()
    shot(page, "dashboard")

    # worklist: filter to the high band, then by an indicator (HTMX swaps the results)
    page.get_by_role("link", name="Worklist").click()
    page.get_by_label("high").check()
    page.get_by_label("Indicator").select_option("youth_terms")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"band=high.*indicator=youth_terms"))
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_contain_text("youth_terms")
    assert page.locator("#results .band-high").count() == rows.count()
    shot(page, "worklist")

    # a post: highlighted indicator spans, explanations with sources, identifier links
    rows.first.locator("td:nth-child(2) a").click()
    expect(page.get_by_role("heading", name=re.compile("^Post"))).to_be_visible()
    expect(page.locator("#post-text mark.hit").first).to_be_visible()
    expect(page.locator(".hit-card .source").first).to_contain_text("Source:")
    shot(page, "post")

    # its cluster: the graph renders nodes on a canvas
    page.locator("dd a[href^='/clusters/']").first.click()
    expect(page.get_by_role("heading", name=re.compile("^Cluster"))).to_be_visible()
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("data-rendered", re.compile(r"^[1-9]\d*$"))
    expect(graph.locator("canvas").first).to_be_attached()
    nodes = page.evaluate("window.vigilGraph.nodes().length")
    assert nodes == int(graph.get_attribute("data-rendered"))
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    shot(page, "cluster")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/posts")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fposts"))


def test_hostile_post_is_inert(
    page: Any, login: Callable[..., None], shot: Callable[..., Path]
) -> None:
    login(page, "analyst")
    page.goto("/search?q=pwned")
    link = page.locator("table.posts a[href^='/posts/']").first
    expect(link).to_contain_text("<img/src=x onerror=window.__pwned=1>")
    link.click()
    text = page.locator("#post-text")
    expect(text).to_contain_text("<img/src=x onerror=window.__pwned=1>")
    expect(text).to_contain_text("<img/src=y onerror=window.__pwned=2>")
    expect(text).to_contain_text("<svg/onload=window.__pwned=3>")
    assert page.locator("main img, main svg, #post-text *:not(mark)").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    shot(page, "hostile")


def test_keyboard_skip_link_and_zoom(
    page: Any, login: Callable[..., None], shot: Callable[..., Path]
) -> None:
    login(page, "reviewer")
    page.goto("/posts")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # 200% zoom: a 640px-wide viewport shows what 1280px shows at 100%; nothing scrolls sideways
    page.set_viewport_size({"width": 640, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    shot(page, "zoom200")


def test_auditor_cannot_open_the_worklist(page: Any, login: Callable[..., None]) -> None:
    login(page, "auditor")
    expect(page.get_by_role("link", name="Worklist")).to_have_count(0)
    response = page.goto("/posts")
    assert response.status == 403
    expect(page.get_by_role("heading", name=re.compile("403"))).to_be_visible()
