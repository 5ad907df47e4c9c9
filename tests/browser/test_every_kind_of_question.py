"""A whole meeting with every kind of question, run as a demanding moderator runs one.

The moderator creates the meeting from a JSON template (an open question, a single choice, a
multiple choice of at most two, a rating of two statements from 1 to 5, a ranking of four, a word
cloud and questions from the floor), opens the console and the projector, and eight people join:
three real phones of 390 CSS pixels and five lighter Socket.IO clients that joined through the same
join form. For each question the moderator opens it from the console, the room answers, the
projector's chart counts along (read from its text alternative, the table screen readers get), one
phone changes its answer and the chart follows, and one phone answers without signal and its answer
arrives when the signal returns. At the end the moderator downloads every export and each kind's
results are in each, with the right counts. A second, anonymous meeting shows that its archive ties
no ballot to anyone.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from docx import Document
from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    DESKTOP,
    RECONNECT_TIMEOUT_MS,
    answers_reading,
    expect_connected,
    expect_no_serious_axe_violations,
    moderator_page,
    open_console,
    phone,
    save_screenshot,
    send_answer,
)
from .server import LiveServer

WALL_720: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}}
SOCKET_WAIT_S = 15
SAVED = "Saved. You can change your answer until the question closes."
QUEUED = "Kept on this phone: it will be sent as soon as the connection returns."

TITLE = "Basin dialogue: the whole session"
OPEN = "What one change would make water sharing fairer in your district?"
SINGLE = "Who should chair the district drought committee?"
MULTIPLE = "Which kinds of support would help your water committee most?"
RATING = "How far do these describe your basin today?"
RANKING = "Rank what local water institutions need first."
WORDS = "In a few words: what should the next plan be about?"
FLOOR = "Questions for the panel"

CHAIRS = ["Basin authority", "District council", "Community water committee", "A rotating chair"]
SUPPORT = ["Finance", "Data on water levels", "Training", "Clear mandates"]
WOMEN, LEVELS = "Women take part in allocation decisions", "Everyone can see reservoir levels"
NEEDS = ["Mandates", "Finance", "Data", "Skills"]
RANK_HINT = "Put the most important first: drag an item by its handle, or move it with the arrows."

TEMPLATE: dict[str, Any] = {
    "format": "facilitator.meeting-design",
    "version": 2,
    "title": TITLE,
    "country_field": "optional",
    "attribution": "named",
    "questions": [
        {"text": OPEN, "format": "open"},
        {"text": SINGLE, "format": "single", "options": CHAIRS, "settings": {"phones_see_results": True}},
        {
            "text": MULTIPLE,
            "format": "multiple",
            "options": SUPPORT,
            "settings": {"max_choices": 2, "phones_see_results": True},
        },
        {
            "text": RATING,
            "format": "rating",
            "options": [WOMEN, LEVELS],
            "settings": {
                "scale_min": 1,
                "scale_max": 5,
                "low_label": "not at all",
                "high_label": "completely",
                "phones_see_results": True,
            },
        },
        {"text": RANKING, "format": "ranking", "options": NEEDS, "settings": {"phones_see_results": True}},
        {"text": WORDS, "format": "words", "settings": {"max_words": 3, "phones_see_results": True}},
        {"text": FLOOR, "format": "floor"},
    ],
}

# Three real phones: Amani answers first, Camille changes her mind, Hà answers without signal.
AMANI, CAMILLE, HA = ("Amani Njoroge", "Kenya"), ("Camille Durand", "France"), ("Nguyễn Thị Hà", "Việt Nam")
# Five more people whose phones are Socket.IO clients.
OTHERS = [
    ("Valentina Rojas", "Chile"),
    ("Hugo Bernard", "Belgium"),
    ("Wanjiru Kamau", "Kenya"),
    ("Matías González", "Argentina"),
    ("Sofia Haddad", "Lebanon"),
]


# ---------------------------------------------------------------- phones that are sockets


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    assert tag, page[:300]
    value = re.search(r'value="([^"]+)"', tag.group(0))
    assert value, tag.group(0)
    return value.group(1)


class SocketPhone:
    """A participant who joined through the join form and answers over Socket.IO, as a phone does."""

    def __init__(self, server: LiveServer, code: str, name: str = "", country: str = "") -> None:
        self.name = name or "someone"
        self.http = requests.Session()
        form = self.http.get(f"{server.base_url}/j/{code}")
        fields = {"csrf_token": csrf_token(form.text)}
        if name:
            fields["display_name"] = name
        if country:
            fields["country"] = country
        joined = self.http.post(f"{server.base_url}/j/{code}", data=fields, allow_redirects=False)
        assert joined.status_code == 302, joined.text[:300]
        self.client = socketio.Client(reconnection=False)
        cookies = "; ".join(f"{key}={value}" for key, value in self.http.cookies.items())
        self.client.connect(
            server.base_url,
            headers={"Cookie": cookies},
            auth={"view": "phone", "meeting": code},
            transports=["websocket"],
            wait_timeout=SOCKET_WAIT_S,
        )
        self.seq = 0

    def call(self, event: str, payload: dict) -> dict:
        return self.client.call(event, payload, timeout=SOCKET_WAIT_S)

    def must(self, event: str, payload: dict) -> dict:
        reply = self.call(event, payload)
        assert reply.get("ok"), f"{self.name}, {event}: {reply}"
        return reply

    def ballot(self, question_id: int, response: dict) -> dict:
        self.seq += 1
        payload = {
            "question_id": question_id,
            "client_id": client_id(),
            "seq": self.seq,
            "response": response,
        }
        return self.call("cast_ballot", payload)

    def vote(self, question_id: int, response: dict) -> None:
        reply = self.ballot(question_id, response)
        assert reply.get("ok"), f"{self.name}: {reply}"

    def close(self) -> None:
        self.client.disconnect()


def client_id() -> str:
    return "t-" + secrets.token_hex(8)


@pytest.fixture
def sockets() -> Iterator[list[SocketPhone]]:
    joined: list[SocketPhone] = []
    yield joined
    for each in joined:
        each.close()


# ---------------------------------------------------------------- what the server stored


def query(server: LiveServer, sql: str, *params: Any) -> list[tuple]:
    path = Path(server.database_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute(sql, params).fetchall()


# ---------------------------------------------------------------- the room


@dataclass
class Room:
    server: LiveServer
    meeting_id: int
    code: str
    console: Page
    projector: Page
    amani: Page
    camille: Page
    ha: Page
    others: list[SocketPhone]

    def question_id(self, text: str) -> int:
        [(found,)] = query(
            self.server, "SELECT id FROM question WHERE meeting_id = ? AND text = ?", self.meeting_id, text
        )
        return found

    def option_ids(self, text: str) -> dict[str, int]:
        rows = query(
            self.server, "SELECT text, id FROM question_option WHERE question_id = ?", self.question_id(text)
        )
        return dict(rows)

    @property
    def phones(self) -> tuple[Page, Page, Page]:
        return self.amani, self.camille, self.ha

    @property
    def wall(self) -> Locator:
        return self.projector.locator("#results-stage")


def meeting_from_template(moderator: Page, server: LiveServer, template: dict, path: Path) -> tuple[int, str]:
    """The moderator uploads a JSON template on the import page and creates the meeting."""
    path.write_text(json.dumps(template), encoding="utf-8")
    moderator.goto("/meetings/import")
    form = moderator.locator("form").filter(has=moderator.get_by_role("button", name="Create from template"))
    form.locator("input[type=file]").set_input_files(path)
    form.get_by_role("button", name="Create from template").click()
    expect(moderator).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(moderator.url.rsplit("/", 1)[1])
    [(code,)] = query(server, "SELECT join_code FROM meeting WHERE id = ?", meeting_id)
    return meeting_id, code


def push(room: Room, text: str) -> None:
    """The moderator opens the question from the console; every real phone shows it."""
    item = room.console.locator("#question-list > li").filter(has_text=text)
    item.get_by_role("button", name="Push to everyone").click()
    expect(room.console.locator("#current-text")).to_have_text(text)
    expect(room.console.locator("#current-status")).to_have_text("Live")
    expect(room.projector.locator("#question-text")).to_have_text(text)
    for each in room.phones:
        expect(each.locator("#question-text")).to_have_text(text)


def go_offline(page: Page) -> None:
    page.context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute("data-state", "offline")


def come_back(page: Page) -> None:
    page.context.set_offline(False)
    expect_connected(page, timeout=RECONNECT_TIMEOUT_MS)


# ---------------------------------------------------------------- phone controls


def status(page: Page) -> Locator:
    return page.locator("#format-control .ballot-status")


def send_ballot(page: Page, button: str, *, expected: str = SAVED) -> None:
    page.get_by_role("button", name=button).click()
    expect(status(page)).to_have_text(expected)


def change_answer(page: Page) -> None:
    page.get_by_role("button", name="Change my answer").click()


def choices(page: Page, question: str) -> Locator:
    return page.get_by_role("group", name=question)


def rate(page: Page, statement: str, value: int) -> None:
    row = page.get_by_role("group", name=statement, exact=True)
    # The ends also say what they mean: "1 (not at all)", "5 (completely)".
    row.get_by_role("radio", name=re.compile(rf"^{value}( \(|$)")).check()


def move_up(page: Page, item: str, times: int = 1) -> None:
    for _ in range(times):
        page.get_by_role("button", name=f"Move up: {item}").click()


def word_boxes(page: Page) -> list[Locator]:
    return [page.get_by_role("textbox", name=f"Word or short phrase {number}") for number in (1, 2, 3)]


def write_words(page: Page, words: list[str]) -> None:
    for box, word in zip(word_boxes(page), [*words, "", ""], strict=False):
        box.fill(word)


def phone_screenshot(page: Page, name: str) -> None:
    """The whole phone page as its owner sees it, without a focus ring left by the test."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    save_screenshot(page, name, full_page=True)


