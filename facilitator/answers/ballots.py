"""Ballots: one person's choice, rating, ranking or words on one question, changed in place.

A phone sends its whole response with every change, numbered by its own counter (`seq`). The
stored ballot keeps the highest number it has seen: a change numbered no higher (a resend whose
acknowledgement was lost, or an older change overtaken on the way) is acknowledged with what is
stored and changes nothing. Withdrawing keeps the row with no response, so that a late resend
of an earlier change cannot bring the ballot back.

Two tabs of one phone, or two server processes, may store changes to the same ballot at once:
the unique constraint makes one row of them, and the UPDATE only takes a higher number, in SQL,
so that a newer change is never overwritten by an older one whichever commits first.

Whether the question still takes ballots, and in which scope (the plenary, or a breakout
group), is the caller's to decide. Each function leaves its changes in the session; the caller
commits, then broadcasts.
"""

from __future__ import annotations

from sqlalchemy import null, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from facilitator.answers.folding import fold
from facilitator.answers.models import Ballot
from facilitator.answers.service import check_client_id, valid_id
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.integrity import insert_unless_present
from facilitator.joining.models import Participant
from facilitator.meetings import usage
from facilitator.meetings.formats import BALLOT_FORMATS, MAX_WORD_CHARS, MAX_WORDS
from facilitator.meetings.models import Question, QuestionFormat
from facilitator.text import clean_line
from facilitator.timeutil import utcnow

# JavaScript's integers are exact up to here: a phone's counter never goes beyond.
MAX_SEQ = 2**53
# The scope of plenary ballots; a breakout group's ballots have its id.
PLENARY = 0
UNIQUE = ("question_id", "participant_id", "scope")

# What a question's settings mean when they say nothing (formats.checked_format's defaults).
DEFAULTS = {
    "results": "live",
    "phones_see_results": False,
    "max_choices": None,
    "scale_min": 1,
    "scale_max": 5,
    "low_label": "",
    "high_label": "",
    "max_words": MAX_WORDS,
}


class BallotError(DomainError):
    pass


def setting(question: Question, name: str) -> object:
    value = (question.settings or {}).get(name)
    return DEFAULTS.get(name) if value is None else value


def scope_of(group_id: int | None) -> int:
    return PLENARY if group_id is None else group_id


def require_ballot_question(question: Question) -> None:
    if question.format not in BALLOT_FORMATS:
        raise BallotError(N_("This question is not answered with a choice, a rating, a ranking or words."))


def check_seq(seq: object) -> int:
    if not valid_id(seq) or not 0 <= seq < MAX_SEQ:
        raise BallotError(N_("This change has no valid number."))
    return seq


# ---------------------------------------------------------------- what a response may be


def _ids(response: dict, name: str, question: Question) -> list[int]:
    chosen = response.get(name)
    if not isinstance(chosen, list) or not all(valid_id(value) for value in chosen):
        raise BallotError(N_("This answer is malformed."))
    known = {option.id for option in question.options}
    if any(value not in known for value in chosen):
        raise BallotError(N_("This option is not one of this question's options."))
    if len(set(chosen)) != len(chosen):
        raise BallotError(N_("An option appears twice."))
    return chosen


def _in_option_order(question: Question, chosen: list[int]) -> list[int]:
    picked = set(chosen)
    return [option.id for option in question.options if option.id in picked]


def _choices(question: Question, response: dict) -> dict:
    chosen = _ids(response, "options", question)
    if question.format == QuestionFormat.SINGLE:
        if len(chosen) != 1:
            raise BallotError(N_("Choose exactly one option."))
        return {"options": chosen}
    if not chosen:
        raise BallotError(N_("Choose at least one option, or withdraw your answer."))
    most = setting(question, "max_choices") or len(question.options)
    if len(chosen) > most:
        raise BallotError(N_("Too many options chosen: the limit is %(max)s."), max=most)
    return {"options": _in_option_order(question, chosen)}


def _ranking(question: Question, response: dict) -> dict:
    ranking = _ids(response, "ranking", question)
    if len(ranking) != len(question.options):
        raise BallotError(N_("Put every option in order, each once."))
    return {"ranking": ranking}


