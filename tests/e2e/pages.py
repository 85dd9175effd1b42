"""What the tests do in the console, in the console's own terms (log in, open a menu item, ...)."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import DEMO_PASSWORD

TIMEOUT = 25


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


def click(driver: Any, name: str) -> None:
    """Click the element marked data-test=`name` once it can be clicked."""
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, tid(name)))).click()


def active_test_id(driver: Any) -> str:
    """The data-test of the focused element or of its nearest marked ancestor."""
    return driver.execute_script(
        "const e = document.activeElement; return e && e.closest('[data-test]')"
        " ? e.closest('[data-test]').getAttribute('data-test') : ''"
    )


def choose_option(driver: Any, name: str, label: str) -> None:
    """Open the el-select marked `name`, type to filter, and pick the option showing `label`."""
    select = css(driver, tid(name))
    select.click()
    field = select if select.tag_name == "input" else select.find_element(By.CSS_SELECTOR, "input")
    field.send_keys(label)
    xpath = f"//li[contains(@class,'el-select-dropdown__item')][contains(normalize-space(), '{label}')]"

    def shown(d: Any) -> Any:
        # Every select keeps its (hidden) dropdown in the page: take the option on screen.
        return next((o for o in d.find_elements(By.XPATH, xpath) if o.is_displayed()), None)

    option = wait(driver).until(shown)
    option.click()


def perform(driver: Any, action: str, fill: dict[str, str] | None = None) -> None:
    """On the case page: press the action's button, fill the dialog's text fields, confirm, wait for it to close."""
    click(driver, f"action-{action}")
    css(driver, tid("action-dialog"))
    for field, text in (fill or {}).items():
        type_into(driver, tid(field), text)
    click(driver, "action-confirm")
    wait(driver).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid("action-dialog"))))


def open_case(driver: Any, server: str, number: str) -> None:
    driver.get(f"{server}/console/case/{number}")
    wait(driver).until(lambda d: number in css(d, tid("case-number")).text)
    css(driver, tid("case-actions"))
