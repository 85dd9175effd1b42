"""The console under its Content-Security-Policy: every screen and the API docs work without a
single violation, and names planted with markup (an area, a department, a category) are shown as
text on every screen, in the map tooltips too, and never run."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from tests.e2e.conftest import DEMO_PASSWORD, api_session, get_json
from tests.e2e.pages import css, log_in, tid, type_into, wait

pytestmark = pytest.mark.e2e

PLANTED = '<img src=x onerror="window.__xss=1">'
# Every violation of the page's policy, recorded from the first moment of every document.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
SCREENS = [
    "/console/intake",
    "/console/dispatch",
    "/console/supervision",
    "/console/workbench",
    "/console/field",
    "/console/cases",
    "/console/case-map",
    "/console/map",
    "/console/departments",
    "/console/people",
    "/console/calendar",
    "/console/categories",
    "/console/admin",
]


@pytest.fixture
def recorded(browser: Any) -> Iterator[Any]:
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def _send(opener: urllib.request.OpenerDirector, server: str, method: str, path: str, body: Any) -> Any:
    jar = next(h.cookiejar for h in opener.handlers if hasattr(h, "cookiejar"))
    token = next(c.value for c in jar if c.name == "csrftoken")
    req = urllib.request.Request(
        f"{server}/api/v1/{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": server},
    )
    with opener.open(req, timeout=30) as response:
        assert response.status in (200, 201), response.status
        return json.loads(response.read())


def _rename_grid(admin: Any, server: str, feature: dict, name: str) -> None:
    # Geography changes by re-import: the same code and boundary, another name.
    renamed = {**feature, "properties": {"code": feature["properties"]["code"], "name": name}}
    collection = {"type": "FeatureCollection", "features": [renamed]}
    _send(admin, server, "POST", "geo/import", {"level": "grid", "geojson": collection, "source": "e2e"})


def _extent(geometry: dict) -> float:
    """The area of the bounding box of a polygon or multipolygon, in square degrees."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = [ring for polygon in polygons for ring in polygon]
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


@contextlib.contextmanager
def _planted_names(server: str) -> Iterator[tuple[dict, int]]:
    """One case's grid, category and lead department renamed to markup; restored afterwards.
    Yields the case and the index of its grid among the grids the map draws."""
    admin = api_session(server, "admin")
    page = get_json(admin, f"{server}/api/v1/cases?limit=200")
    grids = get_json(admin, f"{server}/api/v1/geo/areas.geojson?level=grid")["features"]
    where = {f["properties"]["id"]: i for i, f in enumerate(grids)}
    # The case whose grid is largest: it is drawn big enough at the district's zoom to hover.
    case = max(
        (c for c in page["items"] if c["grid_id"] in where and c["lead_department_id"]),
        key=lambda c: _extent(grids[where[c["grid_id"]]]["geometry"]),
    )
    index = where[case["grid_id"]]
    feature = grids[index]
    department = get_json(admin, f"{server}/api/v1/org/departments/{case['lead_department_id']}")
    category = get_json(admin, f"{server}/api/v1/taxonomy/categories/{case['category_id']}")
    _rename_grid(admin, server, feature, PLANTED)
    try:
        _send(admin, server, "PATCH", f"org/departments/{department['id']}", {"name": PLANTED})
        _send(admin, server, "PATCH", f"taxonomy/categories/{category['id']}", {"name": PLANTED})
        yield case, index
    finally:
        _rename_grid(admin, server, feature, feature["properties"]["name"])
        _send(admin, server, "PATCH", f"org/departments/{department['id']}", {"name": department["name"]})
        _send(admin, server, "PATCH", f"taxonomy/categories/{category['id']}", {"name": category["name"]})


def _assert_nothing_ran(driver: Any, where: str) -> None:
    assert driver.execute_script("return window.__xss") is None, where
    assert not driver.find_elements(By.CSS_SELECTOR, 'img[src="x"]'), where
    assert driver.execute_script("return window.__csp") == [], (
        where,
        driver.execute_script("return window.__csp"),
    )