def wall_screenshot(page: Page, name: str) -> None:
    """The wall as the room sees it, 1280×720."""
    save_screenshot(page, name)


def control_in_use(page: Page, what: str, screenshot: str) -> None:
    """A phone in the middle of changing its answer: the control in use, the room's results under it."""
    expect_phone_chart(page, 7)
    expect_no_serious_axe_violations(page, f"the {what} on a phone, in use")
    phone_screenshot(page, screenshot)


def expect_phone_chart(page: Page, respondents: int) -> None:
    """The room's results under the control, for questions that let phones see them."""
    results = page.locator("#format-control .ballot-results")
    expect(results).to_be_visible()
    expect(results.locator(".chart-respondents")).to_have_text(f"Respondents: {respondents}")


# ---------------------------------------------------------------- the wall's chart, as text


def expect_chart(chart: Locator, rows: list[list[str]]) -> None:
    """Every row of the chart's text alternative: its name, then each number, as screen readers
    read them."""
    body = chart.locator(".chart-table tbody tr")
    expect(body).to_have_count(len(rows))
    for index, cells in enumerate(rows):
        expect(body.nth(index).locator("th, td")).to_have_text(cells)


def choice_rows(counts: dict[str, int], respondents: int) -> list[list[str]]:
    return [
        [text, f"{count} of {respondents}", f"{100 * count / respondents:.1f}%"]
        for text, count in counts.items()
    ]


