"""Who may read and curate a meeting's synthesis and export its report: its moderator and its
rapporteurs, decided from the login session or the participant cookie, never from the request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import exists, select

from facilitator.accounts.auth import current_moderator
from facilitator.breakouts.models import BreakoutGroup
from facilitator.extensions import db
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting


@dataclass(frozen=True)
class Curator:
    meeting: Meeting
    is_moderator: bool


def is_rapporteur(participant: Participant) -> bool:
    """Rapporteur of a group in any round of the meeting, past or present."""
    return bool(db.session.scalar(select(exists().where(BreakoutGroup.rapporteur_id == participant.id))))


def curator_for(meeting_id: int) -> Curator | None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    moderator = current_moderator()
    if moderator is not None and meeting.owner_id == moderator.id:
        return Curator(meeting, is_moderator=True)
    participant = participant_for(meeting, request_token())
    if participant is not None and is_rapporteur(participant):
        return Curator(meeting, is_moderator=False)
    return None


def curator_or_404(meeting_id: int) -> Curator:
    curator = curator_for(meeting_id)
    # 404 as for every other meeting page: nothing is revealed, not even that the meeting exists.
    if curator is None:
        abort(404)
    return curator
