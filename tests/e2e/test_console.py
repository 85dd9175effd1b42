"""The web console in a real browser: log-in, role homes, map, departments, people, language."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.e2e.conftest import PHONE, api_session, get_json
from tests.e2e.pages import assert_chinese, choose_language, css, log_in, path_of, tid, type_into, wait

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "home", "menu_has", "menu_lacks"),
    [
        ("operator", "/console/intake", ["menu-intake", "menu-people"], ["menu-admin", "menu-dispatch"]),
        ("dispatcher", "/console/dispatch", ["menu-dispatch", "menu-people"], ["menu-intake"]),
        ("handler_cgj", "/console/workbench", ["menu-workbench"], ["menu-dispatch"]),
        ("inspector", "/console/field", ["menu-map"], ["menu-people", "menu-admin"]),
        ("leader", "/console/case-map", ["menu-caseMap", "menu-routing"], ["menu-intake", "menu-admin"]),
        ("admin", "/console/admin", ["menu-intake", "menu-admin", "menu-calendar"], []),
    ],
)
def test_log_in_opens_the_role_home_with_its_menu(
    browser: Any, server: str, username: str, home: str, menu_has: list[str], menu_lacks: list[str]
) -> None:
    browser.get(f"{server}/console/login")
    css(browser, tid("login-submit"))
    assert_chinese(browser, "log-in page")
    log_in(browser, server, username)
    wait(browser).until(lambda d: path_of(d) == home)
    menu = css(browser, tid("side-menu"))
    for item in menu_has:
        assert menu.find_elements(By.CSS_SELECTOR, tid(item)), item
    for item in menu_lacks:
        assert not menu.find_elements(By.CSS_SELECTOR, tid(item)), item
    assert css(browser, tid("district")).text == "钱塘区"
    # Day one in Chinese: the home and every screen the menu opens show no English message.
    data = _demo_names(server)
    assert_chinese(browser, f"{username} {home}", data)
    items = [
        e.get_attribute("data-test") for e in menu.find_elements(By.CSS_SELECTOR, "[data-test^='menu-']")
    ]
    for item in items:
        before = path_of(browser)
        css(browser, tid("side-menu")).find_element(By.CSS_SELECTOR, tid(item)).click()
        wait(browser).until(lambda d, b=before, i=item: path_of(d) != b or i == items[0])
        _settled(browser)
        assert_chinese(browser, f"{username} {item} ({path_of(browser)})", data)
    browser.get(f"{server}/console/no-such-screen")
    _settled(browser)
    assert_chinese(browser, f"{username} unknown screen", data)


_NAMES: list[str] = []


def _demo_names(server: str) -> list[str]:
    """What the demo shows as data, not as messages: people's usernames and department codes."""
    if not _NAMES:
        admin = api_session(server, "admin")
        people = get_json(admin, f"{server}/api/v1/org/people?limit=500")
        departments = get_json(admin, f"{server}/api/v1/org/departments")
        rows = [*(people.get("items", people) if isinstance(people, dict) else people), *departments]
        _NAMES.extend(str(r.get(k, "")) for r in rows for k in ("username", "code"))
    return _NAMES


def _settled(driver: Any) -> None:
    # The screen has loaded what it shows: no loading mask left on screen.
    wait(driver).until(
        lambda d: d.execute_script(
            "return ![...document.querySelectorAll('.el-loading-mask')].some(e => e.offsetParent !== null)"
        )
    )


def test_wrong_password_is_explained_and_stays_on_log_in(browser: Any, server: str) -> None:
    log_in(browser, server, "operator2", password="not-the-password")
    # The server's message, in Chinese once the backend catalogue translates it.
    message = css(browser, tid("form-error")).text
    assert "密码" in message or "password" in message, message
    assert path_of(browser) == "/console/login"


def test_a_deep_link_asks_for_log_in_then_opens(browser: Any, server: str) -> None:
    browser.get(f"{server}/console/departments")
    wait(browser).until(lambda d: path_of(d) == "/console/login")
    type_into(browser, tid("username"), "supervisor")
    type_into(browser, tid("password"), "Zhiguan@2026")
    css(browser, tid("login-submit")).click()
    wait(browser).until(lambda d: path_of(d) == "/console/departments")


