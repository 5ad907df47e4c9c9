"""Ballot rules without sockets: what a response may be, change in place, withdraw, resends."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from facilitator.answers import ballots, tally
from facilitator.answers.models import Ballot
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Question
from tests.answers.ballot_questions import make_ballot_question, option_ids


@dataclass
class Ballots:
    """A meeting with one question of each ballot format, two people, and a stranger's question."""

    single: int
    multiple: int
    rating: int
    rated_question: int
    ranking: int
    words: int
    open: int
    foreign_option: int
    people: list[int]

    def question(self, name: str) -> Question:
        return db.session.get(Question, getattr(self, name))

    def options(self, name: str) -> list[int]:
        return option_ids(getattr(self, name))

    def person(self, index: int = 0) -> Participant:
        return db.session.get(Participant, self.people[index])


@pytest.fixture
def world(make_meeting) -> Ballots:
    meeting = make_meeting(questions=7, phones=2)
    ids = meeting.question_ids
    make_ballot_question(ids[0], "single", ["Yes", "No", "Maybe"])
    make_ballot_question(ids[1], "multiple", ["Water", "Food", "Shelter", "Schools"], max_choices=2)
    make_ballot_question(ids[2], "rating", ["Clear", "Useful"], scale_min=1, scale_max=5)
    make_ballot_question(ids[3], "rating", [], scale_min=0, scale_max=10)
    make_ballot_question(ids[4], "ranking", ["First", "Second", "Third"])
    make_ballot_question(ids[5], "words", max_words=2)
    other = make_meeting(questions=2)
    make_ballot_question(other.question_ids[0], "single", ["Elsewhere", "Nowhere"])
    return Ballots(
        single=ids[0],
        multiple=ids[1],
        rating=ids[2],
        rated_question=ids[3],
        ranking=ids[4],
        words=ids[5],
        open=ids[6],
        foreign_option=option_ids(other.question_ids[0])[0],
        people=[phone.participant_id for phone in meeting.phones],
    )


def cast(
    world: Ballots, name: str, response, *, seq: int = 1, person: int = 0, client_id: str = "ballot-0001"
):
    ballot, stored = ballots.cast(world.person(person), world.question(name), client_id, seq, response)
    db.session.commit()
    return ballot, stored


def stored_rows() -> list[tuple]:
    rows = db.session.execute(
        db.select(
            Ballot.question_id,
            Ballot.participant_id,
            Ballot.scope,
            Ballot.response,
            Ballot.seq,
            Ballot.client_id,
        ).order_by(Ballot.id)
    )
    return [tuple(row) for row in rows]


# ---------------------------------------------------------------- valid responses


def test_each_format_stores_its_response(world):
    single, multiple, rating = world.options("single"), world.options("multiple"), world.options("rating")
    ranking = world.options("ranking")
    assert cast(world, "single", {"options": [single[1]]})[0].response == {"options": [single[1]]}
    # Stored in the options' order, whatever order they were ticked in.
    chosen = cast(world, "multiple", {"options": [multiple[2], multiple[0]]})[0]
    assert chosen.response == {"options": [multiple[0], multiple[2]]}
    rated = cast(world, "rating", {"ratings": {str(rating[1]): 5, str(rating[0]): 2}})[0]
    assert rated.response == {"ratings": {str(rating[0]): 2, str(rating[1]): 5}}
    # Some statements may be left unrated.
    assert cast(world, "rating", {"ratings": {str(rating[1]): 4}}, seq=2)[0].response == {
        "ratings": {str(rating[1]): 4}
    }
    assert cast(world, "rated_question", {"ratings": {"0": 0}})[0].response == {"ratings": {"0": 0}}
    order = [ranking[2], ranking[0], ranking[1]]
    assert cast(world, "ranking", {"ranking": order})[0].response == {"ranking": order}


def test_words_are_cleaned_folded_and_collapsed(world):
    ballot, stored = cast(world, "words", {"words": ["  Le   Climat ", "climats"]})
    assert stored
    assert ballot.response == {"words": [{"key": "climat", "text": "Le Climat"}]}
    # The phone gets back what it sent, as cleaned: it can send it again as is.
    assert ballots.ballot_payload(ballot) == {
        "question_id": world.words,
        "group_id": None,
        "response": {"words": ["Le Climat"]},
        "seq": 1,
    }


