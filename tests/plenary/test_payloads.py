"""The attribution rule decides what each screen learns about who wrote an answer."""

import pytest

from facilitator.answers import service as answers
from facilitator.answers.queries import progress
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from facilitator.plenary import service
from facilitator.plenary.snapshots import console_snapshot, phone_snapshot, projector_snapshot


def answered_meeting(make_meeting, attribution: str):
    world = make_meeting(phones=1, attribution=attribution, organisation_field="optional")
    meeting = db.session.get(Meeting, world.meeting_id)
    person = db.session.get(Participant, world.phones[0].participant_id)
    person.display_name, person.country, person.organisation = "Amina Diallo", "Senegal", "Ministry of Women"
    service.open_question(meeting, meeting.guiding_questions[0])
    service.submit_answer(person, meeting.guiding_questions[0].id, "attr-00001", "An answer", 2000)
    meeting.projector_shows_answers = True
    db.session.commit()
    return meeting, person


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        ("named", "Amina Diallo · Senegal"),
        ("affiliation", "Senegal · Ministry of Women"),
        ("anonymous", None),
    ],
)
def test_author_follows_the_attribution_rule(make_meeting, attribution, expected):
    meeting, _ = answered_meeting(make_meeting, attribution)
    for snapshot in (console_snapshot(meeting), projector_snapshot(meeting)):
        assert [a["author"] for a in snapshot["answers"]] == [expected]


def test_anonymous_answers_carry_nothing_that_leads_to_the_author(make_meeting):
    meeting, person = answered_meeting(make_meeting, "anonymous")
    for snapshot in (console_snapshot(meeting), projector_snapshot(meeting)):
        answer = snapshot["answers"][0]
        assert set(answer) == {"id", "question_id", "text", "author", "hidden", "created_at", "updated_at"}
        assert "Amina" not in repr(answer) and str(person.id) not in repr(answer.get("participant_id", ""))


def test_phone_snapshot_shows_only_own_visible_answers(make_meeting):
    world = make_meeting(phones=2)
    meeting = db.session.get(Meeting, world.meeting_id)
    me, other = (db.session.get(Participant, phone.participant_id) for phone in world.phones)
    question = meeting.guiding_questions[0]
    service.open_question(meeting, question)
    service.submit_answer(me, question.id, "mine-00001", "mine", 2000)
    service.submit_answer(other, question.id, "theirs-001", "theirs", 2000)
    deleted, _ = service.submit_answer(me, question.id, "mine-00002", "deleted", 2000)
    db.session.commit()
    answers.delete_answer(answers.own_answer(me, "mine-00002"))
    db.session.commit()
    snapshot = phone_snapshot(me)
    assert [a["text"] for a in snapshot["my_answers"]] == ["mine"]
    assert snapshot["question"]["id"] == question.id and snapshot["limits"]["answer"] == 2000


def test_projector_without_answers_when_not_chosen(make_meeting):
    meeting, _ = answered_meeting(make_meeting, "named")
    meeting.projector_shows_answers = False
    db.session.commit()
    snapshot = projector_snapshot(meeting)
    assert snapshot["answers"] == [] and snapshot["progress"]["answered"] == 1


def test_progress_counts_people_not_answers(make_meeting):
    world = make_meeting(phones=3)
    meeting = db.session.get(Meeting, world.meeting_id)
    question = meeting.guiding_questions[0]
    service.open_question(meeting, question)
    person = db.session.get(Participant, world.phones[0].participant_id)
    for number in range(3):
        service.submit_answer(person, question.id, f"many-0000{number}", f"answer {number}", 2000)
    db.session.commit()
    assert progress(question) == {
        "question_id": question.id,
        "answers": 3,
        "answered": 1,
        "participants": 3,
    }


def test_deleting_a_draft_question_keeps_order(make_meeting):
    from facilitator.meetings import service as meetings

    world = make_meeting(questions=4)
    meeting = db.session.get(Meeting, world.meeting_id)
    meetings.move_question(meeting.guiding_questions[3], -3)
    meetings.move_question(meeting.guiding_questions[0], -1)  # already first: nothing happens
    db.session.commit()
    assert [q.id for q in meeting.guiding_questions] == [world.question_ids[3], *world.question_ids[:3]]
