"""Every socket event: the allowed role, a forbidden role, another meeting's ids, bad payloads."""

import pytest

from facilitator.answers.models import Answer
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from tests.conftest import forget, log_in, phone_browser, received, socket_for


@pytest.fixture
def room(app, make_meeting):
    """One meeting with two phones and its moderator connected; a second meeting beside it."""
    world = make_meeting(phones=2)
    other = make_meeting(phones=1)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    console = socket_for(app, moderator, "console", world.meeting_id)
    phones = [socket_for(app, phone_browser(app, phone), "phone", world.join_code) for phone in world.phones]
    return world, other, console, phones


def ack(socket_client, event, payload=None):
    return socket_client.emit(event, payload, callback=True)


def test_phone_needs_to_have_joined(app, make_meeting):
    world = make_meeting()
    stranger = socket_for(app, app.test_client(), "phone", world.join_code)
    assert not stranger.is_connected()


def test_phone_token_of_another_meeting_is_refused(app, make_meeting):
    world, other = make_meeting(phones=1), make_meeting()
    socket = socket_for(app, phone_browser(app, world.phones[0]), "phone", other.join_code)
    assert not socket.is_connected()


def test_console_needs_the_owner(app, make_meeting):
    world, other = make_meeting(), make_meeting()
    browser = app.test_client()
    log_in(browser, other.moderator_email)
    assert not socket_for(app, browser, "console", world.meeting_id).is_connected()
    assert not socket_for(app, browser, "projector", world.meeting_id).is_connected()
    assert not socket_for(app, app.test_client(), "console", world.meeting_id).is_connected()
    assert socket_for(app, browser, "console", other.meeting_id).is_connected()


@pytest.mark.parametrize(
    "auth", [None, "x", {"view": "admin", "meeting": 1}, {"view": "console", "meeting": "1"}]
)
def test_malformed_connection_is_refused(app, make_meeting, auth):
    world = make_meeting()
    browser = app.test_client()
    log_in(browser, world.moderator_email)
    from facilitator.extensions import socketio

    assert not socketio.test_client(app, flask_test_client=browser, auth=auth).is_connected()


def test_snapshot_on_connect(room):
    world, _, console, phones = room
    snapshot = received(phones[0], "snapshot")[0]
    assert snapshot["question"] is None
    assert snapshot["my_answers"] == []
    assert snapshot["participant"]["id"] == world.phones[0].participant_id
    console_snapshot = received(console, "snapshot")[0]
    assert [q["id"] for q in console_snapshot["questions"]] == world.question_ids
    assert len(console_snapshot["participants"]) == 2


def test_push_answer_and_see_it_live(room):
    world, _, console, phones = room
    for socket in (console, *phones):
        forget(socket)
    reply = ack(console, "open_question", {"question_id": world.question_ids[0]})
    assert reply["ok"] and reply["question"]["status"] == "open"
    opened = received(phones[0], "question_opened")
    assert opened[0]["question"]["id"] == world.question_ids[0] and opened[0]["fresh"] is True

    reply = ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "a" * 32, "text": " Hi "},
    )
    assert reply == {"ok": True, "duplicate": False, "answer": reply["answer"]}
    assert reply["answer"]["text"] == "Hi"
    changed = received(console, "answer_changed")
    assert [a["text"] for a in changed] == ["Hi"]
    assert received(console, "progress")[-1]["answered"] == 1
    # The other phone does not see someone else's answer in plenary.
    assert received(phones[1], "answer_changed") == [] and received(phones[1], "my_answer_changed") == []


