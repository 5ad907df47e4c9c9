"""Committing the way a socket event needs it."""

from __future__ import annotations

from facilitator.extensions import db


def commit_keeping_state() -> None:
    """Commits without expiring what the session has loaded.

    Each socket event has a session of its own that ends with the event; what it loaded
    is exactly what it has just written. Expiring it, as a plain commit does, would make
    the broadcast that follows read every row back, one statement each.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
