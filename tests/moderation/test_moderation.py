"""Removing a participant and all they sent, hiding their answers, merging likely duplicates."""

from datetime import timedelta

import pytest

from facilitator.answers import tally
from facilitator.answers.models import Answer, Ballot, Vote
from facilitator.breakouts.models import BreakoutGroup, GroupMember
from facilitator.extensions import db
from facilitator.joining import duplicates
from facilitator.joining import service as joining
from facilitator.joining.identity import COOKIE_NAME, new_token
from facilitator.joining.models import Participant, RemovedPhone
from facilitator.meetings.models import Meeting, Question, QuestionOption
from tests.breakouts.test_rounds import ack, group_of, open_round
from tests.conftest import log_in, phone_browser, received, socket_for


@pytest.fixture
def console(app):
    def make(world):
        moderator = app.test_client()
        log_in(moderator, world.moderator_email)
        return socket_for(app, moderator, "console", world.meeting_id)

    return make


def same_person_again(world, name: str, address_hash: str = "net-1") -> Participant:
    meeting = db.session.get(Meeting, world.meeting_id)
    return joining.join(meeting, new_token(), {"display_name": name}, address_hash)


def test_remove_deletes_everything_the_participant_sent_and_refuses_the_phone(app, make_meeting, console):
    world = make_meeting(phones=4)
    round_ = open_round(world, groups=2)
    [spammer, *others] = world.phones
    phone = socket_for(app, phone_browser(app, spammer), "phone", world.join_code)
    group = db.session.get(BreakoutGroup, group_of(round_.id, spammer.participant_id))
    group.rapporteur_id = spammer.participant_id
    db.session.commit()
    question_id = group.question_ids[0]
    for number in range(3):
        ack(
            phone,
            "submit_answer",
            {"question_id": question_id, "client_id": f"spam-{number:04d}-{number:04d}", "text": "spam"},
        )
    moderator = console(world)
    reply = ack(moderator, "remove_participant", {"participant_id": spammer.participant_id})
    assert reply["ok"], reply
    db.session.expire_all()
    assert db.session.get(Participant, spammer.participant_id) is None
    assert (
        db.session.scalars(db.select(Answer).where(Answer.participant_id == spammer.participant_id)).all()
        == []
    )
    assert db.session.get(BreakoutGroup, group.id).rapporteur_id is None
    assert group_of(round_.id, spammer.participant_id) is None
    assert not phone.is_connected()
    assert received(moderator, "participants_changed")
    # The same cookie neither reconnects nor joins again.
    browser = phone_browser(app, spammer)
    assert socket_for(app, browser, "phone", world.join_code).is_connected() is False
    again = browser.post(f"/j/{world.join_code}", data={"display_name": "Back"})
    assert again.status_code == 403 and "no longer part of this meeting" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(RemovedPhone)) == 1


def test_hide_all_answers_of_one_participant(app, make_meeting, console):
    world = make_meeting(phones=2)
    moderator = console(world)
    ack(moderator, "open_question", {"question_id": world.question_ids[0]})
    phone = socket_for(app, phone_browser(app, world.phones[0]), "phone", world.join_code)
    for number in range(5):
        ack(
            phone,
            "submit_answer",
            {
                "question_id": world.question_ids[0],
                "client_id": f"answer-{number:04d}-{number:04d}",
                "text": "x",
            },
        )
    assert ack(moderator, "hide_participant_answers", {"participant_id": world.phones[0].participant_id})[
        "ok"
    ]
    answers = db.session.scalars(db.select(Answer)).all()
    assert len(answers) == 5 and all(a.hidden_at is not None for a in answers)


def test_a_phone_cannot_moderate_and_a_moderator_only_their_meeting(app, make_meeting, console):
    world, other = make_meeting(phones=1), make_meeting(phones=1)
    phone = socket_for(app, phone_browser(app, world.phones[0]), "phone", world.join_code)
    assert not ack(phone, "remove_participant", {"participant_id": world.phones[0].participant_id})["ok"]
    assert not ack(console(world), "remove_participant", {"participant_id": other.phones[0].participant_id})[
        "ok"
    ]
    assert db.session.get(Participant, other.phones[0].participant_id) is not None


def test_likely_duplicates_same_name_same_network_minutes_apart(app, make_meeting, console):
    world = make_meeting()
    first = same_person_again(world, "Ána  Bello")
    second = same_person_again(world, "ana bello!")
    same_person_again(world, "Ana Bello", address_hash="net-2")  # another network
    same_person_again(world, "Someone Else")
    late = same_person_again(world, "Ana Bello")
    late.joined_at = first.joined_at + timedelta(hours=5)  # hours later: another person
    db.session.commit()
    reply = ack(console(world), "likely_duplicates", {})
    assert [[p["id"] for p in chain] for chain in reply["duplicates"]] == [[first.id, second.id]]
    assert duplicates.name_key(first) == duplicates.name_key(second) == "anabello"


