"""Steps of a meeting, so that each browser test reads like the meeting it plays out."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Error,
    Locator,
    Page,
    StorageState,
    expect,
)

from .server import ROOT, LiveServer

EXAMPLE_NOTE = ROOT / "examples" / "concept-note-regional-consultation.txt"
SCREENSHOTS = ROOT / "docs" / "screenshots"

TIMEOUT_MS = 10_000
# A restarted server needs a few seconds to import, and Socket.IO backs off up to 5 s between tries.
RECONNECT_TIMEOUT_MS = 25_000

EXAMPLE_TITLE = "Regional learning session: Localising climate-resilient water governance"
# The guiding questions of the example note as the moderator sees them: wrapped lines joined.
EXAMPLE_QUESTIONS = (
    "Which arrangements have helped basin authorities, district councils and community water committees "
    "share decisions about allocation during droughts, and what made them work in practice?",
    "How can women, young people and informal water users take part in local water decisions in a way "
    "that changes outcomes, rather than only being consulted once plans are already drafted?",
    "What support do local water institutions need from national governments and development partners "
    "(mandates, finance, data, skills) to plan for floods and droughts over the long term, and how "
    "should that support be sequenced?",
)

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass
class PageLog:
    """What went wrong inside one page: a page error or an unexpected dialog fails the test."""

    label: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


# Cookies of a moderator who logged in, per server: later moderator windows skip the form.
_moderator_sessions: dict[str, StorageState] = {}

# Filled by watch(), emptied and checked around every test by the autouse fixture in conftest.py.
PAGE_LOGS: list[PageLog] = []

# Confirmations a test announced with expect_confirm(), per page, in the order they will be asked.
_expected_confirms: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()


def watch(page: Page, label: str) -> Page:
    log = PageLog(label)
    PAGE_LOGS.append(log)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(message.text)

    def on_page_error(error: Error) -> None:
        log.page_errors.append(f"{error.name}: {error.message}")

    def on_dialog(dialog: Dialog) -> None:
        expected = _expected_confirms.get(page)
        if expected and dialog.type == "confirm" and dialog.message == expected[0]:
            expected.pop(0)
            dialog.accept()
            return
        # Any other dialog would mean user text ran as code (alert) or a control asked for a
        # confirmation the test did not expect.
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    return page


def expect_confirm(page: Page, message: str) -> None:
    """The page will ask this confirmation next (window.confirm): it is accepted, not a failure."""
    _expected_confirms.setdefault(page, []).append(message)


def new_page(browser: Browser, server: LiveServer, label: str, options: dict[str, Any]) -> Page:
    context: BrowserContext = browser.new_context(base_url=server.base_url, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return watch(context.new_page(), label)


def expect_connected(page: Page, timeout: int = TIMEOUT_MS) -> None:
    expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=timeout)


def moderator_page(
    browser: Browser,
    server: LiveServer,
    *,
    options: dict[str, Any] = DESKTOP,
    label: str = "moderator",
    fresh_login: bool = False,
) -> Page:
    """A logged-in moderator in a context of their own (desktop size unless told otherwise).

    The first call logs in through the form; later ones reuse its cookies (as a second
    browser window of the same moderator would) unless fresh_login asks for the form again.
    """
    saved = _moderator_sessions.get(server.base_url)
    if saved is not None and not fresh_login:
        page = new_page(browser, server, label, {**options, "storage_state": saved})
        page.goto("/meetings/")
        expect(page).to_have_url(f"{server.base_url}/meetings/")
        return page
    page = new_page(browser, server, label, options)
    page.goto("/login")
    page.locator("#email").fill(server.moderator_email)
    page.locator("#password").fill(server.moderator_password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{server.base_url}/meetings/")
    _moderator_sessions[server.base_url] = page.context.storage_state()
    return page


def phone(
    browser: Browser,
    server: LiveServer,
    code: str,
    *,
    name: str,
    country: str = "",
    url: str | None = None,
    options: dict[str, Any] = PHONE,
) -> Page:
    """A participant's phone that opened the join link (the one given, else /j/<code>) and joined."""
    page = new_page(browser, server, f"phone of {name}", options)
    page.goto(url or f"/j/{code}")
    page.locator("#display_name").fill(name)
    if country:
        page.locator("#country").fill(country)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page).to_have_url(f"{server.base_url}/j/{code}/live")
    expect_connected(page)
    return page


def import_example_meeting(page: Page) -> tuple[int, str]:
    """The moderator uploads the example concept note, checks what was read, creates the meeting."""
    page.goto("/meetings/import")
    note_form = page.locator("form").filter(has=page.get_by_role("button", name="Read the note"))
    # Scoped to the note's form: the template form further down reuses the id "upload" (app bug).
    note_form.locator("#upload").set_input_files(EXAMPLE_NOTE)
    note_form.get_by_role("button", name="Read the note").click()
    expect(page.get_by_role("status")).to_contain_text("3 guiding questions were found.")
    expect(page.locator("#title")).to_have_value(EXAMPLE_TITLE)
    expect(page.locator("#questions")).to_have_value("\n".join(EXAMPLE_QUESTIONS))
    page.get_by_role("button", name="Create meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])
    join_code = page.locator(".meta .code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", join_code), join_code
    return meeting_id, join_code


def open_console(page: Page, meeting_id: int) -> Page:
    page.goto(f"/meetings/{meeting_id}/console")
    expect_connected(page)
    return page


def push_guiding_question(console: Page, number: int) -> None:
    item = console.locator("#question-list > li").nth(number - 1)
    item.get_by_role("button", name="Push to everyone").click()
    expect(console.locator("#current-text")).to_have_text(EXAMPLE_QUESTIONS[number - 1])
    expect(console.locator("#current-status")).to_have_text("Live")


def send_answer(page: Page, text: str) -> None:
    page.locator("#answer-text").fill(text)
    page.locator("#send-button").click()


def answers_reading(page: Page, list_selector: str, text: str) -> Locator:
    """The items of an answer list whose answer text is exactly `text`, however often it appears."""
    exactly = re.compile(rf"^\s*{re.escape(text)}\s*$")
    return page.locator(f"{list_selector} > li").filter(has=page.locator(".answer-text", has_text=exactly))


def save_screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
    return path


# axe findings that fail a test: the ones that stop someone from using the page.
BLOCKING_IMPACTS = {"serious", "critical"}


def describe_violations(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def expect_no_serious_axe_violations(page: Page, what: str) -> None:
    """axe on the page as it is now; `what` names it in the failure."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious problems on {what}:\n{describe_violations(blocking)}"