def test_a_change_replaces_the_ballot_in_place(world):
    yes, no, _ = world.options("single")
    first, _ = cast(world, "single", {"options": [yes]}, seq=10)
    changed, stored = cast(world, "single", {"options": [no]}, seq=11, client_id="ballot-0002")
    assert stored and changed.id == first.id
    assert stored_rows() == [(world.single, world.people[0], 0, {"options": [no]}, 11, "ballot-0002")]


def test_withdraw_keeps_the_row_without_a_response(world):
    yes = world.options("single")[0]
    cast(world, "single", {"options": [yes]}, seq=1)
    ballot, stored = ballots.withdraw(world.person(), world.question("single"), "ballot-0003", 2)
    db.session.commit()
    assert stored and ballot.response is None
    assert stored_rows() == [(world.single, world.people[0], 0, None, 2, "ballot-0003")]
    assert tally.respondent_count(world.question("single")) == 0
    # A late resend of the change before the withdrawal does not bring the ballot back.
    again, stored = cast(world, "single", {"options": [yes]}, seq=1)
    assert not stored and again.response is None


def test_withdrawing_what_was_never_cast_is_remembered(world):
    _, stored = ballots.withdraw(world.person(), world.question("words"), "ballot-0004", 5)
    db.session.commit()
    assert stored
    assert not cast(world, "words", {"words": ["late"]}, seq=4)[1]
    assert cast(world, "words", {"words": ["new"]}, seq=6)[1]


def test_resend_returns_the_stored_ballot_as_a_duplicate(world):
    yes = world.options("single")[0]
    first, stored = cast(world, "single", {"options": [yes]}, seq=3)
    again, stored_again = cast(world, "single", {"options": [yes]}, seq=3)
    assert stored and not stored_again and again.id == first.id
    assert len(stored_rows()) == 1


def test_an_older_change_arriving_late_is_ignored(world):
    yes, no, maybe = world.options("single")
    cast(world, "single", {"options": [no]}, seq=20)
    late, stored = cast(world, "single", {"options": [maybe]}, seq=19)
    assert not stored and late.response == {"options": [no]} and late.seq == 20
    assert stored_rows()[0][3:5] == ({"options": [no]}, 20)


def test_each_person_has_a_ballot_of_their_own(world):
    yes, no, _ = world.options("single")
    cast(world, "single", {"options": [yes]}, person=0)
    cast(world, "single", {"options": [no]}, person=1, client_id="ballot-0009")
    assert len(stored_rows()) == 2
    assert ballots.find(world.people[0], world.single).response == {"options": [yes]}
    assert ballots.find(world.people[1], world.single).response == {"options": [no]}


# ---------------------------------------------------------------- refused, and nothing changes


def _bad_responses(world: Ballots) -> list[tuple[str, object]]:
    single, multiple = world.options("single"), world.options("multiple")
    rating, ranking = world.options("rating"), world.options("ranking")
    return [
        ("single", None),
        ("single", "yes"),
        ("single", {}),
        ("single", {"options": single[0]}),
        ("single", {"options": [str(single[0])]}),
        ("single", {"options": [True]}),
        ("single", {"options": [float(single[0])]}),
        ("single", {"options": [world.foreign_option]}),
        ("single", {"options": [multiple[0]]}),  # another question's option
        ("single", {"options": []}),
        ("single", {"options": [single[0], single[1]]}),
        ("multiple", {"options": []}),
        ("multiple", {"options": multiple[:3]}),  # more than max_choices
        ("multiple", {"options": [multiple[0], multiple[0]]}),
        ("multiple", {"options": [multiple[0], single[0]]}),
        ("rating", {"ratings": {}}),
        ("rating", {"ratings": [5]}),
        ("rating", {"ratings": {str(rating[0]): 0}}),
        ("rating", {"ratings": {str(rating[0]): 6}}),
        ("rating", {"ratings": {str(rating[0]): 3.5}}),
        ("rating", {"ratings": {str(rating[0]): True}}),
        ("rating", {"ratings": {str(rating[0]): "3"}}),
        ("rating", {"ratings": {"0": 3}}),  # the question has statements
        ("rating", {"ratings": {str(single[0]): 3}}),
        ("rating", {"ratings": {"abc": 3}}),
        ("rating", {"ratings": {str(rating[0]): 3, rating[0]: 4}}),
        ("rated_question", {"ratings": {"0": 11}}),
        ("rated_question", {"ratings": {str(rating[0]): 3}}),
        ("ranking", {"ranking": [ranking[0], ranking[0], ranking[1]]}),
        ("ranking", {"ranking": ranking[:2]}),
        ("ranking", {"ranking": [*ranking, single[0]]}),
        ("ranking", {"ranking": [ranking[0], ranking[1], single[0]]}),
        ("ranking", {"ranking": []}),
        ("words", {"words": []}),
        ("words", {"words": "climat"}),
        ("words", {"words": ["one", "two", "three"]}),
        ("words", {"words": [""]}),
        ("words", {"words": ["  \t "]}),
        ("words", {"words": ["x" * 41]}),
        ("words", {"words": ["x" * 1000]}),
        ("words", {"words": [7]}),
        ("words", {"words": [{"key": "climat", "text": "climat"}]}),
        ("words", {"words": ["the"]}),
        ("words", {"words": ["climat", "de la"]}),
        ("open", {"options": [single[0]]}),
    ]


