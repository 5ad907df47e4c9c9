"""The synthesis page's socket: only curators listen, and it only ever hears a question's id."""

from __future__ import annotations

import pytest

from facilitator.extensions import db, socketio
from facilitator.joining.models import Participant
from facilitator.realtime.rooms import SYNTHESIS_NAMESPACE
from tests.conftest import log_in, phone_browser, socket_for
from tests.exports.conftest import PEOPLE, group

NS = SYNTHESIS_NAMESPACE


def listen(app, browser, meeting_id):
    return socketio.test_client(app, namespace=NS, flask_test_client=browser, auth={"meeting": meeting_id})


def heard(client) -> list[dict]:
    return [m["args"][0] for m in client.get_received(NS) if m["name"] == "synthesis_changed"]


@pytest.fixture
def live_room(app, make_meeting):
    world = make_meeting(phones=2, attribution="anonymous")
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    return world, moderator


def test_only_curators_may_listen(app, held, make_meeting):
    meeting = held()
    moderator = app.test_client()
    log_in(moderator, meeting.moderator_email)
    assert listen(app, moderator, meeting.meeting_id).is_connected(NS)
    stranger = app.test_client()
    log_in(stranger, make_meeting().moderator_email)
    assert not listen(app, stranger, meeting.meeting_id).is_connected(NS)
    assert not listen(app, app.test_client(), meeting.meeting_id).is_connected(NS)
    for auth in (None, {"meeting": str(meeting.meeting_id)}, {"meeting": True}):
        client = socketio.test_client(app, namespace=NS, flask_test_client=moderator, auth=auth)
        assert not client.is_connected(NS)


def test_a_rapporteur_listens_and_a_plain_member_may_not(app, held):
    from facilitator.joining.identity import COOKIE_NAME, hash_token, new_token

    meeting = held()
    reporter_id = group(meeting.group_ids[0]).rapporteur_id
    plain_id = next(
        p for p in meeting.participant_ids if p not in {group(g).rapporteur_id for g in meeting.group_ids}
    )
    results = {}
    for participant_id in (reporter_id, plain_id):
        token = new_token()
        db.session.get(Participant, participant_id).token_hash = hash_token(token)
        db.session.commit()
        browser = app.test_client()
        browser.set_cookie(COOKIE_NAME, token, domain="facilitator.test")
        results[participant_id] = listen(app, browser, meeting.meeting_id).is_connected(NS)
    assert results == {reporter_id: True, plain_id: False}


def test_a_new_answer_tells_the_page_which_question_changed(app, live_room):
    world, moderator = live_room
    page = listen(app, moderator, world.meeting_id)
    console = socket_for(app, moderator, "console", world.meeting_id)
    console.emit("open_question", {"question_id": world.question_ids[0]}, callback=True)
    assert heard(page) == [{"question_id": world.question_ids[0]}]
    phone = socket_for(app, phone_browser(app, world.phones[0]), "phone", world.join_code)
    db.session.get(Participant, world.phones[0].participant_id).display_name = PEOPLE[0][0]
    db.session.commit()
    reply = phone.emit(
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "synth-answer-1", "text": "Train repair teams"},
        callback=True,
    )
    assert reply["ok"]
    frames = heard(page)
    assert frames == [{"question_id": world.question_ids[0]}]
    assert PEOPLE[0][0] not in repr(frames) and "Train repair teams" not in repr(frames)


def test_a_rapporteur_who_sees_one_group_hears_only_about_its_questions(app, held):
    from facilitator.joining.identity import COOKIE_NAME, hash_token, new_token
    from facilitator.realtime.synthesis_notices import synthesis_changed

    meeting = held()  # the round is closed and its walls are not open
    token = new_token()
    db.session.get(Participant, group(meeting.group_ids[0]).rapporteur_id).token_hash = hash_token(token)
    db.session.commit()
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, token, domain="facilitator.test")
    page = listen(app, browser, meeting.meeting_id)
    plenary_only = meeting.question_ids[2]  # the groups worked on the first two questions
    with app.app_context():
        synthesis_changed(meeting.meeting_id, plenary_only)
        synthesis_changed(meeting.meeting_id, meeting.question_ids[0])
        synthesis_changed(meeting.meeting_id)
    assert heard(page) == [{"question_id": meeting.question_ids[0]}, {"question_id": None}]
    group(meeting.group_ids[0]).round.walls_published = True
    db.session.commit()
    whole = listen(app, browser, meeting.meeting_id)
    with app.app_context():
        synthesis_changed(meeting.meeting_id, plenary_only)
    assert heard(whole) == [{"question_id": plenary_only}]
