"""The citizen portal at / on a phone (390 × 844): the district by name and its map, a report
already made nearby and "我也遇到了这个问题" on it, a new report with a photo that gets its number,
and the case's public page with its public status."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import PHONE, SCREENSHOTS
from tests.e2e.pages import assert_chinese, choose_option, click, css, tid, type_into, wait
from tests.e2e.test_case_journey import _png

pytestmark = pytest.mark.e2e

DISTRICT = "330114"
# A point in the demo district; the earlier report is ~30 m from it.
HERE = {"latitude": 30.2602, "longitude": 120.3601, "accuracy": 10}
EARLIER = (120.3604, 30.2603)


def _public(server: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server}/api/v1/cases/public/{path}", timeout=10) as r:
        return json.loads(r.read())


def _categories(server: str) -> tuple[dict, dict]:
    cats = _public(server, f"categories?jurisdiction={DISTRICT}")
    for parent in (c for c in cats if c["level"] == 1):
        children = [c for c in cats if c["parent_id"] == parent["id"]]
        if children:
            return parent, children[0]
    raise AssertionError("the demo district has no level-2 categories")


def _earlier_report(server: str, category_id: int) -> None:
    """Somebody else reported the same problem a moment ago (through the same public endpoint)."""
    form = {
        "jurisdiction": DISTRICT,
        "request_type": "complaint",
        "category_id": category_id,
        "description": "路灯不亮",
        "name": "张先生",
        "phone": "13600005555",
        "lng": EARLIER[0],
        "lat": EARLIER[1],
        "crs": "wgs84",
    }
    request = urllib.request.Request(
        f"{server}/api/v1/cases/public/submit", data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 201


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def _no_sideways_scroll(driver: Any) -> None:
    assert (
        driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        == 0
    )


def test_a_citizen_says_me_too_then_reports_a_new_problem_and_follows_it(
    browser: Any, server: str, tmp_path: Path
) -> None:
    parent, child = _categories(server)
    _earlier_report(server, child["id"])
    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", HERE)

    # 1. The portal names the district and shows its own map (no tiles).
    browser.get(f"{server}/")
    wait(browser).until(lambda d: "钱塘区" in css(d, tid("citizen-district")).text)
    assert DISTRICT not in css(browser, tid("citizen-district")).text
    assert_chinese(browser, "citizen: the report page")
    map_el = css(browser, tid("citizen-map"))
    wait(browser).until(
        lambda d: map_el.find_elements(
            By.CSS_SELECTOR, "path.leaflet-interactive, .leaflet-overlay-pane path"
        )
    )
    assert not browser.find_elements(By.CSS_SELECTOR, ".leaflet-tile")

    # 2. Placed at the phone's position, the earlier report shows nearby; "me too" is counted once.
    click(browser, "citizen-locate")
    wait(browser).until(lambda d: "30.26020" in css(d, tid("citizen-point")).text)
    nearby = css(browser, tid("citizen-nearby"))
    wait(browser).until(lambda d: child["name"] in css(d, tid("citizen-nearby")).text)
    item = next(
        i
        for i in nearby.find_elements(By.CSS_SELECTOR, tid("citizen-nearby-item"))
        if child["name"] in i.text
    )
    assert "已受理" in item.text and "张先生" not in nearby.text and "路灯不亮" not in nearby.text
    _shot(browser, "citizen-portal-nearby-390.png")
    item.find_element(By.CSS_SELECTOR, tid("citizen-me-too")).click()
    wait(browser).until(lambda d: "1" in css(d, tid("citizen-me-too-done")).text)
    _no_sideways_scroll(browser)

    # 3. A different problem in the same category: the portal offers the earlier one first.
    click(browser, "citizen-type-complaint")
    choose_option(browser, "citizen-category1", parent["name"])
    choose_option(browser, "citizen-category2", child["name"])
    type_into(browser, tid("citizen-description"), "路边井盖松动，车辆经过时响声很大。")
    browser.find_element(By.CSS_SELECTOR, tid("citizen-photo")).send_keys(str(_png(tmp_path / "cover.png")))
    css(browser, tid("citizen-photo-preview"))
    type_into(browser, tid("citizen-phone"), "13700004321")
    click(browser, "citizen-send-report")
    assert css(browser, tid("citizen-consent-error")).text  # the consent comes first
    click(browser, "citizen-consent")
    click(browser, "citizen-send-report")
    offer = css(browser, tid("citizen-same"))
    assert child["name"] in offer.text
    _shot(browser, "citizen-portal-same-390.png")
    click(browser, "citizen-still-new")

    number = css(browser, tid("citizen-new-number")).text
    assert number.startswith(f"{DISTRICT}-"), number
    assert "4321" in css(browser, tid("citizen-submitted")).text
    _shot(browser, "citizen-portal-submitted-390.png")

    # 4. Its public page: a public status, plain steps, no internal workflow words.
    click(browser, "citizen-follow-new")
    wait(browser).until(lambda d: "/follow/" in d.current_url)
    assert css(browser, tid("citizen-status")).text == "已受理"
    assert "收到您的反映" in css(browser, tid("citizen-timeline")).text
    assert "registered" not in css(browser, tid("citizen-case")).text

    # 5. The SMS link, opened later: the number is filled in, the digits asked.
    browser.get(f"{server}/follow/{number}")
    assert css(browser, tid("citizen-number")).get_attribute("value") == number
    type_into(browser, tid("citizen-last4"), "4321")
    click(browser, "citizen-query")
    assert css(browser, tid("citizen-status")).text == "已受理"
    assert_chinese(browser, "citizen: following the case")
    _shot(browser, "citizen-portal-follow-390.png")
    _no_sideways_scroll(browser)

    # Old links to the console's citizen page land on the portal.
    browser.get(f"{server}/console/citizen")
    wait(browser).until(lambda d: d.current_url.rstrip("/") == server.rstrip("/"))
