"""Two real browsers on the running local stack: Debian's Chromium and chromedriver, driven by Selenium.

The browsers run headless with a fake camera and microphone (``--use-fake-device-for-media-stream``)
and grant them without asking (``--use-fake-ui-for-media-stream``), at a phone's width. The web
client is built once per run (``scripts/build-web``) and served by the stack's web server.
``scripts/test`` installs chromium and chromium-driver when they are missing (as root); here a
missing browser is a failure that says what to install, never a skip.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.stack.conftest import REPO, LocalStack, clock, eventually, local_stack  # noqa: F401 (the stack fixtures, reused)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FIGURES = REPO / "build" / "browser-call-figures.json"
WAIT = 30.0  # the most any step of a call may take


@pytest.fixture(scope="session")
def web_client_built() -> None:
    """web/dist built from the current sources and API; one build at a time across xdist workers, none if fresh."""
    web = REPO / "web"
    with (web / "package.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = web / "dist" / "index.html"
        sources = [web / "index.html", web / "package-lock.json", *(web / "src").rglob("*")]
        sources += [REPO / "app.py", *(REPO / "chalicelib").rglob("*.py")]  # the document the types come from
        if built.exists() and built.stat().st_mtime >= max(path.stat().st_mtime for path in sources):
            return
        done = subprocess.run([str(REPO / "scripts" / "build-web")], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"scripts/build-web failed:\n{done.stderr[-3000:]}"


def _require_browser() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: the browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; scripts/test installs them when run as root).",
            pytrace=False,
        )


@pytest.fixture
def browsers(local_stack: LocalStack, web_client_built: None) -> Iterator[Callable[[], Any]]:  # noqa: F811
    """Opens headless Chromium browsers on demand; all are closed after the test."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opened: list[Any] = []
    profiles: list[str] = []

    def open_browser() -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        profile = tempfile.mkdtemp(prefix="parley-chromium-")
        profiles.append(profile)
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            "--autoplay-policy=no-user-gesture-required", "--window-size=390,844", f"--user-data-dir={profile}",
        ):  # fmt: skip
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        opened.append(driver)
        return driver

    yield open_browser
    for driver in opened:
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(what: str, condition: Callable[[], Any], timeout: float = WAIT, on_fail: Callable[[], str] = str) -> Any:
    """Polls ``condition`` until it returns something truthy; fails with ``what`` after ``timeout``."""
    return eventually(what, condition, timeout, on_fail)


def record_figures(figures: dict[str, Any]) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, before any worker measures
        FIGURES.unlink(missing_ok=True)
        from tests.browser import audit

        audit.reset_figures()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures the issue's Done-when quotes, printed at the end of the run that measured them."""
    if FIGURES.exists():
        terminalreporter.write_sep("-", "two-browser call figures")
        terminalreporter.write_line(FIGURES.read_text().strip())
    from tests.browser import audit

    lines = audit.summary_lines()
    if lines:
        terminalreporter.write_sep("-", "page audits (axe-core, Lighthouse)")
        for line in lines:
            terminalreporter.write_line(line)
