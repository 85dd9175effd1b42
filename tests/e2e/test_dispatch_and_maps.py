"""An operator types a 下沙 address and clicks a point in 白杨: warned before registering. The
dispatcher reads the case on the queue (text, address, age, suggestion) and sees in the dispatch
dialog the deadlines the dispatch will set. The map names its streets, with controls in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import PHONE, SCREENSHOTS, api_session, get_json
from tests.e2e.pages import assert_chinese, click, css, log_in, path_of, tid, type_into, wait

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Asia/Shanghai")
ADDRESS = "下沙街道金沙湖路1号东门"
DESCRIPTION = "金沙湖路人行道上有人摆摊卖水果，堵住了盲道\n每天傍晚六点以后最严重"


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def _click_on_label(driver: Any, map_selector: str, name: str) -> None:
    """Click the map where it writes `name` (a street's label point lies inside the street).

    The label itself lets clicks through to the map, so the click is made on the map at its place.
    """
    map_el = css(driver, map_selector)
    find = (
        "const [map, name] = arguments;"
        "const label = [...map.querySelectorAll('.zg-area-label > span')].find(s => s.textContent === name);"
        "if (!label) return null;"
        # The marker's own box sits on the label point; the name may be moved off it to fit the map.
        "const a = label.parentElement.getBoundingClientRect(), m = map.getBoundingClientRect();"
        "return [a.left - (m.left + m.width / 2), a.top - (m.top + m.height / 2)];"
    )
    offset = wait(driver).until(lambda d: d.execute_script(find, map_el, name))
    ActionChains(driver).move_to_element_with_offset(map_el, int(offset[0]), int(offset[1])).click().perform()


# How many pairs of names the map shows on top of each other.
_OVERLAPS = """
const boxes = [...document.querySelectorAll('.zg-area-label')]
  .filter(e => e.style.visibility !== 'hidden').map(e => e.firstElementChild.getBoundingClientRect());
let n = 0;
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const a = boxes[i], b = boxes[j];
  if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
}
return n;
"""


def _overlapping_names(driver: Any) -> int:
    return driver.execute_script(_OVERLAPS)


def test_a_wrong_point_is_caught_at_intake_and_the_dispatcher_sees_the_deadlines(
    browser: Any, server: str
) -> None:
    # 1. The operator types a 下沙 address, then clicks a point in 白杨 on the map.
    log_in(browser, server, "operator")
    wait(browser).until(lambda d: path_of(d) == "/console/intake")
    type_into(browser, tid("intake-phone"), "13900002222")
    type_into(browser, tid("intake-name"), "李女士")
    type_into(browser, tid("category-search"), "zdjy")  # pinyin initials of 占道经营
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: css(d, tid("category-picked")).text.strip())
    type_into(browser, tid("intake-address"), ADDRESS)
    type_into(browser, tid("intake-description"), DESCRIPTION)
    _click_on_label(browser, tid("area-map"), "白杨街道")
    wait(browser).until(lambda d: "白杨街道" in css(d, tid("intake-located")).text)
    warning = wait(browser).until(lambda d: css(d, tid("intake-address-warning")))
    assert "地址写的是下沙街道，地图点在白杨街道：请核对" in warning.text
    _shot(browser, "intake-address-warning-1366.png")

    # Registering is refused until the point is corrected or the mismatch confirmed.
    click(browser, "intake-submit")
    assert "请改正地图点" in css(browser, tid("intake-address-blocked")).text
    assert_chinese(browser, "operator: intake with the address warning")
    assert not browser.find_elements(By.CSS_SELECTOR, tid("intake-last-number"))

    # The operator corrects the point: the warning goes, and the case is registered for dispatch.
    _click_on_label(browser, tid("area-map"), "下沙街道")
    wait(browser).until(lambda d: "下沙街道" in css(d, tid("intake-located")).text)
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("intake-address-warning"))))
    click(browser, "intake-submit")
    number = css(browser, tid("intake-last-number")).text
    dispatcher = api_session(server, "dispatcher")
    case = get_json(dispatcher, f"{server}/api/v1/cases/{number}")
    assert case["status"] == "to_dispatch" and case["address"] == ADDRESS and case["street_id"] is not None

    # 2. The dispatcher reads it on the queue: its first line, address, age and the suggestion.
    log_in(browser, server, "dispatcher")
    wait(browser).until(lambda d: path_of(d) == "/console/dispatch")
    row = css(browser, tid(f"queue-row-{number}"))
    assert row.find_element(By.CSS_SELECTOR, tid("queue-text")).text == DESCRIPTION.splitlines()[0]
    assert ADDRESS in row.find_element(By.CSS_SELECTOR, tid("queue-address")).text
    assert "登记" in row.find_element(By.CSS_SELECTOR, tid("queue-age")).text
    suggestion = wait(browser).until(lambda d: row.find_element(By.CSS_SELECTOR, tid("queue-suggestion")))
    assert "建议主办" in suggestion.text and ("规则" in suggestion.text or "无规则命中" in suggestion.text)
    _shot(browser, "dispatch-queue-1366.png")

    # 3. The dispatch dialog says when the case must be accepted and finished.
    row.click()
    wait(browser).until(lambda d: number in css(d, tid("dispatch-selected")).text)
    click(browser, "board-action-dispatch")
    box = css(browser, tid("dispatch-deadlines"))
    wait(browser).until(lambda d: "办结时限" in box.text)
    accept = css(browser, tid("dispatch-accept-due")).text
    handle = css(browser, tid("dispatch-handle-due")).text
    assert accept.startswith("签收时限：") and "个工作小时" in accept
    assert_chinese(browser, "dispatcher: dispatch dialog with its deadlines")
    # In working days, or in working hours for a 数字城管 handling standard (占道经营: hours).
    assert handle.startswith("办结时限：") and ("个工作日" in handle or "个工作小时" in handle)
    _shot(browser, "dispatch-dialog-1366.png")
    click(browser, "action-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))
    # What the dialog said is what the dispatch set.
    case = get_json(dispatcher, f"{server}/api/v1/cases/{number}")
    assert case["status"] == "dispatched"
    due = next(d for d in case["deadlines"] if d["stage"] == "handle" and d["active"])
    day = dt.datetime.fromisoformat(due["due_at"]).astimezone(TZ)
    assert f"{day.month}月{day.day}日" in handle


def test_the_map_names_its_streets_with_chinese_controls(browser: Any, server: str) -> None:
    log_in(browser, server, "leader")
    browser.get(f"{server}/console/map")
    css(browser, tid("map"))
    label = wait(browser).until(
        lambda d: next(
            (
                e
                for e in d.find_elements(By.CSS_SELECTOR, ".zg-area-label-street > span")
                if e.text == "下沙街道" and e.is_displayed()
            ),
            None,
        )
    )
    assert label.text == "下沙街道"
    assert css(browser, ".leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert css(browser, ".leaflet-control-zoom-out").get_attribute("title") == "缩小"
    credit = css(browser, ".leaflet-control-attribution").text
    assert "自有边界数据" in credit and "Leaflet" not in credit
    # Zoomed in, communities are named too, and no two names overlap.
    for _ in range(3):
        css(browser, ".leaflet-control-zoom-in").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".zg-area-label-community"))
    # Once the zoom has settled.
    wait(browser).until(lambda d: _overlapping_names(d) == 0)
    _shot(browser, "map-labels-zoomed-1366.png")
    browser.set_window_size(*PHONE)
    browser.get(f"{server}/console/case-map")
    css(browser, tid("case-map"))
    wait(browser).until(
        lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, ".zg-area-label-street"))
    )
    wait(browser).until(lambda d: _overlapping_names(d) == 0)
    assert (
        browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        == 0
    )
    _shot(browser, "case-map-labels-390.png")
