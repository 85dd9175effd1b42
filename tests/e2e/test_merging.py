"""Merging in the console (docs/decisions/087): a dispatcher merges a repeated request into the
open case the duplicate check offers; the case page lists it under 合并的诉求, where a supervisor
undoes the merge; the supervisor's review screen of automatic merges is in Chinese."""

from __future__ import annotations

import json
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.e2e.conftest import api_session, get_json
from tests.e2e.pages import assert_chinese, click, css, log_in, open_case, path_of, tid, type_into, wait

pytestmark = pytest.mark.e2e


def _post(opener: urllib.request.OpenerDirector, server: str, path: str, body: dict[str, Any]) -> Any:
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
    with opener.open(req, timeout=20) as response:
        return json.loads(response.read())


def test_merge_from_the_case_page_and_undo_it(browser: Any, server: str) -> None:
    operator = api_session(server, "operator")
    listed = get_json(operator, f"{server}/api/v1/cases?status=dispatched&limit=20")["items"]
    target = next(
        c
        for c in (get_json(operator, f"{server}/api/v1/cases/{i['number']}") for i in listed)
        if c["lng"] is not None
    )
    repeat = _post(
        operator,
        server,
        "cases",
        {
            "request_type": target["request_type"],
            "channel": "hotline",
            "category_id": target["category_id"],
            "description": target["description"][:80] + "。又来反映一次，请尽快处理。",
            "reporters": [{"name": "陈静", "phone": "13811112222"}],
            "lng": target["lng"],
            "lat": target["lat"],
        },
    )
    # The dispatcher opens the repeat, and the merge dialog offers the open case with its reasons.
    log_in(browser, server, "dispatcher")
    wait(browser).until(lambda d: path_of(d) != "/console/login")
    open_case(browser, server, repeat["number"])
    click(browser, "action-merge")
    css(browser, tid(f"merge-candidate-{target['number']}")).click()
    assert "相距" in css(browser, tid("merge-dialog")).text
    assert_chinese(browser, "merge dialog")
    type_into(browser, tid("merge-note"), "同一地点同一问题")
    click(browser, "merge-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("merge-dialog"))))
    dispatcher = api_session(server, "dispatcher")
    merged = get_json(dispatcher, f"{server}/api/v1/cases/{repeat['number']}")
    assert merged["status"] == "merged" and merged["merged_into"] == target["number"]

    # The supervisor sees it among the merged reports of the case it joined, and undoes it.
    browser.delete_all_cookies()
    log_in(browser, server, "supervisor")
    wait(browser).until(lambda d: path_of(d) != "/console/login")
    open_case(browser, server, target["number"])
    row = css(browser, tid(f"merged-{repeat['number']}"))
    assert "陈*" in row.text and "13811112222" not in row.text
    assert_chinese(browser, "merged reports")
    click(browser, f"unmerge-{repeat['number']}")
    type_into(browser, tid("unmerge-reason"), "不是同一问题")
    click(browser, "unmerge-confirm")
    wait(browser).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("unmerge-dialog"))))
    back = get_json(dispatcher, f"{server}/api/v1/cases/{repeat['number']}")
    assert back["status"] == "registered" and back["merged_into"] is None

    # The review screen of automatic merges (off by default: nothing to review yet).
    browser.get(f"{server}/console/auto-merges")
    css(browser, tid("auto-merge-setting"))
    css(browser, tid("duplicates-avoided"))
    assert_chinese(browser, "automatic merges")
