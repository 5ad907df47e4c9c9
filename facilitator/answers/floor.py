"""Questions from the floor: what participants ask the room, vote up and withdraw, and what the
moderator does with them (approve, mark answered, hide, spotlight, merge duplicates).

Each question from the floor is an Answer on a question of format "floor"; its votes are Vote
rows. Whether the question still takes questions and votes is the caller's to check, as for
written answers. Each function leaves its changes in the session; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, false, or_, select, update
from sqlalchemy.orm import selectinload

from facilitator.answers import service as answers
from facilitator.answers.models import Answer, Vote
from facilitator.answers.payloads import author_label
from facilitator.answers.queries import vote_counts
from facilitator.errors import N_
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Attribution, Meeting, Question, QuestionFormat
from facilitator.timeutil import utcnow

MODERATOR_ACTIONS = ("approve", "answered", "reopen", "hide", "show", "spotlight", "unspotlight")


class FloorError(answers.AnswerError):
    pass


@dataclass(frozen=True)
class FloorItem:
    """One question from the floor as the room may know it: no id that leads back to a person."""

    id: int
    text: str
    # The attribution rule's label, None when the meeting or the author keeps it anonymous.
    author: str | None
    votes: int
    created_at: datetime
    answered: bool
    hidden: bool
    awaiting_approval: bool
    merged_into_id: int | None


def is_floor(question: Question | None) -> bool:
    return question is not None and question.format == QuestionFormat.FLOOR


def _item(meeting: Meeting, answer: Answer, votes: int) -> FloorItem:
    return FloorItem(
        id=answer.id,
        text=answer.text,
        author=None if answer.anonymous else author_label(meeting, answer.participant),
        votes=votes,
        created_at=answer.created_at,
        answered=answer.answered_at is not None,
        hidden=answer.hidden_at is not None,
        awaiting_approval=answer.awaiting_approval,
        merged_into_id=answer.merged_into_id,
    )


def sort_key(item: FloorItem) -> tuple:
    """Most votes first; among equals, the one asked first."""
    return (-item.votes, item.created_at, item.id)


def floor_items(
    question: Question, *, include_pending: bool = False, include_hidden: bool = False
) -> list[FloorItem]:
    """The questions from the floor on this question, most voted first, then oldest first.

    Withdrawn and merged ones are never listed; those waiting for approval and those the moderator
    hid only when asked (the moderator's view).
    """
    statement = (
        select(Answer)
        .where(
            Answer.question_id == question.id,
            Answer.group_id.is_(None),
            Answer.deleted_at.is_(None),
            Answer.merged_into_id.is_(None),
        )
        .options(selectinload(Answer.participant))
    )
    if not include_pending:
        statement = statement.where(Answer.awaiting_approval.is_(false()))
    if not include_hidden:
        statement = statement.where(Answer.hidden_at.is_(None))
    rows = list(db.session.scalars(statement))
    counts = vote_counts([answer.id for answer in rows])
    items = [_item(question.meeting, answer, counts.get(answer.id, 0)) for answer in rows]
    return sorted(items, key=sort_key)


def own_items(question: Question, participant: Participant) -> list[Answer]:
    """What this participant asked on this question and has not withdrawn, nor seen merged away."""
    statement = select(Answer).where(
        Answer.question_id == question.id,
        Answer.participant_id == participant.id,
        Answer.group_id.is_(None),
        Answer.deleted_at.is_(None),
        Answer.merged_into_id.is_(None),
    )
    return list(db.session.scalars(statement.order_by(Answer.created_at, Answer.id)))


def own_votes(question: Question, participant: Participant) -> list[int]:
    """The items of this question this participant voted for."""
    statement = (
        select(Vote.answer_id)
        .join(Answer, Answer.id == Vote.answer_id)
        .where(Vote.participant_id == participant.id, Answer.question_id == question.id)
    )
    return sorted(db.session.scalars(statement))


def merged_into(question: Question) -> dict[int, int]:
    """Where each merged item went, followed to the end of a chain of merges: a phone that voted
    for a duplicate learns that its vote now counts for the item that absorbed it."""
    pairs = dict(
        db.session.execute(
            select(Answer.id, Answer.merged_into_id).where(
                Answer.question_id == question.id, Answer.merged_into_id.is_not(None)
            )
        ).all()
    )
    final = {}
    for source, target in pairs.items():
        seen = {source}
        while target in pairs and target not in seen:
            seen.add(target)
            target = pairs[target]
        final[source] = target
    return final


def spotlight_id(question: Question) -> int | None:
    """The item shown big on the projector, if it is still one everyone may see."""
    item_id = question.spotlight_answer_id
    if item_id is None:
        return None
    answer = db.session.get(Answer, item_id)
    if answer is None or answer.question_id != question.id or not answer.visible:
        return None
    return item_id


def ask(
    participant: Participant,
    question: Question,
    client_id: object,
    text: object,
    max_length: int,
    *,
    anonymous: object = False,
) -> tuple[Answer, bool]:
    """A new question from the floor; returns it and whether it is new (a resend returns the stored one).

    In an anonymous meeting every question is stored anonymous: nobody is named later either, should
    the meeting's attribution change. Under premoderation it waits for the moderator's approval.
    """
    existing = answers.resent(participant, client_id)
    if existing is not None:
        return existing, False
    if not is_floor(question):
        raise FloorError(N_("This question does not take questions from the floor."))
    if not isinstance(anonymous, bool):
        raise FloorError(N_("This request is malformed."))
    anonymous = anonymous or participant.meeting.attribution == Attribution.ANONYMOUS
    premoderated = bool((question.settings or {}).get("premoderation", False))
    return answers.add_answer(
        participant,
        question,
        client_id,
        text,
        max_length,
        awaiting_approval=premoderated,
        anonymous=anonymous,
    )


def floor_item_in(meeting: Meeting, item_id: object) -> Answer:
    """A question from the floor of this meeting, not withdrawn and not merged away."""
    answer = answers.answer_in(meeting, item_id)
    if not is_floor(answer.question) or answer.group_id is not None or answer.merged_into_id is not None:
        raise FloorError(N_("This question from the floor does not exist."))
    return answer


def support(participant: Participant, item: Answer, supported: object) -> int:
    """One vote each, removable, never for one's own; not for an item already answered, nor for one
    nobody may see (hidden, waiting for approval). Returns the item's new count."""
    if supported is True and item.answered_at is not None:
        raise FloorError(N_("This question has already been answered."))
    return answers.set_support(participant, item, supported)


def _clear_spotlight_of(item: Answer) -> None:
    question = item.question
    if question.spotlight_answer_id == item.id:
        question.spotlight_answer_id = None


def moderate(item: Answer, action: object) -> Answer:
    """The moderator's decisions on one item. Hiding a waiting item turns it down; showing it again
    puts it in front of everyone. An item that leaves the room's list leaves the projector too."""
    if action not in MODERATOR_ACTIONS:
        raise FloorError(N_("This request is malformed."))
    question = item.question
    if action == "approve":
        item.awaiting_approval = False
    elif action == "answered":
        item.answered_at = item.answered_at or utcnow()
        _clear_spotlight_of(item)
    elif action == "reopen":
        item.answered_at = None
    elif action == "hide":
        item.hidden_at = item.hidden_at or utcnow()
        item.awaiting_approval = False
        _clear_spotlight_of(item)
    elif action == "show":
        item.hidden_at = None
        item.awaiting_approval = False
    elif action == "spotlight":
        if not item.visible:
            raise FloorError(N_("Only a question everyone can see can be shown on the projector."))
        # One at a time: starring another replaces the one before.
        question.spotlight_answer_id = item.id
    else:
        _clear_spotlight_of(item)
    return item


def merge(source: Answer, target: Answer) -> Answer:
    """Folds a duplicate into another item of the same question, which takes its votes.

    A voter counts once: a vote for the duplicate moves to the target unless its voter already
    voted for the target or wrote it (nobody votes for their own question). The duplicate keeps
    its row, marked merged, and leaves every list.
    """
    if source.id == target.id:
        raise FloorError(N_("A question cannot be merged into itself."))
    if source.question_id != target.question_id:
        raise FloorError(N_("Only questions from the floor on the same question can be merged."))
    if target.awaiting_approval:
        raise FloorError(N_("Approve this question before merging another into it."))
    already = select(Vote.participant_id).where(Vote.answer_id == target.id)
    db.session.execute(
        delete(Vote).where(
            Vote.answer_id == source.id,
            or_(Vote.participant_id.in_(already), Vote.participant_id == target.participant_id),
        )
    )
    db.session.execute(update(Vote).where(Vote.answer_id == source.id).values(answer_id=target.id))
    source.merged_into_id = target.id
    question = source.question
    if question.spotlight_answer_id == source.id:
        question.spotlight_answer_id = target.id if target.visible else None
    return source
