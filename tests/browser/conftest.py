"""Real Chromium against the real production server, both started once per test session."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from .helpers import PAGE_LOGS, TIMEOUT_MS
from .server import LiveServer, ServerError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent

expect.set_options(timeout=TIMEOUT_MS)

# Set by the server fixture, read when a test fails to attach what the server said.
_running_server: LiveServer | None = None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and _running_server is not None and HERE in Path(item.path).resolve().parents:
        report.sections.append(("Facilitator server log (last lines)", _running_server.log_tail()))
    return report


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    global _running_server
    live = LiveServer(
        tmp_path_factory.mktemp("facilitator"), email="moderator@example.org", password="correct-horse-42"
    )
    try:
        live.prepare()
        live.start()
    except ServerError as error:
        live.stop()
        pytest.fail(str(error), pytrace=False)
    _running_server = live
    try:
        yield live
    finally:
        _running_server = None
        live.stop()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must install it (apt-get install chromium).", pytrace=False)
        pytest.skip(message + " The browser tests need Debian's chromium package: apt-get install chromium")
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def page_problems(browser: Browser) -> Iterator[None]:
    """Closes the contexts a test opened and fails it if any of its pages threw or opened a dialog."""
    PAGE_LOGS.clear()
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()
    for log in PAGE_LOGS:
        if log.console_errors:
            # Expected while a phone is offline or the server restarts; printed to help debugging.
            print(f"console errors on {log.label}:", *log.console_errors, sep="\n  ")
    failures = [
        f"{log.label}: {problem}" for log in PAGE_LOGS for problem in (*log.page_errors, *log.dialogs)
    ]
    PAGE_LOGS.clear()
    if failures:
        pytest.fail("Errors inside the pages:\n" + "\n".join(failures), pytrace=False)