# ---------------------------------------------------------------- the meeting


@pytest.fixture
def room(browser: Browser, server: LiveServer, sockets: list[SocketPhone], tmp_path: Path) -> Room:
    moderator = moderator_page(browser, server, options=DESKTOP)
    meeting_id, code = meeting_from_template(moderator, server, TEMPLATE, tmp_path / "session.json")
    console = open_console(moderator, meeting_id)
    projector = moderator_page(browser, server, options=WALL_720, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)
    amani, camille, ha = (phone(browser, server, code, name=n, country=c) for n, c in (AMANI, CAMILLE, HA))
    sockets.extend(SocketPhone(server, code, name, country) for name, country in OTHERS)
    expect(console.locator("#participant-count")).to_have_text("8 joined")
    return Room(server, meeting_id, code, console, projector, amani, camille, ha, sockets)


def test_a_whole_meeting_with_every_kind_of_question(room: Room, tmp_path: Path) -> None:
    # The room sees the answers: the wall shows what phones send.
    push(room, OPEN)
    room.console.get_by_role("checkbox", name="Show answers on the projector").check()
    open_text(room)
    single_choice(room)
    multiple_choice(room)
    rating(room)
    ranking(room)
    word_cloud(room)
    questions_from_the_floor(room)
    exports(room, tmp_path)


# ---------------------------------------------------------------- open text

OPEN_ANSWERS = {
    "Valentina Rojas": "Publish every allocation decision the week it is made",
    "Hugo Bernard": "A seat for farmers downstream on the committee",
    "Wanjiru Kamau": "Rotas agreed before the dry season, not during it",
    "Matías González": "Meters on the big pumps",
    "Sofia Haddad": "Women chair at least half of the water user associations",
}
AMANI_WRITES = "Share the reservoir levels with every district every week"
CAMILLE_FIRST = "Fines for taking water out of turn"
CAMILLE_EDITED = "Fines for taking water out of turn, paid into the maintenance fund"
HA_OFFLINE = "Written without signal: a hotline to report pumps running at night"


def open_text(room: Room) -> None:
    question = room.question_id(OPEN)
    wall_answers = room.projector.locator("#answers > li .answer-text")
    go_offline(room.ha)
    send_answer(room.ha, HA_OFFLINE)
    expect(answers_reading(room.ha, "#my-answers", HA_OFFLINE)).to_contain_text("Waiting for connection")

    for each in room.others:
        each.must(
            "submit_answer",
            {"question_id": question, "client_id": client_id(), "text": OPEN_ANSWERS[each.name]},
        )
    send_answer(room.amani, AMANI_WRITES)
    send_answer(room.camille, CAMILLE_FIRST)
    expect(wall_answers).to_have_text([*OPEN_ANSWERS.values(), AMANI_WRITES, CAMILLE_FIRST])
    expect(room.projector.locator("#progress")).to_have_text("7 of 8 participants answered")

    # Camille rewrites hers: the wall shows the new words in the same place.
    mine = answers_reading(room.camille, "#my-answers", CAMILLE_FIRST)
    mine.get_by_role("button", name="Edit").click()
    room.camille.get_by_role("textbox", name="Edit").fill(CAMILLE_EDITED)
    room.camille.get_by_role("button", name="Save", exact=True).click()
    expect(wall_answers).to_have_text([*OPEN_ANSWERS.values(), AMANI_WRITES, CAMILLE_EDITED])

    # Hà's answer, kept on her phone, arrives once the signal is back: once, last.
    come_back(room.ha)
    expect(answers_reading(room.ha, "#my-answers", HA_OFFLINE)).not_to_contain_text("Waiting for connection")
    expect(wall_answers).to_have_text([*OPEN_ANSWERS.values(), AMANI_WRITES, CAMILLE_EDITED, HA_OFFLINE])
    expect(room.projector.locator("#progress")).to_have_text("8 of 8 participants answered")


# ---------------------------------------------------------------- single choice


def single_choice(room: Room) -> None:
    push(room, SINGLE)
    question, ids = room.question_id(SINGLE), room.option_ids(SINGLE)
    basin, district, community, rotating = CHAIRS
    go_offline(room.ha)
    choices(room.ha, SINGLE).get_by_role("radio", name=community).check()
    send_ballot(room.ha, "Send my choice", expected=QUEUED)

    for each, chair in zip(room.others, [basin, district, community, community, rotating], strict=True):
        each.vote(question, {"options": [ids[chair]]})
    choices(room.amani, SINGLE).get_by_role("radio", name=district).check()
    send_ballot(room.amani, "Send my choice")
    choices(room.camille, SINGLE).get_by_role("radio", name=basin).check()
    send_ballot(room.camille, "Send my choice")
    expect_chart(room.wall, choice_rows({basin: 2, district: 2, community: 2, rotating: 1}, 7))

    # Camille changes her mind: the chart follows.
    change_answer(room.camille)
    choices(room.camille, SINGLE).get_by_role("radio", name=community).check()
    control_in_use(room.camille, "single choice", "phone-single.png")
    send_ballot(room.camille, "Send my choice")
    expect_chart(room.wall, choice_rows({basin: 1, district: 2, community: 3, rotating: 1}, 7))

    come_back(room.ha)
    expect(status(room.ha)).to_have_text(SAVED)
    final = {basin: 1, district: 2, community: 4, rotating: 1}
    expect_chart(room.wall, choice_rows(final, 8))
    expect(room.projector.locator("#progress")).to_have_text("8 of 8 participants answered")
    expect_phone_chart(room.amani, 8)
    expect_no_serious_axe_violations(room.amani, "the single choice on a phone")
    expect_no_serious_axe_violations(room.projector, "the single choice chart on the projector")
    wall_screenshot(room.projector, "projector-single.png")


