"""Written answers and support votes: what a participant or moderator may do to them.

Whether the context still takes answers (the plenary question is open, the group's round runs)
is the caller's to check: each context knows its own rule and says so in its own words.
Each function leaves its changes in the session; the caller commits, then broadcasts.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from facilitator.answers.models import Answer, Vote
from facilitator.answers.queries import vote_count
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.integrity import insert_unless_present
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting, Question
from facilitator.text import required_text
from facilitator.timeutil import utcnow

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class AnswerError(DomainError):
    pass


def valid_id(value: object) -> bool:
    """An integer id as JSON sends it (a bool is an int to Python, not to anyone sending one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise AnswerError(N_("This answer id is not valid."))
    return client_id


_ANSWER_ID = select(Answer.id).where(
    Answer.participant_id == bindparam("participant_id"), Answer.client_id == bindparam("client_id")
)


def resent(participant: Participant, client_id: object) -> Answer | None:
    """The answer this phone already stored under this client id, if the message is a resend."""
    client_id = check_client_id(client_id)
    # Almost always a new answer: probe for the id alone, and load the row only for a resend.
    existing = (
        db.session.connection()
        .execute(_ANSWER_ID, {"participant_id": participant.id, "client_id": client_id})
        .scalar()
    )
    return db.session.get(Answer, existing) if existing is not None else None


def question_for(participant: Participant, question_id: object, *, with_options: bool = False) -> Question:
    """A question of the participant's own meeting, whatever id the phone sent."""
    loading = [joinedload(Question.options)] if with_options else None
    question = db.session.get(Question, question_id, options=loading) if valid_id(question_id) else None
    if question is None or question.meeting_id != participant.meeting_id:
        raise AnswerError(N_("This question does not exist."))
    return question


def add_answer(
    participant: Participant,
    question: Question,
    client_id: object,
    text: object,
    max_length: int,
    *,
    group_id: int | None = None,
    awaiting_approval: bool = False,
    anonymous: bool = False,
) -> tuple[Answer, bool]:
    """Stores a new answer; returns it and whether it is new (a racing resend returns the stored one)."""
    client_id = check_client_id(client_id)
    now = utcnow()
    values = {
        "question_id": question.id,
        "group_id": group_id,
        "participant_id": participant.id,
        "client_id": client_id,
        "text": required_text(text, max_length),
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "hidden_at": None,
        "anonymous": anonymous,
        "awaiting_approval": awaiting_approval,
        "answered_at": None,
        "merged_into_id": None,
    }
    # A thousand phones answer within seconds: a plain INSERT on the session's connection
    # (same transaction) skips the unit of work, then the row joins the session as loaded.
    # A resend racing this one (another process, or the same phone reconnecting) may have
    # stored it meanwhile: then that row is the answer.
    answer_id = insert_unless_present(Answer.__table__, values, ("participant_id", "client_id"))
    if answer_id is None:
        return resent(participant, client_id), False
    answer = Answer(id=answer_id, **values)
    make_transient_to_detached(answer)
    db.session.add(answer)
    # The broadcast that follows reads both; the session holds only weak references to
    # rows nothing else holds.
    set_committed_value(answer, "question", question)
    set_committed_value(answer, "participant", participant)
    return answer, True


def already_stored(participant: Participant, client_id: object) -> bool:
    return (
        isinstance(client_id, str)
        and CLIENT_ID.match(client_id)
        and resent(participant, client_id) is not None
    )


def own_answer(participant: Participant, client_id: object) -> Answer:
    client_id = check_client_id(client_id)
    answer = db.session.scalar(
        select(Answer).where(Answer.participant_id == participant.id, Answer.client_id == client_id)
    )
    if answer is None or answer.deleted_at is not None:
        raise AnswerError(N_("This answer does not exist."))
    return answer


def edit_answer(answer: Answer, text: object, max_length: int) -> Answer:
    if answer.hidden_at is not None:
        raise AnswerError(N_("The moderator has hidden this answer."))
    answer.text = required_text(text, max_length)
    answer.updated_at = utcnow()
    return answer


def delete_answer(answer: Answer) -> Answer:
    answer.deleted_at = utcnow()
    return answer


def answer_in(meeting: Meeting, answer_id: object) -> Answer:
    """An answer of this meeting, for the moderator to act on."""
    answer = db.session.get(Answer, answer_id) if valid_id(answer_id) else None
    if answer is None or answer.question.meeting_id != meeting.id or answer.deleted_at is not None:
        raise AnswerError(N_("This answer does not exist."))
    return answer


def set_answer_hidden(meeting: Meeting, answer_id: object, hidden: bool) -> Answer:
    answer = answer_in(meeting, answer_id)
    answer.hidden_at = utcnow() if hidden else None
    return answer


def set_support(
    participant: Participant, answer: Answer, supported: object, *, own_allowed: bool = False
) -> int:
    """One vote each, removable; on one's own answer only where the context allows it (a group's
    wall does: its members weigh their own ideas too). Returns the answer's new count.

    The caller has checked that the participant may see the answer (their group's wall, the
    meeting's questions from the floor) and that it still takes votes.
    """
    if not isinstance(supported, bool):
        raise AnswerError(N_("This request is malformed."))
    if not answer.visible:
        raise AnswerError(N_("This answer does not exist."))
    if supported and not own_allowed and answer.participant_id == participant.id:
        raise AnswerError(N_("You cannot vote for your own contribution."))
    # Both idempotent, so that a vote sent twice at once (a retry, two tabs) counts once.
    if supported:
        values = {"answer_id": answer.id, "participant_id": participant.id, "created_at": utcnow()}
        insert_unless_present(Vote.__table__, values, ("answer_id", "participant_id"))
    else:
        db.session.execute(
            delete(Vote).where(Vote.answer_id == answer.id, Vote.participant_id == participant.id)
        )
    return vote_count(answer.id)
