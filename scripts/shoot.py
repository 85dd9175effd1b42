"""Screenshots of console screens at the sizes we check (staff, large screen, phone).

    .venv/bin/python scripts/shoot.py --base http://127.0.0.1:8000 --user dispatcher \
        --path /console/dispatch --out var/shots/dispatch

writes var/shots/dispatch-1366x768.png, -1920x1080.png and -390x844.png (full page height).
`--user -` stays logged out (the citizen pages). Needs Debian's chromium and chromedriver
(`make browser`). Look at the pictures afterwards: that is the point.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "Zhiguan@2026"
SIZES = "1366x768,1920x1080,390x844"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin", help="demo username, or - for none")
    parser.add_argument("--path", action="append", required=True, help="path to open (repeatable)")
    parser.add_argument("--out", required=True, help="file prefix; one per path gets -<n> added")
    parser.add_argument("--sizes", default=SIZES)
    parser.add_argument("--wait", type=float, default=1.5, help="seconds for the screen's own requests")
    parser.add_argument(
        "--click", action="append", default=[], help="CSS selector clicked after loading (repeatable, in order)"
    )
    parser.add_argument(
        "--type",
        action="append",
        default=[],
        help="SELECTOR=>TEXT typed into the input or textarea at (or inside) the selector, after the clicks",
    )
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        driver.set_window_size(1366, 768)
        if args.user != "-":
            driver.get(f"{args.base}/console/login")
            wait = WebDriverWait(driver, 20)
            for name, text in (("username", args.user), ("password", PASSWORD)):
                box = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, f'[data-test="{name}"]')))
                if box.tag_name not in {"input", "textarea"}:
                    box = box.find_element(By.CSS_SELECTOR, "input")
                box.send_keys(text)
            driver.find_element(By.CSS_SELECTOR, '[data-test="login-submit"]').click()
            wait.until(lambda d: "/console/login" not in d.current_url)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        for n, path in enumerate(args.path):
            prefix = out if len(args.path) == 1 else out.with_name(f"{out.name}-{n + 1}")
            for size in args.sizes.split(","):
                width, height = (int(v) for v in size.split("x"))
                driver.set_window_size(width, height)
                driver.get(f"{args.base}{path}")
                time.sleep(args.wait)
                for selector in args.click:
                    driver.find_element(By.CSS_SELECTOR, selector).click()
                    time.sleep(args.wait)
                for typed in args.type:
                    selector, _, text = typed.partition("=>")
                    box = driver.find_element(By.CSS_SELECTOR, selector)
                    if box.tag_name not in {"input", "textarea"}:
                        box = box.find_element(By.CSS_SELECTOR, "input, textarea")
                    box.send_keys(text)
                    time.sleep(args.wait)
                full = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, max(height, min(int(full), 4000)))
                time.sleep(0.3)
                target = prefix.with_name(f"{prefix.name}-{size}.png")
                driver.save_screenshot(str(target))
                print(target)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