def statement_ids(question: Question) -> list[int]:
    """What is rated: the question's statements, or the question itself (statement 0)."""
    return [option.id for option in question.options] or [0]


def _statement_id(key: object) -> int | None:
    if valid_id(key):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) < 12:
        return int(key)
    return None


def _ratings(question: Question, response: dict) -> dict:
    ratings = response.get("ratings")
    if not isinstance(ratings, dict):
        raise BallotError(N_("This answer is malformed."))
    if not ratings:
        raise BallotError(N_("Rate at least one statement, or withdraw your answer."))
    low, high = setting(question, "scale_min"), setting(question, "scale_max")
    known = statement_ids(question)
    given: dict[int, int] = {}
    for key, value in ratings.items():
        statement = _statement_id(key)
        if statement is None or statement not in known:
            raise BallotError(N_("This statement is not one of this question's statements."))
        if statement in given:
            raise BallotError(N_("A statement is rated twice."))
        if not valid_id(value) or not low <= value <= high:
            raise BallotError(N_("A rating is a whole number from %(low)s to %(high)s."), low=low, high=high)
        given[statement] = value
    return {"ratings": {str(statement): given[statement] for statement in known if statement in given}}


def _words(question: Question, response: dict) -> dict:
    entries = response.get("words")
    most = setting(question, "max_words")
    if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
        raise BallotError(N_("This answer is malformed."))
    if not entries:
        raise BallotError(N_("Write at least one word, or withdraw your answer."))
    if len(entries) > most:
        raise BallotError(N_("Too many entries: the limit is %(max)s."), max=most)
    words: list[dict] = []
    for entry in entries:
        # Refuse the absurd before cleaning it.
        text = clean_line(entry) if len(entry) <= 4 * MAX_WORD_CHARS else entry
        if not text:
            raise BallotError(N_("An entry is empty."))
        if len(text) > MAX_WORD_CHARS:
            raise BallotError(N_("An entry is at most %(max)s characters."), max=MAX_WORD_CHARS)
        key = fold(text)
        if not key:
            raise BallotError(
                N_("“%(entry)s” says nothing once small words such as “the” or “of” are set aside."),
                entry=text,
            )
        # The same word twice (“Climat”, “climats”) counts once.
        if all(word["key"] != key for word in words):
            words.append({"key": key, "text": text})
    return {"words": words}


_CHECKS = {
    QuestionFormat.SINGLE: _choices,
    QuestionFormat.MULTIPLE: _choices,
    QuestionFormat.RATING: _ratings,
    QuestionFormat.RANKING: _ranking,
    QuestionFormat.WORDS: _words,
}


def checked_response(question: Question, response: object) -> dict:
    """The response as it is stored, or a BallotError that says what is wrong with it."""
    require_ballot_question(question)
    if not isinstance(response, dict):
        raise BallotError(N_("This answer is malformed."))
    return _CHECKS[question.format](question, response)


def phone_response(response: dict | None) -> dict | None:
    """The response in the form a phone sends it: word entries as typed, without their keys."""
    if response is None or "words" not in response:
        return response
    return {"words": [word["text"] for word in response["words"]]}


def ballot_payload(ballot: Ballot) -> dict:
    """For the phone that cast it: what it may send again as is."""
    return {
        "question_id": ballot.question_id,
        "group_id": ballot.group_id,
        "response": phone_response(ballot.response),
        "seq": ballot.seq,
    }


# ---------------------------------------------------------------- storing


def find(participant_id: int, question_id: int, group_id: int | None = None) -> Ballot | None:
    return db.session.scalar(
        select(Ballot).where(
            Ballot.question_id == question_id,
            Ballot.participant_id == participant_id,
            Ballot.scope == scope_of(group_id),
        )
    )


def own_ballots(participant: Participant, question_ids: list[int], group_id: int | None) -> dict[int, Ballot]:
    """The participant's ballots on these questions in one scope, by question id."""
    if not question_ids:
        return {}
    rows = db.session.scalars(
        select(Ballot).where(
            Ballot.participant_id == participant.id,
            Ballot.question_id.in_(question_ids),
            Ballot.scope == scope_of(group_id),
        )
    )
    return {ballot.question_id: ballot for ballot in rows}