# ---------------------------------------------------------------- multiple choice, at most two


def multiple_choice(room: Room) -> None:
    push(room, MULTIPLE)
    question, ids = room.question_id(MULTIPLE), room.option_ids(MULTIPLE)
    finance, data, training, mandates = SUPPORT
    go_offline(room.ha)
    choices(room.ha, MULTIPLE).get_by_role("checkbox", name=data).check()
    send_ballot(room.ha, "Send my choice", expected=QUEUED)

    picks = [[finance, mandates], [data], [finance, training], [finance, data], [mandates]]
    for each, chosen in zip(room.others, picks, strict=True):
        each.vote(question, {"options": [ids[text] for text in chosen]})
    # Three is more than the question allows, whoever sends it.
    refused = room.others[0].ballot(question, {"options": [ids[finance], ids[data], ids[training]]})
    assert not refused.get("ok"), refused

    boxes = choices(room.amani, MULTIPLE)
    expect(boxes).to_have_accessible_description("Choose up to 2.")
    boxes.get_by_role("checkbox", name=finance).check()
    boxes.get_by_role("checkbox", name=mandates).check()
    expect(boxes.get_by_role("checkbox", name=training)).to_be_disabled()
    expect(room.amani.locator("#format-control .ballot-limit")).to_have_text(
        "You have chosen 2, the most allowed. Untick one to choose another."
    )
    send_ballot(room.amani, "Send my choice")
    choices(room.camille, MULTIPLE).get_by_role("checkbox", name=training).check()
    send_ballot(room.camille, "Send my choice")
    expect_chart(room.wall, choice_rows({finance: 4, data: 2, training: 2, mandates: 3}, 7))

    change_answer(room.camille)
    choices(room.camille, MULTIPLE).get_by_role("checkbox", name=data).check()
    control_in_use(room.camille, "multiple choice", "phone-multiple.png")
    send_ballot(room.camille, "Send my choice")
    expect_chart(room.wall, choice_rows({finance: 4, data: 3, training: 2, mandates: 3}, 7))

    come_back(room.ha)
    expect(status(room.ha)).to_have_text(SAVED)
    expect_chart(room.wall, choice_rows({finance: 4, data: 4, training: 2, mandates: 3}, 8))
    expect_phone_chart(room.amani, 8)
    expect_no_serious_axe_violations(room.amani, "the multiple choice on a phone")
    expect_no_serious_axe_violations(room.projector, "the multiple choice chart on the projector")
    wall_screenshot(room.projector, "projector-multiple.png")


# ---------------------------------------------------------------- rating of two statements

SCALE_HEADERS = ["1 = not at all", "2", "3", "4", "5 = completely"]


def rating_row(statement: str, mean: str, distribution: list[int]) -> list[str]:
    return [statement, mean, str(sum(distribution)), *map(str, distribution)]


def rating(room: Room) -> None:
    push(room, RATING)
    question, ids = room.question_id(RATING), room.option_ids(RATING)
    go_offline(room.ha)
    rate(room.ha, WOMEN, 4)
    rate(room.ha, LEVELS, 3)
    send_ballot(room.ha, "Send my rating", expected=QUEUED)

    for each, (women, levels) in zip(room.others, [(4, 2), (5, 3), (3, 3), (2, 1), (4, 5)], strict=True):
        each.vote(question, {"ratings": {str(ids[WOMEN]): women, str(ids[LEVELS]): levels}})
    rate(room.amani, WOMEN, 5)
    rate(room.amani, LEVELS, 4)
    send_ballot(room.amani, "Send my rating")
    rate(room.camille, WOMEN, 1)
    rate(room.camille, LEVELS, 2)
    send_ballot(room.camille, "Send my rating")
    expect(room.wall.locator(".chart-table thead th")).to_have_text(
        ["Statement", "Mean", "Answers", *SCALE_HEADERS]
    )
    expect_chart(
        room.wall, [rating_row(WOMEN, "3.43", [1, 1, 1, 2, 2]), rating_row(LEVELS, "2.86", [1, 2, 2, 1, 1])]
    )

    # Camille changes one statement only; the other keeps her rating.
    change_answer(room.camille)
    rate(room.camille, WOMEN, 3)
    control_in_use(room.camille, "rating", "phone-rating.png")
    send_ballot(room.camille, "Send my rating")
    expect_chart(
        room.wall, [rating_row(WOMEN, "3.71", [0, 1, 2, 2, 2]), rating_row(LEVELS, "2.86", [1, 2, 2, 1, 1])]
    )

    come_back(room.ha)
    expect(status(room.ha)).to_have_text(SAVED)
    expect_chart(
        room.wall, [rating_row(WOMEN, "3.75", [0, 1, 2, 3, 2]), rating_row(LEVELS, "2.88", [1, 2, 3, 1, 1])]
    )
    expect_phone_chart(room.amani, 8)
    expect_no_serious_axe_violations(room.amani, "the rating on a phone")
    expect_no_serious_axe_violations(room.projector, "the rating chart on the projector")
    wall_screenshot(room.projector, "projector-rating.png")


