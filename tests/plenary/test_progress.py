"""Answers arriving together share one "N of M answered" count, and the last count is right."""

from __future__ import annotations

import time

from tests.conftest import log_in, phone_browser, received, socket_for


def test_a_burst_of_answers_gets_few_counts_and_the_last_is_right(app, make_meeting):
    app.config["COALESCE_DELAY_S"] = 0.3
    world = make_meeting(phones=4)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    console = socket_for(app, moderator, "console", world.meeting_id)
    phones = [socket_for(app, phone_browser(app, phone), "phone", world.join_code) for phone in world.phones]
    assert console.emit("open_question", {"question_id": world.question_ids[0]}, callback=True)["ok"]
    received(console, "progress")
    for number, phone in enumerate(phones):
        payload = {
            "question_id": world.question_ids[0],
            "client_id": f"burst-{number:04d}",
            "text": f"Idea {number}",
        }
        assert phone.emit("submit_answer", payload, callback=True)["ok"]
    assert received(console, "progress") == [], "the count waits for the answers arriving with it"
    deadline = time.monotonic() + 5
    counts = []
    while time.monotonic() < deadline and not counts:
        time.sleep(0.05)
        counts = received(console, "progress")
    assert len(counts) == 1
    assert counts[-1] == {
        "question_id": world.question_ids[0],
        "answers": 4,
        "answered": 4,
        "participants": 4,
    }

    # A later answer is counted too: nothing stays scheduled after a count went out.
    extra = {"question_id": world.question_ids[0], "client_id": "burst-0009", "text": "One more"}
    assert phones[0].emit("submit_answer", extra, callback=True)["ok"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(received(console, "progress")) < 2:
        time.sleep(0.05)
    assert received(console, "progress")[-1]["answers"] == 5
