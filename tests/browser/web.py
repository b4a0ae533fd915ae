"""How the journey tests work the web client: as a person does, by labels, button names and text.

Pages are found by what a person sees (a field's label, a button's name, a heading), never by
CSS classes, so a test reads as the journey it walks and fails naming what was missing.
``record_page`` keeps a screenshot of the page at desktop and phone width (build/screenshots/)
and runs the page checks (tests/browser/audit.py) on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import wait_for

__all__ = ["wait_for"]
from tests.stack.conftest import REPO, LocalStack

SCREENSHOTS = REPO / "build" / "screenshots"
DESKTOP = (1280, 900)
PHONE = (390, 844)


def _literal(text: str) -> str:
    """``text`` as an XPath string literal (quotes included)."""
    if "'" not in text:
        return f"'{text}'"
    return "concat('" + "', \"'\", '".join(text.split("'")) + "')"


def state(driver: Any) -> str:
    """What the page shows, for a failure message: its address, heading, alerts and console."""
    try:
        alerts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert], .field-error") if e.text]
        heading = [e.text for e in driver.find_elements(By.TAG_NAME, "h1")]
        logs = "\n".join(str(entry.get("message")) for entry in driver.get_log("browser"))[-2000:]
    except WebDriverException as error:
        return f"(the page could not be read: {error.msg})"
    return f"at {driver.current_url}\nheading: {heading}\nalerts: {alerts}\nconsole:\n{logs}"


def open_page(driver: Any, stack: LocalStack, path: str) -> None:
    driver.get(stack.info["web_url"].rstrip("/") + path)


def field(driver: Any, label: str, *, within: Any = None) -> Any:
    """The control whose <label> reads ``label`` (exactly, ignoring surrounding spaces)."""
    scope = within or driver

    def found() -> Any:
        for element in scope.find_elements(By.XPATH, f".//label[normalize-space()={_literal(label)}]"):
            target = element.get_attribute("for")
            if target:
                controls = driver.find_elements(By.ID, target)
                if controls and controls[0].is_displayed():
                    return controls[0]
            nested = element.find_elements(By.XPATH, ".//input|.//select|.//textarea")
            if nested:
                return nested[0]
        return None

    return wait_for(f"a field labelled {label!r}", found, on_fail=lambda: state(driver))


def fill(driver: Any, label: str, value: str, *, within: Any = None) -> None:
    """Types ``value`` into the field labelled ``label``, replacing what it held."""
    control = field(driver, label, within=within)
    if control.tag_name == "select":
        choose(driver, label, value, within=within)
        return
    if control.get_attribute("type") in {"date", "time", "datetime-local"}:
        driver.execute_script(
            "const e = arguments[0];"
            "const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
            "set.call(e, arguments[1]); e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true}));",
            control,
            value,
        )
        return
    control.send_keys(Keys.CONTROL, "a")
    control.send_keys(Keys.DELETE)
    control.send_keys(value)


def choose(driver: Any, label: str, option: str, *, within: Any = None) -> None:
    """Picks the <option> reading ``option`` in the select labelled ``label``."""
    from selenium.webdriver.support.ui import Select

    control = field(driver, label, within=within)
    wait_for(
        f"the option {option!r} in {label!r}",
        lambda: any(o.text.strip() == option for o in control.find_elements(By.TAG_NAME, "option")),
        on_fail=lambda: state(driver),
    )
    Select(control).select_by_visible_text(option)


def check(driver: Any, label: str, *, within: Any = None) -> None:
    """Ticks the checkbox or radio button labelled ``label`` (when it is not ticked already)."""
    control = field(driver, label, within=within)
    if not control.is_selected():
        driver.execute_script("arguments[0].click()", control)


def button(driver: Any, name: str, *, within: Any = None) -> Any:
    """The enabled button or link whose visible text (or aria-label) is ``name``."""
    scope = within or driver
    literal = _literal(name)
    kinds = (  # a button before a link of the same name (the header's "Sign in" link vs the form's button)
        f".//button[normalize-space()={literal} or @aria-label={literal}]",
        f".//a[normalize-space()={literal} or @aria-label={literal}]",
    )

    def found() -> Any:
        for xpath in kinds:
            for element in scope.find_elements(By.XPATH, xpath):
                try:
                    if element.is_displayed() and element.is_enabled():
                        return element
                except StaleElementReferenceException:
                    continue
        return None

    return wait_for(f"a button or link named {name!r}", found, on_fail=lambda: state(driver))


def click(driver: Any, name: str, *, within: Any = None) -> None:
    element = button(driver, name, within=within)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def text_shown(driver: Any, text: str) -> bool:
    return text in str(driver.execute_script("return document.body.innerText"))


def wait_text(driver: Any, text: str, timeout: float = 30.0) -> None:
    """Waits until ``text`` is on the page."""
    wait_for(f"the text {text!r}", lambda: text_shown(driver, text), timeout=timeout, on_fail=lambda: state(driver))


def wait_heading(driver: Any, heading: str, timeout: float = 30.0) -> None:
    """Waits until the page's <h1> reads ``heading``."""
    wait_for(
        f"the page {heading!r}",
        lambda: heading in h1_texts(driver),
        timeout=timeout,
        on_fail=lambda: state(driver),
    )


def h1_texts(driver: Any) -> list[str]:
    """The page's <h1> texts as shown, read in one script (a re-render between finding and reading is no failure)."""
    return list(driver.execute_script("return Array.from(document.querySelectorAll('h1'), (h) => h.innerText.trim())"))


def sign_in(driver: Any, stack: LocalStack, email: str, password: str) -> None:
    open_page(driver, stack, "/sign-in")
    fill(driver, "Email", email)
    fill(driver, "Password", password)
    click(driver, "Sign in")
    wait_for("signed in", lambda: "/sign-in" not in driver.current_url, on_fail=lambda: state(driver))


def record_page(driver: Any, name: str) -> list[Path]:
    """Screenshots of the page as it is now at desktop and phone width, then the page checks.

    The window goes back to its size afterwards. Files: build/screenshots/<name>-desktop.png
    and <name>-phone.png."""
    from tests.browser import audit

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = driver.get_window_size()
    shots: list[Path] = []
    try:
        for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
            driver.set_window_size(width, height)
            path = SCREENSHOTS / f"{name}-{label}.png"
            driver.save_screenshot(str(path))
            shots.append(path)
            audit.check_page(driver, name, label)
    finally:
        driver.set_window_size(size["width"], size["height"])
    return shots


def outbox(stack: LocalStack, to: str) -> list[dict[str, Any]]:
    """The emails the local stack sent to ``to`` (moto's SES), oldest first."""
    import urllib.parse
    import urllib.request

    url = f"{stack.info['moto_url']}/_parley/outbox?to={urllib.parse.quote(to)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return list(json.loads(response.read())["emails"])