# ---------------------------------------------------------------- ranking of four


def expect_ranking(chart: Locator, points: list[tuple[str, int]], answers: int) -> None:
    body = chart.locator(".chart-table tbody tr")
    expect(body).to_have_count(len(points))
    expect(body.locator("> :nth-child(1)")).to_have_text([text for text, _ in points])
    expect(body.locator("> :nth-child(2)")).to_have_text([str(place) for place in range(1, len(points) + 1)])
    expect(body.locator("> :nth-child(3)")).to_have_text([str(borda) for _, borda in points])
    expect(body.locator("> :nth-child(5)")).to_have_text([str(answers)] * len(points))


def ranking(room: Room) -> None:
    push(room, RANKING)
    question, ids = room.question_id(RANKING), room.option_ids(RANKING)
    mandates, finance, data, skills = NEEDS
    go_offline(room.ha)
    move_up(room.ha, finance)
    send_ballot(room.ha, "Send my ranking", expected=QUEUED)

    orders = [
        [finance, mandates, data, skills],
        [data, finance, skills, mandates],
        [finance, data, mandates, skills],
        [mandates, finance, skills, data],
        [finance, skills, data, mandates],
    ]
    for each, order in zip(room.others, orders, strict=True):
        each.vote(question, {"ranking": [ids[text] for text in order]})
    move_up(room.amani, data, times=2)
    send_ballot(room.amani, "Send my ranking")
    # Camille keeps the order she was given.
    send_ballot(room.camille, "Send my ranking")
    # Borda: the first of four gets 3 points, the last none. Equal points keep the moderator's order.
    expect_ranking(room.wall, [(finance, 16), (mandates, 11), (data, 11), (skills, 4)], 7)

    change_answer(room.camille)
    move_up(room.camille, skills)
    expect(room.camille.get_by_text(RANK_HINT)).to_be_visible()
    control_in_use(room.camille, "ranking", "phone-ranking.png")
    send_ballot(room.camille, "Send my ranking")
    # Sent, the order is locked: no handles, no arrows, and no hint that speaks of them.
    expect(room.camille.get_by_role("button", name=f"Move up: {skills}")).to_be_hidden()
    expect(room.camille.get_by_text(RANK_HINT)).to_be_hidden()
    expect_ranking(room.wall, [(finance, 16), (mandates, 11), (data, 10), (skills, 5)], 7)

    come_back(room.ha)
    expect(status(room.ha)).to_have_text(SAVED)
    expect_ranking(room.wall, [(finance, 19), (mandates, 13), (data, 11), (skills, 5)], 8)
    # The mean place: Finance came 1, 2, 1, 2, 1, 3, 2, 1.
    expect(room.wall.locator(".chart-table tbody tr").first.locator("td").nth(2)).to_have_text("1.62")
    expect_phone_chart(room.amani, 8)
    expect_no_serious_axe_violations(room.amani, "the ranking on a phone")
    expect_no_serious_axe_violations(room.projector, "the ranking chart on the projector")
    wall_screenshot(room.projector, "projector-ranking.png")


# ---------------------------------------------------------------- word cloud


# Words given by one person each, listed after the others in alphabetical order.
ONCE = [
    [word, "1"]
    for word in ("Aquifères", "Budget local", "Données ouvertes", "Femmes", "Irrigation", "Sécheresse")
]


def word_cloud(room: Room) -> None:
    push(room, WORDS)
    question = room.question_id(WORDS)
    go_offline(room.ha)
    write_words(room.ha, ["Eau", "Confiance"])
    send_ballot(room.ha, "Send my words", expected=QUEUED)

    given = [
        ["climat", "Eau", "Sécheresse"],
        ["Le climat", "Confiance", "Budget local"],
        ["Confiance", "eau", "Femmes"],
        ["Transparence", "Aquifères", "Données ouvertes"],
        ["Climat", "Transparence", "Irrigation"],
    ]
    for each, words in zip(room.others, given, strict=True):
        each.vote(question, {"words": words})
    # Three spellings of one word on one phone count once: one word is stored, one box stays filled.
    write_words(room.amani, ["Climat", "climat", "le climat"])
    send_ballot(room.amani, "Send my words")
    [(stored,)] = query(
        room.server,
        "SELECT b.response FROM ballot b JOIN participant p ON p.id = b.participant_id "
        "WHERE b.question_id = ? AND p.display_name = ?",
        question,
        AMANI[0],
    )
    assert json.loads(stored) == {"words": [{"key": "climat", "text": "Climat"}]}
    boxes = word_boxes(room.amani)
    expect(boxes[0]).to_have_value("Climat")
    expect(boxes[1]).to_have_value("")
    write_words(room.camille, ["Confiance"])
    send_ballot(room.camille, "Send my words")
    # Across people the spellings are one word too, shown as most people wrote it.
    expect_chart(room.wall, [["Climat", "4"], ["Confiance", "3"], ["Eau", "2"], ["Transparence", "2"], *ONCE])

    change_answer(room.camille)
    word_boxes(room.camille)[1].fill("Climat")
    control_in_use(room.camille, "word cloud", "phone-words.png")
    send_ballot(room.camille, "Send my words")
    expect_chart(room.wall, [["Climat", "5"], ["Confiance", "3"], ["Eau", "2"], ["Transparence", "2"], *ONCE])

    come_back(room.ha)
    expect(status(room.ha)).to_have_text(SAVED)
    expect_chart(room.wall, [["Climat", "5"], ["Confiance", "4"], ["Eau", "3"], ["Transparence", "2"], *ONCE])
    # Every word is drawn, the most given first.
    expect(room.wall.locator(".chart-word")).to_have_text([*FINAL_COUNTS[WORDS]])
    expect_phone_chart(room.amani, 8)
    expect_no_serious_axe_violations(room.amani, "the word cloud on a phone")
    expect_no_serious_axe_violations(room.projector, "the word cloud on the projector")
    wall_screenshot(room.projector, "projector-words.png")


