"""Socket.IO connections and live-question events: check who asks, validate, change, commit, broadcast."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room

from facilitator.accounts import sockets as moderator_sockets
from facilitator.accounts.auth import current_session
from facilitator.breakouts import broadcasts as breakout_broadcasts
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.snapshots import cockpit_snapshot
from facilitator.errors import N_, DomainError
from facilitator.extensions import db, socketio
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.models import Participant
from facilitator.joining.service import meeting_by_code
from facilitator.live import broadcasts, connections, payloads, presence, rate_limit, service
from facilitator.live.connections import Connection
from facilitator.live.snapshots import console_snapshot, phone_snapshot, projector_snapshot
from facilitator.meetings.models import Meeting, Question, QuestionStatus
from facilitator.rooms import Audience, group_room, meeting_room, participant_room

log = logging.getLogger(__name__)
GROUP_ROOM_KEY = "group_room"
MODERATOR_VIEWS = {
    "console": Audience.MODERATORS,
    "cockpit": Audience.MODERATORS,
    "projector": Audience.PROJECTOR,
}


def enter_group_room(participant: Participant) -> None:
    """Join the room of the group the database says this phone is in, and leave any other."""
    meeting = participant.meeting
    round_ = breakouts.running_round(meeting)
    member = breakouts.membership(round_, participant) if round_ else None
    if round_ is not None and member is None and breakouts.place_late_joiner(round_, participant):
        db.session.commit()
        member = breakouts.membership(round_, participant)
        breakout_broadcasts.membership_changed(meeting.id, participant.id, member.group_id)
    wanted = group_room(member.group_id) if member else None
    # The socket's own session remembers its group room: asking Socket.IO for a socket's
    # rooms scans every room of the server, one per participant, on each of a thousand syncs.
    current = session.get(GROUP_ROOM_KEY)
    if current and current != wanted:
        leave_room(current)
    if wanted:
        join_room(wanted)
    session[GROUP_ROOM_KEY] = wanted


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
        enter_group_room(participant)
        presence.arrived(request.sid, meeting.id, participant.id)
        emit("snapshot", phone_snapshot(participant))
        broadcasts.presence_changed(meeting.id)
    elif view in MODERATOR_VIEWS:
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
        join_room(meeting_room(meeting.id, MODERATOR_VIEWS[view]))
        emit("snapshot", moderator_snapshot(view, meeting))
    else:
        raise ConnectionRefusedError("bad_request")


@socketio.on("disconnect")
def disconnect(*_reason: object) -> None:
    rate_limit.forget_connection(request.sid)
    connection = connections.current()
    if connection is not None and connection.role == "participant":
        presence.left(request.sid)
        broadcasts.presence_changed(connection.meeting_id)


def moderator_snapshot(view: str, meeting: Meeting) -> dict:
    builders = {"console": console_snapshot, "projector": projector_snapshot, "cockpit": cockpit_snapshot}
    return builders[view](meeting)


def _failure(message: str) -> dict:
    return {"ok": False, "error": message}


def live_event(event: str, role: str) -> Callable:
    """Registers a handler that runs only for the given role and answers every call.

    The handler gets the connection and the payload as a dict; what it returns is the
    acknowledgement. A refused request changes nothing and says why.
    """

    def decorate(handler: Callable[[Connection, dict], dict]) -> Callable:
        @wraps(handler)
        def wrapped(payload: object = None) -> dict:
            connection = connections.current()
            if connection is None or connection.role != role:
                return _failure(_("You are not allowed to do this."))
            # Before anything touches the database: a flood must cost the server nothing.
            wait = rate_limit.wait_for(request.sid, connection.role, connection.participant_id)
            if wait:
                message = _("You are sending too fast. Please wait a moment and try again.")
                return {**_failure(message), "retry_after": wait}
            if not connection.session_alive():
                # Logged out, or the password changed: this socket loses its powers now, and
                # its process's next sweep closes it (facilitator/accounts/sockets.py).
                return _failure(_("Your session has ended. Please log in again."))
            if payload is None:
                payload = {}
            if not isinstance(payload, dict):
                return _failure(_("This request is malformed."))
            try:
                return {"ok": True, **handler(connection, payload)}
            except DomainError as error:
                db.session.rollback()
                return {**_failure(error.translated()), **getattr(error, "details", {})}
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", event)
                return _failure(_("The server could not do this. Please try again."))

        socketio.on_event(event, wrapped)
        return wrapped

    return decorate


def participant_of(connection: Connection) -> Participant:
    participant = connection.participant()
    if participant is None:
        raise service.LiveError(N_("You are no longer part of this meeting."))
    return participant


def meeting_of(connection: Connection) -> Meeting:
    meeting = connection.meeting()
    if meeting is None:
        raise service.LiveError(N_("This meeting no longer exists."))
    return meeting


@live_event("sync", "participant")
def sync_phone(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    enter_group_room(participant)
    return {"snapshot": phone_snapshot(participant)}


@live_event("sync_console", "moderator")
def sync_moderator(connection: Connection, payload: dict) -> dict:
    return {"snapshot": moderator_snapshot(connection.view, meeting_of(connection))}


@live_event("submit_answer", "participant")
def submit_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    meeting = participant.meeting
    # During a breakout round the answer goes on the wall of the phone's own group.
    round_ = breakouts.running_round(meeting)
    member = breakouts.membership(round_, participant) if round_ else None
    if (
        member is None
        and payload.get("for_group") is True
        and not service.already_stored(participant, payload.get("client_id"))
    ):
        raise service.LiveError(N_("This breakout round has ended; your answer arrived too late."))
    answer, created = service.submit_answer(
        participant,
        payload.get("question_id"),
        payload.get("client_id"),
        payload.get("text"),
        current_app.config["MAX_ANSWER_LENGTH"],
        group=member.group if member else None,
    )
    if created:
        service.commit_keeping_state()
        broadcasts.answer_changed(meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer), "duplicate": not created}


@live_event("edit_answer", "participant")
def edit_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    answer = service.edit_answer(
        participant, payload.get("client_id"), payload.get("text"), current_app.config["MAX_ANSWER_LENGTH"]
    )
    service.commit_keeping_state()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer)}


@live_event("delete_answer", "participant")
def delete_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    answer = service.delete_answer(participant, payload.get("client_id"))
    service.commit_keeping_state()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"client_id": answer.client_id}


@live_event("open_question", "moderator")
def open_question(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    fresh = True
    if "text" in payload:
        question = service.open_adhoc_question(
            meeting, payload["text"], current_app.config["MAX_QUESTION_LENGTH"]
        )
    else:
        question_id = payload.get("question_id")
        question = db.session.get(Question, question_id) if isinstance(question_id, int) else None
        if question is None or question.meeting_id != meeting.id:
            raise service.LiveError(N_("This question does not exist."))
        fresh = question.status == QuestionStatus.DRAFT
        service.open_question(meeting, question)
    service.commit_keeping_state()
    broadcasts.question_changed(meeting, "question_opened", question, fresh=fresh)
    return {"question": payloads.question_payload(question)}


@live_event("close_question", "moderator")
def close_question(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    question = service.close_current_question(meeting)
    service.commit_keeping_state()
    broadcasts.question_changed(meeting, "question_closed", question)
    return {"question": payloads.question_payload(question)}


@live_event("hide_answer", "moderator")
def hide_answer(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    hidden = payload.get("hidden", True)
    if not isinstance(hidden, bool):
        raise service.LiveError(N_("This request is malformed."))
    answer = service.set_answer_hidden(meeting, payload.get("answer_id"), hidden)
    service.commit_keeping_state()
    broadcasts.answer_changed(meeting, answer)
    return {"answer": payloads.public_answer_payload(meeting, answer)}


@live_event("show_answers_on_projector", "moderator")
def show_answers_on_projector(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    show = payload.get("show")
    if not isinstance(show, bool):
        raise service.LiveError(N_("This request is malformed."))
    meeting.projector_shows_answers = show
    service.commit_keeping_state()
    broadcasts.projector_settings_changed(meeting)
    return {"meeting": payloads.meeting_payload(meeting)}
