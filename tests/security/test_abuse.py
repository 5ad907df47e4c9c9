"""Abuse by people already in the meeting: floods of socket events, someone who must be removed,
and one person joining again and again to vote several times or read another group's wall."""

from __future__ import annotations

import time

import pytest

from tests.security.abuse_helpers import join_from, participants, phone_refusal, wait_for
from tests.security.conftest import console_socket, create_meeting, csrf_token, log_in, phone_socket


@pytest.fixture(scope="module")
def server(abuse_server):
    return abuse_server


@pytest.fixture(scope="module")
def moderator(server):
    return log_in(server)


@pytest.fixture
def meeting(server, moderator):
    """A fresh meeting with its guiding question open."""
    meeting = create_meeting(moderator, server)
    console = console_socket(server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    console.disconnect()
    return meeting


def answer(number: int, question_id: int, prefix: str = "answer") -> dict:
    return {"question_id": question_id, "client_id": f"{prefix}-{number:06d}", "text": f"Idea {number}"}


def test_a_flood_of_answers_is_cut_to_a_human_pace_and_told_why(server, moderator, meeting):
    phone, _ = join_from(server, meeting["code"], "Flood", "10.20.0.1")
    console = console_socket(server, moderator, meeting["id"])
    frames = []
    console.on("answer_changed", frames.append)
    client = phone_socket(server, phone, meeting["code"])
    acks: list[dict] = []
    started = time.monotonic()
    for number in range(300):
        client.emit("submit_answer", answer(number, meeting["question_id"], "flood"), callback=acks.append)
    assert wait_for(lambda: len(acks) == 300, timeout=30)
    elapsed = time.monotonic() - started
    stored = [a for a in acks if a["ok"]]
    refused = [a for a in acks if not a["ok"]]
    # A burst of 40, then 4 a second (facilitator/realtime/rate_limit.py).
    assert len(stored) <= 40 + 4 * elapsed + 1, (len(stored), elapsed)
    assert len(refused) >= 300 - 40 - 4 * elapsed - 1
    assert all("too fast" in a["error"] and a["retry_after"] >= 1 for a in refused)
    print(f"300 answers sent in {elapsed:.1f} s: {len(stored)} stored, {len(refused)} refused")
    time.sleep(0.5)  # two tokens back
    mine = client.call("sync", {})["snapshot"]["my_answers"]
    assert len(mine) == len(stored)
    assert len(frames) <= len(stored)
    client.disconnect()
    console.disconnect()


def test_a_phone_back_online_resends_its_outbox_of_twenty_answers(server, meeting):
    phone, _ = join_from(server, meeting["code"], "Offline", "10.20.0.2")
    client = phone_socket(server, phone, meeting["code"])
    assert client.call("sync", {})["ok"]
    # The outbox sends one at a time, each after the previous acknowledgement (static/js/outbox.js).
    replies = [client.call("submit_answer", answer(n, meeting["question_id"], "queued")) for n in range(20)]
    assert all(reply["ok"] for reply in replies), replies
    # Typing, editing and deleting quickly afterwards still goes through.
    for n in range(5):
        edit = {"client_id": f"queued-{n:06d}", "text": f"Better idea {n}"}
        assert client.call("edit_answer", edit)["ok"]
    client.disconnect()


def test_a_removed_participant_loses_everything_at_once_and_cannot_come_back(server, moderator, meeting):
    phone, _ = join_from(server, meeting["code"], "Spammer", "10.20.0.3")
    join_from(server, meeting["code"], "Keeper", "10.20.0.4")
    client = phone_socket(server, phone, meeting["code"])
    for number in range(5):
        assert client.call("submit_answer", answer(number, meeting["question_id"], "spam"))["ok"]
    console = console_socket(server, moderator, meeting["id"])
    projector = console_socket(server, moderator, meeting["id"], view="projector")
    notices, walls = [], []
    console.on("participants_changed", notices.append)
    projector.on("snapshot", walls.append)
    [spammer] = [p["id"] for p in participants(console) if p["display_name"] == "Spammer"]

    reply = console.call("remove_participant", {"participant_id": spammer})

    assert reply["ok"], reply
    assert wait_for(lambda: not client.connected, timeout=3)
    assert wait_for(lambda: notices and walls, timeout=3)
    assert [p["display_name"] for p in walls[-1]["participants"]] == ["Keeper"]
    snapshot = console.call("sync_console", {})["snapshot"]
    assert snapshot["answers"] == [] and [p["display_name"] for p in snapshot["participants"]] == ["Keeper"]
    assert "not_joined" in phone_refusal(server, phone, meeting["code"])
    page = phone.get(f"{server.base_url}/j/{meeting['code']}")
    assert page.status_code == 403 and "no longer part of this meeting" in page.text
    console.disconnect()
    projector.disconnect()


def test_all_answers_of_one_participant_are_hidden_at_once(server, moderator, meeting):
    phone, _ = join_from(server, meeting["code"], "Loud", "10.20.0.5")
    client = phone_socket(server, phone, meeting["code"])
    for number in range(8):
        assert client.call("submit_answer", answer(number, meeting["question_id"], "loud"))["ok"]
    console = console_socket(server, moderator, meeting["id"])
    [loud] = [p["id"] for p in participants(console) if p["display_name"] == "Loud"]
    assert console.call("hide_participant_answers", {"participant_id": loud})["ok"]
    answers = console.call("sync_console", {})["snapshot"]["answers"]
    assert len(answers) == 8 and all(a["hidden"] for a in answers)
    client.disconnect()
    console.disconnect()


def open_by_hand_round(server, moderator, meeting: dict, members: dict[int, int]) -> None:
    """Two groups, each person placed by hand, opened as the planning page does."""
    url = f"{server.base_url}/meetings/{meeting['id']}/breakouts/new"
    page = moderator.get(url)
    data = {
        "csrf_token": csrf_token(page.text),
        "mode": "by_hand",
        "sizing": "groups",
        "groups": "2",
        "question_ids": str(meeting["question_id"]),
        "minutes": "20",
        "action": "open",
        "group_count": "2",
        "group-0-name": "Blue",
        "group-0-questions": str(meeting["question_id"]),
        "group-1-name": "Green",
        "group-1-questions": str(meeting["question_id"]),
        **{f"member-{pid}": str(group) for pid, group in members.items()},
    }
    opened = moderator.post(url, data=data)
    assert opened.status_code == 200 and opened.url.endswith("/breakouts"), opened.text[:300]


def test_rejoining_with_fresh_cookies_neither_crosses_walls_nor_multiplies_votes(server, moderator, meeting):
    ana, _ = join_from(server, meeting["code"], "Ana Bello", "10.20.1.1")
    ben, _ = join_from(server, meeting["code"], "Ben", "10.20.1.2")
    console = console_socket(server, moderator, meeting["id"])
    ids = {p["display_name"]: p["id"] for p in participants(console)}
    open_by_hand_round(server, moderator, meeting, {ids["Ana Bello"]: 0, ids["Ben"]: 1})
    ana_phone, ben_phone = (
        phone_socket(server, ana, meeting["code"]),
        phone_socket(server, ben, meeting["code"]),
    )
    post = {
        "question_id": meeting["question_id"],
        "text": "Green's private idea",
        "client_id": "green-000001",
    }
    assert ben_phone.call("submit_answer", post)["ok"]
    post = {"question_id": meeting["question_id"], "text": "Blue idea", "client_id": "blue-0000001"}
    wall_answer = ana_phone.call("submit_answer", post)["answer"]["id"]
    assert ana_phone.call("vote", {"answer_id": wall_answer, "supported": True})["ok"]

    for attempt in range(5):
        again, joined = join_from(server, meeting["code"], "ana  bello", "10.20.1.1")
        assert joined.status_code == 302
        phone = phone_socket(server, again, meeting["code"])
        snapshot = phone.call("sync", {})["snapshot"]
        assert snapshot["breakout"]["group"]["name"] == "Blue", attempt
        assert "Green's private idea" not in str(snapshot)
        assert phone.call("vote", {"answer_id": wall_answer, "supported": True})["ok"]
        phone.disconnect()

    assert votes_for(console, wall_answer) == 6  # an open meeting cannot prevent this...
    [chain] = console.call("likely_duplicates", {})["duplicates"]
    assert chain[0]["id"] == ids["Ana Bello"] and len(chain) == 6
    for duplicate in chain[1:]:
        merged = console.call("merge_participants", {"keep_id": chain[0]["id"], "merge_id": duplicate["id"]})
        assert merged["ok"], merged
    assert votes_for(console, wall_answer) == 1  # ...but the moderator sees it and merges
    for client in (ana_phone, ben_phone, console):
        client.disconnect()


def votes_for(console, answer_id: int) -> int:
    groups = console.call("sync_console", {})["snapshot"]["breakout"]["groups"]
    for group in groups:
        for answer in console.call("group_detail", {"group_id": group["id"]})["answers"]:
            if answer["id"] == answer_id:
                return answer["votes"]
    raise AssertionError("no such answer")