# ---------------------------------------------------------------- questions from the floor

HA_ASKS = "Who pays for the rainfall stations once the project ends?"
VALENTINA_ASKS = "Will the allocation data be published for everyone?"
AMANI_ASKS = "Asked in the stairwell: can districts see each other's data?"


def floor_item(page: Page, list_selector: str, text: str) -> Locator:
    exactly = re.compile(rf"^\s*{re.escape(text)}\s*$")
    return page.locator(f"{list_selector} > li").filter(has=page.locator(".answer-text", has_text=exactly))


def room_item(page: Page, text: str) -> Locator:
    return floor_item(page, ".floor-list[aria-labelledby='floor-list-heading']", text)


def vote_button(item: Locator) -> Locator:
    return item.get_by_role("button", name=re.compile("^Vote for this question"))


def ask(page: Page, text: str) -> None:
    page.locator("#floor-text").fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#floor-text")).to_have_value("")


def floor_item_id(room: Room, text: str) -> int:
    [(found,)] = query(
        room.server, "SELECT id FROM answer WHERE question_id = ? AND text = ?", room.question_id(FLOOR), text
    )
    return found


def questions_from_the_floor(room: Room) -> None:
    push(room, FLOOR)
    question = room.question_id(FLOOR)
    console, projector = room.console, room.projector
    top = projector.locator("#floor-top > li")
    valentina, hugo, wanjiru, matias, sofia = room.others

    # Amani asks without signal: the question waits on her phone.
    go_offline(room.amani)
    ask(room.amani, AMANI_ASKS)
    expect(floor_item(room.amani, ".floor-waiting ul", AMANI_ASKS)).to_contain_text("Waiting for connection")

    ask(room.ha, HA_ASKS)
    valentina.must(
        "ask_floor",
        {"question_id": question, "client_id": client_id(), "text": VALENTINA_ASKS, "anonymous": True},
    )
    expect(room_item(room.camille, HA_ASKS)).to_contain_text("Nguyễn Thị Hà · Việt Nam")
    expect(room_item(room.camille, VALENTINA_ASKS)).to_contain_text("Anonymous")

    # Votes: Camille and three others for Hà's question, Sofia for Valentina's.
    vote = vote_button(room_item(room.camille, HA_ASKS))
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    ha_item, valentina_item = floor_item_id(room, HA_ASKS), floor_item_id(room, VALENTINA_ASKS)
    for each in (hugo, wanjiru, matias):
        each.must("support_floor", {"item_id": ha_item, "supported": True})
    sofia.must("support_floor", {"item_id": valentina_item, "supported": True})
    expect(top.locator(".answer-text")).to_have_text([HA_ASKS, VALENTINA_ASKS])
    expect(top.locator(".floor-top-votes .visually-hidden")).to_have_text(["Votes: 4", "Votes: 1"])

    # Camille moves her vote to Valentina's question: the counts follow everywhere.
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote_button(room_item(room.camille, VALENTINA_ASKS)).click()
    expect(floor_item(console, "#floor-open", HA_ASKS)).to_contain_text("Votes: 3")
    expect(floor_item(console, "#floor-open", VALENTINA_ASKS)).to_contain_text("Votes: 2")
    expect(top.locator(".floor-top-votes .visually-hidden")).to_have_text(["Votes: 3", "Votes: 2"])

    # Amani's question arrives once the signal is back, at the bottom with no votes.
    come_back(room.amani)
    expect(room_item(room.amani, AMANI_ASKS)).to_contain_text("You asked this")
    expect(top.locator(".answer-text")).to_have_text([HA_ASKS, VALENTINA_ASKS, AMANI_ASKS])
    expect_no_serious_axe_violations(projector, "the questions from the floor on the projector")

    wall_screenshot(projector, "projector-floor.png")
    # The star puts Hà's question big on the wall.
    star = floor_item(console, "#floor-open", HA_ASKS).get_by_role("button", name="Spotlight")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(projector.locator("#floor-spotlight-text")).to_have_text(HA_ASKS)
    expect(projector.locator("#floor-spotlight-meta")).to_have_text("Nguyễn Thị Hà · Việt Nam · Votes: 3")
    expect(projector.locator("#floor-top")).to_be_hidden()
    expect(room_item(room.ha, HA_ASKS)).to_contain_text("On the projector")
    expect(room_item(room.camille, HA_ASKS)).to_contain_text("On the projector")
    expect_no_serious_axe_violations(room.camille, "the questions from the floor on a phone")
    phone_screenshot(room.camille, "phone-floor.png")
    text_size = projector.locator("#floor-spotlight-text").evaluate(
        "(node) => parseFloat(getComputedStyle(node).fontSize)"
    )
    assert text_size >= 40, f"the spotlighted question is not big on the wall: {text_size}px"
    expect_no_serious_axe_violations(projector, "the spotlighted question on the projector")

    # Answered: it leaves the wall and the room's list, and is listed as answered on every phone.
    floor_item(console, "#floor-open", HA_ASKS).get_by_role(
        "button", name="Mark answered", exact=True
    ).click()
    expect(floor_item(console, "#floor-answered", HA_ASKS)).to_have_count(1)
    expect(projector.locator("#floor-spotlight")).to_be_hidden()
    expect(top.locator(".answer-text")).to_have_text([VALENTINA_ASKS, AMANI_ASKS])
    for each in room.phones:
        answered = floor_item(each, ".floor-list[aria-labelledby='floor-answered-heading']", HA_ASKS)
        expect(answered).to_have_count(1)
        expect(room_item(each, HA_ASKS)).to_have_count(0)


