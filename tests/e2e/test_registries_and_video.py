"""Issue 10's "done when" in the browser: the data officer finds a 兴趣点 in 数据中心, reads its
history and imports a small CSV with its row report; the operator types a door number and sees it
placed on the map with its street, community and grid; the dispatcher confirms a case by a camera
that sees it (视频确认并派遣); a case about a city component is routed to the component's owner."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import api_session, get_json
from tests.e2e.pages import click, close_drawer, css, log_in, path_of, tid, type_into, wait

pytestmark = pytest.mark.e2e

TABLE_ROWS = f"{tid('registry-table')} .el-table__body-wrapper tr.el-table__row"


def _send(opener: urllib.request.OpenerDirector, server: str, path: str, body: dict) -> Any:
    """POST as the logged-in person (session + CSRF, as the console does)."""
    jar = next(h.cookiejar for h in opener.handlers if isinstance(getattr(h, "cookiejar", None), CookieJar))
    csrf = next((c.value for c in jar if c.name == "csrftoken"), "")
    if not csrf:
        get_json(opener, f"{server}/api/v1/auth/me")
        csrf = next(c.value for c in jar if c.name == "csrftoken")
    req = urllib.request.Request(
        f"{server}/api/v1/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": csrf, "Referer": server + "/"},
    )
    with opener.open(req, timeout=15) as response:
        return json.loads(response.read())


def _q(text: str) -> str:
    return urllib.parse.quote(text)


def _field(driver: Any, name: str) -> Any:
    """The input of the field marked `name` (Element Plus puts data-test on the input or its wrapper)."""
    field = css(driver, tid(name))
    return (
        field
        if field.tag_name in {"input", "textarea"}
        else field.find_element(By.CSS_SELECTOR, "input, textarea")
    )


def _rows(driver: Any) -> list[str]:
    """The text of the list's rows (read at once: the table re-renders while it loads)."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(r => r.offsetParent).map(r => r.innerText)",
        TABLE_ROWS,
    )


def _search(driver: Any, text: str) -> None:
    field = _field(driver, "filter-q")
    # clear() leaves the old words in the list's search box (its v-model keeps them): erase by keys.
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text)
    _field(driver, "filter-q").send_keys(Keys.ENTER)
    wait(driver).until(lambda d: (rows := _rows(d)) and all(text in r for r in rows))


def test_the_data_officer_finds_a_poi_reads_its_history_and_imports_a_csv(
    browser: Any, server: str, tmp_path: Path
) -> None:
    officer = api_session(server, "dataofficer")
    poi = get_json(officer, f"{server}/api/v1/registries/pois/records?limit=5")["items"][1]
    name = poi["values"]["name"]

    log_in(browser, server, "dataofficer")
    browser.get(f"{server}/console/registries")
    css(browser, tid("registry-cards"))
    click(browser, "registry-pois")
    wait(browser).until(lambda d: path_of(d) == "/console/registries/pois")
    wait(browser).until(lambda d: css(d, tid("registry-title")).text == "兴趣点")
    _search(browser, name)

    # The record's drawer: its values, and its history (made by the demo).
    css(browser, f"{TABLE_ROWS} td").click()
    drawer = css(browser, tid("record-drawer"))
    wait(browser).until(lambda d: name in css(d, tid("record-values")).text)
    css(browser, "#tab-history").click()
    sources = wait(browser).until(
        lambda d: [
            e.text for e in d.find_elements(By.CSS_SELECTOR, tid("history-source")) if e.is_displayed()
        ]
    )
    assert "演示" in sources, sources
    assert drawer.find_elements(By.CSS_SELECTOR, tid("history"))
    close_drawer(browser, "record-drawer")

    # A CSV in the template's layout: one good row, one outside the district.
    stamp = time.strftime("%H%M%S")
    good, bad = f"E2E测试口袋公园{stamp}", f"E2E界外{stamp}"
    lng, lat = poi["lng"] + 0.0004, poi["lat"] + 0.0003
    csv = tmp_path / "pois.csv"
    csv.write_text(
        "编码,名称,类型,别名,地址,经度,纬度\n"
        f"E2EP{stamp}A,{good},公园,,测试地址1号,{lng:.6f},{lat:.6f}\n"
        f"E2EP{stamp}B,{bad},公园,,测试地址2号,121.900000,31.900000\n",
        encoding="utf-8-sig",
    )
    click(browser, "open-import")
    dialog = css(browser, tid("import-dialog"))
    dialog.find_element(By.CSS_SELECTOR, tid("file-input")).send_keys(str(csv))
    wait(browser).until(lambda d: css(d, tid("file-name")).text == "pois.csv")
    click(browser, "import-start")
    report = css(browser, tid("import-report"))
    count = lambda key: report.find_element(By.CSS_SELECTOR, f"{tid(f'count-{key}')} .n").text  # noqa: E731
    wait(browser).until(lambda d: count("created") == "1")
    assert count("refused") == "1" and count("updated") == "0"
    link = css(browser, tid("report-download"))
    assert "/report.xlsx" in (link.get_attribute("href") or "")
    table = css(browser, tid("report-table"))
    assert "3" in table.text  # the bad row's line (header is line 1)
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("import-dialog"))))

    # The good row is in the list; the bad one is not.
    _search(browser, good)
    field = _field(browser, "filter-q")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(bad, Keys.ENTER)
    wait(browser).until(lambda d: "（0 条）" in css(d, tid("loaded")).text)