def test_map_draws_the_grids_and_locates_a_click(browser: Any, server: str) -> None:
    log_in(browser, server, "dataofficer")
    wait(browser).until(lambda d: path_of(d) == "/console/map")
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.zg-area-grid")) > 100)
    assert browser.find_elements(By.CSS_SELECTOR, "path.zg-area-street")
    grids = browser.find_elements(By.CSS_SELECTOR, "path.zg-area-grid")
    target = grids[len(grids) // 2]
    ActionChains(browser).move_to_element(target).click().perform()
    picked = css(browser, tid("picked-area")).text
    located = css(browser, tid("located")).text
    assert picked
    assert picked in located, (picked, located)
    assert "街道" in located


def test_departments_tree_filters_and_shows_a_department(browser: Any, server: str) -> None:
    log_in(browser, server, "admin")
    css(browser, tid("menu-departments")).click()
    tree = css(browser, tid("dept-tree"))
    wait(browser).until(lambda d: "钱塘区人民政府" in tree.text and "城市管理局" in tree.text)
    type_into(browser, tid("dept-filter"), "CGJ")
    wait(browser).until(lambda d: "住房和城乡建设局" not in tree.text)
    node = tree.find_element(By.XPATH, ".//span[normalize-space()='城市管理局']")
    node.click()
    detail = css(browser, tid("dept-detail"))
    wait(browser).until(lambda d: "CGJ" in detail.text)
    assert "0571-86910012" in detail.text


def test_people_reveal_needs_a_reason_and_is_audited(browser: Any, server: str) -> None:
    log_in(browser, server, "dispatcher")
    css(browser, tid("menu-people")).click()
    mobile = css(browser, tid("mobile-handler_cgj"))
    assert re.fullmatch(r"\d{3}\*+\d{4}", mobile.text), mobile.text
    css(browser, tid("reveal-handler_cgj")).click()
    dialog = css(browser, tid("reveal-dialog"))
    css(browser, tid("reveal-confirm")).click()
    # The server's message appears beside the reason field.
    error = wait(browser).until(lambda d: dialog.find_element(By.CSS_SELECTOR, ".el-form-item__error"))
    assert error.text
    reason = "核实来电人身份 e2e"
    type_into(browser, tid("reveal-reason"), reason)
    css(browser, tid("reveal-confirm")).click()
    wait(browser).until(lambda d: re.fullmatch(r"1\d{10}", mobile.text))
    css(browser, tid("hide-handler_cgj")).click()
    wait(browser).until(lambda d: "*" in mobile.text)

    leader = api_session(server, "leader")
    query = urllib.parse.urlencode({"action": "person.revealed"})
    records = get_json(leader, f"{server}/api/v1/audit/records?{query}")
    mine = [r for r in records if r["note"] == reason]
    assert len(mine) == 1, records
    assert "dispatcher" in mine[0]["actor_label"] or "陈志强" in mine[0]["actor_label"]


def test_language_switches_to_english_and_stays(browser: Any, server: str) -> None:
    log_in(browser, server, "operator")
    assert css(browser, tid("menu-map")).text == "地图"
    choose_language(browser, "English")
    wait(browser).until(lambda d: css(d, tid("menu-map")).text == "Map")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert css(browser, tid("intake-title")).text == "Intake console"
    browser.refresh()
    wait(browser).until(lambda d: css(d, tid("menu-map")).text == "Map")


def test_phone_layout_has_a_menu_drawer_and_no_sideways_scroll(browser: Any, server: str) -> None:
    browser.set_window_size(*PHONE)
    log_in(browser, server, "supervisor")
    css(browser, tid("menu-toggle")).click()
    item = css(browser, tid("menu-departments"))
    # The drawer slides in from the left; the item, low in a long menu, is clicked once it is in place.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
    wait(browser).until(
        lambda d: d.execute_script("return arguments[0].getBoundingClientRect().left", item) >= 0
    )
    item.click()
    wait(browser).until(lambda d: path_of(d) == "/console/departments")
    css(browser, tid("dept-tree"))
    width = browser.execute_script("return document.documentElement.clientWidth")
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width, (scroll, width)
