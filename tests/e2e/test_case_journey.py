"""One case through the console, each step by the person who does it in a 12345 centre:
registered by keyboard at intake, dispatched with a co-handler, accepted, replied and fed back,
verified on site, closed, and followed and rated by the citizen on the public page."""

from __future__ import annotations

import json
import struct
import urllib.request
import zlib
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import DESKTOP, PHONE, api_session, get_json
from tests.e2e.pages import (
    active_test_id,
    assert_chinese,
    choose_option,
    click,
    css,
    log_in,
    open_case,
    path_of,
    perform,
    tid,
    type_into,
    wait,
)

pytestmark = pytest.mark.e2e

CALLER = "13912345678"


def _png(path: Path) -> Path:
    """A small valid PNG (a photo stand-in for the on-site verification)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 8 for _ in range(8))
    ihdr = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


def _keys(driver: Any, *keys: str) -> None:
    driver.switch_to.active_element.send_keys(*keys)


def _status(server: str, number: str) -> dict:
    return get_json(api_session(server, "dispatcher"), f"{server}/api/v1/cases/{number}")


def test_a_case_from_the_phone_call_to_the_citizens_rating(browser: Any, server: str, tmp_path: Path) -> None:
    # 1. The operator registers the call without the mouse; focus starts in the caller number.
    log_in(browser, server, "operator")
    wait(browser).until(lambda d: path_of(d) == "/console/intake")
    css(browser, tid("intake-shortcuts"))
    wait(browser).until(lambda d: active_test_id(d) == "intake-phone")
    _keys(browser, CALLER, Keys.TAB)
    _keys(browser, "张先生", Keys.TAB)
    assert active_test_id(browser) == "type-complaint"
    _keys(browser, Keys.TAB)
    assert active_test_id(browser) == "category-search"
    _keys(browser, "zywr", Keys.ENTER)  # pinyin initials of 噪音污染; Enter takes the first hit
    wait(browser).until(lambda d: "噪音污染" in css(d, tid("category-picked")).text)
    _keys(browser, Keys.TAB)
    assert active_test_id(browser) == "intake-address"
    _keys(browser, "下沙街道金沙路 8 号工地", Keys.TAB)
    _keys(browser, "工地每晚 22 点后仍在施工，噪音扰民，请求处理。")
    _keys(browser, Keys.CONTROL, Keys.ENTER)
    number = css(browser, tid("intake-last-number")).text
    assert number.startswith("330114-"), number
    wait(browser).until(lambda d: active_test_id(d) == "intake-phone")  # ready for the next call
    assert_chinese(browser, "operator: intake after registering")
    case = _status(server, number)
    assert case["status"] == "to_dispatch"
    assert case["reporters"] == [{"name": "张**", "phone": "139****5678", "id_number": ""}]

    # 2. The dispatcher sees it on the board with the routing suggestion and dispatches it with a co-handler.
    log_in(browser, server, "dispatcher")
    wait(browser).until(lambda d: path_of(d) == "/console/dispatch")
    css(browser, tid(f"queue-row-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("dispatch-selected")).text)
    assert "依据" in css(browser, tid("board-suggestion")).text
    assert_chinese(browser, "dispatcher: dispatch board")
    click(browser, "board-action-dispatch")
    css(browser, tid("action-dialog"))
    choose_option(browser, "field-lead_department_id", "城市管理局")
    choose_option(browser, "field-co_handler_ids", "住房和城乡建设局")
    type_into(browser, tid("field-note"), "请城管局牵头，住建局配合")
    click(browser, "action-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))
    case = _status(server, number)
    assert case["status"] == "dispatched" and case["lead_department_name"] == "城市管理局"
    assert {(t["role"], t["department_name"]) for t in case["tasks"]} == {
        ("lead", "城市管理局"),
        ("co", "住房和城乡建设局"),
    }

    # 3. The lead department finds it on its workbench, accepts and replies; the co-handler replies.
    log_in(browser, server, "handler_cgj")
    wait(browser).until(lambda d: path_of(d) == "/console/workbench")
    css(browser, tid(f"case-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("case-number")).text)
    actions = css(browser, tid("case-actions")).text
    assert "签收" in actions and "退回" in actions and "派遣" not in actions
    assert_chinese(browser, "handler: case page")
    perform(browser, "accept")
    perform(browser, "reply", {"field-reply": "已责令施工单位停止夜间施工，并处以罚款。"})

    log_in(browser, server, "handler_zjj")
    open_case(browser, server, number)
    perform(browser, "accept_co")
    perform(browser, "reply_co", {"field-reply": "已约谈建设单位，夜间施工许可不再核发。"})

    log_in(browser, server, "handler_cgj")
    open_case(browser, server, number)
    perform(browser, "feed_back")
    assert _status(server, number)["status"] == "to_verify"

    # 4. The dispatcher assigns the inspector, who verifies on site with position and photo.
    log_in(browser, server, "dispatcher")
    open_case(browser, server, number)
    click(browser, "action-assign_inspector")
    css(browser, tid("action-dialog"))
    choose_option(browser, "field-inspector_id", "许刚")
    click(browser, "action-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))

    log_in(browser, server, "inspector")
    wait(browser).until(lambda d: path_of(d) == "/console/field")
    css(browser, tid("field-to-verify"))
    assert_chinese(browser, "inspector: field screen")
    css(browser, tid("field-to-verify")).find_element(By.CSS_SELECTOR, tid(f"case-{number}")).click()
    wait(browser).until(lambda d: number in css(d, tid("case-number")).text)
    click(browser, "action-verify_pass")
    css(browser, tid("action-dialog"))
    type_into(browser, tid("field-lng"), "120.3601")
    type_into(browser, tid("field-lat"), "30.2602")
    browser.find_element(By.CSS_SELECTOR, tid("field-file")).send_keys(str(_png(tmp_path / "site.png")))
    wait(browser).until(lambda d: "site.png" in css(d, tid("action-dialog")).text)
    click(browser, "action-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))
    assert _status(server, number)["status"] == "verified"

    log_in(browser, server, "dispatcher")
    open_case(browser, server, number)
    perform(browser, "close")
    wait(browser).until(lambda d: "已结案" in css(d, tid("case-status")).text)
    assert_chinese(browser, "dispatcher: closed case with its timeline")

    # 5. The citizen, not logged in, follows the case on a phone and rates it.
    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    browser.get(f"{server}/follow")
    type_into(browser, tid("citizen-number"), number)
    type_into(browser, tid("citizen-last4"), CALLER[-4:])
    click(browser, "citizen-query")
    # The citizen reads the public status (已办结), never the internal one (已结案).
    assert "已办结" in css(browser, tid("citizen-status")).text
    assert "停止夜间施工" in css(browser, tid("citizen-reply")).text
    click(browser, "rate-satisfied")
    type_into(browser, tid("citizen-comment"), "处理及时，谢谢")
    click(browser, "citizen-send")
    css(browser, tid("citizen-thanks"))
    assert "满意" in css(browser, tid("citizen-rated")).text
    assert_chinese(browser, "citizen: follow page after rating")

    case = _status(server, number)
    assert case["status"] == "callback_done" and case["callback_result"] == "satisfied"
    timeline = get_json(api_session(server, "dispatcher"), f"{server}/api/v1/cases/{number}/timeline")
    assert [e["action"] for e in timeline] == [
        "register",
        "submit",
        "dispatch",
        "accept",
        "reply",
        "accept_co",
        "reply_co",
        "feed_back",
        "assign_inspector",
        "verify_pass",
        "close",
        "callback",
    ]
    assert timeline[9]["attachment_ids"], "the site photo is on the verification step"


def test_the_case_page_masks_reporters_until_a_reasoned_reveal_which_is_audited(
    browser: Any, server: str
) -> None:
    page = get_json(api_session(server, "dispatcher"), f"{server}/api/v1/cases?status=in_progress&limit=1")
    number = page["items"][0]["number"]
    log_in(browser, server, "dispatcher")
    open_case(browser, server, number)
    masked = css(browser, tid("reporter-phone")).text
    assert "****" in masked
    click(browser, "reveal-reporters")
    type_into(browser, tid("reveal-reason"), "回访核实诉求人联系方式")
    click(browser, "reveal-confirm")
    wait(browser).until(lambda d: "****" not in css(d, tid("reporter-phone")).text)
    leader = api_session(server, "leader")
    records = get_json(leader, f"{server}/api/v1/audit/records?action=case.reporters_revealed")
    assert any(r["note"] == "回访核实诉求人联系方式" for r in records), records[:3]


def test_a_stale_action_says_someone_else_changed_the_case_and_reloads(browser: Any, server: str) -> None:
    page = get_json(api_session(server, "dispatcher"), f"{server}/api/v1/cases?status=to_dispatch&limit=5")
    number = page["items"][0]["number"]
    log_in(browser, server, "dispatcher")
    open_case(browser, server, number)
    click(browser, "action-reject")
    css(browser, tid("action-dialog"))
    type_into(browser, tid("field-note"), "不属于受理范围")
    # Meanwhile a colleague refuses it.
    colleague = api_session(server, "supervisor")
    jar = next(h.cookiejar for h in colleague.handlers if hasattr(h, "cookiejar"))
    token = next(c.value for c in jar if c.name == "csrftoken")
    req = urllib.request.Request(
        f"{server}/api/v1/cases/{number}/actions/reject",
        data=json.dumps({"note": "重复来电"}).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": server},
    )
    with colleague.open(req, timeout=10) as response:
        assert response.status == 200
    click(browser, "action-confirm")
    message = (
        wait(browser).until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".el-message--warning"))).text
    )
    assert "他人修改" in message
    wait(browser).until(lambda d: "不予受理" in css(d, tid("case-status")).text)


@pytest.mark.parametrize(("size", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_case_screens_fit_the_screen_and_paint_within_a_second(
    browser: Any, server: str, size: tuple[int, int], label: str
) -> None:
    log_in(browser, server, "supervisor")
    browser.set_window_size(*size)
    screens = {
        "/console/dispatch": "dispatch-queues",
        "/console/supervision": "supervision-board",
        "/console/cases": "case-filters",
        "/console/case-map": "case-map",
        "/follow": "citizen-number",
    }
    for path, mark in screens.items():
        browser.get(f"{server}{path}")
        css(browser, tid(mark))
        paint = wait(browser).until(
            lambda d: d.execute_script(
                "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null"
            )
        )
        assert paint < 1000, (path, paint)
        # Nothing wider than the window: neither the page nor the console's main pane scrolls sideways.
        overflow = browser.execute_script(
            "const m = document.querySelector('.main') || document.documentElement;"
            "return [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
            " m.scrollWidth - m.clientWidth]"
        )
        assert overflow == [0, 0], (label, path, overflow)