def _door_address(server: str) -> dict:
    """A door number of the demo that the geocoder finds as itself."""
    officer = api_session(server, "dataofficer")
    operator = api_session(server, "operator")
    for road in ("学信街", "金沙大道", "海宁路", "学达街"):
        page = get_json(officer, f"{server}/api/v1/registries/addresses/records?limit=10&q={_q(road)}")
        for record in page["items"]:
            if record["values"]["level"] != "door":
                continue
            text = record["values"]["road_name"] + record["values"]["house_number"]
            try:
                found = get_json(operator, f"{server}/api/v1/gis/geocode?q={_q(text)}")
            except urllib.error.HTTPError:
                continue
            if found["matched"]["code"] == record["values"]["code"] and found["grid_name"]:
                return {"text": text, **found}
    pytest.fail("no door number of the demo is found by the geocoder")


def test_a_typed_door_number_lands_on_the_map_with_its_grid(browser: Any, server: str) -> None:
    door = _door_address(server)
    log_in(browser, server, "operator")
    wait(browser).until(lambda d: path_of(d) == "/console/intake")
    type_into(browser, tid("intake-address"), door["text"])
    wait(browser).until(lambda d: door["matched"]["address"] in css(d, tid("geocode-best")).text)
    areas = css(browser, tid("geocode-areas")).text
    assert door["grid_name"] in areas, areas
    # Enter in the address box places the best match.
    _field(browser, "intake-address").send_keys(Keys.ENTER)
    located = wait(browser).until(
        lambda d: (t := css(d, tid("intake-located")).text) and door["grid_name"] in t and t
    )
    assert door["street_name"] in located and door["community_name"] in located
    assert f"{door['matched']['lng']:.5f}" in located and f"{door['matched']['lat']:.5f}" in located
    css(browser, f"{tid('area-map')} .zg-case-point")


def _category_id(server: str, opener: urllib.request.OpenerDirector, name: str) -> int:
    categories = get_json(opener, f"{server}/api/v1/taxonomy/categories")
    return next(c["id"] for c in categories if c["name"] == name)


def _case_a_camera_sees(server: str) -> tuple[str, dict]:
    """A case to dispatch that a camera sees: one of the demo's, else one registered at a camera."""
    dispatcher = api_session(server, "dispatcher")
    page = get_json(dispatcher, f"{server}/api/v1/cases?status=to_dispatch&limit=100")
    for case in page["items"]:
        if case["lng"] is None:
            continue
        cams = get_json(
            dispatcher, f"{server}/api/v1/video/cameras/visible?lng={case['lng']}&lat={case['lat']}"
        )
        if cams:
            return case["number"], cams[0]
    # The other tests may have taken the demo's: register one under a 城管监控点 camera.
    officer = api_session(server, "dataofficer")
    cameras = get_json(officer, f"{server}/api/v1/registries/cameras/records?limit=20&q={_q('城管监控点')}")
    camera = cameras["items"][0]
    operator = api_session(server, "operator")
    case = _send(
        operator,
        server,
        "cases",
        {
            "request_type": "complaint",
            "channel": "hotline",
            "category_id": _category_id(server, operator, "占道经营"),
            "description": "监控点旁有人占道经营，堵住人行道",
            "reporters": [{"name": "周先生", "phone": "13900003333"}],
            "lng": camera["lng"] + 0.0001,
            "lat": camera["lat"] + 0.0001,
            "address": camera["values"].get("address") or "城管监控点旁",
        },
    )
    _send(
        operator,
        server,
        f"cases/{case['number']}/actions/submit",
        {"expected_version": case["version"], "note": ""},
    )
    cams = get_json(
        dispatcher,
        f"{server}/api/v1/video/cameras/visible?lng={camera['lng'] + 0.0001}&lat={camera['lat'] + 0.0001}",
    )
    assert cams, "no camera sees a point next to a camera"
    return case["number"], cams[0]


