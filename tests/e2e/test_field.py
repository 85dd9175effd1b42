"""The inspector on a phone (390×844): reports a problem with a photo and the device's position, sees it
in "my reports", and verifies a case assigned to them (by grid duty) with their own position."""

from __future__ import annotations

import io
import json
import urllib.request
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import PHONE, api_session, get_json
from tests.e2e.pages import assert_chinese, click, css, log_in, tid, type_into, wait

pytestmark = pytest.mark.e2e

METRES_PER_DEGREE_LAT = 111_195


def _post(opener: Any, server: str, path: str, body: dict[str, Any]) -> Any:
    jar = next(h.cookiejar for h in opener.handlers if hasattr(h, "cookiejar"))
    token = next(c.value for c in jar if c.name == "csrftoken")
    req = urllib.request.Request(
        f"{server}/api/v1/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": server},
    )
    with opener.open(req, timeout=15) as response:
        return json.loads(response.read())


def _point_in_my_grid(server: str) -> tuple[float, float]:
    """A point inside one of the grids the demo inspector 许刚 is on duty for."""
    dispatcher = api_session(server, "dispatcher")
    duties = get_json(dispatcher, f"{server}/api/v1/org/grid-duties")
    mine = {d["grid_id"] for d in duties if d["person_name"] == "许刚"}
    assert mine, "the demo gives 许刚 the grids of 下沙街道"
    for area in get_json(dispatcher, f"{server}/api/v1/geo/areas?level=grid"):
        if area["id"] not in mine:
            continue
        lng, lat = area["centroid_lng"], area["centroid_lat"]
        found = get_json(dispatcher, f"{server}/api/v1/geo/locate?lng={lng}&lat={lat}&crs=wgs84")
        if found["grid_id"] == area["id"]:
            return lng, lat
    raise AssertionError("no grid of 许刚 contains its own centroid")


def _stand_at(driver: Any, server: str, lng: float, lat: float, accuracy: float = 8) -> None:
    driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["geolocation"], "origin": server})
    driver.execute_cdp_cmd(
        "Emulation.setGeolocationOverride", {"latitude": lat, "longitude": lng, "accuracy": accuracy}
    )


def _photo(tmp_path: Any, name: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 110, 90)).save(out, format="JPEG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return str(path)


def _fed_back_by_xiasha(server: str, number: str) -> None:
    """The intake operator submits the report, the dispatcher gives it to 下沙街道, which handles and feeds back."""
    operator, dispatcher, handler = (
        api_session(server, u) for u in ("operator", "dispatcher", "handler_xiasha")
    )
    _post(operator, server, f"cases/{number}/actions/submit", {})
    depts = get_json(dispatcher, f"{server}/api/v1/org/departments")
    xiasha = next(d["id"] for d in depts if d["code"] == "330114002")
    _post(
        dispatcher,
        server,
        f"cases/{number}/actions/dispatch",
        {"lead_department_id": xiasha, "co_handler_ids": []},
    )
    _post(handler, server, f"cases/{number}/actions/accept", {})
    _post(handler, server, f"cases/{number}/actions/reply", {"reply": "已补装井盖并设置警示"})
    _post(handler, server, f"cases/{number}/actions/feed_back", {})


def test_the_inspector_reports_from_the_street_and_verifies_with_their_own_position(
    browser: Any, server: str, tmp_path: Any
) -> None:
    lng, lat = _point_in_my_grid(server)
    log_in(browser, server, "inspector")
    browser.set_window_size(*PHONE)
    _stand_at(browser, server, lng, lat)

    # 上报: photo from the camera, the device's position with its accuracy, category, description.
    browser.get(f"{server}/console/field?tab=report")
    css(browser, tid("field-report"))
    wait(browser).until(lambda d: "8" in css(d, tid("field-accuracy")).text)
    coords = css(browser, tid("field-coords")).text
    assert f"{lng:.6f}" in coords and f"{lat:.6f}" in coords
    assert_chinese(browser, "inspector: report form")
    css(browser, tid("area-map"))
    browser.find_element(By.CSS_SELECTOR, tid("field-photo-input")).send_keys(_photo(tmp_path, "manhole.jpg"))
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{tid('field-report')} .photo img"))
    type_into(
        browser, tid("category-search"), "ysjg"
    )  # pinyin initials of 雨水井盖; Enter takes the first hit
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: css(d, tid("category-picked")).text.strip())
    type_into(browser, tid("field-description"), "金沙湖路人行道井盖缺失，行人易跌落")
    click(browser, "field-submit")
    message = (
        wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".el-message--success"))).text
    )
    assert "已上报" in message

    # "My reports": the new case with its status, registered through the inspector channel by 许刚.
    inspector = api_session(server, "inspector")
    mine = get_json(inspector, f"{server}/api/v1/cases?reported_by_me=true&limit=5")["items"]
    number = mine[0]["number"]
    assert number in message
    assert (mine[0]["channel"], mine[0]["status"]) == ("inspector", "registered")
    card = css(browser, tid(f"mine-{number}"))
    assert (
        "已登记" in card.text
        or "待受理" in card.text
        or card.find_element(By.CSS_SELECTOR, tid("mine-status")).text
    )
    case = get_json(inspector, f"{server}/api/v1/cases/{number}")
    assert abs(case["lng"] - lng) < 1e-6 and abs(case["lat"] - lat) < 1e-6

    # Worked and fed back by 下沙街道: verification goes to 许刚 by grid duty, no dispatcher involved.
    _fed_back_by_xiasha(server, number)
    timeline = get_json(inspector, f"{server}/api/v1/cases/{number}/timeline")
    assert timeline[-1]["action"] == "auto_assign_inspector"
    assert timeline[-1]["note"].startswith("按网格自动指派核查：许刚（下沙街道")

    # Verify on site, standing 35 m north of the case point: the dialog takes the device's position.
    _stand_at(browser, server, lng, lat + 35 / METRES_PER_DEGREE_LAT, accuracy=6)
    browser.get(f"{server}/console/field")
    click(browser, "tab-verify")
    within = css(browser, tid(f"verify-{number}"))
    within.find_element(By.CSS_SELECTOR, tid("field-verify-pass")).click()
    css(browser, tid("action-dialog"))
    wait(browser).until(lambda d: "35" in css(d, tid("verify-position-state")).text)
    assert "距案件点 35 米" in css(browser, tid("verify-position-state")).text
    browser.find_element(By.CSS_SELECTOR, tid("field-file")).send_keys(_photo(tmp_path, "fixed.jpg"))
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{tid('field-attachment_ids')} .el-tag"))
    click(browser, "action-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))

    verified = [
        e
        for e in get_json(inspector, f"{server}/api/v1/cases/{number}/timeline")
        if e["action"] == "verify_pass"
    ]
    assert len(verified) == 1
    payload = verified[0]["payload"]
    assert payload["method"] == "site" and payload["distance_m"] == 35 and payload["accuracy_m"] == 6
    assert abs(payload["lat"] - (lat + 35 / METRES_PER_DEGREE_LAT)) < 1e-6  # not the case's own point
    # The case page shows where the verification was made.
    browser.get(f"{server}/console/case/{number}")
    assert "核查位置：距案件点 35 米" in css(browser, tid("event-verify-position")).text
    timeline_text = css(browser, tid("case-timeline")).text
    assert "按网格自动指派核查：许刚（下沙街道" in timeline_text and "系统自动" in timeline_text
    assert_chinese(browser, "inspector: case page after verifying")
