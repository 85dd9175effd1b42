"""The citizen portal on a slow phone: time until the report form is usable at 1.6 Mbit/s.

Headless Chromium at 390×844 with Chrome's own network throttling (CDP
`Network.emulateNetworkConditions`: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) opens `/` of
a real server (`zhiguan serve`: gunicorn + WhiteNoise, started here on a throwaway demo database)
with its cache disabled, and a probe in the page records `performance.now()` (milliseconds since
navigation start) when the report form is first shown with its first field enabled. A second and
third visit with the cache on show what a returning phone transfers (almost nothing: hashed files
from the cache, outlines answered 304). Prints

    BENCH citizen_portal_usable_1_6mbit <s> s       (median of three cold loads)
    BENCH citizen_portal_bytes <KiB> KiB            (a cold load until settled, map and headers included)
    BENCH citizen_portal_bytes_until_usable <KiB> KiB
    BENCH citizen_portal_warm_bytes <KiB> KiB       (transferred on a returning visit)
    BENCH citizen_entry_brotli <KiB> KiB / citizen_entry_gzip / citizen_entry_raw
                                                    (the files citizen.html names, as collected)

Needs a build with citizen.html (`make web`, or ZHIGUAN_WEB_DIST) and Debian's chromium +
chromium-driver. `tests/e2e/test_citizen_load.py` runs the same measurement and asserts ≤ 3 s.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PHONE = (390, 844)
# A 3G-class phone line: what "fast on a slow phone" is measured against (bytes per second).
SLOW_PHONE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
# The element the portal marks as its report form (web/src/citizen): usable once it is shown and
# its first field takes input.
READY_SELECTOR = '[data-test="citizen-submit"]'
TARGET_S = 3.0

# Runs in every new document before the page's own scripts (DevTools-injected, so the page's
# Content-Security-Policy, which allows no inline script, does not apply to it).
_PROBE = """
(() => {
  const selector = __SELECTOR__;
  const usable = () => {
    const form = document.querySelector(selector);
    if (!form || !form.getClientRects().length) return false;
    // The first field a person can see (Element Plus hides the real radio inputs behind labels;
    // its select is a read-only combobox input, disabled until its choices have arrived).
    const fields = form.querySelectorAll('input:not([type=hidden]):not([type=file]), textarea, select');
    const first = [...fields].find(f => f.getClientRects().length);
    return !!first && !first.disabled;
  };
  const check = () => {
    if (window.__zhiguanUsableAt === undefined && usable()) window.__zhiguanUsableAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  const tick = () => { check(); if (window.__zhiguanUsableAt === undefined) setTimeout(tick, 10); };
  tick();
})();
""".replace("__SELECTOR__", json.dumps(READY_SELECTOR))

_TRANSFERS = """
const nav = performance.getEntriesByType('navigation').map(e => [e.name, e.transferSize, 0]);
const res = performance.getEntriesByType('resource').map(e => [e.name, e.transferSize, e.startTime]);
return nav.concat(res);
"""
# After the form is usable the page goes on loading (the map's library and outlines): it has
# settled when no request has started for this long.
SETTLE_S = 1.0


@dataclass
class Load:
    usable_s: float
    # (address, bytes transferred with headers — 0 from the cache —, start in ms), until settled.
    transfers: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        """Everything the visit transferred, the map included."""
        return sum(size for _, size, _ in self.transfers)

    @property
    def bytes_until_usable(self) -> int:
        return sum(size for _, size, start in self.transfers if start <= self.usable_s * 1000)

    def fetched(self) -> list[tuple[str, int]]:
        """What came over the network (not from the cache), largest first."""
        return sorted(((url, size) for url, size, _ in self.transfers if size > 0), key=lambda r: -r[1])


@dataclass
class Measurement:
    cold: list[Load]
    warm: Load

    @property
    def usable_s(self) -> float:
        return statistics.median(load.usable_s for load in self.cold)

    @property
    def cold_bytes(self) -> int:
        return int(statistics.median(load.bytes for load in self.cold))

    @property
    def cold_bytes_until_usable(self) -> int:
        return int(statistics.median(load.bytes_until_usable for load in self.cold))


def _load(driver: Any, url: str, *, timeout_s: float = 30.0) -> Load:
    from selenium.webdriver.support.ui import WebDriverWait

    # Through a blank page, so that opening the same address again is a new visit, not a reload
    # (a reload revalidates every file, which a returning visitor does not).
    driver.get("about:blank")
    driver.get(url)
    WebDriverWait(driver, timeout_s, poll_frequency=0.05).until(
        lambda d: d.execute_script("return window.__zhiguanUsableAt !== undefined")
    )
    usable_ms = driver.execute_script("return window.__zhiguanUsableAt")
    count, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + timeout_s
    while time.monotonic() - quiet_since < SETTLE_S and time.monotonic() < deadline:
        now = driver.execute_script("return performance.getEntriesByType('resource').length")
        if now != count:
            count, quiet_since = now, time.monotonic()
        time.sleep(0.1)
    transfers = [(str(u), int(s), float(t)) for u, s, t in driver.execute_script(_TRANSFERS)]
    return Load(usable_s=float(usable_ms) / 1000.0, transfers=transfers)


def measure(driver: Any, base_url: str, *, path: str = "/", cold_runs: int = 3) -> Measurement:
    """Cold loads of `path` at 1.6 Mbit/s with the cache disabled, then a returning visit."""
    url = base_url.rstrip("/") + path
    size = driver.get_window_size()
    driver.set_window_size(*PHONE)
    driver.execute_cdp_cmd("Network.enable", {})
    probe = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _PROBE})
    try:
        # Unthrottled first: the server's own first-request work (its caches) is not the phone's.
        _load(driver, url)
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_PHONE)
        cold = [_load(driver, url) for _ in range(cold_runs)]
        # The first visit with the cache on fills it; the next one is the returning phone.
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        _load(driver, url)
        warm = _load(driver, url)
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", UNTHROTTLED)
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": probe["identifier"]}
        )
        driver.set_window_size(size["width"], size["height"])
    return Measurement(cold=cold, warm=warm)


def entry_sizes(static_root: Path, page: Path) -> dict[str, int]:
    """Bytes of the files `page` (a built citizen.html) names, as collected: raw, .gz and .br."""
    names = re.findall(r'(?:src|href)="/static/([^"]+)"', page.read_text(encoding="utf-8"))
    sizes = {"raw": 0, "gzip": 0, "brotli": 0}
    for name in names:
        path = static_root / name
        raw = path.stat().st_size
        sizes["raw"] += raw
        for key, suffix in (("gzip", ".gz"), ("brotli", ".br")):
            variant = path.with_name(path.name + suffix)
            sizes[key] += variant.stat().st_size if variant.exists() else raw
    return sizes


def _free_port() -> int:
    from bench.load import free_port

    return free_port()


def _chrome() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from tests.e2e.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={PHONE[0]},{PHONE[1]}")
    options.add_argument("--lang=zh-CN")
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def main() -> None:
    dist = Path(os.environ.get("ZHIGUAN_WEB_DIST", REPO / "web" / "dist"))
    if not (dist / "citizen.html").is_file():
        print(f"# skipped: no citizen.html in {dist} (make web)", flush=True)
        return
    zhiguan = str(Path(sys.executable).with_name("zhiguan"))
    with tempfile.TemporaryDirectory(prefix="zhiguan-bench-citizen-") as tmp:
        env = {
            **os.environ,
            "ZHIGUAN_VAR_DIR": tmp,
            "DATABASE_URL": "",
            "ZHIGUAN_TASKS_IN_PROCESS": "true",
            "ZHIGUAN_FIRST_MODEL": "false",
            "ZHIGUAN_WEB_DIST": str(dist),
            "ZHIGUAN_CITIZEN_RATE": "1000/m",
        }
        env.pop("ZHIGUAN_REDIS_URL", None)
        subprocess.run([zhiguan, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=REPO)
        subprocess.run(
            [zhiguan, "demo", "--cases", "100"], env=env, check=True, cwd=REPO, capture_output=True
        )
        port = _free_port()
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115 - closed below, after the server
        server = subprocess.Popen(
            [zhiguan, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            # Its first start compresses every static file at brotli's best level (≈ 20 s of CPU).
            started, deadline = time.monotonic(), time.monotonic() + 600
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"the server did not start: {(Path(tmp) / 'server.log').read_text()[-2000:]}"
                    )
                time.sleep(0.3)
            print(f"# server up in {time.monotonic() - started:.0f} s", flush=True)
            driver = _chrome()
            try:
                result = measure(driver, base)
            finally:
                driver.quit()
            sizes = entry_sizes(Path(tmp) / "static", dist / "citizen.html")
        finally:
            server.terminate()
            server.wait(timeout=15)
            log.close()
    for load in result.cold:
        print(
            f"# cold load: usable at {load.usable_s:.2f} s after {load.bytes_until_usable / 1024:.1f} KiB, "
            f"{load.bytes / 1024:.1f} KiB once settled",
            flush=True,
        )
    for url, size in result.cold[0].fetched()[:8]:
        print(f"#   {size / 1024:7.1f} KiB  {url.replace(base, '')}", flush=True)
    print(f"# returning visit: usable at {result.warm.usable_s:.2f} s; fetched:", flush=True)
    for url, size in result.warm.fetched():
        print(f"#   {size / 1024:7.1f} KiB  {url.replace(base, '')}", flush=True)
    print(f"BENCH citizen_portal_usable_1_6mbit {result.usable_s:.2f} s", flush=True)
    print(f"BENCH citizen_portal_bytes {result.cold_bytes / 1024:.1f} KiB", flush=True)
    print(
        f"BENCH citizen_portal_bytes_until_usable {result.cold_bytes_until_usable / 1024:.1f} KiB", flush=True
    )
    print(f"BENCH citizen_portal_warm_bytes {result.warm.bytes / 1024:.1f} KiB", flush=True)
    for key in ("brotli", "gzip", "raw"):
        print(f"BENCH citizen_entry_{key} {sizes[key] / 1024:.1f} KiB", flush=True)