def test_the_dispatcher_confirms_by_video_and_dispatches(browser: Any, server: str) -> None:
    number, camera = _case_a_camera_sees(server)
    log_in(browser, server, "dispatcher")
    wait(browser).until(lambda d: path_of(d) == "/console/dispatch")
    css(browser, tid(f"queue-row-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("dispatch-selected")).text)
    panel = css(browser, tid("case-cameras"))
    wait(browser).until(lambda d: "能看到此处的摄像头" in panel.text)
    row = css(browser, tid(f"camera-{camera['code']}"))
    assert camera["name"] in row.text
    row.find_element(By.CSS_SELECTOR, tid("camera-confirm")).click()
    box = css(browser, ".el-message-box")
    assert camera["name"] in box.text
    box.find_element(By.CSS_SELECTOR, ".el-button--primary").click()
    dispatcher = api_session(server, "dispatcher")
    wait(browser).until(
        lambda d: get_json(dispatcher, f"{server}/api/v1/cases/{number}")["status"] == "dispatched"
    )


def _component_routed_to_owner(server: str) -> dict:
    """A demo component whose case the routing sends to the component's owner."""
    officer = api_session(server, "dataofficer")
    operator = api_session(server, "operator")
    page = get_json(officer, f"{server}/api/v1/registries/components/records?limit=30")
    for record in page["items"][::3]:
        component = get_json(operator, f"{server}/api/v1/components/by-code/{record['key']}")
        route = _send(
            operator,
            server,
            "cases/routing/dry-run",
            {
                "category_id": component["category_id"],
                "request_type": "complaint",
                "channel": "hotline",
                "urgency": "normal",
                "description": "",
                "lng": component["lng"],
                "lat": component["lat"],
                "crs": "wgs84",
                "component": component["id"],
            },
        )
        if route.get("lead_department_name") == component["owner_name"]:
            return component
    pytest.fail("no demo component is routed to its owner")


def test_a_case_about_a_component_goes_to_its_owner(browser: Any, server: str) -> None:
    component = _component_routed_to_owner(server)
    owner = component["owner_name"]
    log_in(browser, server, "operator")
    wait(browser).until(lambda d: path_of(d) == "/console/intake")
    type_into(browser, tid("intake-phone"), "13900004444")
    type_into(browser, tid("intake-name"), "吴先生")
    # The component by its code: the case takes its type and its point.
    type_into(browser, tid("component-code"), component["code"])
    _field(browser, "component-code").send_keys(Keys.ENTER)
    chosen = css(browser, tid("component-chosen"))
    assert component["code"] in chosen.text and owner in chosen.text
    wait(browser).until(lambda d: css(d, tid("category-picked")).text.strip())
    wait(browser).until(lambda d: f"{component['lng']:.5f}" in css(d, tid("intake-located")).text)
    wait(browser).until(lambda d: owner in css(d, tid("intake-suggestion")).text)
    # The nearest standard address fills the address.
    click(browser, "geocode-use-nearby")
    wait(browser).until(lambda d: _field(d, "intake-address").get_attribute("value"))
    # The nearest standard address may lie across a street's boundary (seen in the demo): the
    # operator confirms the mismatch, as the screen asks.
    time.sleep(1)
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("intake-address-checking"))))
    if [w for w in browser.find_elements(By.CSS_SELECTOR, tid("intake-address-warning")) if w.is_displayed()]:
        click(browser, "intake-address-confirm")
    type_into(browser, tid("intake-description"), f"{component['category_name']}破损，行人容易踩空")
    click(browser, "intake-submit")
    number = css(browser, tid("intake-last-number")).text

    # The dispatcher's board suggests the owner.
    log_in(browser, server, "dispatcher")
    wait(browser).until(lambda d: path_of(d) == "/console/dispatch")
    css(browser, tid(f"queue-row-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("dispatch-selected")).text)
    wait(browser).until(lambda d: owner in css(d, tid("board-suggestion")).text)
    dispatcher = api_session(server, "dispatcher")
    case = get_json(dispatcher, f"{server}/api/v1/cases/{number}")
    assert case["status"] == "to_dispatch"
