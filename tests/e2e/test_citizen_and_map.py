"""A citizen reports a problem from a phone (photo and position included) and an intake operator
takes it from the review queue to dispatch; the case map colours its grids from the server's counts."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, api_session, get_json
from tests.e2e.pages import (
    choose_option,
    click,
    css,
    log_in,
    path_of,
    perform,
    tid,
    type_into,
    wait,
)
from tests.e2e.test_case_journey import _png

pytestmark = pytest.mark.e2e

DISTRICT = "330114"
PHONE_NUMBER = "13700001234"
# A point in the demo district (the same as the on-site verification of the case journey).
HERE = {"latitude": 30.2602, "longitude": 120.3601, "accuracy": 10}


def _public_categories(server: str) -> tuple[str, str]:
    """A level-1 category with children, and its first child, as the citizen sees them."""
    with urllib.request.urlopen(
        f"{server}/api/v1/cases/public/categories?jurisdiction={DISTRICT}", timeout=10
    ) as r:
        cats = json.loads(r.read())
    for parent in (c for c in cats if c["level"] == 1):
        children = [c for c in cats if c["parent_id"] == parent["id"]]
        if children:
            return parent["name"], children[0]["name"]
    raise AssertionError("the demo district has no level-2 categories")


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def test_a_citizen_reports_with_a_photo_and_the_operator_submits_it_for_dispatch(
    browser: Any, server: str, tmp_path: Path
) -> None:
    parent, child = _public_categories(server)
    # 1. The citizen, on a phone, opens the link of the district's poster on the report tab.
    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", HERE)
    browser.get(f"{server}/?d={DISTRICT}")
    wait(browser).until(lambda d: "钱塘区" in css(d, tid("citizen-district")).text)
    _shot(browser, "citizen-submit-390.png")

    click(browser, "citizen-type-report")
    choose_option(browser, "citizen-category1", parent)
    choose_option(browser, "citizen-category2", child)
    type_into(browser, tid("citizen-description"), "小区门口路灯连续三晚不亮，夜里行人容易摔倒。")
    browser.find_element(By.CSS_SELECTOR, tid("citizen-photo")).send_keys(str(_png(tmp_path / "lamp.png")))
    css(browser, tid("citizen-photo-preview"))
    click(browser, "citizen-locate")
    wait(browser).until(lambda d: "30.26020" in css(d, tid("citizen-point")).text)
    type_into(browser, tid("citizen-address"), "金沙路 8 号小区东门")
    type_into(browser, tid("citizen-name"), "王女士")
    type_into(browser, tid("citizen-phone"), PHONE_NUMBER)
    click(browser, "citizen-consent")
    _shot(browser, "citizen-submit-filled-390.png")
    click(browser, "citizen-send-report")
    # A demo report of the same kind may be open nearby: this one is a new problem all the same.
    wait(browser).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, tid("citizen-new-number"))
            or d.find_elements(By.CSS_SELECTOR, tid("citizen-still-new"))
        )
    )
    if browser.find_elements(By.CSS_SELECTOR, tid("citizen-still-new")):
        click(browser, "citizen-still-new")

    number = css(browser, tid("citizen-new-number")).text
    assert number.startswith(f"{DISTRICT}-"), number
    assert PHONE_NUMBER[-4:] in css(browser, tid("citizen-submitted")).text
    _shot(browser, "citizen-submitted-390.png")
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # The button follows the new case with the number and digits filled in.
    click(browser, "citizen-follow-new")
    assert "已受理" in css(browser, tid("citizen-status")).text

    dispatcher = api_session(server, "dispatcher")
    case = get_json(dispatcher, f"{server}/api/v1/cases/{number}")
    assert case["status"] == "registered" and case["channel"] == "web"
    assert case["request_type"] == "report" and case["category_name"].endswith(child)
    assert case["lng"] is not None and case["grid_id"] is not None, "the phone's position located the case"
    register = get_json(dispatcher, f"{server}/api/v1/cases/{number}/timeline")[0]
    assert [a["name"] for a in register["attachments"]] == ["lamp.png"]

    # 2. The intake operator finds it waiting for review, checks the photo and submits it.
    browser.set_window_size(*DESKTOP)
    log_in(browser, server, "operator")
    wait(browser).until(lambda d: path_of(d) == "/console/intake")
    css(browser, tid("intake-review")).find_element(By.CSS_SELECTOR, tid(f"review-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("case-number")).text)
    thumb = css(browser, tid(f"file-{register['attachments'][0]['id']}")).find_element(By.TAG_NAME, "img")
    wait(browser).until(lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) > 0)
    assert "lamp.png" in css(browser, tid("case-attachments")).text
    _shot(browser, "case-page-photo-1366.png")
    perform(browser, "submit")
    wait(browser).until(lambda d: "待派遣" in css(d, tid("case-status")).text)
    assert get_json(dispatcher, f"{server}/api/v1/cases/{number}")["status"] == "to_dispatch"


def test_the_case_map_colours_grids_from_server_counts_and_lists_a_grids_cases(
    browser: Any, server: str
) -> None:
    log_in(browser, server, "supervisor")
    browser.get(f"{server}/console/case-map")
    css(browser, tid("case-map"))
    # The same filters as the screen's defaults: open cases registered in the last 30 days.
    since = (dt.datetime.now(ZoneInfo("Asia/Shanghai")) - dt.timedelta(days=30)).date().isoformat()
    open_statuses = [
        "registered", "to_dispatch", "dispatched", "returned", "in_progress", "extension_requested",
        "suspension_requested", "suspended", "to_verify", "verified",
    ]  # fmt: skip
    query = urllib.parse.urlencode([("created_from", since), *(("status", s) for s in open_statuses)])
    counts = get_json(api_session(server, "supervisor"), f"{server}/api/v1/cases/stats/by-grid?{query}")
    assert counts, "the demo has open cases in grids"
    painted = lambda d: d.execute_script(  # noqa: E731
        "return [...document.querySelectorAll('path.zg-area-grid')]"
        ".filter(p => (p.getAttribute('fill') || '').toLowerCase() !== '#ffffff').length"
    )
    wait(browser).until(lambda d: painted(d) == len(counts))
    assert "共" in css(browser, tid("map-total")).text
    assert not browser.find_elements(By.CSS_SELECTOR, tid("map-capped"))
    _shot(browser, "case-map-1366.png")

    # The busiest grid is darkest; a click on it lists its cases, as many as the server counted.
    busiest = max(counts, key=lambda r: r["count"])
    darkest = [
        p
        for p in browser.find_elements(By.CSS_SELECTOR, "path.zg-area-grid")
        if (p.get_attribute("fill") or "").lower() == "#bd0026"
    ]
    assert darkest
    ActionChains(browser).move_to_element(darkest[0]).click().perform()
    heading = (
        wait(browser).until(lambda d: css(d, tid("case-map-side")).find_element(By.CSS_SELECTOR, "h3")).text
    )
    grid = next(r for r in counts if r["name"] in heading)
    assert grid["count"] >= busiest["count"] * 0.6  # in the darkest colour band
    wait(browser).until(lambda d: f"{grid['count']}" in css(d, tid("map-grid-total")).text)
    assert all(t.text for t in css(browser, tid("map-grid-cases")).find_elements(By.CSS_SELECTOR, ".el-tag"))
    _shot(browser, "case-map-grid-1366.png")

    # The supervision screen lists the escalations the platform made.
    browser.get(f"{server}/console/supervision")
    click(browser, "tab-escalations")
    css(browser, tid("escalation-table"))
