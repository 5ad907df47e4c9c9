"""Live questions and answers: what may happen, and what it changes in the database.

Each function leaves its changes in the session; the caller commits, then broadcasts.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, RoundStatus
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.integrity import insert_unless_present
from facilitator.joining.models import Participant
from facilitator.live.models import Answer
from facilitator.meetings.models import Meeting, Question, QuestionKind, QuestionStatus
from facilitator.text import clean
from facilitator.timeutil import utcnow

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class LiveError(DomainError):
    pass


def commit_keeping_state() -> None:
    """Commits without expiring what the session has loaded.

    Each socket event has a session of its own that ends with the event; what it loaded
    is exactly what it has just written. Expiring it, as a plain commit does, would make
    the broadcast that follows read every row back, one statement each.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def bump_revision(meeting: Meeting) -> None:
    """Counted in the database, so every server process agrees on the order of changes."""
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(revision=Meeting.revision + 1))
    db.session.refresh(meeting, ["revision"])


def _close(question: Question) -> None:
    question.status = QuestionStatus.CLOSED
    question.closed_at = utcnow()


def open_question(meeting: Meeting, question: Question) -> Question:
    if question.meeting_id != meeting.id:
        raise LiveError(N_("This question belongs to another meeting."))
    if meeting.current_round is not None and meeting.current_round.status == RoundStatus.OPEN:
        raise LiveError(N_("Close the breakout round first: phones are in their groups."))
    current = meeting.current_question
    if current is not None and current.status == QuestionStatus.OPEN and current.id != question.id:
        _close(current)
    question.status = QuestionStatus.OPEN
    question.opened_at = utcnow()
    question.closed_at = None
    meeting.current_question = question
    bump_revision(meeting)
    return question


def open_adhoc_question(meeting: Meeting, text: str, max_length: int) -> Question:
    text = clean_text(text, max_length)
    position = db.session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.meeting_id == meeting.id, Question.kind == QuestionKind.ADHOC)
    )
    question = Question(meeting_id=meeting.id, text=text, kind=QuestionKind.ADHOC, position=position)
    db.session.add(question)
    db.session.flush()
    return open_question(meeting, question)


def close_current_question(meeting: Meeting) -> Question:
    current = meeting.current_question
    if current is None or current.status != QuestionStatus.OPEN:
        raise LiveError(N_("No question is open."))
    _close(current)
    bump_revision(meeting)
    return current


def clean_text(text: object, max_length: int) -> str:
    """Text a phone or a moderator sent, cleaned by the one rule (facilitator.text) and checked."""
    if not isinstance(text, str):
        raise LiveError(N_("The text is missing."))
    # Normalising can lengthen text a little, never this much: refuse the absurd before the work.
    if len(text) > 4 * max_length:
        raise LiveError(N_("Too long: at most %(max)s characters."), max=max_length)
    text = clean(text)
    if not text:
        raise LiveError(N_("Please write something first."))
    if len(text) > max_length:
        raise LiveError(N_("Too long: at most %(max)s characters."), max=max_length)
    return text


def _own_answer(participant: Participant, client_id: object) -> Answer:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise LiveError(N_("This answer id is not valid."))
    answer = db.session.scalar(
        select(Answer).where(Answer.participant_id == participant.id, Answer.client_id == client_id)
    )
    if answer is None or answer.deleted_at is not None:
        raise LiveError(N_("This answer does not exist."))
    return answer


def _require_open(question: Question, group_id: int | None = None) -> None:
    if group_id is not None:
        # A breakout wall stays open as long as its round, whatever the plenary does.
        round_status = db.session.scalar(
            select(BreakoutRound.status)
            .join(BreakoutGroup, BreakoutGroup.round_id == BreakoutRound.id)
            .where(BreakoutGroup.id == group_id)
        )
        if round_status != RoundStatus.OPEN:
            raise LiveError(N_("This breakout round has ended; your answer arrived too late."))
    elif question.status != QuestionStatus.OPEN:
        raise LiveError(N_("This question is closed; your answer arrived too late."))


_ANSWER_ID = select(Answer.id).where(
    Answer.participant_id == bindparam("participant_id"), Answer.client_id == bindparam("client_id")
)


def _stored_answer(participant: Participant, client_id: str) -> Answer:
    return db.session.scalar(
        select(Answer).where(Answer.participant_id == participant.id, Answer.client_id == client_id)
    )


def already_stored(participant: Participant, client_id: object) -> bool:
    return (
        isinstance(client_id, str)
        and db.session.scalar(
            select(Answer.id).where(Answer.participant_id == participant.id, Answer.client_id == client_id)
        )
        is not None
    )


