"""Who is the moderator of this request; the only place that reads it from the session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, redirect, request, session, url_for

from facilitator.accounts.models import Moderator
from facilitator.extensions import db

SESSION_KEY = "moderator_id"


def current_moderator() -> Moderator | None:
    if "moderator" not in g:
        moderator_id = session.get(SESSION_KEY)
        g.moderator = db.session.get(Moderator, moderator_id) if moderator_id else None
    return g.moderator


def log_in(moderator: Moderator) -> None:
    # A fresh session at login: nothing set before authentication carries over.
    session.clear()
    session[SESSION_KEY] = moderator.id
    session.permanent = True
    g.moderator = moderator


def log_out() -> None:
    session.clear()
    g.moderator = None


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_moderator() is None:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped
