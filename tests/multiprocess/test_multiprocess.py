"""A meeting on two app processes behind nginx, PostgreSQL and Redis, as in production.

Four phones join through nginx, two served by each process (nginx's own log says so). The
moderator's console talks to process A directly, yet its question reaches the phones on B.
The meeting goes from plenary to a breakout round (groups that span both processes) and back
through report-back; the round's timer closes it once although both processes watch it.
Then process A is killed: its phones reconnect through nginx to B and find every answer the
server acknowledged, once, and a round opened while A lived still closes on time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.multiprocess.clients import Screen, create_meeting, join, moderator_session, new_session
from tests.multiprocess.flow import Meeting, acknowledged_once, open_round, shorten_round

pytestmark = pytest.mark.multiprocess
A, B = 0, 1
QUESTIONS = ["What works in your basin?", "Who decides in a drought?"]
SUMMARY = "Rotas agreed before the dry season, published where everyone sees them."
ON_TIME_S = 3.0  # the clock looks once a second in each process; the rest is a loaded machine


@pytest.fixture(scope="module")
def meeting(stack) -> Iterator[Meeting]:
    moderator = moderator_session(
        stack.base_url, stack.verify, stack.moderator_email, stack.moderator_password
    )
    meeting_id, code = create_meeting(moderator, stack.base_url, QUESTIONS)
    joined: dict[int, list] = {A: [], B: []}
    # Which process serves a phone follows from its cookie; people join until each has two.
    for number in range(40):
        phone = join(stack.base_url, stack.verify, code, f"Person {number}")
        probe = f"probe=person-{number}"
        assert phone.get(f"{stack.base_url}/?{probe}").ok
        served = wait_for_log(stack, probe)
        if len(joined[served]) < 2:
            joined[served].append(phone)
        if all(len(phones) == 2 for phones in joined.values()):
            break
    assert all(len(phones) == 2 for phones in joined.values()), "nginx sent every phone to one process"
    meeting = Meeting(stack, moderator, meeting_id, code, joined)
    yield meeting
    meeting.close()


def wait_for_log(stack, marker: str) -> int:
    deadline = time.monotonic() + 10
    while not (served := stack.served_by(marker)):
        assert time.monotonic() < deadline, f"nginx logged no request with {marker}"
        time.sleep(0.05)  # nginx writes its log line just after the response
    return served[-1]


def test_a_meeting_survives_a_process_and_keeps_every_answer(stack, meeting: Meeting) -> None:
    console = meeting.screen(stack.urls[A], meeting.moderator, "console", meeting.id, "console")
    a1, a2 = (meeting.phone(A, 0, "a1"), meeting.phone(A, 1, "a2", transports=("polling",)))
    b1, b2 = meeting.phone(B, 0, "b1"), meeting.phone(B, 1, "b2")
    phones = [a1, a2, b1, b2]
    # Both processes now have sockets, and listen on this run's own Redis channel.
    assert meeting.subscribers() == 2

    # Plenary: the console on A pushes a question; phones on both processes get it and answer.
    q1, q2 = (q["id"] for q in console.call("sync_console")["snapshot"]["questions"])
    console.call("open_question", {"question_id": q1})
    for phone in phones:
        phone.wait_for("question_opened", lambda data: data["question"]["id"] == q1)
        meeting.answer(phone, q1, f"{phone.tag}-plenary", f"{phone.tag} answers in plenary")
    for phone in phones:
        console.wait_for("answer_changed", lambda data, tag=phone.tag: data["text"].startswith(tag))
    console.wait_for("progress", lambda data: data["answers"] == 4)
    assert b1.call("submit_answer", meeting.sent[b1.tag][0])["duplicate"] is True

    # A breakout round: each group has a phone on each process.
    since = [phone.mark() for phone in phones]
    open_round(meeting, [[a1, b1], [a2, b2]], [q2])
    groups = {}
    for phone, mark in zip(phones, since, strict=True):
        phone.wait_for("phase_changed", since=mark)
        groups[phone.tag] = phone.snapshot()["breakout"]["group"]["id"]
    g1, g2 = groups["a1"], groups["a2"]
    assert groups == {"a1": g1, "b1": g1, "a2": g2, "b2": g2} and g1 != g2

    # The group wall, votes and the rapporteur's summary travel between processes, live.
    mine = meeting.answer(a1, q2, "a1-wall-answer", "A shared rota", for_group=True)
    b1.wait_for("wall_answer_changed", lambda data: data["id"] == mine["id"])
    theirs = meeting.answer(b1, q2, "b1-wall-answer", "One drought committee", for_group=True)
    a1.wait_for("wall_answer_changed", lambda data: data["id"] == theirs["id"])
    console.wait_for("wall_answer_changed", lambda data: data["id"] == theirs["id"])
    assert b1.call("vote", {"answer_id": mine["id"], "supported": True})["votes"] == 1
    a1.wait_for("votes_changed", lambda data: data == {"answer_id": mine["id"], "group_id": g1, "votes": 1})
    a1.call("volunteer")
    a1.call("save_summary", {"question_id": q2, "text": SUMMARY, "base_version": 0})
    b1.wait_for("summary_saved", lambda data: data["text"] == SUMMARY)
    console.wait_for("summary_saved", lambda data: data["text"] == SUMMARY)
    console.call("broadcast", {"text": "Five minutes to go", "group_id": None})
    for phone in phones:
        phone.wait_for("message_broadcast", lambda data: data["text"] == "Five minutes to go")
    b2.call("ask_help")
    help_asked = {"group_id": g2, "group": "Group 2", "requested": True}
    console.wait_for("help_changed", lambda data: data == help_asked)
    a2.wait_for("help_changed", lambda data: data["requested"] is True)
    console.call("resolve_help", {"group_id": g2})
    b2.wait_for("help_changed", lambda data: data["requested"] is False)
    assert not [d for p in (a2, b2) for d in p.received("wall_answer_changed") if d["group_id"] == g1]

    # The timer closes the round, once, although both processes' clocks watch it.
    since, ends_at = shorten_round(console, phones)
    for phone, mark in zip(phones, since, strict=True):
        phone.wait_for("phase_changed", since=mark)
        assert ends_at - 0.5 <= phone.arrival("phase_changed", since=mark) <= ends_at + ON_TIME_S
    time.sleep(2.5)  # more than two ticks of both clocks
    closes = [
        len(phone.received("phase_changed", since=mark)) for phone, mark in zip(phones, since, strict=True)
    ]
    assert closes == [1] * 4
    assert a1.snapshot()["breakout"]["round"]["status"] == "closed"

    # Report-back: one group on every phone, then every wall, then back to plenary.
    meeting.moderate(console, phones, "show_report", {"group_id": g1})
    report = b2.snapshot()["breakout"]["report"]
    assert report["group"]["id"] == g1 and report["questions"][0]["summary"] == SUMMARY
    top = report["questions"][0]["top_answers"][0]
    assert (top["text"], top["votes"]) == ("A shared rota", 1)
    meeting.moderate(console, phones, "publish_walls", {"published": True})
    walls = {w["id"]: [a["text"] for a in w["answers"]] for w in a2.snapshot()["breakout"]["walls"]}
    assert walls[g1] == ["A shared rota", "One drought committee"]
    meeting.moderate(console, phones, "end_report_back")
    assert b2.snapshot()["breakout"] is None
    meeting.sent.clear()  # from here on, every answer is one a snapshot shows
    q3 = console.call("open_question", {"text": "What should the next step be?"})["question"]["id"]
    for phone in phones:
        phone.wait_for("question_opened", lambda data: data["question"]["id"] == q3)
        meeting.answer(phone, q3, f"{phone.tag}-next-step", f"{phone.tag}: a next step")

    # A second round, then process A dies while an answer of a1 is still unacknowledged.
    since = [phone.mark() for phone in phones]
    open_round(meeting, [[a1, b1], [a2, b2]], [q2])
    for phone, mark in zip(phones, since, strict=True):
        phone.wait_for("phase_changed", since=mark)
        meeting.answer(phone, q2, f"{phone.tag}-round2", f"{phone.tag} in round 2", for_group=True)
    since, ends_at = shorten_round(console, phones)
    unacknowledged = {
        "question_id": q2,
        "client_id": "a1-lost-answer",
        "text": "Sent as A died",
        "for_group": True,
    }
    a1.client.emit("submit_answer", unacknowledged)
    stack.kill(A)

    # A's phones come back through nginx, on B, with everything acknowledged; B's never left.
    for phone, mark in zip(phones, since, strict=True):
        if phone in (a1, a2):
            dropped = phone.position("disconnect", since=mark)
            phone.wait_for("connect", since=dropped)
            acknowledged_once(phone.wait_for("snapshot", since=dropped), meeting.sent[phone.tag])
        else:
            assert phone.received("disconnect", since=mark) == [], f"{phone.tag} was on B"
    # nginx's log: a1's first socket and a2's first polls went to A; a1's requests and a2's
    # polls now go to B.
    assert stack.served_by("tag=a1")[0] == A and wait_for_log_after(stack, meeting, a1) == B
    a2.call("sync")
    assert stack.served_by("tag=a2")[0] == A and stack.served_by("tag=a2")[-1] == B
    # Sending the unacknowledged answer again stores it once, whether or not A had stored it.
    assert a1.call("submit_answer", unacknowledged)["answer"]["client_id"] == "a1-lost-answer"
    assert a1.call("submit_answer", unacknowledged)["duplicate"] is True
    meeting.sent["a1"].append(unacknowledged)
    for phone in phones:
        acknowledged_once(phone.snapshot(), meeting.sent[phone.tag])

    # The round opened while A lived closes on time, by B's clock, once.
    for phone, mark in zip(phones, since, strict=True):
        phone.wait_for("phase_changed", since=mark)
    b1_mark = since[phones.index(b1)]
    assert ends_at - 0.5 <= b1.arrival("phase_changed", since=b1_mark) <= ends_at + ON_TIME_S
    time.sleep(1.5)
    assert len(b1.received("phase_changed", since=b1_mark)) == 1
    assert a1.snapshot()["breakout"]["round"]["status"] == "closed"

    # A comes back on its port; the console that was on it reconnects and sees the same state.
    mark = console.mark()
    stack.restart(A)
    snapshot = console.wait_for("snapshot", since=mark)
    assert snapshot["breakout"]["round"]["status"] == "closed"


def wait_for_log_after(stack, meeting: Meeting, phone: Screen) -> int:
    """Which process serves the phone now, by a request nginx logs at once."""
    marker = f"probe={phone.tag}-after"
    assert meeting.sessions[phone.tag].get(f"{stack.base_url}/?{marker}").ok
    return wait_for_log(stack, marker)


def test_through_nginx_only_pages_of_the_site_may_open_sockets(stack) -> None:
    """The app compares a page's Origin with the address nginx forwards (Host, X-Forwarded-Proto):
    the meeting's own https pages are let in, another site's are not."""
    session = new_session(stack.verify)
    handshake = f"{stack.base_url}/socket.io/?EIO=4&transport=polling"
    assert session.get(handshake, headers={"Origin": stack.base_url}).status_code == 200
    assert session.get(handshake, headers={"Origin": "https://elsewhere.example"}).status_code == 400
    assert (
        session.get(handshake, headers={"Origin": stack.base_url.replace("https", "http")}).status_code == 400
    )
