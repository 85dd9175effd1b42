"""Department evaluation in the console (docs/decisions/094): the supervisor opens last month's ranking,
drills into the cases behind a figure, publishes the month, and a correction asks for its reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import api_session, get_json
from tests.e2e.pages import assert_chinese, click, close_drawer, css, log_in, path_of, tid, type_into, wait

pytestmark = pytest.mark.e2e


def test_rank_drill_down_publish_and_correct(browser: Any, server: str) -> None:
    log_in(browser, server, "supervisor")
    wait(browser).until(lambda d: path_of(d) != "/console/login")
    browser.get(f"{server}/console/evaluation")
    table = css(browser, tid("evaluation-ranking"))
    assert "处置率" in table.text and "名次" in table.text
    assert "草稿" in css(browser, tid("evaluation-status")).text
    # The screen opens on last month (the district's calendar).
    first = datetime.now(ZoneInfo("Asia/Shanghai")).date().replace(day=1)
    month = (first - timedelta(days=1)).strftime("%Y-%m")
    supervisor = api_session(server, "supervisor")
    view = get_json(supervisor, f"{server}/api/v1/evaluation/months/{month}")
    first = next(r for r in view["rows"] if r["values"]["handling_rate"]["den"])
    css(browser, tid(f"figure-{first['department_id']}-handling_rate")).click()
    count = css(browser, tid("evaluation-drill-count"))
    wait(browser).until(lambda d: f"共 {first['values']['handling_rate']['num']} 件" in count.text)
    assert_chinese(browser, "evaluation drill-down")
    close_drawer(browser, "evaluation-drill")

    click(browser, "evaluation-publish")
    click(browser, "evaluation-confirm")
    wait(browser).until(lambda d: "已通报 第 1 版" in css(d, tid("evaluation-status")).text)
    assert get_json(supervisor, f"{server}/api/v1/evaluation/months/{month}")["status"] == "published"

    # A correction: refused without a reason, published as version 2 with one.
    click(browser, "evaluation-publish")
    click(browser, "evaluation-confirm")
    assert get_json(supervisor, f"{server}/api/v1/evaluation/months/{month}")["version"] == 1
    type_into(browser, tid("evaluation-reason"), "补录两件漏统计的案件")
    click(browser, "evaluation-confirm")
    wait(browser).until(lambda d: "已通报 第 2 版" in css(d, tid("evaluation-status")).text)
    corrected = get_json(supervisor, f"{server}/api/v1/evaluation/months/{month}")
    assert corrected["reason"] == "补录两件漏统计的案件" and [
        v["version"] for v in corrected["versions"]
    ] == [1, 2]
    assert_chinese(browser, "evaluation ranking")