def _hover_grid(driver: Any, index: int) -> str:
    """Move the mouse onto a point inside the index-th grid drawn and return its tooltip's text."""
    drawn = lambda d: d.find_elements(By.CSS_SELECTOR, "path.zg-area-grid")  # noqa: E731
    wait(driver).until(lambda d: len(drawn(d)) > index)
    path = drawn(driver)[index]
    # Once the map has fitted the district, a point of the screen where this grid is on top.
    find_point = """
        const r = arguments[0].getBoundingClientRect();
        // The hit nearest the middle: a point by the edge may sit under a street's outline.
        let best = null, bestD = Infinity;
        for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
          const x = r.left + (r.width * i) / 16, y = r.top + (r.height * j) / 16;
          const d = (i - 8) * (i - 8) + (j - 8) * (j - 8);
          if (d < bestD && document.elementFromPoint(x, y) === arguments[0]) { best = [x, y, r.left, r.top, r.width]; bestD = d; }
        }
        return best;
    """
    seen: list[Any] = [None]

    def settled(d: Any) -> Any:
        point = d.execute_script(find_point, path)
        same = point is not None and point == seen[0]
        seen[0] = point
        return point if same else None

    point = wait(driver).until(settled)
    assert point, "no visible point inside the grid"
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point[0]), int(point[1]))
    actions.perform()
    css(driver, ".leaflet-tooltip")
    tooltips = driver.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip")
    assert not any(t.find_elements(By.CSS_SELECTOR, "img") for t in tooltips)
    # The newest tooltip is the grid's (a street's may still be open from where the pointer was).
    return tooltips[-1].text


def _click_here(driver: Any) -> None:
    actions = ActionBuilder(driver)
    actions.pointer_action.click()
    actions.perform()


def test_every_screen_and_the_api_docs_work_under_the_policy(recorded: Any, server: str) -> None:
    with urllib.request.urlopen(f"{server}/console/login", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
    log_in(recorded, server, "admin")
    for screen in SCREENS:
        recorded.get(f"{server}{screen}")
        css(recorded, tid("side-menu"))
        wait(recorded).until(lambda d: d.execute_script("return document.readyState") == "complete")
        time.sleep(0.8)  # the screen's own requests and lazy chunks
        _assert_nothing_ran(recorded, screen)
    # The docs page: Swagger UI from local files, its operations listed, nothing refused.
    recorded.get(f"{server}/api/v1/docs")
    wait(recorded).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 40)
    _assert_nothing_ran(recorded, "/api/v1/docs")


def test_the_api_docs_ask_an_anonymous_visitor_to_log_in_and_bring_them_back(
    recorded: Any, server: str
) -> None:
    recorded.get(f"{server}/api/v1/docs")
    wait(recorded).until(lambda d: "/console/login?next=" in d.current_url)
    type_into(recorded, tid("username"), "supervisor")
    type_into(recorded, tid("password"), DEMO_PASSWORD)
    css(recorded, tid("login-submit")).click()
    wait(recorded).until(lambda d: d.current_url.endswith("/api/v1/docs"))
    wait(recorded).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 40)
    _assert_nothing_ran(recorded, "/api/v1/docs after log-in")


def test_names_with_markup_are_shown_as_text_and_never_run(recorded: Any, server: str) -> None:
    with _planted_names(server) as (case, grid_index):
        log_in(recorded, server, "admin")
        # The map of areas: the tooltip and the side panel show the name literally.
        recorded.get(f"{server}/console/map")
        assert _hover_grid(recorded, grid_index) == PLANTED
        _click_here(recorded)
        assert css(recorded, tid("picked-area")).text == PLANTED
        wait(recorded).until(lambda d: PLANTED in css(d, tid("located")).text)
        _assert_nothing_ran(recorded, "/console/map")

        # The case map: the grid's tooltip (counts included) and its list of cases.
        recorded.get(f"{server}/console/case-map")
        assert _hover_grid(recorded, grid_index).splitlines()[0] == PLANTED
        _click_here(recorded)
        wait(recorded).until(
            lambda d: PLANTED in css(d, tid("case-map-side")).find_element(By.CSS_SELECTOR, "h3").text
        )
        _assert_nothing_ran(recorded, "/console/case-map")

        # The case page shows its category, department and grid as text; lists and trees load them.
        recorded.get(f"{server}/console/case/{case['number']}")
        wait(recorded).until(lambda d: d.find_element(By.TAG_NAME, "body").text.count(PLANTED) >= 2)
        _assert_nothing_ran(recorded, "case page")
        for screen in ["/console/cases", "/console/dispatch", "/console/departments", "/console/categories"]:
            recorded.get(f"{server}{screen}")
            css(recorded, tid("side-menu"))
            time.sleep(0.8)
            _assert_nothing_ran(recorded, screen)
