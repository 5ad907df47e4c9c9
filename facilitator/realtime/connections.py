"""Who is on the other end of a socket, decided once at connect from server-side state.

Events never take a meeting, participant or role from the client: they read it here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import g, session
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from facilitator.accounts import sessions
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting

KEY = "connection"


@dataclass(frozen=True)
class Connection:
    role: str  # "participant" or "moderator"
    view: str  # "phone", "console" or "projector"
    meeting_id: int
    participant_id: int | None = None
    moderator_id: int | None = None
    # The moderator's login session: the socket keeps its powers only while it lives.
    moderator_session_id: int | None = None

    def participant(self) -> Participant | None:
        if not self.participant_id:
            return None
        # Every phone event reads the participant, its meeting and the running round:
        # one statement instead of three.
        participant = db.session.get(
            Participant,
            self.participant_id,
            options=[joinedload(Participant.meeting).joinedload(Meeting.current_round)],
        )
        return participant if participant and participant.meeting_id == self.meeting_id else None

    def session_alive(self) -> bool:
        """For a moderator's socket, whether its login session still lives. The same statement
        loads the meeting the event is about to read, so the check costs no extra round trip."""
        if self.role != "moderator":
            return True
        row = db.session.execute(
            select(Meeting, sessions.is_live_clause(self.moderator_session_id)).where(
                Meeting.id == self.meeting_id
            )
        ).first()
        if row is None:
            return True  # a meeting deleted meanwhile is the event's to report
        # The session's identity map holds objects weakly: kept here, the meeting is still
        # loaded when the event asks for it.
        g.connection_meeting = row[0]
        return bool(row[1])

    def meeting(self) -> Meeting | None:
        meeting = db.session.get(Meeting, self.meeting_id)
        if meeting is None:
            return None
        if self.role == "moderator" and meeting.owner_id != self.moderator_id:
            return None
        return meeting


def remember(connection: Connection) -> None:
    # Flask-SocketIO keeps this session per socket on the server; it never reaches a cookie.
    session[KEY] = asdict(connection)


def current() -> Connection | None:
    data = session.get(KEY)
    return Connection(**data) if data else None