def test_merge_counts_a_vote_once_and_keeps_the_answers(app, make_meeting, console):
    world = make_meeting(phones=2)
    round_ = open_round(world, groups=1)
    kept = same_person_again(world, "Ana")
    twin_token = new_token()
    twin = joining.join(
        db.session.get(Meeting, world.meeting_id), twin_token, {"display_name": "Ana"}, "net-1"
    )
    for person in (kept, twin):
        db.session.add(
            GroupMember(round_id=round_.id, group_id=round_.groups[0].id, participant_id=person.id)
        )
    author = world.phones[0].participant_id
    answer = Answer(
        question_id=world.question_ids[0],
        participant_id=author,
        client_id="w1",
        text="idea",
        group_id=round_.groups[0].id,
    )
    own = Answer(question_id=world.question_ids[0], participant_id=twin.id, client_id="t1", text="mine")
    db.session.add_all([answer, own])
    db.session.flush()
    db.session.add_all(
        [Vote(answer_id=answer.id, participant_id=kept.id), Vote(answer_id=answer.id, participant_id=twin.id)]
    )
    db.session.commit()
    kept_id, twin_id = kept.id, twin.id
    reply = ack(console(world), "merge_participants", {"keep_id": kept_id, "merge_id": twin_id})
    assert reply["ok"], reply
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 1
    assert db.session.get(Answer, own.id).participant_id == kept_id
    assert db.session.get(Participant, twin_id) is None
    assert group_of(round_.id, kept_id) == round_.groups[0].id


@pytest.mark.parametrize("mode", ["random", "self_select"])
def test_a_rejoin_lands_in_the_group_of_the_first_identity(app, make_meeting, mode):
    world = make_meeting()
    first = same_person_again(world, "Ana")
    for index in range(3):
        same_person_again(world, f"Person {index}", address_hash=f"n{index}")
    round_ = open_round(world, groups=2, mode=mode)
    first_group = group_of(round_.id, first.id)
    if mode == "self_select":
        db.session.add(GroupMember(round_id=round_.id, group_id=round_.groups[1].id, participant_id=first.id))
        db.session.commit()
        first_group = round_.groups[1].id
    # Five re-joins with fresh cookies: every one is placed with the first, none cycles.
    for _ in range(5):
        token = new_token()
        again = joining.join(
            db.session.get(Meeting, world.meeting_id), token, {"display_name": "ana"}, "net-1"
        )
        browser = app.test_client()
        browser.set_cookie(COOKIE_NAME, token, domain="facilitator.test")
        phone = socket_for(app, browser, "phone", world.join_code)
        assert group_of(round_.id, again.id) == first_group
        if mode == "self_select":
            other = round_.groups[0].id
            assert not ack(phone, "choose_group", {"group_id": other})["ok"]
        phone.disconnect()


def test_merge_keeps_one_ballot_per_question_and_removal_recounts(app, make_meeting, console):
    world = make_meeting(phones=1)
    meeting = db.session.get(Meeting, world.meeting_id)
    first = Question(meeting_id=meeting.id, text="Which first?", format="single", position=9)
    first.options = [QuestionOption(position=0, text="Wells"), QuestionOption(position=1, text="Pumps")]
    second = Question(meeting_id=meeting.id, text="Which next?", format="single", position=10)
    second.options = [QuestionOption(position=0, text="Roads"), QuestionOption(position=1, text="Schools")]
    db.session.add_all([first, second])
    kept = same_person_again(world, "Ana")
    twin = same_person_again(world, "Ana")
    db.session.flush()

    def ballot(person: Participant, question: Question, option: QuestionOption) -> Ballot:
        return Ballot(
            question_id=question.id,
            participant_id=person.id,
            scope=0,
            response={"options": [option.id]},
            seq=1,
            client_id=f"b-{person.id}-{question.id}",
        )

    db.session.add_all(
        [
            ballot(kept, first, first.options[0]),
            ballot(twin, first, first.options[1]),  # the same person voting twice
            ballot(twin, second, second.options[1]),  # only the twin voted here
        ]
    )
    db.session.commit()
    kept_id, twin_id, first_id, second_id = kept.id, twin.id, first.id, second.id
    moderator = console(world)
    assert ack(moderator, "merge_participants", {"keep_id": kept_id, "merge_id": twin_id})["ok"]
    db.session.expire_all()
    rows = db.session.execute(db.select(Ballot.question_id, Ballot.participant_id)).all()
    assert sorted(rows) == sorted([(first_id, kept_id), (second_id, kept_id)])
    assert tally.results_for(db.session.get(Question, first_id))["respondents"] == 1
    # The console hears the recount of both questions the twin had voted on.
    recounted = {r["question_id"]: r["results"]["respondents"] for r in received(moderator, "results")}
    assert recounted == {first_id: 1, second_id: 1}

    assert ack(moderator, "remove_participant", {"participant_id": kept_id})["ok"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 0
    assert tally.results_for(db.session.get(Question, second_id))["respondents"] == 0
