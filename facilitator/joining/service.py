"""Joining a meeting from a phone."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.joining.identity import hash_token
from facilitator.joining.models import Participant
from facilitator.meetings.join_codes import normalise_join_code
from facilitator.meetings.models import Meeting


def meeting_by_code(typed_code: str) -> Meeting | None:
    code = normalise_join_code(typed_code)
    if not code:
        return None
    return db.session.scalar(select(Meeting).where(Meeting.join_code == code))


def join(meeting: Meeting, token: str, profile: dict[str, str], join_address_hash: str = "") -> Participant:
    """The same phone joining twice is the same participant, with its profile updated."""
    token_hash = hash_token(token)
    existing = db.session.scalar(
        select(Participant).where(Participant.meeting_id == meeting.id, Participant.token_hash == token_hash)
    )
    participant = existing or Participant(
        meeting_id=meeting.id, token_hash=token_hash, join_address_hash=join_address_hash
    )
    for name, value in profile.items():
        setattr(participant, name, (value or "").strip())
    db.session.add(participant)
    try:
        db.session.commit()
    except IntegrityError:
        # Two taps on "Join" raced; the other request created the row first.
        db.session.rollback()
        participant = db.session.scalar(
            select(Participant).where(
                Participant.meeting_id == meeting.id, Participant.token_hash == token_hash
            )
        )
    return participant


def is_known_to(meeting_id: int, token: str | None, join_address_hash: str) -> bool:
    """Whether this phone, or its network, already has a participant in the meeting. One query,
    the same for a meeting id that does not exist: its timing tells no hit from a miss."""
    known = [Participant.join_address_hash == join_address_hash]
    if token:
        known.append(Participant.token_hash == hash_token(token))
    found = db.session.scalar(
        select(Participant.id).where(Participant.meeting_id == meeting_id, or_(*known)).limit(1)
    )
    return found is not None


def participant_count(meeting_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Participant).where(Participant.meeting_id == meeting_id)
    )