def test_answer_is_stored_before_acknowledged_and_resend_is_harmless(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    payload = {"question_id": world.question_ids[0], "client_id": "resend-0001", "text": "Once"}
    first = ack(phones[0], "submit_answer", payload)
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1
    second = ack(phones[0], "submit_answer", payload)
    assert second["duplicate"] is True and second["answer"] == first["answer"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1


def test_resend_after_close_returns_the_stored_answer(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    payload = {"question_id": world.question_ids[0], "client_id": "late-resend", "text": "Kept"}
    ack(phones[0], "submit_answer", payload)
    ack(console, "close_question")
    assert ack(phones[0], "submit_answer", payload)["ok"] is True


def test_answer_to_closed_question_is_refused_with_a_message(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(console, "close_question")
    reply = ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "too-late-1", "text": "x"},
    )
    assert reply["ok"] is False and "too late" in reply["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_answer_to_another_meetings_question_is_refused(room):
    world, other, console, phones = room
    other_meeting = db.session.get(Meeting, other.meeting_id)
    from facilitator.plenary import service

    service.open_question(other_meeting, other_meeting.guiding_questions[0])
    db.session.commit()
    reply = ack(
        phones[0],
        "submit_answer",
        {"question_id": other.question_ids[0], "client_id": "cross-0001", "text": "x"},
    )
    assert reply == {"ok": False, "error": "This question does not exist."}
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


@pytest.mark.parametrize(
    "payload",
    [
        "not a dict",
        [1, 2],
        {},
        {"question_id": "1", "client_id": "abcdefgh1", "text": "x"},
        {"question_id": True, "client_id": "abcdefgh2", "text": "x"},
        {"question_id": None, "client_id": "abcdefgh3", "text": "x"},
        {"client_id": "short", "text": "x"},
        {"client_id": "has spaces in it", "text": "x"},
        {"client_id": "x" * 65, "text": "x"},
        {"client_id": "abcdefgh4", "text": ""},
        {"client_id": "abcdefgh5", "text": "   "},
        {"client_id": "abcdefgh6", "text": 42},
        {"client_id": "abcdefgh7", "text": "x" * 2001},
        {"client_id": "abcdefgh8", "text": "\x00\x01 \x9f\t"},
    ],
)
def test_malformed_answers_change_nothing(room, payload):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    if isinstance(payload, dict) and "question_id" not in payload and len(payload) > 0:
        payload = {**payload, "question_id": world.question_ids[0]}
    reply = ack(phones[0], "submit_answer", payload)
    assert reply["ok"] is False and reply["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_edit_and_delete_own_answer_only(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "mine-00001", "text": "v1"},
    )
    # Another phone using the same client id touches only its own (non-existent) answer.
    assert ack(phones[1], "edit_answer", {"client_id": "mine-00001", "text": "hijack"})["ok"] is False
    assert ack(phones[1], "delete_answer", {"client_id": "mine-00001"})["ok"] is False
    forget(phones[0])
    assert ack(phones[0], "edit_answer", {"client_id": "mine-00001", "text": "v2"})["answer"]["text"] == "v2"
    assert db.session.scalar(db.select(Answer.text)) == "v2"
    assert ack(phones[0], "delete_answer", {"client_id": "mine-00001"})["ok"] is True
    assert received(console, "answer_removed")[-1]["text"] == "v2"
    assert ack(phones[0], "edit_answer", {"client_id": "mine-00001", "text": "v3"})["ok"] is False


def test_edit_after_close_is_refused(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "closed-001", "text": "v1"},
    )
    ack(console, "close_question")
    assert ack(phones[0], "edit_answer", {"client_id": "closed-001", "text": "v2"})["ok"] is False
    assert ack(phones[0], "delete_answer", {"client_id": "closed-001"})["ok"] is False


def test_moderator_hides_an_answer_everywhere(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    answer = ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "rude-00001", "text": "rude"},
    )
    answer_id = db.session.scalar(db.select(Answer.id))
    forget(phones[0])
    reply = ack(console, "hide_answer", {"answer_id": answer_id, "hidden": True})
    assert reply["ok"] and reply["answer"]["hidden"] is True
    assert received(phones[0], "my_answer_removed")[0]["client_id"] == answer["answer"]["client_id"]
    snapshot = ack(phones[0], "sync")["snapshot"]
    assert snapshot["my_answers"] == []
    # Editing a hidden answer is refused; unhiding brings it back.
    assert ack(phones[0], "edit_answer", {"client_id": "rude-00001", "text": "still rude"})["ok"] is False
    assert ack(console, "hide_answer", {"answer_id": answer_id, "hidden": False})["answer"]["hidden"] is False
    assert len(ack(phones[0], "sync")["snapshot"]["my_answers"]) == 1


def test_moderator_events_are_refused_to_phones(room):
    world, _, _, phones = room
    for event, payload in [
        ("open_question", {"question_id": world.question_ids[0]}),
        ("open_question", {"text": "ad hoc"}),
        ("close_question", {}),
        ("hide_answer", {"answer_id": 1}),
        ("show_answers_on_projector", {"show": True}),
        ("sync_console", {}),
    ]:
        assert ack(phones[0], event, payload) == {"ok": False, "error": "You are not allowed to do this."}
    assert db.session.get(Meeting, world.meeting_id).current_question_id is None


def test_participant_events_are_refused_to_moderators(room):
    world, _, console, _ = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    for event in ("submit_answer", "edit_answer", "delete_answer", "sync"):
        payload = {"question_id": world.question_ids[0], "client_id": "moderator-1", "text": "x"}
        assert ack(console, event, payload)["ok"] is False
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_moderator_cannot_touch_another_meeting(room, app):
    world, other, console, _ = room
    assert ack(console, "open_question", {"question_id": other.question_ids[0]})["ok"] is False
    other_phone = socket_for(app, phone_browser(app, other.phones[0]), "phone", other.join_code)
    other_meeting = db.session.get(Meeting, other.meeting_id)
    from facilitator.plenary import service

    service.open_question(other_meeting, other_meeting.guiding_questions[0])
    db.session.commit()
    ack(
        other_phone,
        "submit_answer",
        {"question_id": other.question_ids[0], "client_id": "other-0001", "text": "x"},
    )
    foreign_answer = db.session.scalar(db.select(Answer.id))
    assert ack(console, "hide_answer", {"answer_id": foreign_answer})["ok"] is False
    assert db.session.get(Answer, foreign_answer).hidden_at is None


@pytest.mark.parametrize(
    "payload",
    [
        {"question_id": "1"},
        {"question_id": None},
        {"question_id": 10**9},
        {"text": ""},
        {"text": None},
        {"text": "x" * 1001},
    ],
)
def test_malformed_open_question_changes_nothing(room, payload):
    world, _, console, _ = room
    assert ack(console, "open_question", payload)["ok"] is False
    assert db.session.get(Meeting, world.meeting_id).current_question_id is None


@pytest.mark.parametrize(
    "payload", [{"answer_id": "1"}, {"answer_id": True}, {"answer_id": 1, "hidden": "yes"}, [1]]
)
def test_malformed_hide_changes_nothing(room, payload):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "keep-00001", "text": "x"},
    )
    assert ack(console, "hide_answer", payload)["ok"] is False
    assert db.session.scalar(db.select(Answer.hidden_at)) is None