# ---------------------------------------------------------------- the exports


def download(page: Page, name: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def open_synthesis(room: Room) -> Page:
    page = room.console
    page.get_by_role("link", name="Synthesis and report").click()
    expect(page).to_have_url(f"{room.server.base_url}/meetings/{room.meeting_id}/synthesis")
    expect_connected(page)
    return page


# What each export must hold, whatever its form: (question, item) → count.
FINAL_COUNTS: dict[str, dict[str, int]] = {
    SINGLE: dict(zip(CHAIRS, [1, 2, 4, 1], strict=True)),
    MULTIPLE: dict(zip(SUPPORT, [4, 4, 2, 3], strict=True)),
    RANKING: {"Finance": 19, "Mandates": 13, "Data": 11, "Skills": 5},  # Borda points
    WORDS: {"Climat": 5, "Confiance": 4, "Eau": 3, "Transparence": 2} | {word: 1 for word, _ in ONCE},
}
RATING_MEANS = {WOMEN: ("3.75", [0, 1, 2, 3, 2]), LEVELS: ("2.88", [1, 2, 3, 1, 1])}
FLOOR_VOTES = {HA_ASKS: (3, True), VALENTINA_ASKS: (2, False), AMANI_ASKS: (0, False)}
ALL_OPEN_ANSWERS = [*OPEN_ANSWERS.values(), AMANI_WRITES, CAMILLE_EDITED, HA_OFFLINE]


def exports(room: Room, tmp_path: Path) -> None:
    synthesis = open_synthesis(room)
    check_csv(download(synthesis, "Every answer and result (.csv)", tmp_path).read_text("utf-8-sig"))
    check_markdown(download(synthesis, "Markdown (.md)", tmp_path).read_text(encoding="utf-8"))
    check_word(Document(str(download(synthesis, "Word report (.docx)", tmp_path))))
    check_archive(
        json.loads(download(synthesis, "Archive (.json)", tmp_path).read_text(encoding="utf-8")), room
    )


def check_csv(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    by_kind = Counter((row["question"], row["kind"]) for row in rows)
    written = sorted(row["answer"] for row in rows if row["question"] == OPEN and row["kind"] == "answer")
    assert written == sorted(ALL_OPEN_ANSWERS), written
    results = {(row["question"], row["item"]): row for row in rows if row["kind"] == "result"}
    for question, counts in FINAL_COUNTS.items():
        column = "borda" if question == RANKING else "count"
        found = {item: int(results[(question, item)][column]) for item in counts}
        assert found == counts, (question, found)
        assert by_kind[(question, "result")] == len(counts), (question, by_kind)
        assert all(results[(question, item)]["respondents"] == "8" for item in counts)
    for statement, (mean, distribution) in RATING_MEANS.items():
        row = results[(RATING, statement)]
        assert (row["count"], row["mean"]) == ("8", mean), row
        assert row["distribution"] == "; ".join(f"{v}={c}" for v, c in enumerate(distribution, start=1))
    floor = {
        row["answer"]: (int(row["votes"]), row["answered"] == "true")
        for row in rows
        if row["kind"] == "floor"
    }
    assert floor == FLOOR_VOTES, floor


def check_markdown(text: str) -> None:
    for answer in ALL_OPEN_ANSWERS:
        assert answer in text, answer
    # Camille's first words are only there as the start of her edited answer.
    assert text.count(CAMILLE_FIRST) == text.count(CAMILLE_EDITED) == 1
    for question, counts in FINAL_COUNTS.items():
        section = text.split(question, 1)[1]
        for item, count in counts.items():
            assert re.search(rf"^\|[^\n]*{re.escape(item)}[^\n]*\| {count} \|", section, re.M), (
                question,
                item,
            )
        assert "Respondents: 8" in section.split("\n## ", 1)[0], question
    rating_section = text.split(RATING, 1)[1]
    for statement, (mean, _distribution) in RATING_MEANS.items():
        assert re.search(rf"^\| {re.escape(statement)} \| {mean} \| 8 \|", rating_section, re.M), statement
    floor_section = text.split(FLOOR, 1)[1]
    assert (
        floor_section.index(HA_ASKS) < floor_section.index(VALENTINA_ASKS) < floor_section.index(AMANI_ASKS)
    )
    assert "3 votes · answered" in floor_section


def check_word(document: Any) -> None:
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for question in (OPEN, SINGLE, MULTIPLE, RATING, RANKING, WORDS, FLOOR):
        assert any(question in heading for heading in headings), (question, headings)
    for answer in ALL_OPEN_ANSWERS:
        assert answer in body, answer
    for question in FLOOR_VOTES:
        assert question in body, question
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    for question, counts in FINAL_COUNTS.items():
        for item, count in counts.items():
            assert any(item_and_count(question, row) == [item, str(count)] for row in cells), (
                question,
                item,
                count,
                cells,
            )
    for statement, (mean, _distribution) in RATING_MEANS.items():
        assert any(row[:3] == [statement, mean, "8"] for row in cells), (statement, cells)


def item_and_count(question: str, row: list[str]) -> list[str]:
    """A ranking's row reads rank, item, mean rank, Borda points; the others' item, count first."""
    return row[1:4:2] if question == RANKING else row[:2]


def tally(archive: dict, question_text: str) -> tuple[int, Counter]:
    """Respondents and counts of one question, recounted from the archive's ballots."""
    [question] = [q for q in archive["design"]["questions"] if q["text"] == question_text]
    options = {option["id"]: option["text"] for option in question["options"]}
    ballots = [b for b in archive["ballots"] if b["question"] == question["id"]]
    counts: Counter = Counter()
    for ballot in ballots:
        response = ballot["response"]
        if "options" in response:
            counts.update(options[o] for o in response["options"])
        elif "ranking" in response:
            counts.update(
                {options[o]: len(options) - place for place, o in enumerate(response["ranking"], 1)}
            )
        elif "words" in response:
            counts.update(word["key"] for word in response["words"])
    return len(ballots), counts


def check_archive(archive: dict, room: Room) -> None:
    names = {person.get("display_name") for person in archive["participants"]}
    assert {AMANI[0], CAMILLE[0], HA[0], *(name for name, _ in OTHERS)} <= names, names
    for question in (SINGLE, MULTIPLE, RANKING):
        respondents, counts = tally(archive, question)
        assert respondents == 8 and dict(counts) == FINAL_COUNTS[question], (question, counts)
    respondents, words = tally(archive, WORDS)
    assert respondents == 8 and len(words) == len(FINAL_COUNTS[WORDS]), words
    assert {key: words[key] for key in ("climat", "confiance", "eau", "transparence")} == {
        "climat": 5,
        "confiance": 4,
        "eau": 3,
        "transparence": 2,
    }, words
    # A named meeting's ballots say whose they are: the anonymous one below must not.
    assert all(ballot.get("participant") for ballot in archive["ballots"])
    [floor] = [q["id"] for q in archive["design"]["questions"] if q["text"] == FLOOR]
    asked = {
        a["text"]: (a["votes"], a["answered_at"] is not None)
        for a in archive["answers"]
        if a["question"] == floor
    }
    assert asked == FLOOR_VOTES, asked
    [valentina] = [a for a in archive["answers"] if a["text"] == VALENTINA_ASKS]
    assert "author" not in valentina, valentina


# ---------------------------------------------------------------- an anonymous meeting

ANONYMOUS_POLL = "Which arrangement should the region try first?"
ANONYMOUS: dict[str, Any] = {
    "format": "facilitator.meeting-design",
    "version": 2,
    "title": "Basin dialogue: anonymous poll",
    "name_field": "off",
    "country_field": "off",
    "attribution": "anonymous",
    "questions": [
        {
            "text": ANONYMOUS_POLL,
            "format": "single",
            "options": ["A dry-season rota", "One drought committee"],
        },
        {"text": "How ready is your district for the next drought?", "format": "rating"},
    ],
}


def test_anonymous_meeting_archive_ties_no_ballot_to_anyone(
    browser: Browser, server: LiveServer, sockets: list[SocketPhone], tmp_path: Path
) -> None:
    moderator = moderator_page(browser, server, options=DESKTOP)
    meeting_id, code = meeting_from_template(moderator, server, ANONYMOUS, tmp_path / "anonymous.json")
    console = open_console(moderator, meeting_id)
    sockets.extend(SocketPhone(server, code) for _ in range(3))
    expect(console.locator("#participant-count")).to_have_text("3 joined")
    [poll, rating_id] = [
        qid
        for (qid,) in query(
            server, "SELECT id FROM question WHERE meeting_id = ? ORDER BY position", meeting_id
        )
    ]
    options = [
        oid
        for (oid,) in query(
            server, "SELECT id FROM question_option WHERE question_id = ? ORDER BY position", poll
        )
    ]
    console.locator("#question-list > li").filter(has_text=ANONYMOUS_POLL).get_by_role(
        "button", name="Push to everyone"
    ).click()
    expect(console.locator("#current-status")).to_have_text("Live")
    for each, choice in zip(sockets, [0, 0, 1], strict=True):
        each.vote(poll, {"options": [options[choice]]})
    expect(console.locator("#results-chart .chart-respondents")).to_have_text("Respondents: 3")
    console.locator("#question-list > li").nth(1).get_by_role("button", name="Push to everyone").click()
    expect(console.locator("#current-text")).to_have_text(ANONYMOUS["questions"][1]["text"])
    for each, value in zip(sockets, [2, 4, 5], strict=True):
        each.vote(rating_id, {"ratings": {"0": value}})
    expect(console.locator("#results-chart .chart-respondents")).to_have_text("Respondents: 3")

    synthesis = moderator
    synthesis.goto(f"/meetings/{meeting_id}/synthesis")
    expect_connected(synthesis)
    archive = json.loads(download(synthesis, "Archive (.json)", tmp_path).read_text(encoding="utf-8"))
    ballots = archive["ballots"]
    assert len(ballots) == 6, ballots
    for ballot in ballots:
        # No participant, no moment: nothing ties a choice to a person or to their other choices.
        assert set(ballot) == {"question", "group", "response"}, ballot
    assert all(set(person) == {"id"} for person in archive["participants"]), archive["participants"]
    [first] = [q for q in archive["design"]["questions"] if q["text"] == ANONYMOUS_POLL]
    chosen = Counter(b["response"]["options"][0] for b in ballots if b["question"] == first["id"])
    assert sorted(chosen.values()) == [1, 2], chosen
