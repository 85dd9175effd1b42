"""The operations dashboard updates live across app servers (issue 13).

Two `zhiguan serve` processes share one database (the demo district, SQLite file) and one Redis
(pub/sub for the change announcements, the cache): the browser shows the dashboard of server 1,
a case is registered through server 2's API, and the "requests today" tile on server 1 changes
within five seconds, without a reload.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    REPO_ROOT,
    SERVER_LOGS,
    _demo_database,
    _free_port,
    _zhiguan,
    api_session,
    get_json,
)
from tests.e2e.pages import assert_chinese, css, log_in, tid, wait

pytestmark = pytest.mark.e2e


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(f"{url}/console/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start; see {log}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Base URLs of two app servers on one demo database and one Redis; stopped afterwards."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.skip("redis-server is not installed: the fan-out between servers needs Redis")
    if not (REPO_ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("The web console is not built: run `make web` (or `make e2e`, which builds it).")
    var = tmp_path_factory.mktemp("e2e-dash")
    redis_port = _free_port()
    redis = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "ZHIGUAN_VAR_DIR": str(var),
        "DATABASE_URL": "",
        "ZHIGUAN_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        # No Celery worker in this test: the after-commit work runs in the server that made the change.
        "ZHIGUAN_TASKS_IN_PROCESS": "true",
        "ZHIGUAN_WEB_WORKERS": "2",
        "ZHIGUAN_FIRST_MODEL": "false",
        "ZHIGUAN_LOGIN_RATE": "1000/m",
        "ZHIGUAN_STATIC_BROTLI_QUALITY": os.environ.get("ZHIGUAN_STATIC_BROTLI_QUALITY", "9"),
    }
    _demo_database(var, env)
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for n in (1, 2):
            port = _free_port()
            log_path = var / f"server{n}.log"
            log = log_path.open("w")
            proc = subprocess.Popen(
                [_zhiguan(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            procs.append(proc)
            SERVER_LOGS.append(log_path)
            url = f"http://127.0.0.1:{port}"
            _wait_for(url, proc, log_path)  # one after the other: both collect into one static folder
            urls.append(url)
        yield urls[0], urls[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis.terminate()
        redis.wait(timeout=10)


@pytest.fixture
def dash_browser(chrome: Any, two_servers: tuple[str, str]) -> Any:
    """A logged-out Chromium at 1920×1080 on server 1 (not the session's default server)."""
    chrome.set_window_size(1920, 1080)
    chrome.get(f"{two_servers[0]}/console/login")
    chrome.delete_all_cookies()
    chrome.execute_script("window.localStorage.clear()")
    yield chrome
    chrome.set_window_size(*DESKTOP)


def _post(opener: Any, url: str, body: dict[str, Any]) -> Any:
    jar = next(h.cookiejar for h in opener.handlers if hasattr(h, "cookiejar"))
    token = next(c.value for c in jar if c.name == "csrftoken")
    origin = url.split("/api/")[0]
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": origin},
    )
    with opener.open(req, timeout=15) as response:
        return json.loads(response.read())


def _today_count(driver: Any) -> int:
    return int(css(driver, tid("dash-today-value")).text.strip())


def test_a_case_registered_on_another_server_reaches_the_open_dashboard_within_five_seconds(
    dash_browser: Any, two_servers: tuple[str, str]
) -> None:
    browser = dash_browser
    first, second = two_servers
    log_in(browser, first, "leader")
    browser.get(f"{first}/console/dashboard")
    css(browser, tid("dash-today-value"))
    wait(browser).until(
        lambda d: "●" in css(d, tid("dash-live")).text and "实时" in css(d, tid("dash-live")).text
    )
    before = _today_count(browser)
    assert_chinese(browser, "dashboard")
    stamp = css(browser, tid("dash-as-of")).text
    assert "数据截至" in stamp
    assert "城市体征" in css(browser, tid("dash-vitals")).text

    operator = api_session(second, "operator")
    categories = get_json(operator, f"{second}/api/v1/taxonomy/categories")
    parents = {c.get("parent_id") for c in categories}
    leaf = next(c for c in categories if c["id"] not in parents and not c.get("retired"))
    started = time.monotonic()
    created = _post(
        operator,
        f"{second}/api/v1/cases",
        {
            "request_type": "complaint",
            "channel": "hotline",
            "category_id": leaf["id"],
            "description": "路灯不亮，夜间行人看不清路",
            "reporters": [{"name": "测试市民", "phone": "13800001111"}],
        },
    )
    assert created["number"]
    wait(browser, timeout=5).until(lambda d: _today_count(d) == before + 1)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    print(f"dashboard on server 1 showed the case from server 2 after {elapsed:.2f} s")

    # The number is a link to the list it counts, and the list opens filtered on today.
    link = css(browser, tid("dash-today-value"))
    assert "/console/cases?" in link.get_attribute("href") and "created_from=" in link.get_attribute("href")