def test_close_without_open_question(room):
    _, _, console, _ = room
    assert ack(console, "close_question") == {"ok": False, "error": "No question is open."}


def test_pushing_next_question_closes_the_previous(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(console, "open_question", {"question_id": world.question_ids[1]})
    statuses = [q["status"] for q in ack(console, "sync_console")["snapshot"]["questions"]]
    assert statuses[:2] == ["closed", "open"]
    assert ack(phones[0], "sync")["snapshot"]["question"]["id"] == world.question_ids[1]


def test_reopened_question_is_not_fresh(room):
    world, _, console, phones = room
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(console, "open_question", {"question_id": world.question_ids[1]})
    forget(phones[0])
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    assert received(phones[0], "question_opened")[-1]["fresh"] is False


def test_stage_events_carry_increasing_revisions(room):
    world, _, console, phones = room
    start = received(phones[0], "snapshot")[0]["revision"]
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(console, "close_question")
    revisions = [
        m["revision"] for m in received(phones[0], "question_opened") + received(phones[0], "question_closed")
    ]
    assert revisions == [start + 1, start + 2]


def test_adhoc_question(room):
    _, _, console, phones = room
    reply = ack(console, "open_question", {"text": "  Anything else?  "})
    assert reply["question"]["kind"] == "adhoc" and reply["question"]["text"] == "Anything else?"
    assert received(phones[0], "question_opened")[-1]["question"]["text"] == "Anything else?"


def test_adhoc_quick_poll_reaches_phones_with_its_options(room):
    _, _, console, phones = room
    reply = ack(
        console,
        "open_question",
        {"text": "Ready to vote?", "format": "single", "options": [" Yes ", "No", "Not yet"]},
    )
    assert reply["ok"], reply
    question = received(phones[0], "question_opened")[-1]["question"]
    assert question["format"] == "single"
    assert [o["text"] for o in question["options"]] == ["Yes", "No", "Not yet"]
    assert question["settings"] == {"results": "live", "phones_see_results": False}


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "Poll", "format": "poll", "options": ["A", "B"]},
        {"text": "Poll", "format": "single", "options": ["Only one"]},
        {"text": "Poll", "format": "single", "options": ["Same", "same"]},
        {"text": "Poll", "format": "multiple", "options": ["A", "B"], "settings": {"max_choices": 3}},
        {"text": "Poll", "format": "rating", "settings": {"scale_min": 2, "scale_max": 7}},
        {"text": "Poll", "format": "single", "options": "A, B"},
    ],
)
def test_malformed_quick_poll_changes_nothing(room, payload):
    world, _, console, _ = room
    reply = ack(console, "open_question", payload)
    assert reply["ok"] is False and reply["error"]
    assert db.session.get(Meeting, world.meeting_id).current_question_id is None


def test_projector_sees_answers_only_when_chosen_and_never_hidden_ones(room, app):
    world, _, console, phones = room
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    projector = socket_for(app, moderator, "projector", world.meeting_id)
    ack(console, "open_question", {"question_id": world.question_ids[0]})
    ack(
        phones[0],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "proj-00001", "text": "first"},
    )
    assert received(projector, "answer_changed") == []
    assert ack(console, "show_answers_on_projector", {"show": True})["ok"]
    assert [a["text"] for a in received(projector, "snapshot")[-1]["answers"]] == ["first"]
    ack(console, "hide_answer", {"answer_id": db.session.scalar(db.select(Answer.id))})
    assert len(received(projector, "answer_removed")) == 1
    assert ack(console, "show_answers_on_projector", {"show": "yes"})["ok"] is False


def test_deleted_meeting_stops_events(room):
    world, _, console, phones = room
    db.session.delete(db.session.get(Meeting, world.meeting_id))
    db.session.commit()
    assert ack(phones[0], "sync")["ok"] is False
    assert ack(console, "sync_console")["ok"] is False