def test_bad_responses_are_refused_and_change_nothing(world):
    # Everyone has a ballot on every ballot question already: a refused change must leave it.
    single, multiple = world.options("single"), world.options("multiple")
    rating, ranking = world.options("rating"), world.options("ranking")
    cast(world, "single", {"options": [single[0]]})
    cast(world, "multiple", {"options": [multiple[0]]})
    cast(world, "rating", {"ratings": {str(rating[0]): 3}})
    cast(world, "rated_question", {"ratings": {"0": 7}})
    cast(world, "ranking", {"ranking": ranking})
    cast(world, "words", {"words": ["climat"]})
    before = stored_rows()
    for name, response in _bad_responses(world):
        with pytest.raises(DomainError) as refused:
            cast(world, name, response, seq=2)
        db.session.rollback()
        assert refused.value.translated(), (name, response)
        assert stored_rows() == before, (name, response)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"options": []}, "Choose exactly one option."),
        ({"options": [1, 2]}, "Choose exactly one option."),
    ],
)
def test_single_choice_says_what_is_wrong(world, response, message):
    options = world.options("single")
    response = {"options": [options[index - 1] for index in response["options"]]}
    with pytest.raises(DomainError, match=message):
        cast(world, "single", response)


def test_messages_say_what_to_do(world):
    multiple, rating = world.options("multiple"), world.options("rating")
    with pytest.raises(DomainError, match="or withdraw your answer"):
        cast(world, "multiple", {"options": []})
    with pytest.raises(DomainError, match="Too many options chosen: the limit is 2"):
        cast(world, "multiple", {"options": multiple[:3]})
    with pytest.raises(DomainError, match="from 1 to 5"):
        cast(world, "rating", {"ratings": {str(rating[0]): 9}})
    with pytest.raises(DomainError, match="not one of this question's options"):
        cast(world, "single", {"options": [world.foreign_option]})
    with pytest.raises(DomainError, match="every option in order"):
        cast(world, "ranking", {"ranking": world.options("ranking")[:2]})
    with pytest.raises(DomainError, match="“of the” says nothing"):
        cast(world, "words", {"words": ["of the"]})
    with pytest.raises(DomainError, match="at most 40 characters"):
        cast(world, "words", {"words": ["x" * 41]})
    with pytest.raises(DomainError, match="Too many entries: the limit is 2"):
        cast(world, "words", {"words": ["a1", "b2", "c3"]})
    assert stored_rows() == []


@pytest.mark.parametrize("seq", [-1, 2**53, "5", True, 1.0, None])
def test_seq_must_be_a_whole_number_javascript_can_hold(world, seq):
    with pytest.raises(DomainError, match="no valid number"):
        cast(world, "single", {"options": world.options("single")[:1]}, seq=seq)
    with pytest.raises(DomainError):
        ballots.withdraw(world.person(), world.question("single"), "ballot-0001", seq)
    assert stored_rows() == []


def test_largest_seq_is_accepted(world):
    assert cast(world, "single", {"options": world.options("single")[:1]}, seq=2**53 - 1)[1]


@pytest.mark.parametrize("client_id", ["short", "has spaces in it", "x" * 65, None, 12345678])
def test_client_id_is_checked(world, client_id):
    with pytest.raises(DomainError):
        cast(world, "single", {"options": world.options("single")[:1]}, client_id=client_id)
    assert stored_rows() == []


def test_refusals_are_translated(app, world):
    from flask_babel import force_locale

    with pytest.raises(DomainError) as refused:
        cast(world, "words", {"words": ["of the"]})
    with app.test_request_context(), force_locale("fr"):
        assert refused.value.translated() == (
            "« of the » ne dit rien une fois écartés les petits mots comme « le » ou « de »."
        )
