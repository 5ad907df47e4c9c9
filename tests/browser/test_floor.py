"""Questions from the floor in a real meeting: a console, a projector and three phones."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    PROJECTOR,
    expect_connected,
    expect_no_serious_axe_violations,
    import_example_meeting,
    moderator_page,
    open_console,
    phone,
)
from .server import LiveServer

TITLE = "Questions for the panel"
HA_ASKS = "Who pays for the rainfall stations once the project ends?"
MUHAMMAD_ASKS = "هل ستُنشر بيانات التوزيع للجميع؟"
ANA_ASKS = "Who will fund the rainfall stations after the project?"
OFFLINE_ASKS = "Asked in the stairwell: can districts see each other's data?"


def floor_item(page: Page, list_selector: str, text: str) -> Locator:
    exactly = re.compile(rf"^\s*{re.escape(text)}\s*$")
    return page.locator(f"{list_selector} > li").filter(has=page.locator(".answer-text", has_text=exactly))


def ask(page: Page, text: str, *, anonymously: bool = False) -> None:
    page.locator("#floor-text").fill(text)
    if anonymously:
        page.get_by_label("Ask anonymously").check()
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#floor-text")).to_have_value("")


def room_item(page: Page, text: str) -> Locator:
    return floor_item(page, ".floor-list[aria-labelledby='floor-list-heading']", text)


def vote_button(item: Locator) -> Locator:
    return item.get_by_role("button", name=re.compile("^Vote for this question"))


def console_action(console: Page, list_id: str, text: str, action: str) -> None:
    floor_item(console, f"#{list_id}", text).get_by_role("button", name=action, exact=True).click()


def test_questions_from_the_floor(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)
    ha = phone(browser, server, code, name="Nguyễn Thị Hà", country="Việt Nam")
    muhammad = phone(browser, server, code, name="محمد", country="مصر")
    ana = phone(browser, server, code, name="Ana Pérez", country="Perú")
    phones = (ha, muhammad, ana)

    # The moderator opens the floor from the console, with every question approved first.
    console.locator("#floor-title").fill(TITLE)
    console.get_by_label("Approve each question before the room sees it").check()
    console.get_by_role("button", name="Questions from the floor", exact=True).click()
    expect(console.locator("#current-text")).to_have_text(TITLE)
    expect(console.locator("#floor-panel")).to_be_visible()
    expect(console.locator("#answers")).to_be_hidden()
    for each in phones:
        expect(each.locator("#question-text")).to_have_text(TITLE)
        expect(each.locator("#floor-text")).to_be_visible()
        expect(each.locator("#answer-form")).to_be_hidden()
    expect(projector.locator("#floor-stage")).to_be_visible()

    # Hà asks: she sees it waiting for approval; nobody else sees it until the moderator approves.
    ask(ha, HA_ASKS)
    waiting = floor_item(ha, ".floor-waiting ul", HA_ASKS)
    expect(waiting).to_contain_text("Waiting for approval")
    expect(floor_item(console, "#floor-pending", HA_ASKS)).to_contain_text("Nguyễn Thị Hà · Việt Nam")
    expect(muhammad.locator(".floor-list > li")).to_have_count(0)
    expect(muhammad.get_by_text("No questions yet. Be the first to ask.")).to_be_visible()
    expect(projector.locator("#floor-top > li")).to_have_count(0)
    console_action(console, "floor-pending", HA_ASKS, "Approve")
    expect(room_item(muhammad, HA_ASKS)).to_contain_text("Nguyễn Thị Hà · Việt Nam")
    expect(waiting).to_have_count(0)
    expect(room_item(ha, HA_ASKS)).to_contain_text("You asked this")
    # Nobody votes for their own question.
    expect(vote_button(room_item(ha, HA_ASKS))).to_have_count(0)

    # Muhammad asks anonymously; Ana asks what Hà asked, in other words.
    ask(muhammad, MUHAMMAD_ASKS, anonymously=True)
    ask(ana, ANA_ASKS)
    console_action(console, "floor-pending", MUHAMMAD_ASKS, "Approve")
    console_action(console, "floor-pending", ANA_ASKS, "Approve")
    anonymous_item = room_item(ha, MUHAMMAD_ASKS)
    expect(anonymous_item).to_contain_text("Anonymous")
    expect(anonymous_item).not_to_contain_text("محمد")
    expect(floor_item(console, "#floor-open", MUHAMMAD_ASKS)).not_to_contain_text("محمد")

    # Votes: one each, shown pressed, counted everywhere.
    vote = vote_button(room_item(ana, MUHAMMAD_ASKS))
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".vote-count")).to_have_text("1")
    vote_button(room_item(muhammad, ANA_ASKS)).click()
    vote_button(room_item(ha, ANA_ASKS)).click()
    expect(vote_button(room_item(ha, ANA_ASKS)).locator(".vote-count")).to_have_text("2")
    expect(floor_item(console, "#floor-open", ANA_ASKS)).to_contain_text("Votes: 2")
    # The room's list is sorted by votes: Ana's question (2) first.
    expect(muhammad.locator(".floor-list[aria-labelledby='floor-list-heading'] > li").first).to_contain_text(
        ANA_ASKS
    )
    expect(projector.locator("#floor-top > li").first).to_contain_text(ANA_ASKS)

    # A question typed without signal is kept and sent, once, when the connection returns.
    ana.context.set_offline(True)
    expect(ana.locator("#status")).to_have_attribute("data-state", "offline")
    ask(ana, OFFLINE_ASKS)
    expect(floor_item(ana, ".floor-waiting ul", OFFLINE_ASKS)).to_contain_text("Waiting for connection")
    ana.context.set_offline(False)
    expect_connected(ana)
    expect(floor_item(ana, ".floor-waiting ul", OFFLINE_ASKS)).to_contain_text("Waiting for approval")
    expect(floor_item(console, "#floor-pending", OFFLINE_ASKS)).to_have_count(1)
    console_action(console, "floor-pending", OFFLINE_ASKS, "Hide")
    expect(floor_item(console, "#floor-hidden", OFFLINE_ASKS)).to_have_count(1)
    expect(room_item(muhammad, OFFLINE_ASKS)).to_have_count(0)

    # The phone passes axe with the floor on it.
    expect(room_item(muhammad, ANA_ASKS)).to_be_visible()
    expect_no_serious_axe_violations(muhammad, "the phone with questions from the floor")
    muhammad.screenshot(path="/tmp/floor-phone.png", full_page=True, animations="disabled", caret="hide")
    # At 200 % zoom (320 CSS pixels) nothing scrolls sideways.
    muhammad.set_viewport_size({"width": 320, "height": 640})
    widths = muhammad.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"the floor scrolls sideways at 320 px: {widths}"
    muhammad.screenshot(path="/tmp/floor-phone-320.png", full_page=True, animations="disabled", caret="hide")
    muhammad.set_viewport_size({"width": 390, "height": 844})

    # Merge Ana's duplicate into Hà's: Muhammad's vote moves, Hà's own vote does not count for her own.
    item = floor_item(console, "#floor-open", ANA_ASKS)
    item.get_by_role("button", name="Merge into…").click()
    item.get_by_label("Merge this question into").select_option(label=HA_ASKS)
    item.get_by_role("button", name="Merge", exact=True).click()
    expect(floor_item(console, "#floor-open", ANA_ASKS)).to_have_count(0)
    expect(floor_item(console, "#floor-open", HA_ASKS)).to_contain_text("Votes: 1")
    for each in phones:
        expect(room_item(each, ANA_ASKS)).to_have_count(0)
    moved = vote_button(room_item(muhammad, HA_ASKS))
    expect(moved).to_have_attribute("aria-pressed", "true")
    expect(moved.locator(".vote-count")).to_have_text("1")

    # The sort toggle lists the most recent first.
    console.get_by_role("button", name="Most recent").click()
    expect(console.get_by_role("button", name="Most recent")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#floor-open > li").first).to_contain_text(MUHAMMAD_ASKS)

    # The star puts one question big on the projector, one at a time.
    star = floor_item(console, "#floor-open", HA_ASKS).get_by_role("button", name="Spotlight")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(projector.locator("#floor-spotlight")).to_be_visible()
    expect(projector.locator("#floor-spotlight-text")).to_have_text(HA_ASKS)
    expect(projector.locator("#floor-top")).to_be_hidden()
    expect(room_item(ana, HA_ASKS)).to_contain_text("On the projector")
    floor_item(console, "#floor-open", MUHAMMAD_ASKS).get_by_role("button", name="Spotlight").click()
    expect(projector.locator("#floor-spotlight-text")).to_have_text(MUHAMMAD_ASKS)
    expect(projector.locator("#floor-spotlight-meta")).to_have_text("Anonymous · Votes: 1")
    projector.screenshot(path="/tmp/floor-projector-spotlight.png", animations="disabled")
    floor_item(console, "#floor-open", MUHAMMAD_ASKS).get_by_role("button", name="Spotlight").click()
    expect(projector.locator("#floor-top")).to_be_visible()
    expect(projector.locator("#floor-top > li")).to_have_count(2)
    projector.screenshot(path="/tmp/floor-projector.png", animations="disabled")

    # Answered: it moves to the Answered list everywhere, and leaves the projector.
    console_action(console, "floor-open", HA_ASKS, "Mark answered")
    expect(floor_item(console, "#floor-answered", HA_ASKS)).to_have_count(1)
    for each in phones:
        expect(
            floor_item(each, ".floor-list[aria-labelledby='floor-answered-heading']", HA_ASKS)
        ).to_have_count(1)
        expect(room_item(each, HA_ASKS)).to_have_count(0)
    expect(projector.locator("#floor-top > li")).to_have_count(1)
    console_action(console, "floor-answered", HA_ASKS, "Reopen")
    expect(floor_item(console, "#floor-open", HA_ASKS)).to_have_count(1)

    expect_no_serious_axe_violations(console, "the console with questions from the floor")
    console.locator("#current").screenshot(path="/tmp/floor-console.png", animations="disabled")

    # A reload reads everything back: own questions, votes, and a question half typed.
    muhammad.locator("#floor-text").fill("Half a thought about")
    muhammad.reload()
    expect_connected(muhammad)
    expect(muhammad.locator("#floor-text")).to_have_value("Half a thought about")
    expect(vote_button(room_item(muhammad, HA_ASKS))).to_have_attribute("aria-pressed", "true")
    expect(room_item(muhammad, MUHAMMAD_ASKS)).to_contain_text("You asked this")
