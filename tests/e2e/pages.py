"""What the tests do in the console, in the console's own terms (log in, open a menu item, ...)."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import DEMO_PASSWORD

TIMEOUT = 15


def wait(driver: Any, timeout: float = TIMEOUT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def css(driver: Any, selector: str) -> Any:
    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def tid(name: str) -> str:
    return f'[data-test="{name}"]'


def type_into(driver: Any, selector: str, text: str) -> None:
    field = css(driver, selector)
    # Element Plus puts data-test on the wrapper of some inputs.
    if field.tag_name not in {"input", "textarea"}:
        field = field.find_element(By.CSS_SELECTOR, "input, textarea")
    field.clear()
    field.send_keys(text)


def log_in(driver: Any, server: str, username: str, password: str = DEMO_PASSWORD) -> None:
    driver.get(f"{server}/console/login")
    type_into(driver, tid("username"), username)
    type_into(driver, tid("password"), password)
    css(driver, tid("login-submit")).click()
    if password == DEMO_PASSWORD:
        wait(driver).until(lambda d: "/console/login" not in d.current_url)
        css(driver, tid("user"))


def path_of(driver: Any) -> str:
    return driver.execute_script("return window.location.pathname")


def choose_language(driver: Any, label: str) -> None:
    css(driver, tid("language")).click()
    option = wait(driver).until(
        ec.element_to_be_clickable(
            (By.XPATH, f"//li[contains(@class,'el-select-dropdown__item')][normalize-space()='{label}']")
        )
    )
    option.click()