def submit_answer(
    participant: Participant,
    question_id: object,
    client_id: object,
    text: object,
    max_length: int,
    group: BreakoutGroup | None = None,
) -> tuple[Answer, bool]:
    """Returns the answer and whether it is new; a resend returns the stored answer.

    With a group (the caller's own, from server-side membership) the answer goes on that
    group's wall, for one of the group's questions.
    """
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise LiveError(N_("This answer id is not valid."))
    # Almost always a new answer: probe for the id alone, and load the row only for a resend.
    existing = (
        db.session.connection()
        .execute(_ANSWER_ID, {"participant_id": participant.id, "client_id": client_id})
        .scalar()
    )
    if existing is not None:
        return db.session.get(Answer, existing), False
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        raise LiveError(N_("This question does not exist."))
    question = db.session.get(Question, question_id)
    if question is None or question.meeting_id != participant.meeting_id:
        raise LiveError(N_("This question does not exist."))
    if group is not None and question.id not in group.question_ids:
        raise LiveError(N_("This question is not one of this group's questions."))
    if group is not None:
        # The caller found the group through its round, which the session already holds.
        if group.round.status != RoundStatus.OPEN:
            raise LiveError(N_("This breakout round has ended; your answer arrived too late."))
    else:
        _require_open(question)
    now = utcnow()
    values = {
        "question_id": question.id,
        "group_id": group.id if group else None,
        "participant_id": participant.id,
        "client_id": client_id,
        "text": clean_text(text, max_length),
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "hidden_at": None,
    }
    # A thousand phones answer within seconds: a plain INSERT on the session's connection
    # (same transaction) skips the unit of work, then the row joins the session as loaded.
    # A resend racing this one (another process, or the same phone reconnecting) may have
    # stored it meanwhile: then that row is the answer.
    answer_id = insert_unless_present(Answer.__table__, values, ("participant_id", "client_id"))
    if answer_id is None:
        return _stored_answer(participant, client_id), False
    answer = Answer(id=answer_id, **values)
    make_transient_to_detached(answer)
    db.session.add(answer)
    # The broadcast that follows reads both; the session holds only weak references to
    # rows nothing else holds.
    set_committed_value(answer, "question", question)
    set_committed_value(answer, "participant", participant)
    return answer, True


def edit_answer(participant: Participant, client_id: object, text: object, max_length: int) -> Answer:
    answer = _own_answer(participant, client_id)
    _require_open(answer.question, answer.group_id)
    if answer.hidden_at is not None:
        raise LiveError(N_("The moderator has hidden this answer."))
    answer.text = clean_text(text, max_length)
    answer.updated_at = utcnow()
    return answer


def delete_answer(participant: Participant, client_id: object) -> Answer:
    answer = _own_answer(participant, client_id)
    _require_open(answer.question, answer.group_id)
    answer.deleted_at = utcnow()
    return answer


def set_answer_hidden(meeting: Meeting, answer_id: object, hidden: bool) -> Answer:
    if not isinstance(answer_id, int) or isinstance(answer_id, bool):
        raise LiveError(N_("This answer does not exist."))
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.question.meeting_id != meeting.id or answer.deleted_at is not None:
        raise LiveError(N_("This answer does not exist."))
    answer.hidden_at = utcnow() if hidden else None
    return answer


def answers_to(question: Question, *, include_hidden: bool) -> list[Answer]:
    """The plenary answers to a question (group walls are the breakouts' business)."""
    query = select(Answer).where(
        Answer.question_id == question.id, Answer.group_id.is_(None), Answer.deleted_at.is_(None)
    )
    if not include_hidden:
        query = query.where(Answer.hidden_at.is_(None))
    return list(db.session.scalars(query.order_by(Answer.created_at, Answer.id)))


# Built once: this runs after every answer, and composing the statement anew each time
# costs more than running it.
_PROGRESS = select(
    func.count(Answer.id),
    func.count(func.distinct(Answer.participant_id)),
    select(func.count())
    .select_from(Participant)
    .where(Participant.meeting_id == bindparam("meeting_id"))
    .scalar_subquery(),
).where(
    Answer.question_id == bindparam("question_id"),
    Answer.group_id.is_(None),
    Answer.deleted_at.is_(None),
    Answer.hidden_at.is_(None),
)


def progress(question: Question) -> dict[str, int]:
    """How many answers there are and how many different people gave them."""
    # Plain rows on the session's own connection (same transaction): no ORM entities to build.
    answers, answered, participants = (
        db.session.connection()
        .execute(_PROGRESS, {"question_id": question.id, "meeting_id": question.meeting_id})
        .one()
    )
    return {
        "question_id": question.id,
        "answers": answers,
        "answered": answered,
        "participants": participants,
    }
