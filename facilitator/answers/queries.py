"""The one query for which answers may be seen, the one rule for the most supported, and counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, select

from facilitator.answers.models import Answer, Ballot, Vote
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import Question

# How many answers a report-back, the synthesis page and the report call "most supported".
TOP_ANSWERS = 5

T = TypeVar("T")


def visible(*, include_hidden: bool = False) -> ColumnElement[bool]:
    """What anyone but the moderator may see: not withdrawn by its author, not merged into another
    question from the floor, not waiting for approval, and (unless asked) not hidden by the moderator."""
    conditions = [
        Answer.deleted_at.is_(None),
        Answer.merged_into_id.is_(None),
        Answer.awaiting_approval.is_(false()),
    ]
    if not include_hidden:
        conditions.append(Answer.hidden_at.is_(None))
    return and_(*conditions)


def visible_answers(
    *,
    question_id: int | None = None,
    meeting_id: int | None = None,
    group_id: int | None = None,
    plenary_only: bool = False,
    include_hidden: bool = False,
) -> Select:
    """A statement over the visible answers of one question, one group's wall or a whole meeting,
    oldest first. Callers add their own columns or loading options."""
    statement = select(Answer).where(visible(include_hidden=include_hidden))
    if question_id is not None:
        statement = statement.where(Answer.question_id == question_id)
    if meeting_id is not None:
        statement = statement.join(Question, Question.id == Answer.question_id).where(
            Question.meeting_id == meeting_id
        )
    if group_id is not None:
        statement = statement.where(Answer.group_id == group_id)
    elif plenary_only:
        statement = statement.where(Answer.group_id.is_(None))
    return statement.order_by(Answer.created_at, Answer.id)


def answers_to(question: Question, *, include_hidden: bool) -> list[Answer]:
    """The plenary answers to a question (group walls are the breakouts' business)."""
    statement = visible_answers(question_id=question.id, plenary_only=True, include_hidden=include_hidden)
    return list(db.session.scalars(statement))


def most_supported(items: Iterable[T], *, votes: Callable[[T], int], order: Callable[[T], tuple]) -> list[T]:
    """The answers people supported most, at most TOP_ANSWERS of them.

    Only answers with at least one vote: with no votes at all, "most supported" would be an
    arbitrary pick presented as the room's choice. Ties go to the earlier answer (`order`).
    """
    supported = [item for item in items if votes(item) > 0]
    return sorted(supported, key=lambda item: (-votes(item), *order(item)))[:TOP_ANSWERS]


def vote_count(answer_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.answer_id == answer_id))


def vote_counts(answer_ids: list[int]) -> dict[int, int]:
    if not answer_ids:
        return {}
    statement = (
        select(Vote.answer_id, func.count()).where(Vote.answer_id.in_(answer_ids)).group_by(Vote.answer_id)
    )
    return dict(db.session.connection().execute(statement).all())


def meeting_vote_counts(meeting_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Vote.answer_id, func.count())
            .join(Answer, Answer.id == Vote.answer_id)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.meeting_id == meeting_id)
            .group_by(Vote.answer_id)
        ).all()
    )


# Built once: this runs after every answer, and composing the statement anew each time
# costs more than running it.
_PROGRESS = select(
    func.count(Answer.id),
    func.count(func.distinct(Answer.participant_id)),
    select(func.count())
    .select_from(Participant)
    .where(Participant.meeting_id == bindparam("meeting_id"))
    .scalar_subquery(),
).where(Answer.question_id == bindparam("question_id"), Answer.group_id.is_(None), visible())


# A ballot question: one ballot per person, withdrawn ones (NULL) not counted; the plenary's only.
_BALLOT_PROGRESS = select(
    func.count(Ballot.id),
    func.count(Ballot.id),
    select(func.count())
    .select_from(Participant)
    .where(Participant.meeting_id == bindparam("meeting_id"))
    .scalar_subquery(),
).where(Ballot.question_id == bindparam("question_id"), Ballot.scope == 0, Ballot.response.is_not(None))


def progress(question: Question) -> dict[str, int]:
    """How many answers there are and how many different people gave them (for a choice, rating,
    ranking or word question, the people whose ballot stands)."""
    statement = _BALLOT_PROGRESS if question.format in BALLOT_FORMATS else _PROGRESS
    # Plain rows on the session's own connection (same transaction): no ORM entities to build.
    answers, answered, participants = (
        db.session.connection()
        .execute(statement, {"question_id": question.id, "meeting_id": question.meeting_id})
        .one()
    )
    return {
        "question_id": question.id,
        "answers": answers,
        "answered": answered,
        "participants": participants,
    }
