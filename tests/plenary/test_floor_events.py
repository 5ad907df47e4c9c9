"""Questions from the floor over real sockets: who may do what, and what each screen receives."""

from __future__ import annotations

import time

import pytest

from facilitator.answers.models import Answer, Vote
from facilitator.extensions import db
from facilitator.meetings.models import Question
from tests.conftest import forget, log_in, phone_browser, received, socket_for


def ack(socket_client, event, payload=None):
    return socket_client.emit(event, payload, callback=True)


@pytest.fixture
def floor_room(app, make_meeting):
    """A meeting with three phones, its console and projector; the moderator opens the floor."""

    def make(*, premoderation: bool = False, **settings):
        world = make_meeting(phones=3, **settings)
        moderator = app.test_client()
        log_in(moderator, world.moderator_email)
        console = socket_for(app, moderator, "console", world.meeting_id)
        projector = socket_for(app, moderator, "projector", world.meeting_id)
        phones = [
            socket_for(app, phone_browser(app, phone), "phone", world.join_code) for phone in world.phones
        ]
        reply = ack(console, "open_floor", {"text": "Your questions", "premoderation": premoderation})
        assert reply["ok"], reply
        question_id = reply["question"]["id"]
        for socket in (console, projector, *phones):
            forget(socket)
        return world, question_id, console, projector, phones

    return make


_asked = iter(range(1, 10_000))


def ask(phone, question_id, text, **extra):
    reply = ack(
        phone,
        "ask_floor",
        {"question_id": question_id, "client_id": f"floor-{next(_asked):05d}", "text": text, **extra},
    )
    assert reply["ok"], reply
    return reply["item"]


def last_list(socket_client):
    lists = received(socket_client, "floor_changed")
    assert lists, "no floor_changed received"
    return lists[-1]


def test_the_moderator_opens_the_floor_with_one_button(app, make_meeting):
    world = make_meeting(phones=1)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    console = socket_for(app, moderator, "console", world.meeting_id)
    phone = socket_for(app, phone_browser(app, world.phones[0]), "phone", world.join_code)
    forget(phone)
    reply = ack(console, "open_floor", {})
    question = reply["question"]
    assert question["format"] == "floor" and question["kind"] == "adhoc" and question["status"] == "open"
    assert question["text"] == "Questions from the floor"
    assert question["settings"] == {"premoderation": False}
    assert received(phone, "question_opened")[-1]["question"]["id"] == question["id"]
    assert ack(phone, "sync")["snapshot"]["floor"] == {
        "question_id": question["id"],
        "items": [],
        "spotlight_id": None,
        "mine": [],
        "my_pending": [],
        "my_votes": [],
    }
    assert ack(console, "open_floor", {"premoderation": "yes"})["ok"] is False
    assert ack(phone, "open_floor", {})["error"] == "You are not allowed to do this."


