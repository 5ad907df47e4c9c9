"""Keeping a meeting in the room's hands: removing an intruder, merging a phone that joined twice,
a venue joining in a rush, a moderator changing their password, and an anonymous lobby."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    EXAMPLE_QUESTIONS,
    PHONE,
    PROJECTOR,
    answers_reading,
    expect_confirm,
    expect_connected,
    import_example_meeting,
    moderator_page,
    new_page,
    open_console,
    phone,
    push_guiding_question,
    save_screenshot,
    send_answer,
)
from .server import LiveServer, ServerError

COPY = "facilitator.sqlite3"
BLOCKING_IMPACTS = {"serious", "critical"}
REMOVED_HEADING = "You are no longer part of this meeting"
# The join throttle's 12 s window and the login throttles' windows, shortened on the rush server.
RUSH_TIME_SCALE = 0.4
JOIN_BURST = 60  # joins one address may make at once (facilitator/joining/throttle.py)
# Retry-After (at most the scaled window) plus retry.js's jitter, plus the page loads.
RUSH_WAIT_MS = int((12 * RUSH_TIME_SCALE * 1.5 + 5) * 1000)


@pytest.fixture(scope="module")
def rush_server(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second server whose throttle windows are shorter, so that a test reaches them quickly.

    It starts from a copy of the first server's database: the schema and the moderator are
    already there, which saves running the migrations and hashing a password again.
    """
    workdir = tmp_path_factory.mktemp("facilitator-rush")
    assert server.database_url.startswith("sqlite:///"), server.database_url
    original = server.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(original)) as source, closing(sqlite3.connect(workdir / COPY)) as copy:
        source.backup(copy)
    live = LiveServer(
        workdir,
        database_url=f"sqlite:///{workdir / COPY}",
        email=server.moderator_email,
        password=server.moderator_password,
        FACILITATOR_THROTTLE_TIME_SCALE=str(RUSH_TIME_SCALE),
    )
    try:
        live.start()
    except ServerError as error:
        live.stop()
        pytest.fail(str(error), pytrace=False)
    try:
        yield live
    finally:
        live.stop()


def participants_list(console: Page) -> Locator:
    return console.get_by_role("region", name="Participants").get_by_role("listitem")


def participant(console: Page, name: str) -> Locator:
    exactly = re.compile(rf"^{re.escape(name)}$")
    return participants_list(console).filter(has=console.get_by_text(exactly))


def expect_no_serious_axe_violations(page: Page, name: str) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe found serious problems on the {name}:\n" + "\n".join(blocking)


