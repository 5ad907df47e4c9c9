"""Questions from the floor in the plenary: opening the floor, where a phone's question goes, what
each screen receives, and the notices after a change.

The room sees the public list; an item waiting for approval reaches only its author and the
moderators. The list is sent once for a burst of changes (a room voting at once), read from the
database when it leaves, so the last notice is always right.
"""

from __future__ import annotations

from facilitator.answers import floor
from facilitator.answers import service as answers
from facilitator.answers.floor import FloorItem
from facilitator.answers.models import Answer
from facilitator.errors import N_
from facilitator.extensions import db, socketio
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting, Question, QuestionFormat
from facilitator.plenary import service
from facilitator.realtime.coalesce import once_soon
from facilitator.realtime.rooms import Audience, meeting_room, participant_room
from facilitator.realtime.synthesis_notices import synthesis_changed
from facilitator.timeutil import isoformat_utc

# How many questions the projector lists when none is in the spotlight: big type, read from afar.
PROJECTOR_TOP = 5
FLOOR_CLOSED = N_("The floor is closed; your question arrived too late.")
VOTES_CLOSED = N_("The floor is closed; votes are no longer counted.")


def open_floor(meeting: Meeting, text: str, premoderation: object, max_length: int) -> Question:
    """An ad-hoc question from the floor, opened for the whole room at once."""
    return service.open_adhoc_question(
        meeting,
        text,
        max_length,
        question_format=QuestionFormat.FLOOR,
        settings={"premoderation": premoderation},
    )


def ask(
    participant: Participant,
    question_id: object,
    client_id: object,
    text: object,
    anonymous: object,
    max_length: int,
) -> tuple[Answer, bool]:
    """A question from a phone for the floor that is open; a resend returns the stored one."""
    existing = answers.resent(participant, client_id)
    if existing is not None:
        return existing, False
    question = answers.question_for(participant, question_id)
    if floor.is_floor(question):
        service.require_question_open(question, FLOOR_CLOSED)
    return floor.ask(participant, question, client_id, text, max_length, anonymous=anonymous)


def support(participant: Participant, item_id: object, supported: object) -> tuple[Answer, int]:
    item = floor.floor_item_in(participant.meeting, item_id)
    service.require_question_open(item.question, VOTES_CLOSED)
    return item, floor.support(participant, item, supported)


# What each screen receives.


def public_item(item: FloorItem) -> dict:
    return {
        "id": item.id,
        "text": item.text,
        "author": item.author,
        "votes": item.votes,
        "answered": item.answered,
        "created_at": isoformat_utc(item.created_at),
    }


def moderator_item(item: FloorItem) -> dict:
    return {**public_item(item), "hidden": item.hidden, "awaiting_approval": item.awaiting_approval}


def own_item(answer: Answer) -> dict:
    """For its author's phone, which withdraws it by its client id."""
    return {
        "id": answer.id,
        "client_id": answer.client_id,
        "question_id": answer.question_id,
        "text": answer.text,
        "anonymous": answer.anonymous,
        "awaiting_approval": answer.awaiting_approval,
        "created_at": isoformat_utc(answer.created_at),
    }


def _public(items: list[FloorItem]) -> list[FloorItem]:
    return [item for item in items if not item.hidden and not item.awaiting_approval]


def _mine(question: Question, participant: Participant) -> dict:
    own = floor.own_items(question, participant)
    return {
        "question_id": question.id,
        "mine": [own_item(answer) for answer in own if answer.visible],
        "my_pending": [own_item(answer) for answer in own if answer.awaiting_approval],
    }


def _room_view(question: Question, items: list[FloorItem], spotlight: int | None) -> dict:
    return {
        "question_id": question.id,
        "items": [public_item(item) for item in _public(items)],
        "spotlight_id": spotlight,
    }


def _console_view(question: Question, items: list[FloorItem], spotlight: int | None) -> dict:
    return {
        "question_id": question.id,
        "premoderation": bool((question.settings or {}).get("premoderation")),
        "items": [moderator_item(item) for item in items],
        "spotlight_id": spotlight,
    }


def _projector_view(question: Question, items: list[FloorItem], spotlight: int | None) -> dict:
    waiting = [item for item in _public(items) if not item.answered]
    shown = next((item for item in items if item.id == spotlight), None)
    return {
        "question_id": question.id,
        "items": [public_item(item) for item in waiting[:PROJECTOR_TOP]],
        "count": len(waiting),
        "spotlight_id": spotlight,
        "spotlight": public_item(shown) if shown else None,
    }


def phone_floor(participant: Participant, question: Question | None) -> dict | None:
    """The phone's part of its snapshot while the room is on a question from the floor."""
    if not floor.is_floor(question):
        return None
    view = _room_view(question, floor.floor_items(question), floor.spotlight_id(question))
    return {**view, **_mine(question, participant), "my_votes": floor.own_votes(question, participant)}


def console_floor(question: Question | None) -> dict | None:
    if not floor.is_floor(question):
        return None
    items = floor.floor_items(question, include_pending=True, include_hidden=True)
    return _console_view(question, items, floor.spotlight_id(question))


def projector_floor(question: Question | None) -> dict | None:
    if not floor.is_floor(question):
        return None
    return _projector_view(question, floor.floor_items(question), floor.spotlight_id(question))


# Notices, called only after the change is committed.


def floor_changed(meeting_id: int, question_id: int) -> None:
    """The lists of every screen, once for a burst of changes: one query serves all three."""

    def send() -> None:
        question = db.session.get(Question, question_id)
        if not floor.is_floor(question):
            return
        items = floor.floor_items(question, include_pending=True, include_hidden=True)
        spotlight = floor.spotlight_id(question)
        merged = [{"id": source, "into_id": target} for source, target in floor.merged_into(question).items()]
        room = {**_room_view(question, items, spotlight), "merged": merged}
        for audience, data in (
            (Audience.MODERATORS, _console_view(question, items, spotlight)),
            (Audience.PARTICIPANTS, room),
            (Audience.PROJECTOR, _projector_view(question, items, spotlight)),
        ):
            socketio.emit("floor_changed", data, to=meeting_room(meeting_id, audience))

    once_soon(("floor", question_id), send)
    synthesis_changed(meeting_id, question_id)


def item_changed(meeting: Meeting, item: Answer, *, skip_sid: str | None = None) -> None:
    """One item changed: its author's phones learn what is theirs (an item waiting for approval is
    seen by nobody else), and every screen gets the new lists."""
    question = item.question
    socketio.emit(
        "my_floor_changed",
        _mine(question, item.participant),
        to=participant_room(item.participant_id),
        skip_sid=skip_sid,
    )
    floor_changed(meeting.id, question.id)


def vote_changed(participant: Participant, item: Answer, supported: bool, *, skip_sid: str | None) -> None:
    """The voter's other tabs press or release the same button; the room gets the new counts."""
    data = {"question_id": item.question_id, "item_id": item.id, "supported": supported}
    socketio.emit("my_floor_vote", data, to=participant_room(participant.id), skip_sid=skip_sid)
    floor_changed(participant.meeting_id, item.question_id)
