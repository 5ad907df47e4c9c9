"""Live results of choice, rating, ranking and word questions on the moderator's console, the
projector and the breakout cockpit.

The moderator asks quick polls on the spot from the console's ad-hoc form; participants vote from
their phones (Socket.IO clients that joined through the join form, as a phone's page does); the
console and the wall count along live. "After closing" keeps the wall's chart back until the
question closes. In a breakout round the cockpit counts each group apart.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    DESKTOP,
    expect_connected,
    expect_no_serious_axe_violations,
    import_example_meeting,
    moderator_page,
    open_console,
    save_screenshot,
)
from .server import LiveServer

WALL_720: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}}
WALL_1080 = {"width": 1920, "height": 1080}
# The smallest type a chart on the wall may use: read from the back of a meeting room.
MIN_WALL_FONT_PX = 24
SOCKET_WAIT_S = 15
# The type sizes of the wall chart's option texts, words and counts, in CSS pixels (a JavaScript expression).
WALL_FONTS = (
    "[...document.querySelectorAll("
    "'#results-stage .chart-label, #results-stage .chart-word, #results-stage .chart-value')]"
    ".map((node) => parseFloat(node.getAttribute('font-size')))"
)

VOTERS = [
    "Amani Njoroge",
    "Camille Durand",
    "Valentina Rojas",
    "Hugo Bernard",
    "Wanjiru Kamau",
    "Matías González",
]

POLL = "Which arrangement should the region try first?"
ARRANGEMENTS = [
    "A dry-season rota agreed before the rains fail",
    "One drought committee",
    "A shared reservoir dashboard",
]
FORMAT_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "rating": "Rating from 1 to 5",
    "ranking": "Ranking",
    "words": "Word cloud",
}


# ---------------------------------------------------------------- phones that vote


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


class Voter:
    """A participant who joined with the join form and votes over Socket.IO, as a phone does."""

    def __init__(self, server: LiveServer, code: str, name: str) -> None:
        self.name = name
        self.http = requests.Session()
        form = self.http.get(f"{server.base_url}/j/{code}")
        joined = self.http.post(
            f"{server.base_url}/j/{code}",
            data={"display_name": name, "csrf_token": csrf_token(form.text)},
            allow_redirects=False,
        )
        assert joined.status_code == 302, joined.text[:300]
        self.results: list[dict] = []
        self._arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("results", self._on_results)
        cookies = "; ".join(f"{key}={value}" for key, value in self.http.cookies.items())
        self.client.connect(
            server.base_url,
            headers={"Cookie": cookies},
            auth={"view": "phone", "meeting": code},
            transports=["websocket"],
            wait_timeout=SOCKET_WAIT_S,
        )
        self.seq = 0

    def _on_results(self, data: dict) -> None:
        with self._arrived:
            self.results.append(data)
            self._arrived.notify_all()

    def wait_for_results(self, question_id: int) -> dict:
        """The first results of the question this phone is allowed to see."""

        def shown() -> list[dict]:
            return [r["results"] for r in self.results if r["question_id"] == question_id and r["results"]]

        with self._arrived:
            assert self._arrived.wait_for(shown, timeout=SOCKET_WAIT_S), f"{self.name} saw no results"
            return shown()[0]

    def saw_results_of(self, question_id: int) -> bool:
        with self._arrived:
            return any(r["question_id"] == question_id and r["results"] for r in self.results)

    def vote(self, question_id: int, response: dict) -> None:
        self.seq += 1
        reply = self.client.call(
            "cast_ballot",
            {
                "question_id": question_id,
                "client_id": f"vote-{question_id}-{self.seq}-{abs(hash(self.name)) % 10_000}",
                "seq": self.seq,
                "response": response,
            },
            timeout=SOCKET_WAIT_S,
        )
        assert reply.get("ok"), f"{self.name}: {reply}"

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def voters() -> Iterator[list[Voter]]:
    joined: list[Voter] = []
    yield joined
    for voter in joined:
        voter.close()


def join_voters(server: LiveServer, code: str, voters: list[Voter], count: int) -> list[Voter]:
    voters.extend(Voter(server, code, name) for name in VOTERS[:count])
    return voters


# ---------------------------------------------------------------- what the server stored


def query(server: LiveServer, sql: str, *params: Any) -> list[tuple]:
    path = Path(server.database_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute(sql, params).fetchall()


def question_id(server: LiveServer, meeting_id: int, text: str) -> int:
    [(found,)] = query(server, "SELECT id FROM question WHERE meeting_id = ? AND text = ?", meeting_id, text)
    return found


def option_ids(server: LiveServer, question: int) -> dict[str, int]:
    return dict(query(server, "SELECT text, id FROM question_option WHERE question_id = ?", question))


# ---------------------------------------------------------------- screens


def wall(browser: Browser, server: LiveServer, meeting_id: int) -> Page:
    page = moderator_page(browser, server, options=WALL_720, label="projector")
    page.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(page)
    return page


def push_adhoc(console: Page, text: str, question_format: str, options: list[str] = ()) -> None:
    form = console.locator("#adhoc-form")
    form.get_by_label("Ask something that is not in the plan").fill(text)
    form.get_by_label("Format").select_option(label=FORMAT_LABELS[question_format])
    if options:
        form.get_by_label("Options, one per line").fill("\n".join(options))
    form.get_by_role("button", name="Push to everyone").click()
    expect(console.locator("#current-text")).to_have_text(text)
    expect(console.locator("#current-status")).to_have_text("Live")
    expect(form.locator("#adhoc-error")).to_have_text("")


def column(chart: Locator, number: int) -> Locator:
    """The cells of one column of the chart's table (the one screen readers read): 1 is the row's name."""
    return chart.locator(f".chart-table tbody tr > :nth-child({number})")


def expect_counts(chart: Locator, counts: list[str], percents: list[str] | None = None) -> None:
    expect(column(chart, 2)).to_have_text(counts)
    if percents is not None:
        expect(column(chart, 3)).to_have_text(percents)


def expect_fits_the_wall(page: Page, what: str) -> float:
    """The wall never scrolls, and the chart's words are big enough for the back of the room.
    Returns the size of its smallest words."""
    sizes = page.evaluate(
        "() => ({"
        " scroll: document.documentElement.scrollHeight, height: window.innerHeight,"
        " scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,"
        f" fonts: {WALL_FONTS} }})"
    )
    assert sizes["scroll"] <= sizes["height"] + 1, f"{what}: the wall scrolls: {sizes}"
    assert sizes["scrollWidth"] <= sizes["width"] + 1, f"{what}: the wall scrolls sideways: {sizes}"
    assert sizes["fonts"], f"{what}: no chart text on the wall"
    assert min(sizes["fonts"]) >= MIN_WALL_FONT_PX, f"{what}: text too small for the room: {sizes['fonts']}"
    return min(sizes["fonts"])


# ---------------------------------------------------------------- the tests


def test_quick_poll_counts_live_then_only_after_closing(
    browser: Browser, server: LiveServer, voters: list[Voter]
) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    projector = wall(browser, server, meeting_id)
    amani, camille, valentina, hugo = join_voters(server, code, voters, 4)
    expect(console.locator("#participant-count")).to_have_text("4 joined")

    # The options box is there only for formats that have options.
    form = console.locator("#adhoc-form")
    options_box = form.get_by_label("Options, one per line")
    expect(options_box).to_be_hidden()
    form.get_by_label("Format").select_option(label="Word cloud")
    expect(options_box).to_be_hidden()
    form.get_by_label("Format").select_option(label="Single choice")
    expect(options_box).to_be_visible()

    # One option is no choice: the server says so beside the form, and nothing is pushed.
    form.get_by_label("Ask something that is not in the plan").fill(POLL)
    options_box.fill("A dry-season rota\n\n")
    form.get_by_role("button", name="Push to everyone").click()
    expect(form.locator("#adhoc-error")).to_have_text(
        "Something went wrong: This format takes between 2 and 20 options."
    )
    expect(console.locator("#no-current")).to_be_visible()

    options_box.fill("\n".join(ARRANGEMENTS))
    form.get_by_role("button", name="Push to everyone").click()
    expect(console.locator("#current-text")).to_have_text(POLL)
    expect(form.locator("#adhoc-error")).to_have_text("")
    expect(options_box).to_have_value("")
    console.get_by_role("checkbox", name="Show answers on the projector").check()

    # A ballot question has no written answers: the chart and who answered take their place.
    results = console.locator("#results-chart")
    expect(console.locator("#answers")).to_be_hidden()
    expect(results.locator(".chart-empty")).to_have_text("No answers yet.")
    expect(console.locator("#progress")).to_have_text("0 of 4 participants answered")
    expect(console.get_by_role("radio", name="Live")).to_be_checked()
    expect(console.locator("#results-wall")).to_have_text("The projector shows these results.")
    expect(projector.locator("#question-text")).to_have_text(POLL)
    on_wall = projector.locator("#results-stage")

    poll = question_id(server, meeting_id, POLL)
    choice = {text: [option] for text, option in option_ids(server, poll).items()}
    rota, committee, dashboard = ARRANGEMENTS
    amani.vote(poll, {"options": choice[rota]})
    camille.vote(poll, {"options": choice[rota]})
    expect_counts(results, ["2 of 2", "0 of 2", "0 of 2"])
    expect(console.locator("#progress")).to_have_text("2 of 4 participants answered")
    expect_counts(on_wall, ["2 of 2", "0 of 2", "0 of 2"])

    valentina.vote(poll, {"options": choice[rota]})
    hugo.vote(poll, {"options": choice[dashboard]})
    expect_counts(results, ["3 of 4", "0 of 4", "1 of 4"], ["75.0%", "0.0%", "25.0%"])
    expect(column(results, 1)).to_have_text(ARRANGEMENTS)
    expect(console.locator("#progress")).to_have_text("4 of 4 participants answered")
    expect_counts(on_wall, ["3 of 4", "0 of 4", "1 of 4"], ["75.0%", "0.0%", "25.0%"])
    expect(projector.locator("#progress")).to_have_text("4 of 4 participants answered")
    expect(projector.locator("#results-later")).to_be_hidden()
    expect_fits_the_wall(projector, "single choice at 1280×720")
    # Phones see the room's results only when the moderator lets them.
    assert not amani.saw_results_of(poll)

    expect_no_serious_axe_violations(console, "console with a chart")
    expect_no_serious_axe_violations(projector, "projector with a chart")
    console.set_viewport_size({"width": 1280, "height": 900})
    console.locator("#current").evaluate("(card) => card.scrollIntoView()")
    save_screenshot(console, "console-results.png")
    console.set_viewport_size(DESKTOP["viewport"])

    # "After closing": the wall keeps the results back while people can still answer; the
    # console's switches show what the server holds.
    console.get_by_role("radio", name="After closing").check()
    expect(console.locator("#results-wall")).to_have_text(
        "The projector shows the results once you close the question."
    )
    later = projector.locator("#results-later")
    expect(later).to_have_text("Results will be shown when the question closes.")
    expect(on_wall).to_be_hidden()
    expect(projector.locator("#progress")).to_be_visible()
    console.get_by_role("checkbox", name="Phones see results").check()
    expect(console.locator("#results-wall")).to_have_text(
        "The projector shows the results once you close the question. "
        "Phones show them whenever the projector does."
    )
    console.reload()
    expect_connected(console)
    expect(console.get_by_role("radio", name="After closing")).to_be_checked()
    expect(console.get_by_role("checkbox", name="Phones see results")).to_be_checked()

    # The moderator still counts along; the wall and the phones do not.
    hugo.vote(poll, {"options": choice[committee]})
    expect_counts(results, ["3 of 4", "1 of 4", "0 of 4"])
    expect(on_wall).to_be_hidden()
    assert not hugo.saw_results_of(poll)

    # Closed: the results come to the wall (the question stays on it) and to the phones.
    console.get_by_role("button", name="Close question").click()
    expect(console.locator("#current-status")).to_have_text("Closed")
    expect(projector.locator("#question-text")).to_have_text(POLL)
    expect(projector.locator("#results-later")).to_be_hidden()
    expect_counts(on_wall, ["3 of 4", "1 of 4", "0 of 4"], ["75.0%", "25.0%", "0.0%"])
    assert hugo.wait_for_results(poll)["respondents"] == 4

    # Back to live for a closed question: nothing changes on the wall, which already shows them.
    console.get_by_role("radio", name="Live").check()
    expect(console.locator("#results-wall")).to_have_text(
        "The projector shows these results. Phones show them whenever the projector does."
    )
    # Answers off the projector: results leave the wall too.
    console.get_by_role("checkbox", name="Show answers on the projector").uncheck()
    expect(console.locator("#results-wall")).to_have_text(
        "The projector shows no results: tick “Show answers on the projector” to show them. "
        "Phones show them whenever the projector does."
    )
    expect(projector.locator("#lobby")).to_be_visible()


# Each format with what a room of six might answer: (format, question, options, each voter's response
# from the option ids by text).
FORMATS: list[tuple[str, str, list[str], list[Any]]] = [
    (
        "multiple",
        "Which kinds of support would help your water committee most?",
        ["Finance", "Data on water levels", "Training", "Clear mandates"],
        [
            ["Finance", "Clear mandates"],
            ["Data on water levels"],
            ["Finance", "Training"],
            ["Finance", "Data on water levels", "Clear mandates"],
            ["Clear mandates"],
            ["Finance"],
        ],
    ),
    ("rating", "How ready is your district for the next drought?", [], [4, 2, 3, 3, 5, 2]),
    (
        "ranking",
        "Rank what local water institutions need first.",
        ["Mandates", "Finance", "Data", "Skills"],
        [
            ["Finance", "Mandates", "Data", "Skills"],
            ["Data", "Finance", "Skills", "Mandates"],
            ["Finance", "Data", "Mandates", "Skills"],
            ["Mandates", "Finance", "Skills", "Data"],
            ["Finance", "Skills", "Data", "Mandates"],
            ["Data", "Finance", "Mandates", "Skills"],
        ],
    ),
    (
        "words",
        "In a few words: what makes water sharing fair?",
        [],
        [
            ["Trust", "Rules written down", "Transparency"],
            ["Transparency", "Rotas"],
            ["Trust", "Equal say"],
            ["Transparency", "Trust", "Data"],
            ["Rotas", "Enforcement"],
            ["Equal say", "Transparency", "Patience"],
        ],
    ),
]


def response_for(question_format: str, answer: Any, ids: dict[str, int]) -> dict:
    if question_format == "multiple":
        return {"options": [ids[text] for text in answer]}
    if question_format == "rating":
        return {"ratings": {"0": answer}}
    if question_format == "ranking":
        return {"ranking": [ids[text] for text in answer]}
    return {"words": answer}


def test_every_format_on_the_wall(browser: Browser, server: LiveServer, voters: list[Voter]) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    console = open_console(moderator, meeting_id)
    projector = wall(browser, server, meeting_id)
    join_voters(server, code, voters, 6)
    expect(console.locator("#participant-count")).to_have_text("6 joined")

    for question_format, text, options, answers in FORMATS:
        push_adhoc(console, text, question_format, options)
        console.get_by_role("checkbox", name="Show answers on the projector").check()
        question = question_id(server, meeting_id, text)
        ids = option_ids(server, question)
        for voter, answer in zip(voters, answers, strict=True):
            voter.vote(question, response_for(question_format, answer, ids))
        on_wall = projector.locator("#results-stage")
        expect(projector.locator("#question-text")).to_have_text(text)
        expect(on_wall.locator(".chart-respondents")).to_have_text("Respondents: 6")
        expect(console.locator("#results-chart .chart-respondents")).to_have_text("Respondents: 6")
        expect(projector.locator("#progress")).to_have_text("6 of 6 participants answered")
        if question_format == "multiple":
            expect(column(on_wall, 1)).to_have_text(options)
            expect_counts(on_wall, ["4 of 6", "2 of 6", "1 of 6", "3 of 6"])
        elif question_format == "rating":
            # One row, the question itself: its mean, then the count of each value 1 to 5.
            expect(column(on_wall, 2)).to_have_text(["3.17"])
            cells = on_wall.locator(".chart-table tbody tr > td")
            expect(cells).to_have_text(["3.17", "6", "0", "2", "2", "1", "1"])
        elif question_format == "ranking":
            expect(column(on_wall, 1)).to_have_text(["Finance", "Data", "Mandates", "Skills"])
        else:
            expect(column(on_wall, 1).first).to_have_text("Transparency")
            expect(column(on_wall, 2).first).to_have_text("4")
        smallest = expect_fits_the_wall(projector, f"{question_format} at 1280×720")
        # A bigger wall gets bigger words: the chart is fitted again to the new window.
        projector.set_viewport_size(WALL_1080)
        projector.wait_for_function(f"(before) => Math.min(...{WALL_FONTS}) > before", arg=smallest)
        expect_fits_the_wall(projector, f"{question_format} at 1920×1080")
        projector.set_viewport_size(WALL_720["viewport"])
        expect_no_serious_axe_violations(projector, f"projector with a {question_format} chart")


# ---------------------------------------------------------------- a breakout round

GROUP_POLL = "Which arrangement will your group report back?"
GROUP_RATING = "How well does your basin share water in a drought?"
TEMPLATE: dict[str, Any] = {
    "format": "facilitator.meeting-design",
    "version": 2,
    "title": "Water governance: group polls",
    "questions": [
        {"text": GROUP_POLL, "format": "single", "options": ARRANGEMENTS},
        {
            "text": GROUP_RATING,
            "format": "rating",
            "settings": {"scale_min": 1, "scale_max": 5, "low_label": "badly", "high_label": "well"},
        },
    ],
}


def meeting_from_template(moderator: Page, server: LiveServer, tmp_path: Path) -> tuple[int, str]:
    template = tmp_path / "group-polls.json"
    template.write_text(json.dumps(TEMPLATE), encoding="utf-8")
    moderator.goto("/meetings/import")
    form = moderator.locator("form").filter(has=moderator.get_by_role("button", name="Create from template"))
    form.locator("input[type=file]").set_input_files(template)
    form.get_by_role("button", name="Create from template").click()
    expect(moderator).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(moderator.url.rsplit("/", 1)[1])
    [(code,)] = query(server, "SELECT join_code FROM meeting WHERE id = ?", meeting_id)
    return meeting_id, code


def test_cockpit_counts_each_group_apart(
    browser: Browser, server: LiveServer, voters: list[Voter], tmp_path: Path
) -> None:
    moderator = moderator_page(browser, server, options=DESKTOP)
    meeting_id, code = meeting_from_template(moderator, server, tmp_path)
    join_voters(server, code, voters, 6)

    # Three random groups of two, both questions for every group.
    plan = moderator
    plan.goto(f"/meetings/{meeting_id}/breakouts/new")
    plan.get_by_role("radio", name="Random", exact=True).check()
    plan.get_by_role("radio", name="Number of groups").check()
    plan.locator("#groups").fill("3")
    plan.locator("#minutes").fill("20")
    plan.get_by_role("button", name="Preview groups").click()
    expect(plan.get_by_role("heading", name="Preview: 3 groups")).to_be_visible()
    plan.locator("#open-button").click()
    expect(plan).to_have_url(f"{server.base_url}/meetings/{meeting_id}/breakouts")
    cockpit = plan
    expect_connected(cockpit)
    expect(cockpit.locator("#groups > .group-card")).to_have_count(3)
    members = {
        card.locator("h3").inner_text(): card.locator(".member-name").all_inner_texts()
        for card in cockpit.locator("#groups > .group-card").all()
    }
    names = list(members)

    card = cockpit.locator("#results-card")
    expect(card).to_be_visible()
    poll_section = card.locator(".group-results").filter(has=cockpit.get_by_role("heading", name=GROUP_POLL))
    table = poll_section.locator(".results-table")
    expect(table.locator("tbody th")).to_have_text(names)
    expect(table.locator(".results-answered")).to_have_text(["0 of 2"] * 3)
    expect(table.locator(".results-leading")).to_have_text(["—"] * 3)

    # In the first group both choose the rota; in the second they split; the third does not vote.
    poll = question_id(server, meeting_id, GROUP_POLL)
    rating = question_id(server, meeting_id, GROUP_RATING)
    choice = option_ids(server, poll)
    by_name = {voter.name: voter for voter in voters}
    first, second, _third = (members[name] for name in names)
    rota, committee, _dashboard = ARRANGEMENTS
    for name in first:
        by_name[name].vote(poll, {"options": [choice[rota]]})
        by_name[name].vote(rating, {"ratings": {"0": 4}})
    by_name[second[0]].vote(poll, {"options": [choice[rota]]})
    by_name[second[1]].vote(poll, {"options": [choice[committee]]})

    answered = table.locator(".results-answered")
    expect(answered).to_have_text(["2 of 2", "2 of 2", "0 of 2"])
    expect(table.locator(".results-leading")).to_have_text(
        [f"{rota} (100.0%)", f"{rota} / {committee} (50.0%)", "—"]
    )
    # The group cards say how many answered each question, not how many wrote on the wall.
    first_card = cockpit.locator("#groups > .group-card").filter(has=cockpit.locator("h3", has_text=names[0]))
    expect(first_card.locator(".q-stats strong")).to_have_text(["2 of 2 answered", "2 of 2 answered"])

    # The first group's chart is shown; choosing the second shows its own counts.
    chart = poll_section.locator(".group-results-chart")
    expect(chart.locator("h4")).to_have_text(f"Results of {names[0]}")
    expect_counts(chart, ["2 of 2", "0 of 2", "0 of 2"])
    pick = table.get_by_role("button", name=names[1])
    pick.click()
    expect(pick).to_have_attribute("aria-pressed", "true")
    expect(pick).to_be_focused()
    expect(chart.locator("h4")).to_have_text(f"Results of {names[1]}")
    expect_counts(chart, ["1 of 2", "1 of 2", "0 of 2"])

    rating_heading = cockpit.get_by_role("heading", name=GROUP_RATING)
    rating_section = card.locator(".group-results").filter(has=rating_heading)
    expect(rating_section.locator(".results-leading")).to_have_text(["mean 4.0", "—", "—"])

    # A later vote reaches the chart on show at once.
    by_name[second[1]].vote(poll, {"options": [choice[rota]]})
    expect_counts(chart, ["2 of 2", "0 of 2", "0 of 2"])
    expect(table.locator(".results-leading")).to_have_text([f"{rota} (100.0%)", f"{rota} (100.0%)", "—"])
    expect_no_serious_axe_violations(cockpit, "cockpit with group results")
