"""The one way a socket event is handled: check the role, pace, check the session, validate, answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import request
from flask_babel import gettext as _

from facilitator.errors import N_, DomainError
from facilitator.extensions import db, socketio
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from facilitator.realtime import connections, rate_limit
from facilitator.realtime.connections import Connection

log = logging.getLogger(__name__)


class ConnectionError_(DomainError):
    """The socket's participant or meeting is gone."""


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
        raise ConnectionError_(N_("You are no longer part of this meeting."))
    return participant


def meeting_of(connection: Connection) -> Meeting:
    meeting = connection.meeting()
    if meeting is None:
        raise ConnectionError_(N_("This meeting no longer exists."))
    return meeting
