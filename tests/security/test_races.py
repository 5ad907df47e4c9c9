"""Requests that race, on PostgreSQL with real concurrency: resends of one answer, votes sent
twice, many phones taking the last places of a group, two tabs arriving mid-round.

SQLite runs one writer at a time and hides these; each socket here is a connection of its
own, and all fire together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tests.breakouts.over_http import open_round, wall_answer
from tests.security.conftest import console_socket, create_meeting, join_phone, log_in, phone_socket

TOGETHER = 8


def all_at_once(actions: list[Callable[[], object]]) -> list[object]:
    """Runs every action in its own thread, released at the same instant; their results in order."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = actions[index]()
        except Exception as error:  # reported in the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def phone_id(client) -> int:
    return client.call("sync", {})["snapshot"]["participant"]["id"]


@pytest.fixture(scope="module")
def moderator(postgres_server):
    return log_in(postgres_server)


def test_resends_of_one_answer_all_get_the_stored_answer(postgres_server, moderator):
    meeting = create_meeting(moderator, postgres_server)
    console = console_socket(postgres_server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    phone = join_phone(postgres_server, meeting["code"])
    tabs = [phone_socket(postgres_server, phone, meeting["code"]) for _ in range(TOGETHER)]
    payload = {"question_id": meeting["question_id"], "client_id": "resent-answer-1", "text": "Once"}

    acks = all_at_once([lambda tab=tab: tab.call("submit_answer", payload, timeout=20) for tab in tabs])

    assert all(isinstance(ack, dict) and ack["ok"] for ack in acks), acks
    assert len({ack["answer"]["id"] for ack in acks}) == 1
    assert {ack["answer"]["text"] for ack in acks} == {"Once"}
    assert [ack["duplicate"] for ack in acks].count(False) == 1
    stored = console.call("sync_console", {})["snapshot"]
    assert [a["text"] for a in stored["answers"]] == ["Once"], stored["answers"]
    for client in (*tabs, console):
        client.disconnect()


def test_a_vote_sent_many_times_at_once_counts_once(postgres_server, moderator):
    meeting = create_meeting(moderator, postgres_server)
    author_phone, voter_phone = (join_phone(postgres_server, meeting["code"], name) for name in ("A", "V"))
    author = phone_socket(postgres_server, author_phone, meeting["code"])
    voter_tabs = [phone_socket(postgres_server, voter_phone, meeting["code"]) for _ in range(TOGETHER)]
    open_round(postgres_server, moderator, meeting, [[phone_id(author), phone_id(voter_tabs[0])]])
    wall_answer(author, meeting["question_id"], "voted-answer-1", "Vote for me")
    answer_id = author.call("sync", {})["snapshot"]["breakout"]["group"]["answers"][0]["id"]
    vote = {"answer_id": answer_id, "supported": True}

    acks = all_at_once([lambda tab=tab: tab.call("vote", vote, timeout=20) for tab in voter_tabs])

    assert all(isinstance(ack, dict) and ack["ok"] for ack in acks), acks
    assert {ack["votes"] for ack in acks} == {1}
    wall = author.call("sync", {})["snapshot"]["breakout"]["group"]["answers"]
    assert [a["votes"] for a in wall] == [1]
    for client in (author, *voter_tabs):
        client.disconnect()


def test_a_group_never_takes_more_people_than_its_places(postgres_server, moderator):
    meeting = create_meeting(moderator, postgres_server)
    phones = [
        phone_socket(postgres_server, join_phone(postgres_server, meeting["code"], f"P{n}"), meeting["code"])
        for n in range(TOGETHER)
    ]
    open_round(postgres_server, moderator, meeting, [[], []], mode="self_select", capacity=2)
    choices = phones[0].call("sync", {})["snapshot"]["breakout"]["choices"]
    first_group = choices[0]["id"]

    acks = all_at_once(
        [lambda p=p: p.call("choose_group", {"group_id": first_group}, timeout=20) for p in phones]
    )

    assert all(isinstance(ack, dict) for ack in acks), acks
    assert [ack["ok"] for ack in acks].count(True) == 2, acks
    refused = [ack["error"] for ack in acks if not ack["ok"]]
    assert len(set(refused)) == 1 and "full" in refused[0], refused
    cockpit = console_socket(postgres_server, moderator, meeting["id"], view="cockpit")
    groups = cockpit.call("sync_console", {})["snapshot"]["cockpit"]["groups"]
    assert {g["id"]: len(g["members"]) for g in groups}[first_group] == 2
    for client in (*phones, cockpit):
        client.disconnect()


def test_tabs_that_arrive_together_mid_round_land_in_one_group(postgres_server, moderator):
    meeting = create_meeting(moderator, postgres_server)
    early = phone_socket(
        postgres_server, join_phone(postgres_server, meeting["code"], "Early"), meeting["code"]
    )
    open_round(postgres_server, moderator, meeting, [[phone_id(early)], []])
    late = join_phone(postgres_server, meeting["code"], "Late")

    tabs = all_at_once(
        [lambda: phone_socket(postgres_server, late, meeting["code"]) for _ in range(TOGETHER)]
    )

    assert not [tab for tab in tabs if isinstance(tab, Exception)], tabs
    groups = {tab.call("sync", {})["snapshot"]["breakout"]["group"]["id"] for tab in tabs}
    assert len(groups) == 1
    for client in (early, *tabs):
        client.disconnect()


def test_a_round_opened_twice_at_once_opens_once(postgres_server, moderator):
    """A double click on "Open round": one round, and the other click is told it is running."""
    meeting = create_meeting(moderator, postgres_server)
    phone = phone_socket(postgres_server, join_phone(postgres_server, meeting["code"]), meeting["code"])
    person = phone_id(phone)

    def open_it() -> int:
        return open_round(postgres_server, moderator, meeting, [[person]], check=False).status_code

    statuses = all_at_once([open_it for _ in range(4)])

    assert sorted(statuses) == [200, 200, 200, 302], statuses
    cockpit = console_socket(postgres_server, moderator, meeting["id"], view="cockpit")
    assert cockpit.call("sync_console", {})["snapshot"]["cockpit"]["round"]["number"] == 1
    for client in (phone, cockpit):
        client.disconnect()
