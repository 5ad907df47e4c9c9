"""The plenary: which question the whole room is on, and where a phone's answer goes.

Each function leaves its changes in the session; the caller commits, then broadcasts.
"""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator.answers import service as answers
from facilitator.answers.models import Answer
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import RoundStatus
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import checked_format
from facilitator.meetings.models import (
    Meeting,
    Question,
    QuestionFormat,
    QuestionKind,
    QuestionOption,
    QuestionStatus,
)
from facilitator.meetings.revision import bump_revision
from facilitator.text import required_text
from facilitator.timeutil import utcnow

ANSWER_TOO_LATE = N_("This question is closed; your answer arrived too late.")


class PlenaryError(DomainError):
    pass


def _close(question: Question) -> None:
    question.status = QuestionStatus.CLOSED
    question.closed_at = utcnow()


def open_question(meeting: Meeting, question: Question) -> Question:
    if question.meeting_id != meeting.id:
        raise PlenaryError(N_("This question belongs to another meeting."))
    if meeting.current_round is not None and meeting.current_round.status == RoundStatus.OPEN:
        raise PlenaryError(N_("Close the breakout round first: phones are in their groups."))
    current = meeting.current_question
    if current is not None and current.status == QuestionStatus.OPEN and current.id != question.id:
        _close(current)
    question.status = QuestionStatus.OPEN
    question.opened_at = utcnow()
    question.closed_at = None
    meeting.current_question = question
    bump_revision(meeting)
    return question


def open_adhoc_question(
    meeting: Meeting,
    text: object,
    max_length: int,
    question_format: object = QuestionFormat.OPEN,
    options: object = (),
    settings: object = None,
) -> Question:
    """A question asked on the spot: a quick poll, a word cloud, questions from the floor, or plain text."""
    text = required_text(text, max_length)
    spec = checked_format(question_format, options, settings)
    position = db.session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.meeting_id == meeting.id, Question.kind == QuestionKind.ADHOC)
    )
    question = Question(
        meeting_id=meeting.id,
        text=text,
        kind=QuestionKind.ADHOC,
        position=position,
        format=spec.format,
        settings=spec.settings,
        options=[QuestionOption(position=n, text=option) for n, option in enumerate(spec.options)],
    )
    db.session.add(question)
    db.session.flush()
    return open_question(meeting, question)


def close_current_question(meeting: Meeting) -> Question:
    current = meeting.current_question
    if current is None or current.status != QuestionStatus.OPEN:
        raise PlenaryError(N_("No question is open."))
    _close(current)
    bump_revision(meeting)
    return current


def require_question_open(question: Question, message: str = ANSWER_TOO_LATE) -> None:
    if question.status != QuestionStatus.OPEN:
        raise PlenaryError(message)


def require_answer_open(answer: Answer) -> None:
    """An existing answer changes only while its wall or its question still takes answers."""
    if answer.group_id is not None:
        breakouts.require_group_open(answer.group_id, breakouts.ANSWER_TOO_LATE)
    else:
        require_question_open(answer.question)


def submit_answer(
    participant: Participant,
    question_id: object,
    client_id: object,
    text: object,
    max_length: int,
    *,
    for_group: object = False,
) -> tuple[Answer, bool]:
    """Returns the answer and whether it is new; a resend returns the stored answer.

    During a breakout round the answer goes on the wall of the phone's own group (from
    server-side membership), for one of the group's questions.
    """
    existing = answers.resent(participant, client_id)
    if existing is not None:
        return existing, False
    round_ = breakouts.running_round(participant.meeting)
    member = breakouts.membership(round_, participant) if round_ else None
    if member is None and for_group is True:
        raise PlenaryError(breakouts.ANSWER_TOO_LATE)
    question = answers.question_for(participant, question_id)
    if question.format not in (QuestionFormat.OPEN,):
        raise PlenaryError(N_("This question is not answered in writing."))
    if member is not None:
        group = member.group
        if question.id not in group.question_ids:
            raise PlenaryError(N_("This question is not one of this group's questions."))
        # The caller found the group through its round, which the session already holds.
        breakouts.require_open(group.round, breakouts.ANSWER_TOO_LATE)
    else:
        require_question_open(question)
    return answers.add_answer(
        participant, question, client_id, text, max_length, group_id=member.group_id if member else None
    )
