"""Administration in the console: a routing rule made with pickers, moved first, dry-run, retired."""

from __future__ import annotations

import json
import time
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import api_session, get_json
from tests.e2e.pages import assert_chinese, click, css, log_in, tid, type_into, wait

pytestmark = pytest.mark.e2e

STREET = "下沙街道"
SQUADRON = "下沙综合行政执法中队"
CATEGORY = "占道经营"


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
    with opener.open(req, timeout=10) as response:
        return json.loads(response.read())


def _visible(driver: Any, xpath: str) -> Any:
    return wait(driver).until(
        lambda d: next((e for e in d.find_elements(By.XPATH, xpath) if e.is_displayed()), None)
    )


def _pick_category(driver: Any, scope: Any, text: str) -> None:
    field = scope.find_element(By.CSS_SELECTOR, tid("category-search"))
    if field.tag_name != "input":
        field = field.find_element(By.CSS_SELECTOR, "input")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: text in scope.find_element(By.CSS_SELECTOR, tid("category-picked")).text)


def _pick_area(driver: Any, scope: Any, name: str) -> None:
    cascader = scope.find_element(By.CSS_SELECTOR, ".area-picker")
    cascader.click()
    cascader.find_element(By.CSS_SELECTOR, "input").send_keys(name)
    _visible(
        driver, f"//li[contains(@class,'el-cascader__suggestion-item')][normalize-space()='{name}']"
    ).click()


def _pick_department(driver: Any, name: str) -> None:
    picker = css(driver, f"{tid('rule-editor')} .department-picker")
    picker.click()
    picker.find_element(By.CSS_SELECTOR, "input").send_keys(name)
    _visible(
        driver, f"//*[contains(@class,'el-tree-node__content')][.//*[normalize-space()='{name}']]"
    ).click()


def _order(driver: Any) -> list[str]:
    # The list re-renders after each change: a row read while it is replaced is read again.
    for _ in range(5):
        try:
            return [
                li.get_attribute("data-key")
                for li in driver.find_elements(By.CSS_SELECTOR, f"{tid('rules')} > li")
            ]
        except StaleElementReferenceException:
            continue
    return []


def test_admin_makes_a_rule_for_a_street_moves_it_first_dry_runs_it_and_retires_it(browser, server):
    admin = api_session(server, "admin")
    name = f"下沙占道由执法中队办 {int(time.time()) % 100000}"
    depts = {d["name"]: d["id"] for d in get_json(admin, f"{server}/api/v1/org/departments")}
    # A rule already in front: the new one starts last and is moved to the top.
    before = _send(
        admin,
        server,
        "cases/routing/rules",
        {"name": "先行规则", "position": 10, "keywords": ["占道"], "lead_department_id": depts["城市管理局"]},
    )
    try:
        log_in(browser, server, "admin")
        browser.get(f"{server}/console/routing")
        css(browser, tid(f"rule-{before['key']}"))
        click(browser, "rule-new")
        drawer = css(browser, tid("rule-editor"))
        type_into(browser, tid("rule-name"), name)
        _pick_department(browser, SQUADRON)
        _pick_category(browser, drawer, CATEGORY)
        _pick_area(browser, drawer, STREET)
        click(browser, "rule-save")
        wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("rule-editor"))))

        rules = get_json(admin, f"{server}/api/v1/cases/routing/rules")
        made = next(r for r in rules if r["name"] == name)
        key = str(made["key"])
        assert made["lead_department_id"] == depts[SQUADRON] and made["area_id"] and made["category_id"]
        summary = css(browser, tid(f"rule-summary-{key}")).text
        assert f"街道: {STREET}" in summary and CATEGORY in summary and SQUADRON in summary
        assert _order(browser).index(key) > _order(browser).index(str(before["key"]))

        click(browser, f"rule-top-{key}")
        wait(browser).until(lambda d: _order(d)[:1] == [key])
        assert next(r["key"] for r in get_json(admin, f"{server}/api/v1/cases/routing/rules")) == made["key"]

        dry = css(browser, tid("dry-run"))
        _pick_category(browser, dry, CATEGORY)
        type_into(browser, tid("dry-description"), "路口有人占道经营卖水果")
        click(browser, "dry-place-area")
        _pick_area(browser, dry, STREET)
        click(browser, "dry-submit")
        answer = wait(browser).until(lambda d: css(d, tid("dry-answer")).text or None)
        assert answer.startswith(f"规则 {key}") and SQUADRON in answer and f"街道: {STREET}" in answer
        assert_chinese(browser, "routing rules")

        click(browser, f"rule-retire-{key}")
        _visible(
            browser, "//div[contains(@class,'el-popconfirm')]//button[contains(@class,'el-button--primary')]"
        ).click()
        wait(browser).until(lambda d: key not in _order(d))
        retired = next(
            r for r in get_json(admin, f"{server}/api/v1/cases/routing/rules") if r["key"] == made["key"]
        )
        assert retired["retired"] is True and retired["version"] == 1
    finally:
        _send(admin, server, f"cases/routing/rules/{before['key']}/retire", {"reason": "测试结束"})


def test_a_leader_reads_the_rules_without_buttons_to_change_them(browser, server):
    log_in(browser, server, "leader")
    browser.get(f"{server}/console/routing")
    css(browser, tid("dry-run"))
    assert not browser.find_elements(By.CSS_SELECTOR, tid("rule-new"))
    assert not browser.find_elements(By.CSS_SELECTOR, tid("menu-admin"))


def test_admin_names_the_account_a_system_acts_as_and_reads_its_status_updates(browser, server):
    log_in(browser, server, "admin")
    browser.get(f"{server}/console/systems")
    table = css(browser, tid("systems-table"))
    wait(browser).until(lambda d: "110社会联动" in table.text and "信访系统" in table.text)
    row = next(r for r in table.find_elements(By.CSS_SELECTOR, "tr") if "110社会联动" in r.text)
    row.find_element(By.XPATH, ".//button[normalize-space()='编辑']").click()
    picker = css(browser, tid("systems-acting-user"))
    # The demo's 110 system moves its cases as the dispatcher.
    wait(browser).until(lambda d: "（dispatcher）" in picker.text)
    assert_chinese(browser, "对接系统编辑", allowed=["dispatcher"])
    click(browser, "systems-save")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("systems-acting-user"))))
    browser.find_element(
        By.XPATH, "//div[contains(@class,'el-tabs__item')][normalize-space()='状态回传']"
    ).click()
    css(browser, tid("systems-updates"))
    assert_chinese(browser, "状态回传")
