"""Who is the moderator of this request; the only place that reads it from the session.

The signed session cookie holds the token of a server-side session (accounts/sessions.py):
a cookie saved before a logout or a password change opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, redirect, request, session, url_for

from facilitator.accounts import sessions, sockets
from facilitator.accounts.models import Moderator, ModeratorSession
from facilitator.extensions import db

SESSION_KEY = "moderator_session"


def current_session() -> ModeratorSession | None:
    if "moderator_session" not in g:
        token = session.get(SESSION_KEY)
        g.moderator_session = sessions.find(token) if token else None
    return g.moderator_session


def current_moderator() -> Moderator | None:
    row = current_session()
    return row.moderator if row is not None else None


def log_in(moderator: Moderator) -> None:
    """Starts a session; the caller commits."""
    # A fresh session at login: nothing set before authentication carries over.
    session.clear()
    row, token = sessions.start(moderator)
    session[SESSION_KEY] = token
    session.permanent = True
    g.moderator_session = row


def log_out() -> None:
    row = current_session()
    if row is not None:
        ended = row.id
        sessions.end(ended)
        db.session.commit()
        sockets.disconnect([ended])
    session.clear()
    g.moderator_session = None


def keep_alive() -> None:
    """Notes that the session is in use, at most every few minutes (before a request's work)."""
    token = session.get(SESSION_KEY)
    if not token:
        return
    # The first reader of the request: it fills the cache current_session() uses.
    row = g.moderator_session = sessions.find(token)
    if row is not None and sessions.needs_touch(row):
        sessions.touch([row.id])
        db.session.commit()


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_moderator() is None:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped
