"""What the tests do in the console, in the console's own terms (log in, open a menu item, ...)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import DEMO_PASSWORD
from tests.english import english_words, has_chinese

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


def close_drawer(driver: Any, name: str) -> None:
    """Close the el-drawer marked `name` with its own close button and wait until it is gone.

    The page may hold other drawers (hidden, kept in the DOM), and the button cannot be clicked
    while the drawer is still sliding in on a loaded machine: wait for this drawer's button.
    """
    button = f"{tid(name)} .el-drawer__close-btn"
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, button))).click()
    wait(driver).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, tid(name))))


def active_test_id(driver: Any) -> str:
    """The data-test of the focused element or of its nearest marked ancestor."""
    return driver.execute_script(
        "const e = document.activeElement; return e && e.closest('[data-test]')"
        " ? e.closest('[data-test]').getAttribute('data-test') : ''"
    )


def choose_option(driver: Any, name: str, label: str) -> None:
    """Open the el-select marked `name`, type to filter, and pick the option showing `label`.

    A click on a dropdown still sliding open can land on the neighbouring option (on a loaded
    machine): the choice is checked and made again when the select does not show `label`.
    """
    xpath = f"//li[contains(@class,'el-select-dropdown__item')][contains(normalize-space(), '{label}')]"

    def shown(d: Any) -> Any:
        # Every select keeps its (hidden) dropdown in the page: take the option on screen.
        return next((o for o in d.find_elements(By.XPATH, xpath) if o.is_displayed()), None)

    for attempt in range(3):
        select = css(driver, tid(name))
        select.click()
        field = select if select.tag_name == "input" else select.find_element(By.CSS_SELECTOR, "input")
        field.send_keys(label)
        option = wait(driver).until(shown)
        time.sleep(0.3)  # the dropdown's opening transition
        option = wait(driver).until(shown)
        option.click()
        try:
            wait(driver, 3).until(lambda d: label in (css(d, tid(name)).get_attribute("textContent") or ""))
            return
        except TimeoutException:
            if attempt == 2:
                raise


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


# The text a person meets on the screen: the page title, the visible text, and the placeholder,
# title and aria-label of every visible element (what a hover or a screen reader says).
_SCREEN_TEXT = """
const parts = [document.title, document.body.innerText];
for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (!box.width || !box.height || style.visibility === 'hidden' || style.display === 'none') continue;
  for (const name of ['placeholder', 'title', 'aria-label']) {
    const value = el.getAttribute(name);
    if (value) parts.push(value);
  }
}
return parts.join('\\n');
"""


_CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "src" / "i18n" / "zh-CN.ts"


def _missing_keys(text: str) -> list[str]:
    # vue-i18n shows a key it cannot find as the key itself ("caseCommon.dueSoon"): not English
    # words, so tests/english.py lets it pass; the catalogue's sections name them.
    sections = [
        name
        for name in re.findall(r"^  ([A-Za-z0-9]+): \{", _CATALOGUE.read_text(encoding="utf-8"), re.M)
        # Audit action codes shown as data share these prefixes ("calendar.override_set").
        if name not in {"calendar", "routing"}
    ]
    return re.findall(rf"\b(?:{'|'.join(sections)})\.[A-Za-z0-9_.]+", text) if sections else []


def assert_chinese(driver: Any, where: str, allowed: Iterable[str] = ()) -> None:
    """Fails, listing them, when the screen shows English words (tests/english.py decides what is
    English) or a catalogue key the console could not translate."""
    text = driver.execute_script(_SCREEN_TEXT)
    words = english_words(text, allowed)
    assert has_chinese(text), f"{where}: no Chinese on the screen"
    assert not words, f"{where}: English on the screen: {sorted(set(words))}"
    assert not (keys := _missing_keys(text)), f"{where}: untranslated keys on the screen: {sorted(set(keys))}"
