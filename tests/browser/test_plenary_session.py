"""A plenary of the example consultation, played by a moderator, a projector and three phones."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .helpers import (
    EXAMPLE_QUESTIONS,
    PAGE_LOGS,
    PROJECTOR,
    RECONNECT_TIMEOUT_MS,
    answers_reading,
    expect_connected,
    import_example_meeting,
    moderator_page,
    open_console,
    phone,
    push_guiding_question,
    save_screenshot,
    send_answer,
)
from .server import LiveServer

PENDING = re.compile(r"\bpending\b")
CLOSED_NOTICE = "This question is closed. Thank you!"
# Names and countries as people type them: Vietnamese diacritics, Arabic script (right to left).
HA = ("Nguyễn Thị Hà", "Việt Nam")
MUHAMMAD = ("محمد", "مصر")
ANA = ("Ana Pérez", "Perú")
XSS = "<img src=x onerror=alert(1)>"


def expect_own_answer(page: Page, text: str) -> None:
    """The phone lists the answer once, acknowledged by the server (no longer waiting)."""
    item = answers_reading(page, "#my-answers", text)
    expect(item).to_have_count(1)
    expect(item).not_to_have_class(PENDING)


def test_plenary_session(browser: Browser, server: LiveServer) -> None:
    # The moderator prepares the meeting from the concept note sent round before the session.
    moderator = moderator_page(browser, server, fresh_login=True)
    meeting_id, code = import_example_meeting(moderator)
    expect(moderator.locator(".question-editor > li")).to_have_count(3)

    # The projector shows the lobby: QR code, join address and code.
    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)
    join_url = projector.locator(".join-url strong").inner_text().strip()
    assert join_url == f"{server.base_url}/j/{code}"
    expect(projector.locator("#join-code")).to_have_text(code)
    expect(projector.locator("#participant-count")).to_have_text("0 joined")

    # Three participants open the address from the wall on their phones and join.
    ha, muhammad, ana = phones = [
        phone(browser, server, code, name=name, country=country, url=join_url)
        for name, country in (HA, MUHAMMAD, ANA)
    ]
    expect(projector.locator("#participant-count")).to_have_text("3 joined")
    for name, _country in (HA, MUHAMMAD, ANA):
        expect(projector.locator("#people")).to_contain_text(name)
    save_screenshot(projector, "lobby.png")

    # The moderator pushes the first guiding question; every screen shows it.
    console = open_console(moderator, meeting_id)
    expect(console.locator("#participant-count")).to_have_text("3 joined")
    push_guiding_question(console, 1)
    for each in phones:
        expect(each.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
        expect(each.locator("#answer-form")).to_be_visible()
    expect(projector.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])

    # Everyone answers; the console sees each answer, with its author, and the tally.
    answers = {
        ha: "Basin committees with a seat for every district agreed drought rotas in advance.",
        muhammad: "لجان المياه المحلية تحتاج إلى ميزانية خاصة بها.",
        ana: "Publishing the allocation rules on the village notice board built trust.",
    }
    for each, text in answers.items():
        send_answer(each, text)
        expect_own_answer(each, text)
        expect(each.locator("#answer-text")).to_have_value("")
    for (name, country), text in zip((HA, MUHAMMAD, ANA), answers.values(), strict=True):
        item = answers_reading(console, "#answers", text)
        expect(item).to_have_count(1)
        expect(item.locator(".answer-meta")).to_have_text(f"{name} · {country}")
    expect(console.locator("#answers > li")).to_have_count(3)
    expect(console.locator("#progress")).to_contain_text("3 of 3 participants answered")
    save_screenshot(console, "console.png", full_page=True)

    # Ana's phone loses the network: she writes anyway, and her answer waits on the phone.
    ana.context.set_offline(True)
    expect(ana.locator("#status")).to_have_attribute("data-state", "offline")
    expect(ana.locator("#offline-banner")).to_be_visible()
    offline_text = "Written in the stairwell without signal: water user associations need the data too."
    send_answer(ana, offline_text)
    waiting = answers_reading(ana, "#my-answers", offline_text)
    expect(waiting).to_have_count(1)
    expect(waiting).to_have_class(PENDING)
    expect(waiting).to_contain_text("Waiting for connection")
    expect(answers_reading(console, "#answers", offline_text)).to_have_count(0)

    # The network comes back: the answer is delivered, once.
    ana.context.set_offline(False)
    expect_connected(ana)
    expect(ana.locator("#offline-banner")).to_be_hidden()
    expect_own_answer(ana, offline_text)
    expect(answers_reading(console, "#answers", offline_text)).to_have_count(1)
    # A reload reads the answers back from the server: still exactly once, nothing left waiting.
    ana.reload()
    expect_connected(ana)
    expect_own_answer(ana, offline_text)
    expect(ana.locator("#my-answers > li")).to_have_count(2)
    save_screenshot(ana, "phone-question.png", full_page=True)
    ana.reload()
    expect_connected(ana)
    expect_own_answer(ana, offline_text)
    expect(ana.locator("#my-answers > li")).to_have_count(2)
    expect(answers_reading(console, "#answers", offline_text)).to_have_count(1)
    expect(console.locator("#answers > li")).to_have_count(4)
    expect(console.locator("#progress")).to_contain_text("3 of 3 participants answered · 4 answers")

    # Hà reloads her phone: same question, same answer.
    ha.reload()
    expect_connected(ha)
    expect(ha.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
    expect_own_answer(ha, answers[ha])
    expect(ha.locator("#my-answers > li")).to_have_count(1)

    # The moderator puts the answers on the wall, then hides one of them.
    console.locator("#projector-answers").check()
    expect(projector.locator("#answers > li")).to_have_count(4)
    expect(answers_reading(projector, "#answers", answers[ha])).to_have_count(1)
    in_console = answers_reading(console, "#answers", answers[ha])
    in_console.get_by_role("button", name="Hide").click()
    expect(in_console.locator(".answer-meta")).to_contain_text("Hidden")
    expect(in_console.get_by_role("button", name="Show again")).to_be_visible()
    expect(answers_reading(projector, "#answers", answers[ha])).to_have_count(0)
    expect(projector.locator("#answers > li")).to_have_count(3)
    expect(answers_reading(ha, "#my-answers", answers[ha])).to_have_count(0)
    expect(ha.locator("#no-answers")).to_be_visible()

    # Markup typed as an answer stays text on every screen, and no script runs.
    send_answer(muhammad, XSS)
    expect_own_answer(muhammad, XSS)
    for screen, answer_list in ((muhammad, "#my-answers"), (console, "#answers"), (projector, "#answers")):
        expect(answers_reading(screen, answer_list, XSS)).to_have_count(1)
        expect(screen.locator(f"{answer_list} img")).to_have_count(0)
    assert not [dialog for log in PAGE_LOGS for dialog in log.dialogs]

    # The moderator closes the question: phones thank people and stop taking answers.
    console.get_by_role("button", name="Close question").click()
    expect(console.locator("#current-status")).to_have_text("Closed")
    for each in phones:
        expect(each.locator("#question-state")).to_have_text(CLOSED_NOTICE)
        expect(each.locator("#answer-form")).to_be_hidden()
    expect(projector.locator("#lobby")).to_be_visible()

    # The server restarts mid-meeting. Every screen reconnects by itself and nothing is lost.
    server.restart()
    for screen in (*phones, console, projector):
        expect_connected(screen, timeout=RECONNECT_TIMEOUT_MS)
    for each in phones:
        expect(each.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
        expect(each.locator("#question-state")).to_have_text(CLOSED_NOTICE)
        expect(each.locator("#answer-form")).to_be_hidden()
    expect(ha.locator("#my-answers > li")).to_have_count(0)
    expect(muhammad.locator("#my-answers > li")).to_have_count(2)
    expect(ana.locator("#my-answers > li")).to_have_count(2)
    expect(console.locator("#current-text")).to_have_text(EXAMPLE_QUESTIONS[0])
    expect(console.locator("#current-status")).to_have_text("Closed")
    expect(console.locator("#answers > li")).to_have_count(5)
    expect(console.locator("#answers > li.is-hidden")).to_have_count(1)
    expect(console.locator("#participant-count")).to_have_text("3 joined")
    expect(projector.locator("#lobby")).to_be_visible()
    expect(projector.locator("#participant-count")).to_have_text("3 joined")

    # The meeting goes on: the second question reaches every phone over the new connections.
    push_guiding_question(console, 2)
    for each in phones:
        expect(each.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[1])
        expect(each.locator("#answer-form")).to_be_visible()
        expect(each.locator("#my-answers > li")).to_have_count(0)
    expect(projector.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[1])
    second = "Reserved seats only matter when the committee also controls a budget."
    send_answer(ha, second)
    expect_own_answer(ha, second)
    expect(answers_reading(console, "#answers", second)).to_have_count(1)
    expect(console.locator("#progress")).to_contain_text("1 of 3 participants answered")


def test_unsent_draft_survives_a_reload(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    push_guiding_question(open_console(moderator, meeting_id), 1)
    kofi = phone(browser, server, code, name="Kofi Mensah", country="Ghana")
    expect(kofi.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])

    draft = "Half a thought about basin committees, to finish after the next speaker…"
    kofi.locator("#answer-text").fill(draft)
    kofi.reload()
    expect_connected(kofi)
    expect(kofi.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
    expect(kofi.locator("#answer-text")).to_have_value(draft)
    expect(kofi.locator("#my-answers > li")).to_have_count(0)


def test_answer_arriving_after_the_question_closed_is_reported(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    push_guiding_question(console, 1)
    leila = phone(browser, server, code, name="Leïla Benali", country="Algérie")
    expect(leila.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])

    leila.context.set_offline(True)
    expect(leila.locator("#status")).to_have_attribute("data-state", "offline")
    late = "Sent from the lift, where there is no signal."
    send_answer(leila, late)
    expect(answers_reading(leila, "#my-answers", late)).to_have_class(PENDING)

    console.get_by_role("button", name="Close question").click()
    expect(console.locator("#current-status")).to_have_text("Closed")

    leila.context.set_offline(False)
    expect_connected(leila)
    notice = leila.locator("#late-answers")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(late)
    expect(notice).to_contain_text("arrived too late")
    expect(leila.locator("#question-state")).to_have_text(CLOSED_NOTICE)
    expect(answers_reading(leila, "#my-answers", late)).to_have_count(0)
    expect(answers_reading(console, "#answers", late)).to_have_count(0)
