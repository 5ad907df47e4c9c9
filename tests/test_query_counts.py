"""SQL statements per hot socket event: a fixed number, whatever the size of the meeting.

Each event runs on a fresh session, as it does on the server (every event has its own
app context), so nothing loaded by the test's setup hides a query. The budgets are the
counts measured after the hot paths were tightened (docs/performance.md, "What was made
faster"); a change that adds a query per event shows here before it shows under load.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from facilitator.answers.models import Answer
from facilitator.breakouts import planning
from facilitator.breakouts import service as breakouts
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from tests.conftest import log_in, phone_browser, socket_for

BUDGET = {
    "phone connect": 6,  # the current question carries its options
    "submit_answer": 5,
    "open_question": 10,  # one more since questions carry their options
    "phone connect in a group": 14,
    "wall answer": 6,
    "vote": 6,
}


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.sql.append(statement)


@contextmanager
def counting() -> Iterator[Statements]:
    # A fresh session, as each socket event gets on the server.
    db.session.remove()
    statements = Statements()
    event.listen(db.engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", statements)


def ack(socket_client, name: str, payload: dict | None = None) -> dict:
    reply = socket_client.emit(name, payload, callback=True)
    assert reply["ok"], reply
    return reply


def plenary(app, make_meeting, people: int) -> dict[str, int]:
    world = make_meeting(phones=people)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    console = socket_for(app, moderator, "console", world.meeting_id)
    # Earlier answers from everyone: the counts must not grow with them either.
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    phones = [phone_browser(app, phone) for phone in world.phones]
    sockets = [socket_for(app, browser, "phone", world.join_code) for browser in phones]
    for index, socket in enumerate(sockets):
        ack(
            socket,
            "submit_answer",
            {"question_id": world.question_ids[0], "client_id": f"earlier-{index}", "text": "Earlier"},
        )
    counts = {}
    with counting() as statements:
        ack(console, "open_question", {"question_id": world.question_ids[1]})
    counts["open_question"] = len(statements.sql)
    with counting() as statements:
        socket = socket_for(app, phones[0], "phone", world.join_code)
    assert socket.is_connected()
    counts["phone connect"] = len(statements.sql)
    with counting() as statements:
        ack(
            socket,
            "submit_answer",
            {"question_id": world.question_ids[1], "client_id": "counted-1", "text": "Counted"},
        )
    counts["submit_answer"] = len(statements.sql)
    return counts


def breakout(app, make_meeting, people: int) -> dict[str, int]:
    world = make_meeting(phones=people)
    meeting = db.session.get(Meeting, world.meeting_id)
    plan = planning.plan_round(meeting, mode="random", question_ids=world.question_ids[:1], groups=1, seed=3)
    breakouts.open_round(meeting, plan, 20)
    db.session.commit()
    phones = [phone_browser(app, phone) for phone in world.phones]
    sockets = [socket_for(app, browser, "phone", world.join_code) for browser in phones]
    for index, socket in enumerate(sockets[1:]):
        wall = {"question_id": world.question_ids[0], "client_id": f"wall-answer-{index}", "text": "Wall"}
        ack(socket, "submit_answer", {**wall, "for_group": True})
    counts = {}
    with counting() as statements:
        socket = socket_for(app, phones[0], "phone", world.join_code)
    counts["phone connect in a group"] = len(statements.sql)
    with counting() as statements:
        ack(
            socket,
            "submit_answer",
            {
                "question_id": world.question_ids[0],
                "client_id": "counted-wall",
                "text": "Counted",
                "for_group": True,
            },
        )
    counts["wall answer"] = len(statements.sql)
    target = db.session.scalar(
        db.select(Answer.id).where(
            Answer.client_id == "wall-answer-0", Answer.participant_id == world.phones[1].participant_id
        )
    )
    with counting() as statements:
        ack(socket, "vote", {"answer_id": target, "supported": True})
    counts["vote"] = len(statements.sql)
    return counts


@pytest.mark.parametrize("scenario", [plenary, breakout])
def test_hot_events_cost_a_fixed_number_of_statements(app, make_meeting, scenario):
    small = scenario(app, make_meeting, 3)
    large = scenario(app, make_meeting, 30)
    assert small == large, f"statements grow with the number of participants: {small} vs {large}"
    for name, count in small.items():
        assert count <= BUDGET[name], f"{name}: {count} statements, budget {BUDGET[name]}"