def test_ask_reaches_every_screen_and_a_resend_is_harmless(floor_room):
    world, question_id, console, projector, phones = floor_room()
    payload = {"question_id": question_id, "client_id": "ask-once-01", "text": "  Who pays?  "}
    first = ack(phones[0], "ask_floor", payload)
    assert first["ok"] and first["duplicate"] is False and first["item"]["text"] == "Who pays?"
    again = ack(phones[0], "ask_floor", payload)
    assert again["duplicate"] is True and again["item"] == first["item"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1

    for socket in (console, phones[1]):
        item = last_list(socket)["items"][0]
        assert (item["text"], item["author"], item["votes"]) == ("Who pays?", "Person 1 · Country 0", 0)
    assert last_list(projector)["items"][0]["text"] == "Who pays?"
    # The room's list names no participant id; the author's phone knows the item is theirs.
    assert "participant_id" not in last_list(phones[1])["items"][0]
    assert [m["id"] for m in ack(phones[0], "sync")["snapshot"]["floor"]["mine"]] == [first["item"]["id"]]


def test_anonymous_ask_is_never_named(floor_room):
    world, question_id, console, projector, phones = floor_room()
    ask(phones[0], question_id, "Named one")
    ask(phones[1], question_id, "Nobody knows who", anonymous=True)
    authors = {item["text"]: item["author"] for item in last_list(console)["items"]}
    assert authors == {"Named one": "Person 1 · Country 0", "Nobody knows who": None}
    assert (
        ack(
            phones[2],
            "ask_floor",
            {"question_id": question_id, "client_id": "anon-bad-1", "text": "x", "anonymous": "yes"},
        )["ok"]
        is False
    )


def test_written_answers_and_other_questions_are_refused(floor_room):
    world, question_id, console, projector, phones = floor_room()
    reply = ack(
        phones[0], "submit_answer", {"question_id": question_id, "client_id": "written-01", "text": "x"}
    )
    assert reply == {"ok": False, "error": "This question is not answered in writing."}
    guiding = world.question_ids[0]
    reply = ack(phones[0], "ask_floor", {"question_id": guiding, "client_id": "guiding-01", "text": "x"})
    assert reply["ok"] is False and "floor" in reply["error"]
    ack(console, "close_question")
    reply = ack(phones[0], "ask_floor", {"question_id": question_id, "client_id": "too-late-01", "text": "x"})
    assert reply["ok"] is False and "too late" in reply["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_votes_one_each_never_ones_own_and_closed_with_the_floor(floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Vote for me")
    own = ack(phones[0], "support_floor", {"item_id": item["id"], "supported": True})
    assert own["ok"] is False and "own" in own["error"]
    assert ack(phones[1], "support_floor", {"item_id": item["id"], "supported": True})["votes"] == 1
    assert ack(phones[1], "support_floor", {"item_id": item["id"], "supported": True})["votes"] == 1
    assert ack(phones[2], "support_floor", {"item_id": item["id"], "supported": True})["votes"] == 2
    assert last_list(phones[0])["items"][0]["votes"] == 2
    assert last_list(projector)["items"][0]["votes"] == 2
    assert ack(phones[2], "sync")["snapshot"]["floor"]["my_votes"] == [item["id"]]
    assert ack(phones[2], "support_floor", {"item_id": item["id"], "supported": False})["votes"] == 1
    ack(console, "close_question")
    late = ack(phones[2], "support_floor", {"item_id": item["id"], "supported": True})
    assert late["ok"] is False and "closed" in late["error"]


def test_a_vote_reaches_the_voters_other_tab(app, floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Two tabs")
    second_tab = socket_for(app, phone_browser(app, world.phones[1]), "phone", world.join_code)
    forget(second_tab)
    ack(phones[1], "support_floor", {"item_id": item["id"], "supported": True})
    assert received(second_tab, "my_floor_vote") == [
        {"question_id": question_id, "item_id": item["id"], "supported": True}
    ]
    assert received(phones[1], "my_floor_vote") == []


def test_premoderation_shows_a_waiting_question_only_to_its_author_and_the_moderator(floor_room):
    world, question_id, console, projector, phones = floor_room(premoderation=True)
    item = ask(phones[0], question_id, "Approve me")
    assert item["awaiting_approval"] is True
    assert last_list(console)["items"][0]["awaiting_approval"] is True
    assert last_list(phones[1])["items"] == []
    assert last_list(projector)["items"] == [] and last_list(projector)["count"] == 0
    assert ack(phones[1], "sync")["snapshot"]["floor"]["items"] == []
    author = ack(phones[0], "sync")["snapshot"]["floor"]
    assert [p["text"] for p in author["my_pending"]] == ["Approve me"] and author["items"] == []
    voted = ack(phones[1], "support_floor", {"item_id": item["id"], "supported": True})
    assert voted["ok"] is False

    forget(phones[0])
    reply = ack(console, "moderate_floor", {"item_id": item["id"], "action": "approve"})
    assert reply["floor"]["items"][0]["awaiting_approval"] is False
    assert [i["text"] for i in last_list(phones[1])["items"]] == ["Approve me"]
    mine = received(phones[0], "my_floor_changed")[-1]
    assert mine["my_pending"] == [] and [m["id"] for m in mine["mine"]] == [item["id"]]


def test_participants_cannot_moderate_and_moderators_cannot_ask(floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Mine")
    refused = "You are not allowed to do this."
    for event, payload in (
        ("moderate_floor", {"item_id": item["id"], "action": "hide"}),
        ("moderate_floor", {"item_id": item["id"], "action": "spotlight"}),
        ("merge_floor", {"item_id": item["id"], "into_id": item["id"]}),
    ):
        assert ack(phones[1], event, payload) == {"ok": False, "error": refused}
    assert (
        ack(console, "ask_floor", {"question_id": question_id, "client_id": "mod-ask-01", "text": "x"})[
            "error"
        ]
        == refused
    )
    assert ack(console, "support_floor", {"item_id": item["id"], "supported": True})["error"] == refused
    assert db.session.get(Answer, item["id"]).hidden_at is None
    assert db.session.get(Question, question_id).spotlight_answer_id is None


def test_another_meetings_moderator_cannot_touch_the_items(app, make_meeting, floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Not yours")
    other = make_meeting()
    stranger = app.test_client()
    log_in(stranger, other.moderator_email)
    other_console = socket_for(app, stranger, "console", other.meeting_id)
    reply = ack(other_console, "moderate_floor", {"item_id": item["id"], "action": "hide"})
    assert reply["ok"] is False
    assert db.session.get(Answer, item["id"]).hidden_at is None


def test_star_shows_one_item_big_on_the_projector(floor_room):
    world, question_id, console, projector, phones = floor_room()
    first = ask(phones[0], question_id, "First")
    second = ask(phones[1], question_id, "Second")
    ack(console, "moderate_floor", {"item_id": first["id"], "action": "spotlight"})
    assert last_list(projector)["spotlight"]["text"] == "First"
    ack(console, "moderate_floor", {"item_id": second["id"], "action": "spotlight"})
    assert last_list(projector)["spotlight"]["text"] == "Second"
    assert last_list(phones[2])["spotlight_id"] == second["id"]
    ack(console, "moderate_floor", {"item_id": second["id"], "action": "unspotlight"})
    assert last_list(projector)["spotlight"] is None


def test_answered_and_hidden_items(floor_room):
    world, question_id, console, projector, phones = floor_room()
    answered = ask(phones[0], question_id, "Answered now")
    rude = ask(phones[1], question_id, "Rude")
    ack(console, "moderate_floor", {"item_id": answered["id"], "action": "answered"})
    ack(console, "moderate_floor", {"item_id": rude["id"], "action": "hide"})
    room = last_list(phones[2])["items"]
    assert [(i["text"], i["answered"]) for i in room] == [("Answered now", True)]
    assert last_list(projector)["items"] == []  # the projector lists what is still to be answered
    console_items = {i["text"]: i for i in last_list(console)["items"]}
    assert console_items["Rude"]["hidden"] is True and console_items["Answered now"]["answered"] is True
    assert ack(console, "moderate_floor", {"item_id": rude["id"], "action": "explode"})["ok"] is False


def test_merge_moves_votes_and_tells_phones_where_they_went(floor_room):
    world, question_id, console, projector, phones = floor_room()
    target = ask(phones[0], question_id, "How is data shared?")
    duplicate = ask(phones[1], question_id, "Who shares data?")
    ack(phones[2], "support_floor", {"item_id": duplicate["id"], "supported": True})
    ack(phones[0], "support_floor", {"item_id": duplicate["id"], "supported": True})
    reply = ack(console, "merge_floor", {"item_id": duplicate["id"], "into_id": target["id"]})
    assert [(i["id"], i["votes"]) for i in reply["floor"]["items"]] == [(target["id"], 1)]
    room = last_list(phones[2])
    assert room["merged"] == [{"id": duplicate["id"], "into_id": target["id"]}]
    assert [i["id"] for i in room["items"]] == [target["id"]]
    assert ack(phones[2], "sync")["snapshot"]["floor"]["my_votes"] == [target["id"]]
    assert set(db.session.scalars(db.select(Vote.participant_id))) == {world.phones[2].participant_id}
    assert ack(console, "merge_floor", {"item_id": target["id"], "into_id": target["id"]})["ok"] is False


def test_withdraw_with_delete_answer(floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Never mind")
    assert ack(phones[1], "delete_answer", {"client_id": item["client_id"]})["ok"] is False
    assert ack(phones[0], "delete_answer", {"client_id": item["client_id"]})["ok"] is True
    assert ack(phones[1], "sync")["snapshot"]["floor"]["items"] == []
    assert ack(phones[0], "sync")["snapshot"]["floor"]["mine"] == []


def test_console_and_projector_snapshots(app, floor_room):
    world, question_id, console, projector, phones = floor_room(premoderation=True)
    pending = ask(phones[0], question_id, "Pending")
    shown = ask(phones[1], question_id, "Shown")
    ack(console, "moderate_floor", {"item_id": shown["id"], "action": "approve"})
    ack(console, "moderate_floor", {"item_id": shown["id"], "action": "spotlight"})
    console_floor = ack(console, "sync_console")["snapshot"]["floor"]
    assert console_floor["premoderation"] is True
    assert {i["id"]: i["awaiting_approval"] for i in console_floor["items"]} == {
        pending["id"]: True,
        shown["id"]: False,
    }
    projector_floor = ack(projector, "sync_console")["snapshot"]["floor"]
    assert [i["text"] for i in projector_floor["items"]] == ["Shown"]
    assert projector_floor["spotlight"]["text"] == "Shown"


def test_a_burst_of_votes_is_one_notice(app, floor_room):
    world, question_id, console, projector, phones = floor_room()
    item = ask(phones[0], question_id, "Popular")
    forget(phones[0])
    app.config["COALESCE_DELAY_S"] = 0.3
    for voter in phones[1:]:
        ack(voter, "support_floor", {"item_id": item["id"], "supported": True})
        ack(voter, "support_floor", {"item_id": item["id"], "supported": False})
        ack(voter, "support_floor", {"item_id": item["id"], "supported": True})
    deadline = time.monotonic() + 5
    while not received(phones[0], "floor_changed") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    lists = received(phones[0], "floor_changed")
    assert len(lists) == 1, lists
    assert lists[0]["items"][0]["votes"] == 2