def already_stored(participant: Participant, question: Question, seq: int) -> Ballot | None:
    """A ballot of this participant on this question, in any scope, that already has this change
    or a later one: a resend that arrives after the question closed is acknowledged, not refused."""
    return db.session.scalar(
        select(Ballot)
        .where(
            Ballot.question_id == question.id,
            Ballot.participant_id == participant.id,
            Ballot.seq >= seq,
        )
        .order_by(Ballot.updated_at.desc(), Ballot.id.desc())
        .limit(1)
    )


def _store(
    participant: Participant,
    question: Question,
    group_id: int | None,
    client_id: str,
    seq: int,
    response: dict | None,
) -> tuple[Ballot, bool]:
    """Stores the change unless the ballot already has this one or a later one.
    Returns the ballot as stored and whether this change was stored."""
    scope = scope_of(group_id)
    now = utcnow()
    change = {
        "response": response,
        "seq": seq,
        "client_id": client_id,
        "group_id": group_id,
        "updated_at": now,
    }
    # A withdrawn ballot holds SQL NULL, not the JSON text "null", so that SQL can count responses.
    stored_response = null() if response is None else response
    # When a room votes at once almost every change is a first ballot: insert first, and read the
    # stored ballot only when there is one (a change, a resend, or another tab that got there first).
    values = {
        **change,
        "response": stored_response,
        "question_id": question.id,
        "participant_id": participant.id,
        "scope": scope,
        "created_at": now,
    }
    ballot_id = insert_unless_present(Ballot.__table__, values, UNIQUE)
    if ballot_id is not None:
        ballot = Ballot(
            id=ballot_id,
            question_id=question.id,
            participant_id=participant.id,
            scope=scope,
            created_at=now,
            **change,
        )
        make_transient_to_detached(ballot)
        db.session.add(ballot)
        return ballot, True
    stored = find(participant.id, question.id, group_id)
    if stored.seq >= seq:
        return stored, False
    # The condition on seq is checked again by the database: a newer change committed since the
    # row was read wins, and this one updates nothing.
    updated = db.session.execute(
        update(Ballot.__table__)
        .where(Ballot.__table__.c.id == stored.id, Ballot.__table__.c.seq < seq)
        .values({**change, "response": stored_response})
    ).rowcount
    if not updated:
        db.session.refresh(stored)
        return stored, False
    for name, value in change.items():
        set_committed_value(stored, name, value)
    return stored, True


def cast(
    participant: Participant,
    question: Question,
    client_id: object,
    seq: object,
    response: object,
    *,
    group_id: int | None = None,
) -> tuple[Ballot, bool]:
    """Casts or changes the participant's ballot; returns it and whether this change was stored
    (False: the ballot already had this change or a later one, and is returned as stored)."""
    client_id = check_client_id(client_id)
    seq = check_seq(seq)
    checked = checked_response(question, response)
    return _store(participant, question, group_id, client_id, seq, checked)


def withdraw(
    participant: Participant,
    question: Question,
    client_id: object,
    seq: object,
    *,
    group_id: int | None = None,
) -> tuple[Ballot, bool]:
    """Withdraws the participant's ballot (it stays, without a response); as `cast` otherwise."""
    client_id = check_client_id(client_id)
    seq = check_seq(seq)
    require_ballot_question(question)
    return _store(participant, question, group_id, client_id, seq, None)


def named_option_ids(response: dict | None) -> set[int]:
    """The options a stored response chose, ranked or rated (statement 0, the question itself, is none)."""
    if not response:
        return set()
    named = [*response.get("options", []), *response.get("ranking", [])]
    named += [int(key) for key in response.get("ratings", {})]
    return {option_id for option_id in named if option_id}


@usage.responses_named_by
def options_named_by_ballots(question_ids: list[int]) -> dict[int, set[int]]:
    """What the meeting editor must leave alone: questions with ballots, and the options they name."""
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Ballot.question_id, Ballot.response).where(Ballot.question_id.in_(question_ids))
    )
    for question_id, response in rows:
        found.setdefault(question_id, set()).update(named_option_ids(response))
    return found
