"""Browser tests: the built web console in headless Chromium (Debian's chromium + chromedriver).

The server is the real one (`zhiguan serve`: gunicorn + whitenoise) on a free localhost port,
against a fresh SQLite database in a temporary folder holding the demo district. Run with
`make e2e` (which builds the console and installs Chromium when missing); a plain `pytest` run
leaves these tests out (`-m "not e2e"` in pyproject).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("ZHIGUAN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ZHIGUAN_CHROMEDRIVER", "/usr/bin/chromedriver")
DEMO_PASSWORD = "Zhiguan@2026"
# Without the networking flags Chromium keeps calling home, which this closed network refuses.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
DESKTOP = (1366, 768)
PHONE = (390, 844)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _zhiguan() -> str:
    return str(Path(sys.executable).with_name("zhiguan"))


# The browser tests need the demo district, not three months of it: a few hundred cases build in
# seconds where the full demo takes minutes. The built database is kept in var/e2e-cache/, keyed
# by the sources that make it, and copied for each run.
E2E_DEMO_CASES = int(os.environ.get("ZHIGUAN_E2E_DEMO_CASES", "300"))
_BUILD_DEMO = """
import inspect, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
django.setup()
from zhiguan.demo.build import build_demo
from zhiguan.demo.data import demo_data_dir
kwargs = {"cases": int(os.environ["ZHIGUAN_E2E_DEMO_CASES"])} if "cases" in inspect.signature(build_demo).parameters else {}
build_demo(data_dir=demo_data_dir(), log=lambda *a, **k: None, **kwargs)
"""


def _sources_key() -> str:
    digest = hashlib.sha1(str(E2E_DEMO_CASES).encode())
    for path in sorted((REPO_ROOT / "src" / "zhiguan").rglob("*.py")):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _demo_database(var: Path, env: dict[str, str]) -> None:
    """A migrated demo database in `var` (SQLite), from the cache when the sources did not change."""
    cache = REPO_ROOT / "var" / "e2e-cache" / _sources_key()
    files = ("zhiguan.sqlite3", "secret_key")
    if not all((cache / f).is_file() for f in files):
        build = Path(tempfile.mkdtemp(prefix="e2e-demo-"))
        benv = {**env, "ZHIGUAN_VAR_DIR": str(build), "ZHIGUAN_E2E_DEMO_CASES": str(E2E_DEMO_CASES)}
        subprocess.run([_zhiguan(), "migrate", "--no-input", "-v0"], env=benv, check=True, cwd=REPO_ROOT)
        subprocess.run([sys.executable, "-c", _BUILD_DEMO], env=benv, check=True, cwd=REPO_ROOT)
        with contextlib.closing(sqlite3.connect(build / files[0])) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.rmtree(cache.parent, ignore_errors=True)
        cache.mkdir(parents=True)
        for f in files:
            shutil.copy2(build / f, cache / f)
        shutil.rmtree(build, ignore_errors=True)
    for f in files:
        shutil.copy2(cache / f, var / f)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server holding a fresh demo district; stopped after the session.

    ZHIGUAN_E2E_URL points the tests at a server already running the demo (e.g. `make run`) instead.
    """
    if external := os.environ.get("ZHIGUAN_E2E_URL"):
        yield external.rstrip("/")
        return
    if not (REPO_ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("The web console is not built: run `make web` (or `make e2e`, which builds it).")
    var = tmp_path_factory.mktemp("e2e-var")
    env = {
        **os.environ,
        "ZHIGUAN_VAR_DIR": str(var),
        "DATABASE_URL": "",
        "ZHIGUAN_TASKS_IN_PROCESS": "true",
        "ZHIGUAN_WEB_WORKERS": "2",
        # No first classifier trained in the background while the browser tests run.
        "ZHIGUAN_FIRST_MODEL": "false",
        # Two dozen log-ins from one address in a couple of minutes is the test run, not an
        # attack; the limits themselves are tested in tests/test_rate_limits.py.
        "ZHIGUAN_LOGIN_RATE": "1000/m",
        "ZHIGUAN_CITIZEN_RATE": "1000/m",
        # The fresh server compresses every static file at start: brotli's best level would take
        # longer than the start is given on a busy machine, for a few per cent of bytes.
        "ZHIGUAN_STATIC_BROTLI_QUALITY": os.environ.get("ZHIGUAN_STATIC_BROTLI_QUALITY", "9"),
    }
    env.pop("ZHIGUAN_REDIS_URL", None)
    _demo_database(var, env)
    port = _free_port()
    log = (var / "server.log").open("w")
    proc = subprocess.Popen(
        [_zhiguan(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    SERVER_LOGS.append(var / "server.log")
    deadline = time.monotonic() + 240  # collectstatic compresses the console on a fresh folder
    while True:
        try:
            with urllib.request.urlopen(f"{url}/console/login", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start; see {var / 'server.log'}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def chrome() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(
                f"{path} is missing: install Debian's chromium and chromium-driver (make e2e does, as root)"
            )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    options.add_argument("--lang=zh-CN")
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()
SERVER_LOGS: list[Path] = []


def _server_log_tail(lines: int = 40) -> str:
    if not SERVER_LOGS or not SERVER_LOGS[-1].is_file():
        return ""
    return "\n".join(SERVER_LOGS[-1].read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def browser(chrome: Any, server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A logged-out Chromium at desktop size; a screenshot under var/screenshots/ when the test fails."""
    chrome.set_window_size(*DESKTOP)
    chrome.get(f"{server}/console/login")
    chrome.delete_all_cookies()
    chrome.execute_script("window.localStorage.clear()")
    yield chrome
    if request.node.stash.get(_FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        chrome.save_screenshot(str(SCREENSHOTS / f"{request.node.name}.png"))
        # CI keeps only the output: say what the page and the server showed at the failure.
        print(f"page at failure: {chrome.current_url}\n{chrome.find_element('tag name', 'body').text[:800]}")
        print(f"server log (last lines):\n{_server_log_tail()}")


def api_session(server: str, username: str) -> urllib.request.OpenerDirector:
    """An HTTP client logged in as a demo person, for checking what the browser caused."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    body = json.dumps({"username": username, "password": DEMO_PASSWORD}).encode()
    req = urllib.request.Request(
        f"{server}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with opener.open(req, timeout=10) as response:
        assert response.status == 200
    return opener


def get_json(opener: urllib.request.OpenerDirector, url: str) -> Any:
    with opener.open(url, timeout=10) as response:
        return json.loads(response.read())
