"""Connecting and disconnecting, and the resync every screen asks for after a reconnect.

Who is on the other end is decided here, once, from server-side state (the phone's cookie, the
moderator's login session), and kept with the socket (facilitator/realtime/connections.py).
"""

from __future__ import annotations

from flask import request
from flask_socketio import ConnectionRefusedError, emit, join_room

from facilitator.accounts import sockets as moderator_sockets
from facilitator.accounts.auth import current_session
from facilitator.extensions import db, socketio
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.service import meeting_by_code
from facilitator.meetings.models import Meeting
from facilitator.realtime import connections, presence, rate_limit, screens
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of, participant_of
from facilitator.realtime.rooms import Audience, meeting_room, participant_room


@socketio.on("connect")
def connect(auth: object = None) -> None:
    auth = auth if isinstance(auth, dict) else {}
    view = auth.get("view")
    if view == "phone":
        meeting = meeting_by_code(str(auth.get("meeting", ""))[:32])
        participant = participant_for(meeting, request_token()) if meeting else None
        if participant is None:
            raise ConnectionRefusedError("not_joined")
        connections.remember(Connection("participant", view, meeting.id, participant_id=participant.id))
        join_room(participant_room(participant.id))
        join_room(meeting_room(meeting.id, Audience.PARTICIPANTS))
        screens.prepare_phone(participant)
        presence.arrived(request.sid, meeting.id, participant.id)
        emit("snapshot", screens.phone_snapshot(participant))
        presence.changed(meeting.id)
        return
    audience = screens.moderator_audience(view)
    if audience is None:
        raise ConnectionRefusedError("bad_request")
    login = current_session()
    meeting_id = auth.get("meeting")
    meeting = db.session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if login is None or meeting is None or meeting.owner_id != login.moderator_id:
        raise ConnectionRefusedError("forbidden")
    connection = Connection(
        "moderator", view, meeting.id, moderator_id=login.moderator_id, moderator_session_id=login.id
    )
    connections.remember(connection)
    moderator_sockets.opened(request.sid, "/", login.id)
    join_room(meeting_room(meeting.id, audience))
    emit("snapshot", screens.moderator_snapshot(view, meeting))


@socketio.on("disconnect")
def disconnect(*_reason: object) -> None:
    rate_limit.forget_connection(request.sid)
    connection = connections.current()
    if connection is not None and connection.role == "participant":
        presence.left(request.sid)
        presence.changed(connection.meeting_id)


@live_event("sync", "participant")
def sync_phone(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    screens.prepare_phone(participant)
    return {"snapshot": screens.phone_snapshot(participant)}


@live_event("sync_console", "moderator")
def sync_moderator(connection: Connection, payload: dict) -> dict:
    return {"snapshot": screens.moderator_snapshot(connection.view, meeting_of(connection))}