def expect_removed(page: Page, code: str, base_url: str, explanation: str) -> None:
    expect(page).to_have_url(f"{base_url}/j/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(REMOVED_HEADING)
    expect(page.get_by_role("main")).to_contain_text(explanation)
    expect(page.locator("#answer-text")).to_have_count(0)
    expect(page.get_by_role("button", name="Join", exact=True)).to_have_count(0)


def test_moderator_hides_an_intruders_answers_then_removes_them(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)

    # A participant joins, and so does someone who was not invited.
    fatou = phone(browser, server, code, name="Fatou Diallo", country="Sénégal")
    intruder = phone(browser, server, code, name="Totally Real Delegate")
    for screen in (console, projector):
        expect(screen.locator("#participant-count")).to_have_text("2 joined")
    expect(participants_list(console)).to_have_count(2)

    # The answers go on the wall; the intruder posts twice, Fatou once.
    push_guiding_question(console, 1)
    console.get_by_label("Show answers on the projector").check()
    spam = ["Buy followers at cheap-likes.example", "Visit cheap-likes.example today"]
    genuine = "District councils shared the drought rota with the basin authority."
    for text in spam:
        send_answer(intruder, text)
        expect(answers_reading(intruder, "#my-answers", text)).to_have_count(1)
    send_answer(fatou, genuine)
    expect(console.locator("#answers > li")).to_have_count(3)
    expect(projector.locator("#answers > li")).to_have_count(3)

    # The moderator hides everything the intruder wrote, after confirming.
    expect_confirm(console, "Hide every answer of Totally Real Delegate?")
    participant(console, "Totally Real Delegate").get_by_role("button", name="Hide all answers").click()
    for text in spam:
        hidden = answers_reading(console, "#answers", text)
        expect(hidden).to_have_class(re.compile(r"\bis-hidden\b"))
        expect(hidden.locator(".answer-meta")).to_contain_text("Hidden")
        expect(answers_reading(projector, "#answers", text)).to_have_count(0)
    expect(answers_reading(console, "#answers", genuine)).not_to_have_class(re.compile(r"\bis-hidden\b"))
    expect(projector.locator("#answers > li")).to_have_count(1)
    expect(intruder.locator("#my-answers > li")).to_have_count(0)

    # Then removes them from the meeting, after a second confirmation.
    expect_confirm(
        console,
        "Remove Totally Real Delegate from the meeting? Their answers, wall posts, votes and group place "
        "are deleted, and this phone cannot join again.",
    )
    participant(console, "Totally Real Delegate").get_by_role("button", name="Remove").click()
    expect(participant(console, "Totally Real Delegate")).to_have_count(0)
    expect(participant(console, "Fatou Diallo · Sénégal")).to_have_count(1)
    for screen in (console, projector):
        expect(screen.locator("#participant-count")).to_have_text("1 joined")
    for text in spam:
        expect(answers_reading(console, "#answers", text)).to_have_count(0)
    expect(console.locator("#answers > li")).to_have_count(1)
    expect(console.locator("#progress")).to_contain_text("1 of 1 participants answered")

    # The intruder's phone says it was removed, and going back to the question does not help.
    explanation = "The moderator removed this phone from the meeting."
    expect_removed(intruder, code, server.base_url, explanation)
    intruder.goto(f"/j/{code}/live")
    expect_removed(intruder, code, server.base_url, explanation)
    # Fatou carries on.
    expect_connected(fatou)
    expect(fatou.locator("#answer-form")).to_be_visible()


def test_a_participant_who_joined_twice_is_merged(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    push_guiding_question(console, 1)

    # Kwame joins, answers, then joins again from another browser (fresh cookies, same Wi-Fi).
    kwame = phone(browser, server, code, name="Kwame Boateng", country="Ghana")
    phone(browser, server, code, name="Lucía Quispe", country="Bolivia")
    kwame_again = phone(browser, server, code, name="Kwame Boateng", country="Ghana")
    second_thought = "Community water committees need their own small budget line."
    send_answer(kwame_again, second_thought)
    expect(answers_reading(console, "#answers", second_thought)).to_have_count(1)

    # The console flags the second identity, and only that one, as likely the first one.
    kwames = participant(console, "Kwame Boateng · Ghana")
    expect(kwames).to_have_count(2)
    expect(kwames.nth(1)).to_contain_text("Maybe the same person as Kwame Boateng")
    expect(kwames.nth(0)).not_to_contain_text("Maybe the same person")
    expect(kwames.nth(0).get_by_role("button", name="Merge")).to_have_count(0)
    expect(participant(console, "Lucía Quispe · Bolivia")).not_to_contain_text("Maybe the same person")
    expect_no_serious_axe_violations(console, "console with its participant list")
    save_screenshot(console, "console-participants.png", full_page=True)

    # The moderator merges them: one Kwame is left, and his answer stays, under his name.
    expect_confirm(
        console,
        "Merge into Kwame Boateng? Answers are kept under Kwame Boateng, a vote given twice counts once, "
        "and this phone leaves the meeting.",
    )
    kwames.nth(1).get_by_role("button", name="Merge").click()
    expect(kwames).to_have_count(1)
    expect(kwames).not_to_contain_text("Maybe the same person")
    expect(participants_list(console)).to_have_count(2)
    expect(console.locator("#participant-count")).to_have_text("2 joined")
    kept = answers_reading(console, "#answers", second_thought)
    expect(kept).to_have_count(1)
    expect(kept.locator(".answer-meta")).to_have_text("Kwame Boateng · Ghana")

    # The second browser is told to carry on in the first; the first now lists the answer.
    expect_removed(
        kwame_again, code, server.base_url, "You joined this meeting again from another phone or browser"
    )
    expect(answers_reading(kwame, "#my-answers", second_thought)).to_have_count(1)


def other_phones_join(server: LiveServer, code: str, count: int) -> list[int]:
    """Phones on the venue's Wi-Fi (127.0.0.1, like the browser) send the join form all at once;
    the status of each answer (302: joined)."""
    with requests.Session() as first:
        form = first.get(f"{server.base_url}/j/{code}", timeout=10)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
        assert csrf, form.text[:300]
        session_cookies = dict(first.cookies)

    def join(number: int) -> int:
        # Each phone without a participant cookie of its own: a new person, not a re-join.
        response = requests.post(
            f"{server.base_url}/j/{code}",
            data={"display_name": f"Delegate {number}", "csrf_token": csrf.group(1)},
            cookies=session_cookies,
            allow_redirects=False,
            timeout=10,
        )
        return response.status_code

    with ThreadPoolExecutor(12) as pool:
        return list(pool.map(join, range(count)))


def test_a_phone_asked_to_wait_joins_by_itself(browser: Browser, rush_server: LiveServer) -> None:
    moderator = moderator_page(browser, rush_server, fresh_login=True)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    push_guiding_question(console, 1)

    # Grace types her name while the rest of the room joins from the same Wi-Fi at once.
    grace = new_page(browser, rush_server, "phone of Grace Mwangi", PHONE)
    grace.goto(f"/j/{code}")
    grace.get_by_label("Your name").fill("Grace Mwangi")
    grace.get_by_label("Country").fill("Kenya")
    assert other_phones_join(rush_server, code, JOIN_BURST) == [302] * JOIN_BURST
    grace.get_by_role("button", name="Join", exact=True).click()

    # Her phone is asked to wait, and keeps what she typed.
    notice = grace.get_by_role("status")
    expect(notice).to_contain_text("Many people are joining right now. Your phone will try again in")
    expect(grace.get_by_label("Your name")).to_have_value("Grace Mwangi")
    expect(grace.get_by_label("Country")).to_have_value("Kenya")
    expect_no_serious_axe_violations(grace, "join page asking to wait")
    save_screenshot(grace, "join-wait.png")

    # Without her touching anything, the phone sends the form again and reaches the question.
    expect(grace).to_have_url(f"{rush_server.base_url}/j/{code}/live", timeout=RUSH_WAIT_MS)
    expect_connected(grace)
    expect(grace.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
    expect(participant(console, "Grace Mwangi · Kenya")).to_have_count(1)
    expect(console.locator("#participant-count")).to_have_text(f"{JOIN_BURST + 1} joined")


def log_in_with(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_changing_the_password_logs_out_every_other_browser(
    browser: Browser, rush_server: LiveServer
) -> None:
    # The moderator left a console open on the venue's PC, and works from their laptop.
    venue_pc = moderator_page(browser, rush_server, fresh_login=True, label="console on the venue's PC")
    meeting_id, _code = import_example_meeting(venue_pc)
    open_console(venue_pc, meeting_id)
    laptop = moderator_page(browser, rush_server, fresh_login=True, label="moderator's laptop")

    laptop.get_by_role("link", name="Change password").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Change password")
    old_password, new_password = rush_server.moderator_password, "a-new-one-after-the-venue-9"
    laptop.get_by_label("Current password (required)", exact=True).fill(old_password)
    laptop.get_by_label("New password (required)", exact=True).fill(new_password)
    laptop.get_by_label("New password again (required)", exact=True).fill(new_password)
    laptop.get_by_label("New password again (required)", exact=True).blur()
    save_screenshot(laptop, "password.png")
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop).to_have_url(f"{rush_server.base_url}/meetings/")
    expect(laptop.get_by_role("main")).to_contain_text(
        "Your password is changed. Every other session is logged out."
    )
    rush_server.moderator_password = new_password

    # The console on the venue's PC loses its connection and falls back to the login page.
    expect(venue_pc).to_have_url(re.compile(r"/login\?next="))
    expect(venue_pc.locator("#status")).to_have_count(0)
    # Any other page of that browser asks for the login too, and the old password no longer works.
    venue_pc.goto("/meetings/")
    expect(venue_pc).to_have_url(re.compile(r"/login\?next="))
    log_in_with(venue_pc, rush_server.moderator_email, old_password)
    expect(venue_pc.get_by_role("main")).to_contain_text("Wrong email or password.")
    log_in_with(venue_pc, rush_server.moderator_email, new_password)
    expect(venue_pc).to_have_url(f"{rush_server.base_url}/meetings/")

    # The laptop, which changed it, stays logged in.
    laptop.goto(f"/meetings/{meeting_id}/console")
    expect_connected(laptop)


def test_an_anonymous_meetings_lobby_counts_and_never_names(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    moderator.goto("/meetings/new")
    moderator.get_by_label("Title").fill("Closed consultation on water tariffs")
    moderator.get_by_label("Anonymous: nothing about the author is shown").check()
    moderator.get_by_role("button", name="Create meeting").click()
    expect(moderator).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(moderator.url.rsplit("/", 1)[1])
    code = moderator.locator(".meta .code").inner_text().strip()

    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)
    expect(projector.locator("#participant-count")).to_have_text("0 joined")

    names = ["Amani Njoroge", "Siosaia Tupou", "Ingrid Halvorsen"]
    for name in names:
        phone(browser, server, code, name=name)
    expect(projector.locator("#participant-count")).to_have_text("3 joined")
    expect(projector.locator("#people > li")).to_have_count(0)
    wall = projector.locator("body").inner_text()
    for name in names:
        assert name not in wall, f"the anonymous lobby shows {name}"
    # A reload reads the lobby from the server: still a count and nobody's name.
    projector.reload()
    expect_connected(projector)
    expect(projector.locator("#participant-count")).to_have_text("3 joined")
    assert not any(name in projector.content() for name in names)
