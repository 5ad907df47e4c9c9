"""Socket.IO events of live questions: check who asks, validate, change, commit, broadcast."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, emit, join_room

from facilitator.accounts.auth import current_moderator
from facilitator.errors import N_, DomainError
from facilitator.extensions import db, socketio
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.service import meeting_by_code
from facilitator.live import broadcasts, connections, payloads, service
from facilitator.live.connections import Connection
from facilitator.live.snapshots import console_snapshot, phone_snapshot, projector_snapshot
from facilitator.meetings.models import Meeting, Question, QuestionStatus
from facilitator.rooms import Audience, meeting_room, participant_room

log = logging.getLogger(__name__)
MODERATOR_VIEWS = {"console": Audience.MODERATORS, "projector": Audience.PROJECTOR}


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
        emit("snapshot", phone_snapshot(participant))
    elif view in MODERATOR_VIEWS:
        moderator = current_moderator()
        meeting_id = auth.get("meeting")
        meeting = db.session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
        if moderator is None or meeting is None or meeting.owner_id != moderator.id:
            raise ConnectionRefusedError("forbidden")
        connections.remember(Connection("moderator", view, meeting.id, moderator_id=moderator.id))
        join_room(meeting_room(meeting.id, MODERATOR_VIEWS[view]))
        emit("snapshot", (console_snapshot if view == "console" else projector_snapshot)(meeting))
    else:
        raise ConnectionRefusedError("bad_request")


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
            if payload is None:
                payload = {}
            if not isinstance(payload, dict):
                return _failure(_("This request is malformed."))
            try:
                return {"ok": True, **handler(connection, payload)}
            except DomainError as error:
                db.session.rollback()
                return _failure(error.translated())
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", event)
                return _failure(_("The server could not do this. Please try again."))

        socketio.on_event(event, wrapped)
        return wrapped

    return decorate


def _participant(connection: Connection):
    participant = connection.participant()
    if participant is None:
        raise service.LiveError(N_("You are no longer part of this meeting."))
    return participant


def _meeting(connection: Connection) -> Meeting:
    meeting = connection.meeting()
    if meeting is None:
        raise service.LiveError(N_("This meeting no longer exists."))
    return meeting


@live_event("sync", "participant")
def sync_phone(connection: Connection, payload: dict) -> dict:
    return {"snapshot": phone_snapshot(_participant(connection))}


@live_event("sync_console", "moderator")
def sync_moderator(connection: Connection, payload: dict) -> dict:
    meeting = _meeting(connection)
    build = console_snapshot if connection.view == "console" else projector_snapshot
    return {"snapshot": build(meeting)}


@live_event("submit_answer", "participant")
def submit_answer(connection: Connection, payload: dict) -> dict:
    participant = _participant(connection)
    answer, created = service.submit_answer(
        participant,
        payload.get("question_id"),
        payload.get("client_id"),
        payload.get("text"),
        current_app.config["MAX_ANSWER_LENGTH"],
    )
    if created:
        db.session.commit()
        broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer), "duplicate": not created}


@live_event("edit_answer", "participant")
def edit_answer(connection: Connection, payload: dict) -> dict:
    participant = _participant(connection)
    answer = service.edit_answer(
        participant, payload.get("client_id"), payload.get("text"), current_app.config["MAX_ANSWER_LENGTH"]
    )
    db.session.commit()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer)}


@live_event("delete_answer", "participant")
def delete_answer(connection: Connection, payload: dict) -> dict:
    participant = _participant(connection)
    answer = service.delete_answer(participant, payload.get("client_id"))
    db.session.commit()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"client_id": answer.client_id}


@live_event("open_question", "moderator")
def open_question(connection: Connection, payload: dict) -> dict:
    meeting = _meeting(connection)
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
    db.session.commit()
    broadcasts.question_changed(meeting, "question_opened", question, fresh=fresh)
    return {"question": payloads.question_payload(question)}


@live_event("close_question", "moderator")
def close_question(connection: Connection, payload: dict) -> dict:
    meeting = _meeting(connection)
    question = service.close_current_question(meeting)
    db.session.commit()
    broadcasts.question_changed(meeting, "question_closed", question)
    return {"question": payloads.question_payload(question)}


@live_event("hide_answer", "moderator")
def hide_answer(connection: Connection, payload: dict) -> dict:
    meeting = _meeting(connection)
    hidden = payload.get("hidden", True)
    if not isinstance(hidden, bool):
        raise service.LiveError(N_("This request is malformed."))
    answer = service.set_answer_hidden(meeting, payload.get("answer_id"), hidden)
    db.session.commit()
    broadcasts.answer_changed(meeting, answer)
    return {"answer": payloads.public_answer_payload(meeting, answer)}


@live_event("show_answers_on_projector", "moderator")
def show_answers_on_projector(connection: Connection, payload: dict) -> dict:
    meeting = _meeting(connection)
    show = payload.get("show")
    if not isinstance(show, bool):
        raise service.LiveError(N_("This request is malformed."))
    meeting.projector_shows_answers = show
    db.session.commit()
    broadcasts.projector_settings_changed(meeting)
    return {"meeting": payloads.meeting_payload(meeting)}
