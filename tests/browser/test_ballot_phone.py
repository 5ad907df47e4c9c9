"""Choice, rating, ranking and word questions answered on a phone of 390 CSS pixels.

The moderator creates the meeting from a JSON template that gives each question its format and
pushes one question at a time from the console; the phone answers with real form controls,
changes its mind, withdraws, reloads, loses the network. What the server stored is read from its
database, and axe checks every control.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    PHONE,
    RECONNECT_TIMEOUT_MS,
    expect_connected,
    expect_no_serious_axe_violations,
    moderator_page,
    open_console,
    phone,
)
from .server import LiveServer

ZOOMED_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 320, "height": 640}}
SAVED = "Saved. You can change your answer until the question closes."
QUEUED = "Kept on this phone: it will be sent as soon as the connection returns."

TITLE = "Water governance: quick polls"
SINGLE = "Who should chair the district drought committee?"
MULTIPLE = "Which kinds of support would help your water committee most?"
RATING = "How far do these describe your basin today?"
SCALE_OF_ELEVEN = "How ready is your district for the next drought?"
RANKING = "Rank what local water institutions need first."
WORDS = "In a few words: what makes water sharing fair?"

CHAIRS = ["Basin authority", "District council", "Community water committee", "A rotating chair"]
SUPPORT = ["Finance", "Data on water levels", "Training", "Clear mandates"]
STATEMENTS = [
    "Women take part in allocation decisions",
    "Plans change after consultation",
    "Everyone can see reservoir levels",
]
NEEDS = ["Mandates", "Finance", "Data", "Skills"]

TEMPLATE: dict[str, Any] = {
    "format": "facilitator.meeting-design",
    "version": 2,
    "title": TITLE,
    "country_field": "optional",
    "questions": [
        {"text": SINGLE, "format": "single", "options": CHAIRS, "settings": {"phones_see_results": True}},
        {"text": MULTIPLE, "format": "multiple", "options": SUPPORT, "settings": {"max_choices": 2}},
        {
            "text": RATING,
            "format": "rating",
            "options": STATEMENTS,
            "settings": {
                "scale_min": 1,
                "scale_max": 5,
                "low_label": "not at all",
                "high_label": "completely",
            },
        },
        {
            "text": SCALE_OF_ELEVEN,
            "format": "rating",
            "settings": {
                "scale_min": 0,
                "scale_max": 10,
                "low_label": "not ready",
                "high_label": "fully ready",
            },
        },
        {"text": RANKING, "format": "ranking", "options": NEEDS},
        {"text": WORDS, "format": "words", "settings": {"max_words": 3}},
    ],
}


@dataclass(frozen=True)
class Meeting:
    id: int
    code: str
    console: Page


@pytest.fixture
def meeting(browser: Browser, server: LiveServer, tmp_path: Path) -> Iterator[Meeting]:
    """A meeting created from the template through the import page, its console open."""
    moderator = moderator_page(browser, server)
    template = tmp_path / "polls.json"
    template.write_text(json.dumps(TEMPLATE), encoding="utf-8")
    moderator.goto("/meetings/import")
    form = moderator.locator("form").filter(has=moderator.get_by_role("button", name="Create from template"))
    form.locator("input[type=file]").set_input_files(template)
    form.get_by_role("button", name="Create from template").click()
    expect(moderator).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(moderator.url.rsplit("/", 1)[1])
    [(code,)] = query(server, "SELECT join_code FROM meeting WHERE id = ?", meeting_id)
    yield Meeting(meeting_id, code, open_console(moderator, meeting_id))


def push(meeting: Meeting, text: str) -> None:
    item = meeting.console.locator("#question-list > li").filter(has_text=text)
    item.get_by_role("button", name="Push to everyone").click()
    expect(meeting.console.locator("#current-text")).to_have_text(text)
    expect(meeting.console.locator("#current-status")).to_have_text("Live")


def voter(browser: Browser, server: LiveServer, meeting: Meeting, question: str, **options: Any) -> Page:
    page = phone(browser, server, meeting.code, name="Amani Njoroge", country="Kenya", **options)
    expect(page.locator("#question-text")).to_have_text(question)
    expect(page.locator("#format-control")).to_be_visible()
    # A ballot question is not answered in writing.
    expect(page.locator("#answer-form")).to_be_hidden()
    expect(page.locator("#open-answers")).to_be_hidden()
    return page


def control(page: Page) -> Locator:
    return page.locator("#format-control form.ballot")


def status(page: Page) -> Locator:
    return page.locator("#format-control .ballot-status")


# ---------------------------------------------------------------- what the server stored


def database(server: LiveServer) -> Path:
    return Path(server.database_url.removeprefix("sqlite:///"))


def query(server: LiveServer, sql: str, *params: Any) -> list[tuple]:
    uri = f"file:{database(server)}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        return connection.execute(sql, params).fetchall()


def question_id(server: LiveServer, meeting: Meeting, text: str) -> int:
    [(found,)] = query(server, "SELECT id FROM question WHERE meeting_id = ? AND text = ?", meeting.id, text)
    return found


def option_ids(server: LiveServer, meeting: Meeting, text: str) -> dict[str, int]:
    rows = query(
        server,
        "SELECT text, id FROM question_option WHERE question_id = ?",
        question_id(server, meeting, text),
    )
    return dict(rows)


def stored_ballots(server: LiveServer, meeting: Meeting, text: str) -> list[tuple[Any, int, int | None]]:
    """(response, seq, group id) of every ballot on the question."""
    rows = query(
        server,
        "SELECT response, seq, group_id FROM ballot WHERE question_id = ?",
        question_id(server, meeting, text),
    )
    return [(json.loads(response) if response else None, seq, group) for response, seq, group in rows]


def stored(server: LiveServer, meeting: Meeting, text: str) -> Any:
    """The response of the one ballot on the question, read once the phone showed its acknowledgement
    (the server acknowledges only what it committed)."""
    ballots = stored_ballots(server, meeting, text)
    assert len(ballots) == 1, ballots
    return ballots[0][0]


def screenshot(page: Page, name: str) -> None:
    """The whole phone page as a participant sees it, without a focus ring left by the test. Kept
    beside the test run: the published ones come from the whole meeting
    (test_every_kind_of_question.py)."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.screenshot(path=Path(tempfile.gettempdir()) / name, full_page=True)


