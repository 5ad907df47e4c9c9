"""The rules of questions from the floor, without sockets: votes, merging, premoderation,
the spotlight and who is named."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from facilitator.answers import floor
from facilitator.answers.models import Answer, Vote
from facilitator.answers.service import AnswerError
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting, Question, QuestionFormat

MAX = 2000
_client_ids = count(1)


@pytest.fixture
def room(make_meeting):
    """A meeting whose first question is a question from the floor, with four people."""

    def make(*, premoderation: bool = False, **settings):
        world = make_meeting(phones=4, **settings)
        question = db.session.get(Question, world.question_ids[0])
        question.format = QuestionFormat.FLOOR
        question.settings = {"premoderation": premoderation}
        db.session.commit()
        people = [db.session.get(Participant, phone.participant_id) for phone in world.phones]
        return question, people

    return make


def ask(person, question, text, *, anonymous=False):
    client_id = f"floor-ask-{next(_client_ids):04d}"
    item, created = floor.ask(person, question, client_id, text, MAX, anonymous=anonymous)
    assert created
    db.session.commit()
    return item


def votes_of(item) -> set[int]:
    return set(db.session.scalars(db.select(Vote.participant_id).where(Vote.answer_id == item.id)))


def test_one_vote_each_removable_and_never_ones_own(room):
    question, (ana, ben, cai, _) = room()
    item = ask(ana, question, "Who funds the committees?")
    with pytest.raises(AnswerError, match="your own"):
        floor.support(ana, item, True)
    assert floor.support(ben, item, True) == 1
    assert floor.support(ben, item, True) == 1  # a second vote from the same person counts once
    assert floor.support(cai, item, True) == 2
    assert floor.support(ben, item, False) == 1
    assert floor.support(ben, item, False) == 1
    with pytest.raises(AnswerError, match="malformed"):
        floor.support(ben, item, "yes")


def test_items_are_sorted_by_votes_then_by_time(room):
    question, (ana, ben, cai, dan) = room()
    first = ask(ana, question, "First asked")
    second = ask(ben, question, "Second asked")
    third = ask(cai, question, "Third asked")
    first.created_at, second.created_at, third.created_at = (
        third.created_at - timedelta(seconds=2),
        third.created_at - timedelta(seconds=1),
        third.created_at,
    )
    floor.support(dan, third, True)
    floor.support(ana, third, True)
    floor.support(dan, second, True)
    db.session.commit()
    items = floor.floor_items(question)
    assert [(i.text, i.votes) for i in items] == [("Third asked", 2), ("Second asked", 1), ("First asked", 0)]


def test_merge_adds_votes_and_counts_each_voter_once(room):
    question, (ana, ben, cai, dan) = room()
    target = ask(ana, question, "How is the data shared?")
    duplicate = ask(ben, question, "Who shares the data, and how?")
    floor.support(cai, target, True)  # voted for both: counts once
    floor.support(cai, duplicate, True)
    floor.support(dan, duplicate, True)  # voted only for the duplicate: moves
    floor.support(ana, duplicate, True)  # the target's author: never a vote for their own
    db.session.commit()

    floor.merge(duplicate, target)
    db.session.commit()

    assert votes_of(target) == {cai.id, dan.id}
    assert votes_of(duplicate) == set()
    assert duplicate.merged_into_id == target.id
    everything = floor.floor_items(question, include_pending=True, include_hidden=True)
    assert [(i.id, i.votes) for i in everything] == [(target.id, 2)]
    assert floor.merged_into(question) == {duplicate.id: target.id}
    with pytest.raises(AnswerError):
        floor.support(dan, duplicate, True)


def test_merge_into_itself_or_across_questions_is_refused(room, make_meeting):
    question, (ana, ben, _, _) = room()
    item = ask(ana, question, "Once")
    with pytest.raises(AnswerError, match="itself"):
        floor.merge(item, item)
    other_question = question.meeting.guiding_questions[1]
    other_question.format = QuestionFormat.FLOOR
    elsewhere = ask(ben, other_question, "Elsewhere")
    with pytest.raises(AnswerError, match="same question"):
        floor.merge(item, elsewhere)


def test_premoderation_keeps_new_questions_from_everyone_but_the_moderator(room):
    question, (ana, ben, _, _) = room(premoderation=True)
    item = ask(ana, question, "Waiting for approval")
    assert item.awaiting_approval
    assert floor.floor_items(question) == []
    moderator_view = floor.floor_items(question, include_pending=True)
    assert [(i.text, i.awaiting_approval) for i in moderator_view] == [("Waiting for approval", True)]
    # Nobody votes for what they cannot see.
    with pytest.raises(AnswerError):
        floor.support(ben, item, True)
    # Its author still has it.
    assert [own.id for own in floor.own_items(question, ana)] == [item.id]

    floor.moderate(item, "approve")
    db.session.commit()
    assert [i.text for i in floor.floor_items(question)] == ["Waiting for approval"]
    assert floor.support(ben, item, True) == 1


def test_hiding_a_waiting_question_turns_it_down(room):
    question, (ana, _, _, _) = room(premoderation=True)
    item = ask(ana, question, "Off topic")
    floor.moderate(item, "hide")
    assert floor.floor_items(question, include_pending=True) == []
    hidden = floor.floor_items(question, include_pending=True, include_hidden=True)
    assert [(i.hidden, i.awaiting_approval) for i in hidden] == [(True, False)]


def test_hidden_item_cannot_be_voted_nor_spotlighted(room):
    question, (ana, ben, _, _) = room()
    item = ask(ana, question, "Rude")
    floor.moderate(item, "hide")
    db.session.commit()
    assert floor.floor_items(question) == []
    with pytest.raises(AnswerError):
        floor.support(ben, item, True)
    with pytest.raises(AnswerError, match="projector"):
        floor.moderate(item, "spotlight")
    floor.moderate(item, "show")
    assert floor.support(ben, item, True) == 1


def test_spotlight_one_at_a_time(room):
    question, (ana, ben, _, _) = room()
    first = ask(ana, question, "First")
    second = ask(ben, question, "Second")
    floor.moderate(first, "spotlight")
    assert floor.spotlight_id(question) == first.id
    floor.moderate(second, "spotlight")
    assert floor.spotlight_id(question) == second.id
    floor.moderate(first, "unspotlight")  # not the one shown: changes nothing
    assert floor.spotlight_id(question) == second.id
    floor.moderate(second, "unspotlight")
    assert floor.spotlight_id(question) is None


def test_an_item_that_leaves_the_list_leaves_the_spotlight(room):
    question, (ana, ben, _, _) = room()
    item = ask(ana, question, "Shown")
    floor.moderate(item, "spotlight")
    floor.moderate(item, "answered")
    assert floor.spotlight_id(question) is None
    floor.moderate(item, "reopen")
    floor.moderate(item, "spotlight")
    item.deleted_at = item.created_at  # withdrawn by its author
    db.session.commit()
    assert floor.spotlight_id(question) is None
    # Merged away, the spotlight follows the item that absorbed it.
    item.deleted_at = None
    duplicate = ask(ben, question, "Shown, again")
    floor.moderate(duplicate, "spotlight")
    floor.merge(duplicate, item)
    assert floor.spotlight_id(question) == item.id


def test_answered_items_stay_listed_marked_and_take_no_new_votes(room):
    question, (ana, ben, cai, _) = room()
    item = ask(ana, question, "Answered soon")
    floor.support(cai, item, True)
    floor.moderate(item, "answered")
    db.session.commit()
    assert [(i.answered, i.votes) for i in floor.floor_items(question)] == [(True, 1)]
    with pytest.raises(AnswerError, match="answered"):
        floor.support(ben, item, True)
    assert floor.support(cai, item, False) == 0
    floor.moderate(item, "reopen")
    assert floor.floor_items(question)[0].answered is False


@pytest.mark.parametrize("attribution", ["named", "affiliation"])
def test_named_meetings_name_unless_the_author_asks_anonymously(room, attribution):
    question, (ana, ben, _, _) = room(attribution=attribution)
    named = ask(ana, question, "Named")
    hidden_name = ask(ben, question, "Not named", anonymous=True)
    authors = {i.id: i.author for i in floor.floor_items(question)}
    assert authors[named.id] and "Country" in authors[named.id]
    assert authors[hidden_name.id] is None


def test_anonymous_meeting_never_names_anyone_even_after_a_change_of_rule(room):
    question, (ana, _, _, _) = room(attribution="anonymous")
    item = ask(ana, question, "Who am I?")
    assert floor.floor_items(question)[0].author is None
    # The meeting later names people: what was asked under anonymity stays anonymous.
    db.session.get(Meeting, question.meeting_id).attribution = "named"
    db.session.commit()
    assert item.anonymous
    assert floor.floor_items(question)[0].author is None


def test_only_floor_questions_take_them_and_a_resend_is_harmless(room):
    question, (ana, _, _, _) = room()
    open_question = question.meeting.guiding_questions[1]
    with pytest.raises(AnswerError, match="floor"):
        floor.ask(ana, open_question, "client-open-1", "x", MAX)
    with pytest.raises(AnswerError, match="malformed"):
        floor.ask(ana, question, "client-anon-1", "x", MAX, anonymous="yes")
    first, created = floor.ask(ana, question, "client-same-1", "Once", MAX)
    again, created_again = floor.ask(ana, question, "client-same-1", "Once", MAX)
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1


def test_unknown_moderator_action_is_refused(room):
    question, (ana, _, _, _) = room()
    item = ask(ana, question, "x")
    for action in ("delete", None, 1, "Approve"):
        with pytest.raises(AnswerError, match="malformed"):
            floor.moderate(item, action)