# ---------------------------------------------------------------- accessibility


def expect_reflows(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"the phone scrolls sideways: {widths}"


# ---------------------------------------------------------------- the formats


def test_single_choice_vote_change_withdraw_and_reload(
    browser: Browser, server: LiveServer, meeting: Meeting
) -> None:
    push(meeting, SINGLE)
    # Phones see a question's results only where the room does, on the projector.
    meeting.console.get_by_role("checkbox", name="Show answers on the projector").check()
    amani = voter(browser, server, meeting, SINGLE)
    ids = option_ids(server, meeting, SINGLE)
    choices = amani.get_by_role("group", name=SINGLE)
    expect(choices.get_by_role("radio")).to_have_count(4)

    # Sending nothing says what is missing.
    amani.get_by_role("button", name="Send my choice").click()
    expect(control(amani).locator(".error")).to_have_text("Choose an option first.")

    choices.get_by_role("radio", name="District council").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(SAVED)
    assert stored(server, meeting, SINGLE) == {"options": [ids["District council"]]}
    # Saved: the choice stays on show, locked, until the person asks to change it.
    expect(choices.get_by_role("radio", name="District council")).to_be_checked()
    expect(choices.get_by_role("radio", name="District council")).to_be_disabled()
    expect(amani.get_by_role("button", name="Change my answer")).to_be_focused()

    # The room's results, which this question lets phones see, appear under the control.
    results = amani.locator("#format-control .ballot-results")
    expect(results).to_be_visible()
    expect(results.locator(".chart-respondents")).to_have_text("Respondents: 1")

    amani.get_by_role("button", name="Change my answer").click()
    expect(choices.get_by_role("radio", name="District council")).to_be_enabled()
    choices.get_by_role("radio", name="Community water committee").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(SAVED)
    assert stored(server, meeting, SINGLE) == {"options": [ids["Community water committee"]]}
    expect_no_serious_axe_violations(amani, "single choice")
    screenshot(amani, "phone-single.png")

    # A reload reads the ballot back from the server.
    amani.reload()
    expect_connected(amani)
    choices = amani.get_by_role("group", name=SINGLE)
    expect(choices.get_by_role("radio", name="Community water committee")).to_be_checked()
    expect(choices.get_by_role("radio", name="District council")).not_to_be_checked()
    expect(status(amani)).to_have_text(SAVED)

    # Withdrawn: nothing stays stored, and the control is ready for a new answer.
    amani.get_by_role("button", name="Withdraw my answer").click()
    expect(status(amani)).to_have_text("Your answer was withdrawn.")
    assert stored(server, meeting, SINGLE) is None
    expect(choices.get_by_role("radio", name="Community water committee")).not_to_be_checked()
    expect(choices.get_by_role("radio", name="Community water committee")).to_be_enabled()
    expect(amani.get_by_role("button", name="Withdraw my answer")).to_be_hidden()

    # Closed: the control stays, locked, and says there is no answer.
    meeting.console.get_by_role("button", name="Close question").click()
    expect(status(amani)).to_have_text("You did not answer this question.")
    expect(choices.get_by_role("radio", name="District council")).to_be_disabled()
    expect(amani.get_by_role("button", name="Send my choice")).to_be_hidden()


def test_multiple_choice_respects_at_most(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, MULTIPLE)
    amani = voter(browser, server, meeting, MULTIPLE)
    ids = option_ids(server, meeting, MULTIPLE)
    choices = amani.get_by_role("group", name=MULTIPLE)
    expect(choices).to_have_accessible_description("Choose up to 2.")
    boxes = {text: choices.get_by_role("checkbox", name=text) for text in SUPPORT}

    boxes["Finance"].check()
    expect(boxes["Training"]).to_be_enabled()
    boxes["Clear mandates"].check()
    # Two is the most: the other boxes stop answering, and say why.
    limit = "You have chosen 2, the most allowed. Untick one to choose another."
    expect(amani.locator("#format-control .ballot-limit")).to_have_text(limit)
    for text in ("Data on water levels", "Training"):
        expect(boxes[text]).to_be_disabled()
        expect(boxes[text]).to_have_accessible_description(limit)
    expect_no_serious_axe_violations(amani, "multiple choice")
    screenshot(amani, "phone-multiple.png")

    # Unticking one frees the others again.
    boxes["Finance"].uncheck()
    expect(boxes["Training"]).to_be_enabled()
    expect(amani.locator("#format-control .ballot-limit")).to_be_hidden()
    boxes["Data on water levels"].check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(SAVED)
    # Stored in the moderator's order of the options, whatever the order of ticking.
    assert stored(server, meeting, MULTIPLE) == {
        "options": [ids["Data on water levels"], ids["Clear mandates"]]
    }


def test_rating_matrix_one_row_per_statement(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, RATING)
    amani = voter(browser, server, meeting, RATING)
    ids = option_ids(server, meeting, RATING)
    key = amani.locator("#format-control .ballot-scale-key")
    expect(key).to_contain_text("1 = not at all")
    expect(key).to_contain_text("5 = completely")
    rows = {text: amani.get_by_role("group", name=text, exact=True) for text in STATEMENTS}
    for row in rows.values():
        expect(row.get_by_role("radio")).to_have_count(5)
    # The ends of the scale say what they mean to screen readers as well.
    expect(rows[STATEMENTS[0]].get_by_role("radio", name="1 (not at all)")).to_be_visible()
    expect(rows[STATEMENTS[0]].get_by_role("radio", name="5 (completely)")).to_be_visible()

    rows[STATEMENTS[0]].get_by_role("radio", name="4").check()
    rows[STATEMENTS[1]].get_by_role("radio", name="2").check()
    rows[STATEMENTS[2]].get_by_role("radio", name="5 (completely)").check()
    # A thumb-sized target for every value.
    face = rows[STATEMENTS[0]].locator(".ballot-value").first.bounding_box()
    assert face and face["height"] >= 44 and face["width"] >= 44, face
    expect_no_serious_axe_violations(amani, "rating")
    amani.get_by_role("button", name="Send my rating").click()
    expect(status(amani)).to_have_text(SAVED)
    assert stored(server, meeting, RATING) == {
        "ratings": {str(ids[STATEMENTS[0]]): 4, str(ids[STATEMENTS[1]]): 2, str(ids[STATEMENTS[2]]): 5}
    }
    screenshot(amani, "phone-rating.png")

    # Changed: one row only, the others keep their values.
    amani.get_by_role("button", name="Change my answer").click()
    rows[STATEMENTS[1]].get_by_role("radio", name="3").check()
    amani.get_by_role("button", name="Send my rating").click()
    expect(status(amani)).to_have_text(SAVED)
    assert stored(server, meeting, RATING)["ratings"] == {
        str(ids[STATEMENTS[0]]): 4,
        str(ids[STATEMENTS[1]]): 3,
        str(ids[STATEMENTS[2]]): 5,
    }


def test_scale_of_eleven_fits_a_zoomed_phone(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, SCALE_OF_ELEVEN)
    amani = voter(browser, server, meeting, SCALE_OF_ELEVEN, options=ZOOMED_PHONE)
    row = amani.get_by_role("group", name="Your rating")
    expect(row.get_by_role("radio")).to_have_count(11)
    # 0 to 10 folds onto several lines rather than make the page scroll sideways or the targets tiny.
    expect_reflows(amani)
    tops = {
        round(box["y"]) for box in (face.bounding_box() for face in row.locator(".ballot-value").all()) if box
    }
    assert len(tops) >= 2, tops
    for face in row.locator(".ballot-value").all():
        box = face.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
    # The keyboard moves along the scale as in any radio group.
    row.get_by_role("radio", name="0 (not ready)").check()
    amani.keyboard.press("ArrowRight")
    expect(row.get_by_role("radio", name="1", exact=True)).to_be_checked()
    amani.get_by_role("button", name="Send my rating").click()
    expect(status(amani)).to_have_text(SAVED)
    assert stored(server, meeting, SCALE_OF_ELEVEN) == {"ratings": {"0": 1}}
    expect_no_serious_axe_violations(amani, "rating of eleven values")


def ranking_texts(page: Page) -> list[str]:
    return page.locator("#format-control .ballot-rank-text").all_inner_texts()


def touch_drag(page: Page, handle: Locator, to: Locator) -> None:
    """A finger holds the handle and slides it over the top half of another item, in small steps:
    the item moves into that one's place."""
    start = handle.bounding_box()
    end = to.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    target = end["y"] + end["height"] / 4
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    steps = 12
    for step in range(1, steps + 1):
        point = {"x": x, "y": y + (target - y) * step / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_ranking_by_buttons_and_by_drag(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, RANKING)
    amani = voter(browser, server, meeting, RANKING)
    ids = option_ids(server, meeting, RANKING)
    expect(amani.locator("#format-control .ballot-ranking > li")).to_have_count(4)
    assert ranking_texts(amani) == NEEDS
    expect(amani.get_by_role("button", name="Move up: Mandates")).to_be_disabled()
    expect(amani.get_by_role("button", name="Move down: Skills")).to_be_disabled()

    # With the buttons: Data goes up twice, to the top; each move is announced.
    announcer = amani.locator("#format-control [aria-live=polite].visually-hidden")
    up = amani.get_by_role("button", name="Move up: Data")
    up.click()
    expect(announcer).to_have_text("Data is now number 2 of 4.")
    expect(up).to_be_focused()
    amani.keyboard.press("Enter")
    expect(announcer).to_have_text("Data is now number 1 of 4.")
    assert ranking_texts(amani) == ["Data", "Mandates", "Finance", "Skills"]
    # At the top, focus moves to the arrow that can still move the item.
    expect(amani.get_by_role("button", name="Move down: Data")).to_be_focused()

    # With a finger: Skills is dragged by its handle onto the second place.
    items = amani.locator("#format-control .ballot-ranking > li")
    touch_drag(amani, items.nth(3).locator(".ballot-drag"), items.nth(1))
    assert ranking_texts(amani) == ["Data", "Skills", "Mandates", "Finance"]
    expect(announcer).to_have_text("Skills is now number 2 of 4.")
    expect(items.nth(1).locator(".ballot-rank-number")).to_have_text("2")
    expect_no_serious_axe_violations(amani, "ranking")
    screenshot(amani, "phone-ranking.png")

    amani.get_by_role("button", name="Send my ranking").click()
    expect(status(amani)).to_have_text(SAVED)
    order = ["Data", "Skills", "Mandates", "Finance"]
    assert stored(server, meeting, RANKING) == {"ranking": [ids[text] for text in order]}
    # Locked once sent: no handles, no arrows, the order on show.
    expect(amani.get_by_role("button", name="Move up: Skills")).to_be_hidden()
    expect(items.locator(".ballot-drag").first).to_be_hidden()
    assert ranking_texts(amani) == order


def test_word_cloud_entries_with_counters(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, WORDS)
    amani = voter(browser, server, meeting, WORDS)
    entries = [amani.get_by_role("textbox", name=f"Word or short phrase {number}") for number in (1, 2, 3)]
    expect(entries[0]).to_have_attribute("maxlength", "40")
    expect(entries[0]).to_have_accessible_description("40 characters left")
    amani.get_by_role("button", name="Send my words").click()
    expect(control(amani).locator(".error")).to_have_text("Write at least one word first.")

    entries[0].fill("Trust")
    # Enter goes on to the next box rather than send the words half written.
    entries[0].press("Enter")
    expect(entries[1]).to_be_focused()
    expect(status(amani)).to_be_hidden()
    entries[1].fill("Rules written down")
    expect(entries[1]).to_have_accessible_description("22 characters left")
    entries[2].fill("x" * 50)
    expect(entries[2]).to_have_value("x" * 40)
    expect(entries[2]).to_have_accessible_description("0 characters left")
    entries[2].fill("Transparence")
    expect_no_serious_axe_violations(amani, "word cloud")
    screenshot(amani, "phone-words.png")
    amani.get_by_role("button", name="Send my words").click()
    expect(status(amani)).to_have_text(SAVED)
    words = stored(server, meeting, WORDS)["words"]
    assert [word["text"] for word in words] == ["Trust", "Rules written down", "Transparence"]

    # Back from the server as typed, locked until changed.
    amani.reload()
    expect_connected(amani)
    entries = [amani.get_by_role("textbox", name=f"Word or short phrase {number}") for number in (1, 2, 3)]
    expect(entries[1]).to_have_value("Rules written down")
    expect(entries[1]).to_be_disabled()


def test_vote_made_offline_is_sent_on_reconnect(
    browser: Browser, server: LiveServer, meeting: Meeting
) -> None:
    push(meeting, SINGLE)
    amani = voter(browser, server, meeting, SINGLE)
    ids = option_ids(server, meeting, SINGLE)
    choices = amani.get_by_role("group", name=SINGLE)

    amani.context.set_offline(True)
    expect(amani.locator("#status")).to_have_attribute("data-state", "offline")
    choices.get_by_role("radio", name="Basin authority").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(QUEUED)
    # Changed again while still offline: only the newest change waits, and only it will be sent.
    amani.get_by_role("button", name="Change my answer").click()
    choices.get_by_role("radio", name="A rotating chair").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(QUEUED)
    waiting = [op for op in outbox(amani) if op["type"] == "ballot"]
    assert [op["response"] for op in waiting] == [{"options": [ids["A rotating chair"]]}], waiting
    assert stored_ballots(server, meeting, SINGLE) == []

    amani.context.set_offline(False)
    expect_connected(amani, timeout=RECONNECT_TIMEOUT_MS)
    expect(status(amani)).to_have_text(SAVED)
    [(response, seq, group)] = stored_ballots(server, meeting, SINGLE)
    assert (response, seq, group) == ({"options": [ids["A rotating chair"]]}, waiting[0]["seq"], None)
    assert outbox(amani) == []
    expect(choices.get_by_role("radio", name="A rotating chair")).to_be_checked()


def outbox(page: Page) -> list[dict[str, Any]]:
    """The changes the phone keeps until the server acknowledges them."""
    return page.evaluate(
        """() => Object.keys(localStorage).filter((key) => key.endsWith(':outbox'))
              .flatMap((key) => JSON.parse(localStorage.getItem(key)))"""
    )


def test_another_tab_shows_the_change(browser: Browser, server: LiveServer, meeting: Meeting) -> None:
    push(meeting, SINGLE)
    amani = voter(browser, server, meeting, SINGLE)
    # The same phone, a second tab: the same person.
    second = amani.context.new_page()
    second.goto(amani.url)
    expect_connected(second)
    amani.get_by_role("group", name=SINGLE).get_by_role("radio", name="Basin authority").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(SAVED)
    other = second.get_by_role("group", name=SINGLE)
    expect(other.get_by_role("radio", name="Basin authority")).to_be_checked()
    expect(status(second)).to_have_text(SAVED)


BREAKOUT_PEOPLE = {"Amani Njoroge": "Kenya", "Camille Durand": "France"}


def open_round_with(meeting: Meeting, questions: tuple[str, ...]) -> None:
    """One group, of everyone, working on these questions for five minutes."""
    plan = meeting.console
    plan.goto(f"/meetings/{meeting.id}/breakouts/new")
    plan.get_by_role("radio", name="Random").check()
    plan.get_by_role("radio", name="Number of groups").check()
    plan.locator("#groups").fill("1")
    for number, question in enumerate(TEMPLATE["questions"], start=1):
        box = plan.get_by_role("checkbox", name=f"Question {number}: {question['text']}")
        box.set_checked(question["text"] in questions)
    plan.locator("#minutes").fill("5")
    plan.get_by_role("button", name="Preview groups").click()
    plan.locator("#open-button").click()
    expect(plan).to_have_url(re.compile(rf"/meetings/{meeting.id}/breakouts$"))


def test_breakout_group_answers_its_ballot_questions(
    browser: Browser, server: LiveServer, meeting: Meeting
) -> None:
    phones = {
        name: phone(browser, server, meeting.code, name=name, country=country)
        for name, country in BREAKOUT_PEOPLE.items()
    }
    open_round_with(meeting, (SINGLE, RANKING))
    amani, camille = phones.values()
    for each in phones.values():
        expect(each.locator("#group-view")).to_be_visible()
        expect(each.get_by_role("tab")).to_have_count(2)
    panel = amani.locator("#group-questions > .group-question").first
    expect(panel.locator(".question-text")).to_have_text(SINGLE)
    # Answered by a ballot: no answer box, no wall of written answers.
    expect(panel.locator(".group-answer-form")).to_be_hidden()
    expect(panel.locator(".wall")).to_be_hidden()
    panel.get_by_role("radio", name="Basin authority").check()
    panel.get_by_role("button", name="Send my choice").click()
    expect(panel.locator(".ballot-status")).to_have_text(SAVED)
    [(response, _seq, group)] = stored_ballots(server, meeting, SINGLE)
    assert response == {"options": [option_ids(server, meeting, SINGLE)["Basin authority"]]}
    assert group is not None

    # The group's own results reach the other member, under the same question.
    other = camille.locator("#group-questions > .group-question").first
    expect(other.get_by_role("heading", name="Results", level=3)).to_be_visible()
    expect(other.locator(".chart-respondents")).to_have_text("Respondents: 1")

    # The second question, on its tab: a ranking.
    camille.get_by_role("tab", name="Question 2").click()
    ranking = camille.locator("#group-questions > .group-question").nth(1)
    ranking.get_by_role("button", name="Move up: Skills").click()
    ranking.get_by_role("button", name="Send my ranking").click()
    expect(ranking.locator(".ballot-status")).to_have_text(SAVED)
    ids = option_ids(server, meeting, RANKING)
    [(response, _seq, group)] = stored_ballots(server, meeting, RANKING)
    assert response == {"ranking": [ids[text] for text in ("Mandates", "Finance", "Skills", "Data")]}
    assert group is not None
    expect_no_serious_axe_violations(camille, "breakout group's ranking")

    # A reload brings the group's ballot back.
    amani.reload()
    expect_connected(amani)
    panel = amani.locator("#group-questions > .group-question").first
    expect(panel.get_by_role("radio", name="Basin authority")).to_be_checked()
    expect(panel.locator(".ballot-status")).to_have_text(SAVED)


def test_vote_that_arrives_after_the_close_says_so(
    browser: Browser, server: LiveServer, meeting: Meeting
) -> None:
    push(meeting, SINGLE)
    amani = voter(browser, server, meeting, SINGLE)
    amani.context.set_offline(True)
    expect(amani.locator("#status")).to_have_attribute("data-state", "offline")
    amani.get_by_role("group", name=SINGLE).get_by_role("radio", name="District council").check()
    amani.get_by_role("button", name="Send my choice").click()
    expect(status(amani)).to_have_text(QUEUED)

    meeting.console.get_by_role("button", name="Close question").click()
    expect(meeting.console.locator("#current-status")).to_have_text("Closed")
    amani.context.set_offline(False)
    expect_connected(amani, timeout=RECONNECT_TIMEOUT_MS)
    # Refused, and said so where the vote was made; nothing is stored, nothing waits any more.
    expect(status(amani)).to_have_text("This question is closed; your answer arrived too late.")
    expect(status(amani)).to_have_attribute("data-state", "error")
    assert stored_ballots(server, meeting, SINGLE) == []
    assert outbox(amani) == []
    expect(amani.get_by_role("button", name="Change my answer")).to_be_hidden()
